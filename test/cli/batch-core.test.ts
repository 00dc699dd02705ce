/**
 * Deciding a segment of a batch: the records written by hand on the fast path
 * are exactly those of the one-line path (decideLine + formatResult), and
 * every line is accounted for: blank lines, CRLF, a last line without a
 * newline, malformed lines, ids that need escaping.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadPolicies } from '../support/bylaw.js';
import { harnessMerchant } from '../support/harness-merchant.js';
import { BatchSummary, SegmentDecider, decideLine, formatResult, type BatchJob } from '../../packages/cli/src/batch-core.js';

const root = join(import.meta.dirname, '..', '..');
const job: BatchJob = {
  policyId: 'bench.admission',
  asOf: '2024-01-01',
  params: undefined,
  input: 'ndjson',
  columns: undefined,
};
const { registry } = loadPolicies([join(root, 'bench/harness')], { cwd: root });
const policy = registry!.inForce(job.policyId, job.asOf)!.policy;

function merchant(i: number, id: unknown) {
  return { ...(id === undefined ? {} : { id }), ...harnessMerchant(i) };
}

const ids: unknown[] = ['m1', 'with "quotes" and \\', 'line\nbreak, comma', 'é中😀', 42, undefined, { nested: true }, 'tab\there', '\u2028', ''];

/** Raw lines of every kind, without their newlines. */
const rawLines = [
  ...ids.map((id, i) => JSON.stringify(merchant(i, id))),
  JSON.stringify(merchant(3, 'crlf')) + '\r',
  '',
  '   \t',
  '\r',
  '{"id": broken',
  '[1, 2]',
  '42',
  'null',
  JSON.stringify({ ...merchant(4, 'wrong type'), platform_level: 'high' }),
  JSON.stringify({ id: 'missing', platform_level: 4 }),
  '{"id":"\\ud800 lone surrogate","platform_level":1}',
  '  ' + JSON.stringify(merchant(5, 'indented')),
  JSON.stringify(merchant(6, 'last line, no newline')),
];

/** What the one-line path writes for each line, and its summary. */
function reference(format: 'ndjson' | 'csv', firstLine: number) {
  const summary = new BatchSummary();
  const out: string[] = [];
  rawLines.forEach((raw, i) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    const r = decideLine(policy, registry!, job, text, firstLine + i);
    summary.add(r);
    out.push(formatResult(r, format) + '\n');
  });
  return { output: out.join(''), summary: summary.toJSON() };
}

describe('SegmentDecider', () => {
  for (const format of ['ndjson', 'csv'] as const) {
    it(`writes ${format} records exactly as the one-line path does`, () => {
      const decider = new SegmentDecider(policy, registry!, job, format, 'skip');
      const bytes = Buffer.from(rawLines.join('\n'));
      // Twice: the decisions remembered from the first segment serve the second.
      for (const firstLine of [1, 1001]) {
        const r = decider.decide(7, firstLine, bytes);
        const want = reference(format, firstLine);
        // Compared as the bytes written (a lone surrogate is written as U+FFFD either way).
        expect(Buffer.from(r.output).toString('utf8')).toBe(Buffer.from(want.output).toString('utf8'));
        expect(r.summary).toEqual(want.summary);
        expect(r.lines).toBe(rawLines.length);
        expect(r.seq).toBe(7);
        expect(r.failedAt).toBeUndefined();
        expect(r.malformed).toEqual([
          `line ${firstLine + 14} is not JSON: ${errorOf('{"id": broken')}`,
          `line ${firstLine + 15} is not a JSON object`,
          `line ${firstLine + 16} is not a JSON object`,
          `line ${firstLine + 17} is not a JSON object`,
        ]);
      }
    });
  }

  it('counts a segment that ends with a newline, and an empty one', () => {
    const decider = new SegmentDecider(policy, registry!, job, 'ndjson', 'skip');
    const r = decider.decide(0, 5, Buffer.from(`${JSON.stringify(merchant(1, 'a'))}\r\n\n${JSON.stringify(merchant(2, 'b'))}\n`));
    expect(r.lines).toBe(3);
    expect(Buffer.from(r.output).toString('utf8').split('\n').map((l) => (l ? JSON.parse(l).line : l))).toEqual([5, 7, '']);
    const empty = decider.decide(1, 8, new Uint8Array(0));
    expect(empty.lines).toBe(0);
    expect(empty.output.length).toBe(0);
    expect(empty.summary.records).toBe(0);
  });

  it('stops at the first malformed line with --on-malformed fail', () => {
    const decider = new SegmentDecider(policy, registry!, job, 'ndjson', 'fail');
    const r = decider.decide(0, 1, Buffer.from(rawLines.join('\n')));
    expect(r.failedAt?.line).toBe(15);
    expect(r.malformed).toEqual([r.failedAt!.malformed]);
    // The records before it, not the malformed line itself.
    expect(Buffer.from(r.output).toString('utf8')).toBe(reference('ndjson', 1).output.split('\n').slice(0, 11).join('\n') + '\n');
    expect(r.summary.records).toBe(12);
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}
