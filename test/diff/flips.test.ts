/**
 * The flip report of `bylaw diff --data`: both versions evaluated on the same
 * NDJSON records, as a migration matrix whose counts add up to the input.
 *
 * The fixture (flips/merchants.ndjson) has 16 lines: one blank (not a
 * record), one that is not JSON and one JSON array (malformed records), one
 * record with a data error, one without a rating (undetermined), and records
 * on both sides of the raised silver threshold and rating.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, compile } from '../support/bylaw.js';
import { flipReport } from '../../packages/diff/src/index.js';
import { runBylaw } from '../support/cli.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const update = process.env['UPDATE_GOLDEN'] === '1';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runBylaw(['diff', ...args], root);
  return { ...r, out: r.out + '\n' };
}

const args = ['test/diff/flips/v1.policy', 'test/diff/flips/v2.policy', '--data', 'test/diff/flips/merchants.ndjson', '--as-of', '2024-03-01'];

interface Report {
  records: number;
  malformed: number;
  malformedExamples: string[];
  evaluated: number;
  flipped: number;
  labels: string[];
  matrix: number[][];
  transitions: { from: string; to: string; count: number; examples: string[]; responsible: { path: string; count: number }[] }[];
}

describe('bylaw diff --data', () => {
  it('accounts for every record: the matrix and the malformed lines add up to the input', async () => {
    const r = await run([...args, '--format', 'json']);
    expect(r.err).toBe('');
    const f = (JSON.parse(r.out) as { flips: Report }).flips;
    const lines = readFileSync(join(here, 'flips', 'merchants.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(f.records).toBe(lines.length);
    expect(f.malformed).toBe(2);
    expect(f.malformedExamples).toEqual(['line 11', 'line 13']);
    const inMatrix = f.matrix.flat().reduce((a, b) => a + b, 0);
    expect(inMatrix).toBe(f.evaluated);
    expect(inMatrix + f.malformed).toBe(f.records);
    const offDiagonal = f.matrix.flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
    expect(offDiagonal).toBe(f.flipped);
    expect(f.transitions.reduce((a, t) => a + t.count, 0)).toBe(f.flipped);
  });

  it('groups the flips by transition, with examples and the criteria responsible', async () => {
    const r = await run([...args, '--format', 'json']);
    const f = (JSON.parse(r.out) as { flips: Report }).flips;
    const cell = (a: string, b: string) => f.matrix[f.labels.indexOf(a)]![f.labels.indexOf(b)];
    expect(f.labels).toEqual(['gold', 'silver', 'base', 'rejected', 'undetermined']);
    expect(cell('gold', 'gold')).toBe(1);
    expect(cell('silver', 'base')).toBe(3);
    expect(cell('silver', 'rejected')).toBe(2);
    expect(cell('undetermined', 'undetermined')).toBe(2); // no rating; a gmv that is not a number
    const toBase = f.transitions.find((t) => t.from === 'silver' && t.to === 'base')!;
    expect(toBase.examples).toEqual(['M02', 'M03', 'line 15']);
    expect(toBase.responsible).toEqual([{ path: 'tier silver', count: 3 }]);
    const toRejected = f.transitions.find((t) => t.from === 'silver' && t.to === 'rejected')!;
    expect(toRejected.responsible[0]).toEqual({ path: 'rated', count: 2 });
  });

  it('prints the matrix (golden)', async () => {
    const r = await run(args);
    const path = join(here, 'flips', 'expected.txt');
    if (update) writeFileSync(path, r.out);
    else expect(r.out).toBe(readFileSync(path, 'utf8'));
    expect(r.code).toBe(1);
  });

  it('streams: a large input is counted record by record', async () => {
    const load = (f: string) => check([{ path: f, text: readFileSync(join(here, 'flips', f), 'utf8') }]).policies[0]!;
    const pair = { old: compile(load('v1.policy')), new: compile(load('v2.policy')) };
    const n = 20_000;
    async function* lines() {
      for (let i = 0; i < n; i++) {
        if (i % 1000 === 999) yield '{ broken';
        else yield JSON.stringify({ id: `S${i}`, gmv: 8_000_000 + (i % 40) * 100_000, rating: 4.5 + (i % 3) * 0.1 });
      }
    }
    const f = await flipReport(pair, lines(), { asOf: '2024-03-01', file: 'generated' });
    expect(f.records).toBe(n);
    expect(f.malformed).toBe(20);
    expect(f.matrix.flat().reduce((a, b) => a + b, 0) + f.malformed).toBe(n);
    for (const t of f.transitions) expect(t.examples.length).toBeLessThanOrEqual(5);
  });
});
