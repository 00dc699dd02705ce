import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decide, header, load } from './helpers.js';

const body = (min: number) => `
type Merchant { orders: number }

subject merchant: Merchant

decide {
  admit when merchant.orders >= ${min}
}
`;

const v1 = { path: 'v/2024-01-01.policy', text: header('test.v', { version: '2024.1', effective: '2024-01-01', published: '2023-12-20' }) + body(100) };
const v2 = { path: 'v/2024-03-01.policy', text: header('test.v', { version: '2024.2', effective: '2024-03-01 until 2024-06-01', published: '2024-02-20' }) + body(200) };
const registry = load([v2, v1]);
const merchant = { orders: 150 };

describe('version resolution at boundary days', () => {
  it('the registry lists both versions, oldest first, with exclusive ends', () => {
    expect(registry.ids()).toEqual(['test.v']);
    expect(registry.versions('test.v').map((v) => [v.version, v.from, v.until])).toEqual([
      ['2024.1', '2024-01-01', '2024-03-01'],
      ['2024.2', '2024-03-01', '2024-06-01'],
    ]);
  });

  it('the day before the first version: not_in_force', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2023-12-31' });
    expect(d.outcome).toBe('not_in_force');
    expect(d.reason).toBe('no version of test.v is in force on 2023-12-31 (the first takes effect on 2024-01-01)');
    expect(d.policy.version).toBe('');
  });

  it('the effective day of the first version uses it', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-01-01' });
    expect(d.outcome).toBe('admitted');
    expect(d.policy.version).toBe('2024.1');
  });

  it('the day before the second version still uses the first', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-02-29' });
    expect(d.outcome).toBe('admitted');
    expect(d.policy.version).toBe('2024.1');
  });

  it('the day the second version takes effect switches versions', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-03-01' });
    expect(d.outcome).toBe('rejected');
    expect(d.policy.version).toBe('2024.2');
  });

  it('an explicit until is exclusive', () => {
    expect(decide(registry, 'test.v', merchant, { asOf: '2024-05-31' }).policy.version).toBe('2024.2');
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-06-01' });
    expect(d.outcome).toBe('not_in_force');
    expect(d.reason).toContain('no version of test.v is in force on 2024-06-01');
  });

  it('an instant is resolved to a version by its day in the policy time zone', () => {
    // 2024-02-29T16:30:00Z is 2024-03-01 00:30 in Shanghai: the second version is in force.
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-02-29T16:30:00Z' });
    expect(d.policy.version).toBe('2024.2');
    expect(d.outcome).toBe('rejected');
    expect(decide(registry, 'test.v', merchant, { asOf: '2024-03-01T00:30:00+08:00' }).policy.version).toBe('2024.2');
    expect(decide(registry, 'test.v', merchant, { asOf: '2024-02-29T23:30:00+08:00' }).policy.version).toBe('2024.1');
  });

  it('an unknown id is not_in_force with a reason', () => {
    const d = registry.evaluate('test.nope', merchant, { asOf: '2024-03-01' });
    expect(d.outcome).toBe('not_in_force');
    expect(d.reason).toBe('no policy has the id test.nope');
  });
});

describe('the decision stamp', () => {
  it('names id, version, hash of the file text, effective period and file', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-04-01' });
    expect(d.policy).toEqual({
      id: 'test.v',
      version: '2024.2',
      title: '测试',
      hash: 'sha256:' + createHash('sha256').update(v2.text).digest('hex'),
      effective: { from: '2024-03-01', until: '2024-06-01' },
      file: 'v/2024-03-01.policy',
    });
    expect(d.policy.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.asOf).toBe('2024-04-01');
  });

  it('the first version stamps its own header period (no until of its own)', () => {
    const d = decide(registry, 'test.v', merchant, { asOf: '2024-01-10' });
    expect(d.policy.effective).toEqual({ from: '2024-01-01', until: undefined });
    expect(d.policy.hash).toBe('sha256:' + createHash('sha256').update(v1.text).digest('hex'));
    expect(d.policy.hash).not.toBe(decide(registry, 'test.v', merchant, { asOf: '2024-04-01' }).policy.hash);
  });
});
