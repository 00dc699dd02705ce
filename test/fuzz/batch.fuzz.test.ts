/**
 * Fuzzing the batch input: the NDJSON reader, the JSON-array reader and the
 * CSV reader (with csv-parse) and CSV records, fed hostile ids, keys, cells
 * and encodings (byte-order marks, CRLF, invalid UTF-8, NUL, lone surrogates,
 * quotes and delimiters everywhere), cut into tiny segments so that records
 * straddle them. Properties:
 *
 * - every record is accounted for, once, in order, with its line (or element) number;
 * - what a reader hands on is exactly the input: valid JSON elements parse to
 *   the values written, CSV cells are the cells written;
 * - the segment decider writes what the one-record path writes, and never throws;
 * - nothing is written onto a prototype or a built-in.
 *
 * CI runs a few hundred cases per target; `FUZZ_RUNS=<n>` runs more (see support.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteSource, CsvReader, JsonArrayReader, NdjsonReader, loadCsvParser, type Reader } from '../../packages/cli/src/batch-read.js';
import { SegmentDecider, decideLine, formatResult, planColumns, csvRecord, type BatchJob } from '../../packages/cli/src/batch-core.js';
import { PolicyRegistry } from '../support/bylaw.js';
import { assertNoPollution, count, fuzzTimeout, params, report, runs } from './support.js';

const policy = `policy fuzz.shop "店铺"
  version "1"
  published 2023-01-01
  effective 2023-01-01
subject shop: Shop
type Shop {
  id?: string
  name?: string
  rating?: number
  tags?: list of string
  verified?: bool
  toString?: number
}
decide {
  tier good "优质": shop.rating >= 4.5 or shop.toString > 100
  default tier base "普通"
}
`;
const { registry } = PolicyRegistry.fromSources([{ path: 'shop.policy', text: policy }]);
await loadCsvParser();
const compiled = registry!.inForce('fuzz.shop', '2024-01-01')!.policy;
const dir = mkdtempSync(join(tmpdir(), 'bylaw-batch-fuzz-'));
let fileNo = 0;

/** Write bytes to a fresh file and open it as a source. */
function source(bytes: Uint8Array | string): ByteSource {
  const path = join(dir, `f${fileNo++}`);
  writeFileSync(path, bytes);
  return new ByteSource(path);
}

/** Every segment of a reader, decided by a SegmentDecider and, line by line, by the one-record path. */
function decideAll(reader: Reader, job: BatchJob) {
  const decider = new SegmentDecider(compiled, registry!, job, 'ndjson', 'skip');
  let batch = '';
  let single = '';
  const firstLines: number[] = [];
  for (let s = reader.next(false); s; s = reader.next(false)) {
    firstLines.push(s.firstLine);
    const r = decider.decide(s.seq, s.firstLine, s.bytes);
    reader.advance(r.lines);
    batch += Buffer.from(r.output).toString('utf8');
    // The one-record path over the same lines.
    Buffer.from(s.bytes)
      .toString('utf8')
      .split('\n')
      .forEach((text, i) => {
        const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
        if (raw.trim() === '') return;
        single += formatResult(decideLine(compiled, registry!, job, raw, s.firstLine + i), 'ndjson') + '\n';
      });
  }
  reader.close();
  return { batch, single, records: batch.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { line: number; id?: string; malformed?: string }) };
}

/** Own properties of the built-ins a hostile key could reach, to compare before and after. */
function builtinState(): string {
  const fns = [Object.prototype.hasOwnProperty, Object.prototype.toString, Object.prototype.valueOf, Function.prototype.call, Object, Array.prototype.push];
  return fns.map((f) => Object.getOwnPropertyNames(f).sort().join(',')).join('|');
}
const builtinsBefore = builtinState();

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'id', 'rating', 'name', 'tags', 'verified', ''),
  fc.string({ maxLength: 8 }),
);
const hostileId = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({ toString: 1 }),
  fc.constant({ valueOf: 1, toString: {} }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(hostileKey, fc.integer(), { maxKeys: 3 }),
);
const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }));
const record = fc.record({ id: hostileId, rating: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 4 })), extra: fc.dictionary(hostileKey, value, { maxKeys: 4 }) }, { requiredKeys: [] }).map(({ extra = {}, ...r }) => {
  // JSON as a data provider sends it: keys like __proto__ as own keys.
  const text = JSON.stringify(r);
  const more = Object.entries(extra).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return more.length === 0 ? text : text === '{}' ? `{${more.join(',')}}` : `${text.slice(0, -1)},${more.join(',')}}`;
});
const junkLine = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('{', '}', '[1,2]', '"x"', '42', 'null', '{"a":1', '{"a":1}x', '\u0000', '\ufeff{}'));

