import { describe, expect, it } from 'vitest';
import { compactJson, summaryLine } from './render.js';
import type { PolicyDiff } from './model.js';

describe('compactJson', () => {
  it('keeps short objects on one line', () => {
    expect(compactJson({ a: 1, b: 'x', c: [1, 2] })).toBe('{ "a": 1, "b": "x", "c": [1, 2] }');
  });
  it('folds a list of identical elements', () => {
    expect(compactJson({ xs: new Array(1200).fill({ v: 1 }) })).toBe('{ "xs": [ 1,200 × { "v": 1 } ] }');
  });
  it('breaks long objects over lines', () => {
    const long = { a: 'x'.repeat(60), b: 'y'.repeat(60) };
    expect(compactJson(long)).toBe(`{\n  "a": "${'x'.repeat(60)}",\n  "b": "${'y'.repeat(60)}"\n}`);
  });
});

describe('summaryLine', () => {
  const base = { old: {}, new: {}, asOf: '2024-01-01', impact: [], meaning: false, breaking: false } as unknown as PolicyDiff;
  it('says when nothing changed in meaning', () => {
    const d = { ...base, changes: [], summary: { meaning: 0, stricter: 0, looser: 0, unknown: 0, breaking: 0, metadata: 0, wording: 0 } } as PolicyDiff;
    expect(summaryLine(d)).toBe('no change in meaning');
  });
  it('counts directions, metadata and wording', () => {
    const d = {
      ...base,
      meaning: true,
      changes: [{ category: 'definition', what: 'param', name: 'p', change: 'changed', meaning: true, direction: 'stricter', why: [], affects: [] }],
      summary: { meaning: 1, stricter: 1, looser: 0, unknown: 0, breaking: 0, metadata: 2, wording: 1 },
    } as unknown as PolicyDiff;
    expect(summaryLine(d)).toBe('1 change in meaning (1 stricter) · 2 metadata changes · 1 wording change');
  });
});
