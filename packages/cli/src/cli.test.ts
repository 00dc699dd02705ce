import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './cli.js';
import { styleOf } from './io.js';

const plain = styleOf(false);

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), style: plain, errStyle: plain });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

const policy = `policy demo.silver "银牌"
  version "1"
  published 2023-09-01
  effective 2023-09-08
subject provider: Provider
type Provider { paid_orders: number "支付订单量"  active?: number }
criterion silver "银牌标准" cites "银牌标准":
  all of {
    paid "支付订单量" cites "必须指标": provider.paid_orders >= 900万
    active "动销商家数": provider.active >= 1000
  }
decide {
  tier silver "银牌服务商": silver
  default tier base "服务商"
}
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bylaw-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('bylaw eval', () => {
  it('shows the decision tree with marks, values and shortfall', async () => {
    const dir = workspace({ 'policies/silver.policy': policy, 'p.json': JSON.stringify({ id: 'P1', paid_orders: 7_800_000, active: 1200 }) });
    const r = await run(['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-10-01'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('P1 — demo.silver version 1, in force 2023-09-08 as of 2023-10-01');
    expect(r.out).toContain('ADMITTED · tier base 服务商');
    expect(r.out).toContain('✗ paid 支付订单量 [必须指标]: provider.paid_orders >= 900万');
    expect(r.out).toContain('7,800,000 >= 9,000,000: 1,200,000 short');
    expect(r.out).toContain('✓ active 动销商家数');
  });

  it('names the missing field of an undetermined decision', async () => {
    const dir = workspace({ 'policies/silver.policy': policy, 'p.json': JSON.stringify({ paid_orders: 9_000_000 }) });
    const r = await run(['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-10-01', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['provider.active']);
  });

  it('gives one-line errors for bad input, never a stack trace', async () => {
    const dir = workspace({ 'policies/silver.policy': policy, 'bad.json': '{ not json', 'ok.json': '{}' });
    // A file that is not JSON is a malformed record, as in a batch (exit 1), named by the file.
    const notJson = await run(['eval', 'demo.silver', '--data', 'bad.json', '--as-of', '2023-10-01'], dir);
    expect(notJson.code).toBe(1);
    expect(notJson.out).toMatch(/^bad.json: element 1 is not JSON/);
    const missing = await run(['eval', 'demo.silver', '--data', 'nope.json', '--as-of', '2023-10-01'], dir);
    expect(missing.err).toBe('bylaw eval: cannot read data file nope.json: no such file or folder (ENOENT)');
    const unknownId = await run(['eval', 'demo.gold', '--data', 'ok.json', '--as-of', '2023-10-01'], dir);
    expect(unknownId.err).toBe('bylaw eval: no policy has the id demo.gold (known: demo.silver)');
    const early = await run(['eval', 'demo.silver', '--data', 'ok.json', '--as-of', '2023-09-07'], dir);
    expect(early.err).toBe('bylaw eval: no version of demo.silver is in force on 2023-09-07; the first takes effect on 2023-09-08 (see bylaw versions demo.silver)');
    for (const r of [notJson, missing, unknownId, early]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('bylaw check', () => {
  it('reports every error with position and exits 1', async () => {
    const dir = workspace({ 'policies/bad.policy': policy.replace('provider.active >= 1000', 'provider.actve >= 1000').replace('version "1"', 'version 1') });
    const r = await run(['check', 'policies'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('policies/bad.policy:2:11: error BYL1004: expected a string but found \'1\'');
    expect(r.out).toMatch(/1 error, 0 warnings in 1 file$/);
  });

  it('passes a clean folder and prints json on request', async () => {
    const dir = workspace({ 'policies/silver.policy': policy });
    const r = await run(['check', 'policies', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ files: ['policies/silver.policy'], diagnostics: [] });
  });
});

describe('bylaw test', () => {
  it('prints expected vs actual and the summary line', async () => {
    const tests = `policy: demo.silver
cases:
  - name: reaches silver
    as_of: 2023-10-01
    subject: { paid_orders: 9000000, active: 1000 }
    expect: { outcome: admitted, tier: silver }
  - name: wrongly expects silver
    as_of: 2023-10-01
    subject: { paid_orders: 8999999, active: 1000 }
    expect: { tier: silver, criteria: { paid: false } }
`;
    const dir = workspace({ 'policies/silver.policy': policy, 'policies/silver.test.yaml': tests });
    const r = await run(['test', 'policies'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL policies/silver.test.yaml › wrongly expects silver');
    expect(r.out).toContain('tier: expected "silver", got "base"');
    expect(r.out).toMatch(/1 passed, 1 failed$/);
  });
});

describe('bylaw versions', () => {
  it('lists versions with periods ended by their successor', async () => {
    const v2 = policy.replace('version "1"', 'version "2"').replace('effective 2023-09-08', 'effective 2024-03-01');
    const dir = workspace({ 'policies/a.policy': policy, 'policies/b.policy': v2 });
    const r = await run(['versions', 'demo.silver'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1            2023-09-08 → 2024-03-01');
    expect(r.out).toContain('2            2024-03-01 → (open)');
  });
});

describe('bylaw test --boundaries and --coverage', () => {
  const tests = `policy: demo.silver
cases:
  - name: base
    as_of: 2023-10-01
    subject: { paid_orders: 9500000, active: 1000 }
    expect: { tier: silver }
`;
  it('shows outcomes below, at and above each threshold', async () => {
    const dir = workspace({ 'policies/silver.policy': policy, 'policies/silver.test.yaml': tests });
    const r = await run(['test', 'policies', '--boundaries'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('provider.paid_orders  [provider.paid_orders >= 900万]');
    expect(r.out).toMatch(/below\s+8999999 {2}→ admitted · base/);
    expect(r.out).toMatch(/at\s+9000000 {2}→ admitted · silver/);
    expect(r.out).toMatch(/below\s+999 {2}→ admitted · base/);
  });

  it('reports criteria never seen false', async () => {
    const dir = workspace({ 'policies/silver.policy': policy, 'policies/silver.test.yaml': tests });
    const r = await run(['test', 'policies', '--coverage'], dir);
    expect(r.out).toMatch(/✓·· paid 支付订单量 {2}never false/);
  });
});