describe('batch reader fuzz', () => {
  it('NDJSON: every line accounted for, in order, as the one-record path decides it', { timeout: fuzzTimeout }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: junkLine }, { weight: 1, arbitrary: fc.constantFrom('', '  ', '\t') }), { maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 8, max: 200 }),
        (lines, bom, crlf, invalidUtf8, segmentBytes) => {
          count('batch NDJSON');
          let bytes = Buffer.from((bom ? '\ufeff' : '') + lines.join(crlf ? '\r\n' : '\n'), 'utf8');
          if (invalidUtf8) bytes = Buffer.concat([bytes, Buffer.from([0x0a, 0xff, 0xfe, 0x7b, 0x7d])]);
          // The non-blank lines of the text as written (a junk line may hold line breaks of its own).
          const expected: number[] = [];
          bytes
            .toString('utf8')
            .replace(/^\ufeff/, '')
            .split('\n')
            .forEach((l, i) => {
              if (l.replace(/\r$/, '').trim() !== '') expected.push(i + 1);
            });
          const { batch, single, records } = decideAll(new NdjsonReader(source(bytes), segmentBytes), { policyId: 'fuzz.shop', asOf: '2024-01-01', params: undefined, input: 'ndjson', columns: undefined });
          expect(records.map((r) => r.line)).toEqual(expected);
          expect(batch).toBe(single);
          assertNoPollution();
          expect(builtinState()).toBe(builtinsBefore);
        },
      ),
      params(runs(300)),
    );
    report('batch NDJSON');
  });

  it('JSON array: each element once, as written; empty elements and junk reported with their numbers', { timeout: fuzzTimeout }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 4, arbitrary: record }, { weight: 1, arbitrary: fc.constantFrom('', '42', '"s"', '[1,[2]]', '{"a":"]}[,"}') }), { maxLength: 30 }),
        fc.constantFrom(',', ', ', ',\n', ' ,\r\n  '),
        fc.boolean(),
        fc.integer({ min: 8, max: 300 }),
        fc.boolean(),
        (elements, separator, bom, pieceBytes, trailingComma) => {
          count('batch JSON array');
          const text = (bom ? '\ufeff' : '') + '[\n' + elements.join(separator) + (trailingComma && elements.length ? ',' : '') + '\n]\n';
          const reader = new JsonArrayReader(source(text), pieceBytes);
          const { records } = decideAll(reader, { policyId: 'fuzz.shop', asOf: '2024-01-01', params: undefined, input: 'json', columns: undefined });
          // `[ ]` (one empty element written, no comma) is an empty array.
          const empty = elements.length === 1 && elements[0] === '' && !trailingComma;
          const n = empty ? 0 : elements.length + (trailingComma && elements.length ? 1 : 0);
          expect(records.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          (empty ? [] : elements).forEach((e, i) => {
            const isRecord = e.startsWith('{') && (() => {
              try {
                return typeof JSON.parse(e) === 'object';
              } catch {
                return false;
              }
            })();
            expect(Boolean(records[i]!.malformed), `element ${i + 1}: ${e}`).toBe(!isRecord);
          });
          if (trailingComma && elements.length) expect(records.at(-1)!.malformed).toMatch(/is not JSON/);
          expect(reader.problem).toBeUndefined();
          assertNoPollution();
        },
      ),
      params(runs(300)),
    );
    report('batch JSON array');
  });

  it('CSV: the cells written are the cells read, each record with its first line; records own their fields', { timeout: fuzzTimeout }, () => {
    const cell = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('', '"', '""', ',', ';', '\t', '|', '\n', '\r\n', 'a"b', '"q"', ' ', 'true', '[1]', '{"a":1}'));
    const column = fc.oneof(hostileKey.filter((k) => k !== '' && !k.includes('.')), fc.constantFrom('hasOwnProperty.call', '__proto__.polluted', 'constructor.prototype.y', 'a.b.c'));
    fc.assert(
      fc.property(
        fc.uniqueArray(column, { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(cell, { minLength: 6, maxLength: 6 }), { maxLength: 12 }),
        fc.constantFrom(',', ';', '\t', '|'),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 8, max: 200 }),
        (columns, table, delimiter, bom, crlf, pieceBytes) => {
          count('batch CSV');
          let plan;
          try {
            plan = planColumns(columns, compiled.checked.subject.type);
          } catch {
            return; // a header with a column nesting under another: an input error, tested elsewhere
          }
          const eol = crlf ? '\r\n' : '\n';
          const quote = (c: string) => (c === '' || /[",;\t|\r\n]/.test(c) || c.trim() !== c ? `"${c.replace(/"/g, '""')}"` : c);
          // (An empty cell is written quoted, so that no row is a blank line.)
          const kept = table.map((r) => r.slice(0, columns.length));
          const lines: number[] = [];
          let line = 2;
          const body = kept.map((r) => {
            const text = r.map(quote).join(delimiter);
            lines.push(line);
            line += text.split('\n').length;
            return text;
          });
          const text = (bom ? '\ufeff' : '') + [columns.map(quote).join(delimiter), ...body].join(eol) + eol;
          const reader = new CsvReader(source(text), delimiter, 'fuzz.csv', pieceBytes);
          expect(reader.header).toEqual(columns);
          const rowsRead: unknown[][] = [];
          for (let s = reader.next(); s; s = reader.next()) {
            for (const l of Buffer.from(s.bytes).toString('utf8').split('\n').filter(Boolean)) rowsRead.push(JSON.parse(l));
          }
          reader.close();
          // csv-parse reads a quoted `\r\n` inside a cell as it is; a CRLF file's cells keep theirs.
          expect(rowsRead).toEqual(kept.map((r, i) => [lines[i], ...r]));
          for (const r of kept) {
            const rec = csvRecord(r, plan);
            expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
          }
          assertNoPollution();
          expect(builtinState()).toBe(builtinsBefore);
        },
      ),
      params(runs(300)),
    );
    report('batch CSV');
  });

  it('CSV junk: any text, every record accounted for, never a throw', { timeout: fuzzTimeout }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 8, max: 64 }), (body, pieceBytes) => {
        count('batch CSV junk');
        const reader = new CsvReader(source(`id,rating\n${body}`), ',', 'junk.csv', pieceBytes);
        const { records } = decideAll(reader, { policyId: 'fuzz.shop', asOf: '2024-01-01', params: undefined, input: 'csv', columns: ['id', 'rating'] });
        const numbers = records.map((r) => r.line);
        expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
        expect(new Set(numbers).size).toBe(numbers.length);
        assertNoPollution();
      }),
      params(runs(300)),
    );
    report('batch CSV junk');
    rmSync(dir, { recursive: true, force: true });
  });
});
