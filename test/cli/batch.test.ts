/**
 * Batch evaluation through the built CLI (worker threads need the compiled
 * JavaScript): input order, every line accounted for, malformed lines, CSV.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function merchant(i: number) {
  return {
    id: `m${i}`,
    platform_level: 1 + (i % 5),
    violations_serious: i % 13 === 0,
    agreements_ok: i % 7 !== 0,
    merchant_types: i % 3 === 0 ? ['brand_oem'] : i % 3 === 1 ? ['medium_factory'] : [],
    tmall_brand_score: 2,
    annual_revenue_cny: i % 2 === 0 ? 5_000_000 : 4_999_999,
    taobao_crown: false,
    douyin_industry_rank_pct: 50,
    jd_monthly_gmv_cny: 0,
    paid_orders_by_month: [1, 2, 3],
    active_merchants: 0,
    qualified_merchants: 0,
  };
}

/** The admission rule written by hand, to check every output record. */
function admitted(m: ReturnType<typeof merchant>): boolean {
  const t = m.merchant_types;
  return m.platform_level >= 3 && !m.violations_serious && m.agreements_ok && (t.includes('brand_oem') || (t.includes('medium_factory') && m.annual_revenue_cny >= 5_000_000));
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

  for (const jobs of ['1', '2']) {
    it(`decides every record in input order with --jobs ${jobs}`, () => {
      const out = join(dir, `out-${jobs}.ndjson`);
      const summary = join(dir, `summary-${jobs}.json`);
      const r = run([...common, '--jobs', jobs, '--out', out, '--summary', summary], dir);
      expect(r.code).toBe(0);
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
        expect(rec.outcome).toBe(admitted(m) ? 'admitted' : 'rejected');
        i++;
      }
      const s = JSON.parse(readFileSync(summary, 'utf8'));
      expect(s.records).toBe(n + 1);
      expect(s.malformed).toBe(1);
      expect(s.outcomes.admitted + s.outcomes.rejected).toBe(n);
    });
  }

  it('stops at the first malformed line with --on-malformed fail', () => {
    const r = run([...common, '--jobs', '1', '--on-malformed', 'fail'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bylaw: stopped at line 23 is not JSON');
    const records = r.out.trim().split('\n');
    expect(records).toHaveLength(21);
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
