/**
 * Batch evaluation through the built CLI (worker threads need the compiled
 * JavaScript): input order, every line accounted for, malformed lines, CSV.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessAdmitted, harnessMerchant } from '../support/harness-merchant.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);

/** Run the CLI; `workersOnly` leaves every segment to the workers (see MAIN_DECIDES in batch.ts). */
function run(args: string[], cwd: string, workersOnly = false) {
  const env = workersOnly ? { ...process.env, BYLAW_BATCH_MAIN_DECIDES: '0' } : process.env;
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function merchant(i: number) {
  return { id: `m${i}`, ...harnessMerchant(i) };
}

describe.skipIf(!built)('bylaw eval on a batch (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bylaw-batch-'));
  const n = 30_000;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify(merchant(i)));
    if (i === 10) lines.push(''); // a blank line keeps the numbering
    if (i === 20) lines.push('{"id": "broken"'); // a malformed line
  }
  const data = join(dir, 'merchants.ndjson');
  writeFileSync(data, lines.join('\n') + '\n');
  const common = ['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', data, '--as-of', '2024-01-01'];

  for (const [jobs, workersOnly] of [['1', false], ['2', false], ['2', true], ['3', true]] as const) {
    it(`decides every record in input order with --jobs ${jobs}${workersOnly ? ', workers only' : ''}`, () => {
      const out = join(dir, `out-${jobs}-${workersOnly}.ndjson`);
      const summary = join(dir, `summary-${jobs}-${workersOnly}.json`);
      const r = run([...common, '--jobs', jobs, '--out', out, '--summary', summary], dir, workersOnly);
      // Every record decided and written; the malformed one reported and skipped, which makes the exit code 1.
      expect(r.code).toBe(1);
      expect(r.err).toContain('skipped: line 23 is not JSON');
      const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(records).toHaveLength(n + 1);
      let i = 0;
      for (const rec of records) {
        if (rec.malformed) {
          expect(rec.line).toBe(23);
          continue;
        }
        const m = merchant(i);
        expect(rec.id).toBe(m.id);
        // Lines after the blank line (12) and the malformed one (23) shift by one and two.
        expect(rec.line).toBe(i + 1 + (i > 10 ? 1 : 0) + (i > 20 ? 1 : 0));
        expect(rec.outcome).toBe(harnessAdmitted(m) ? 'admitted' : 'rejected');
        i++;
      }
      const s = JSON.parse(readFileSync(summary, 'utf8'));
      expect(s.records).toBe(n + 1);
      expect(s.malformed).toBe(1);
      expect(s.outcomes.admitted + s.outcomes.rejected).toBe(n);
    });
  }

  describe('a file whose lines straddle the reader\'s segments', () => {
    // The reader reads 1 MiB (SEGMENT_BYTES in batch.ts) and cuts at the last newline in it, or reads
    // twice as much when there is none. The lines are built, following the reader, so that a 4-byte
    // character straddles every place where it reads up to; the first line is longer than a segment.
    // CRLF, blank lines and a last line without a newline too.
    const SEGMENT = 1024 * 1024;
    const parts: Buffer[] = [];
    const expected: { line: number; id: string; outcome: string }[] = [];
    let size = 0;
    let line = 0;
    // Where the reader's current segment starts, and how much it reads.
    let segmentStart = 0;
    let window = SEGMENT;
    const push = (text: string) => {
      const b = Buffer.from(text);
      parts.push(b);
      size += b.length;
      line++;
    };
    // Large enough for workers (WORKER_MIN_BYTES in batch.ts).
    for (let i = 0; size < 6.5 * SEGMENT; i++) {
      const m = merchant(i);
      const record = { ...m, id: `${m.id}-é中`, note: i === 0 ? 'x'.repeat(SEGMENT + 1000) + '😀' : '' };
      let text = JSON.stringify(record);
      const end = segmentStart + window;
      if (size === segmentStart && size + Buffer.byteLength(text) >= end) window *= 2;
      else if (size < end && size + Buffer.byteLength(text) + 1000 >= end) {
        // Pad the note so that an emoji starts 2 bytes before the end of what the reader reads.
        const before = Buffer.byteLength(text.slice(0, text.indexOf('"note":"') + 8));
        record.note = 'y'.repeat(end - 2 - size - before) + '😀 after the cut';
        text = JSON.stringify(record);
        segmentStart = size;
        window = SEGMENT;
      }
      expected.push({ line: line + 1, id: record.id, outcome: harnessAdmitted(m) ? 'admitted' : 'rejected' });
      push(text + (i % 5 === 0 ? '\r\n' : '\n'));
      if (i % 997 === 0) push('\n');
    }
    // The last line, without a newline.
    const last = merchant(999_999);
    expected.push({ line: line + 1, id: last.id, outcome: harnessAdmitted(last) ? 'admitted' : 'rejected' });
    parts.push(Buffer.from(JSON.stringify(last)));
    const file = join(dir, 'straddling.ndjson');
    writeFileSync(file, Buffer.concat(parts));
    const want = expected.map((e) => JSON.stringify(e)).join('\n') + '\n';

    for (const [jobs, workersOnly] of [['1', false], ['2', false], ['2', true], ['3', true]] as const) {
      it(`decides every line once, in order, with --jobs ${jobs}${workersOnly ? ', workers only' : ''}`, () => {
        const out = join(dir, `straddling-${jobs}-${workersOnly}.ndjson`);
        const args = ['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', file, '--as-of', '2024-01-01', '--jobs', jobs, '--out', out];
        const r = run(args, dir, workersOnly);
        expect(r.code).toBe(0);
        expect(r.err).not.toContain('skipped');
        expect(readFileSync(out, 'utf8') === want).toBe(true);
      });
    }
  });

  for (const [jobs, workersOnly] of [['1', false], ['3', true]] as const) {
    it(`stops at the first malformed line with --on-malformed fail, --jobs ${jobs}${workersOnly ? ', workers only' : ''}`, () => {
      const r = run([...common, '--jobs', jobs, '--on-malformed', 'fail'], dir, workersOnly);
      expect(r.code).toBe(1);
      expect(r.err).toContain('bylaw eval: stopped at line 23 is not JSON');
      expect(r.err).not.toContain('skipped');
      const records = r.out.trim().split('\n');
      expect(records).toHaveLength(21);
    });
  }

  it('workers started early are stopped when the policies do not load (no hang, usage exit)', () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'b.policy'), 'policy b.x "坏" version "1"\n  effective 2020-01-01\ndecide {\n');
    for (const target of ['bench.admission', 'no.such.policy']) {
      const policies = target === 'bench.admission' ? broken : join(root, 'bench/harness');
      const r = run(['eval', target, '--policies', policies, '--data', data, '--as-of', '2024-01-01', '--jobs', '2'], dir, true);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
    }
  });

  describe('a JSON array (with --format ndjson or csv): streamed element by element', () => {
    // Pretty-printed, with strings holding brackets, commas, quotes, backslashes and CJK, and large
    // enough (over 4 MB) for worker threads: every element decides as the same record as NDJSON.
    const records = Array.from({ length: 20_000 }, (_, i) => ({ ...merchant(i), note: `a ] } , [ " \\ 字 ${i}` }));
    const arrayFile = join(dir, 'merchants.json');
    writeFileSync(arrayFile, JSON.stringify(records, null, 2));
    const ndjsonFile = join(dir, 'same.ndjson');
    writeFileSync(ndjsonFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

    for (const [jobs, workersOnly] of [['1', false], ['2', true]] as const) {
      it(`decides every element as the same NDJSON line, --jobs ${jobs}${workersOnly ? ', workers only' : ''}`, () => {
        const fromArray = run(['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', arrayFile, '--as-of', '2024-01-01', '--format', 'ndjson', '--jobs', jobs], dir, workersOnly);
        const fromLines = run(['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', ndjsonFile, '--as-of', '2024-01-01', '--jobs', jobs], dir, workersOnly);
        expect(fromArray.code, fromArray.err).toBe(0);
        expect(fromArray.out).toBe(fromLines.out);
        expect(fromArray.out.trim().split('\n')).toHaveLength(20_000);
      });
    }

    const cases: [string, string, string[]][] = [
      ['empty and junk elements', '[ {"id":"a"} , , 42, {"id":"b"} ]', ['"id":"a"', 'element 2 is not JSON', 'element 3 is not a JSON object', '"line":4,"id":"b"']],
      ['an array not closed', '\ufeff[{"id":"a"},\n{"id":"b"}', ['"id":"a"', '"id":"b"', '"line":3,"malformed":"the JSON array is not closed at the end of the file"']],
      ['text after the array', '[{"id":"a"}] {"id":"b"}', ['"id":"a"', '"line":2,"malformed":"text after the end of the JSON array (at byte 13)"']],
      ['one object', '{"id":"a",\n "platform_level": 4}', ['"line":1,"id":"a"']],
      ['a raw line break inside a string (not JSON)', '[{"id":"a\nb"}, {"id":"c"}]', ['element 1 is not JSON', '"line":2,"id":"c"']],
      ['an empty array', ' [ ] ', []],
    ];
    for (const [name, text, expected] of cases) {
      it(name, () => {
        const file = join(dir, `case-${name.replace(/\W+/g, '-')}.json`);
        writeFileSync(file, text);
        const r = run(['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', file, '--as-of', '2024-01-01', '--format', 'ndjson'], dir);
        // Exit code 1 when any record is malformed (as on the single-record path).
        expect(r.code, r.err).toBe(expected.some((e) => /not JSON|not a JSON|not closed|after the end/.test(e)) ? 1 : 0);
        const lines = r.out.trim() === '' ? [] : r.out.trim().split('\n');
        expect(lines).toHaveLength(expected.length);
        expected.forEach((e, i) => expect(lines[i]).toContain(e));
        // Every element is accounted for in the summary too.
        expect(r.err).toContain(`${expected.length} records:`);
      });
    }
  });

  it('a data file that cannot be read is an input error, and early workers do not keep the process alive', () => {
    const folder = join(dir, 'folder.ndjson');
    mkdirSync(folder, { recursive: true });
    for (const workersOnly of [false, true]) {
      const r = run(['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', folder, '--as-of', '2024-01-01', '--jobs', '2'], dir, workersOnly);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain('cannot read data file');
      expect(r.err).toContain('EISDIR');
    }
  });

  it('an --out that cannot be written is an input error, said before anything runs', () => {
    const r = run([...common, '--out', join(dir, 'no-such-folder', 'out.ndjson')], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write --out');
    expect(r.err).toContain('ENOENT');
    expect(r.err).not.toContain('internal error');
  });

  it('reads CSV with nested and JSON cells and writes CSV', () => {
    const csv = join(dir, 'm.csv');
    writeFileSync(
      csv,
      [
        'id,platform_level,violations_serious,agreements_ok,merchant_types,tmall_brand_score,annual_revenue_cny,taobao_crown,douyin_industry_rank_pct,jd_monthly_gmv_cny,paid_orders_by_month,active_merchants,qualified_merchants',
        'a,3,false,true,"[""brand_oem""]",2,0,false,50,0,"[1,2,3]",0,0',
        'b,3,false,true,[],2,0,false,50,0,"[1,2,3]",0,0',
        'c,"4星",false,true,[],2,0,false,50,0,"[1,2,3]",0,0',
      ].join('\n') + '\n',
    );
    const r = run(['eval', 'bench.admission', '--policies', join(root, 'bench/harness'), '--data', csv, '--as-of', '2024-01-01', '--format', 'csv', '--jobs', '1'], dir);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'line,id,outcome,tier,vetoed_by,unknown,data_errors,malformed',
      '2,a,admitted,,,,,',
      '3,b,rejected,,,,,',
      '4,c,rejected,,,,"m.platform_level: expected a number, got ""4星"" (a string)",',
    ]);
  });
});
