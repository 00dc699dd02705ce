import { describe, expect, it } from 'vitest';
import { comparisons, decide, simplePolicy } from './helpers.js';

describe('natural months in UTC+8', () => {
  const p = simplePolicy(
    '  orders: monthly number',
    '  admit when sum(merchant.orders during period) = 600',
    '\nlet period "评定周期" = last 3 natural months\n',
  );
  const orders = { '2023-09': 1000, '2023-10': 100, '2023-11': 200, '2023-12': 300, '2024-01': 5000, '2024-02': 70000 };

  it('on 2024-01-15, last 3 natural months are 2023-10, 2023-11 and 2023-12', () => {
    expect(decide(p, 'test.p', { orders }, { asOf: '2024-01-15' }).outcome).toBe('admitted');
    const d = p.evaluate('test.p', { orders }, { asOf: '2024-01-15', explain: true });
    expect(comparisons(d.explanation)[0]).toMatchObject({ left: '600', right: '600', result: true });
  });

  it('the first and last days of January use the same window', () => {
    expect(decide(p, 'test.p', { orders }, { asOf: '2024-01-01' }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', { orders }, { asOf: '2024-01-31' }).outcome).toBe('admitted');
  });

  it('on 2024-02-01 the window moves to 2023-11 .. 2024-01', () => {
    const d = p.evaluate('test.p', { orders }, { asOf: '2024-02-01', explain: true });
    expect(d.outcome).toBe('rejected');
    expect(comparisons(d.explanation)[0]).toMatchObject({ left: '5,500' });
  });

  it('on 2023-12-31 the window is 2023-09 .. 2023-11', () => {
    const d = p.evaluate('test.p', { orders }, { asOf: '2023-12-31', explain: true });
    expect(comparisons(d.explanation)[0]).toMatchObject({ left: '1,300' });
  });

  it('an instant late on 2024-01-31 UTC is 2024-02-01 in Shanghai', () => {
    const d = p.evaluate('test.p', { orders }, { asOf: '2024-01-31T16:30:00Z', explain: true });
    expect(comparisons(d.explanation)[0]).toMatchObject({ left: '5,500' });
    const before = p.evaluate('test.p', { orders }, { asOf: '2024-01-31T15:59:59Z', explain: true });
    expect(comparisons(before.explanation)[0]).toMatchObject({ left: '600' });
  });

  it('a month missing from the series is unknown and named', () => {
    const { '2023-11': _nov, ...gap } = orders;
    const d = decide(p, 'test.p', { orders: gap }, { asOf: '2024-01-15' });
    expect(d.outcome).toBe('undetermined');
    expect(d.unknown).toEqual(['merchant.orders["2023-11"]']);
  });

  it('a window value renders as a date range', () => {
    const w = simplePolicy('  on: date', '  admit when merchant.on in last 3 natural months');
    expect(decide(w, 'test.p', { on: '2023-10-01' }, { asOf: '2024-01-15' }).outcome).toBe('admitted');
    expect(decide(w, 'test.p', { on: '2023-12-31' }, { asOf: '2024-01-15' }).outcome).toBe('admitted');
    expect(decide(w, 'test.p', { on: '2023-09-30' }, { asOf: '2024-01-15' }).outcome).toBe('rejected');
    expect(decide(w, 'test.p', { on: '2024-01-01' }, { asOf: '2024-01-15' }).outcome).toBe('rejected');
  });
});

describe('today - 1 year', () => {
  const p = simplePolicy('  issued_on: date', '  admit when merchant.issued_on >= today - 1 year');
  const at = (issued_on: string, asOf: string) => decide(p, 'test.p', { issued_on }, { asOf }).outcome;

  it('includes the same day one year ago, excludes the day before', () => {
    expect(at('2023-06-15', '2024-06-15')).toBe('admitted');
    expect(at('2023-06-14', '2024-06-15')).toBe('rejected');
    expect(at('2024-06-15', '2024-06-15')).toBe('admitted');
  });

  it('on 2024-02-29 one year back is 2023-02-28 (clamped)', () => {
    expect(at('2023-02-28', '2024-02-29')).toBe('admitted');
    expect(at('2023-02-27', '2024-02-29')).toBe('rejected');
  });

  it('on 2025-02-28, one year back is 2024-02-28, so 2024-02-28 is in and 2024-02-27 is out', () => {
    expect(at('2024-02-28', '2025-02-28')).toBe('admitted');
    expect(at('2024-02-27', '2025-02-28')).toBe('rejected');
  });

  it('across a year boundary: on 2024-01-01 one year back is 2023-01-01', () => {
    expect(at('2023-01-01', '2024-01-01')).toBe('admitted');
    expect(at('2022-12-31', '2024-01-01')).toBe('rejected');
  });

  it('in last 1 year is the same window, today included, the future excluded', () => {
    const w = simplePolicy('  issued_on: date', '  admit when merchant.issued_on in last 1 year');
    const win = (issued_on: string, asOf: string) => decide(w, 'test.p', { issued_on }, { asOf }).outcome;
    expect(win('2023-06-15', '2024-06-15')).toBe('admitted');
    expect(win('2023-06-14', '2024-06-15')).toBe('rejected');
    expect(win('2024-06-15', '2024-06-15')).toBe('admitted');
    expect(win('2024-06-16', '2024-06-15')).toBe('rejected');
    expect(win('2023-02-28', '2024-02-29')).toBe('admitted');
    expect(win('2023-02-27', '2024-02-29')).toBe('rejected');
  });

  it('2024-02-29 + 1 year = 2025-02-28', () => {
    const q = simplePolicy('  x?: number', '  admit when 2024-02-29 + 1 year = 2025-02-28 and 2024-01-31 + 1 month = 2024-02-29');
    expect(decide(q, 'test.p', {}, { asOf: '2024-06-15' }).outcome).toBe('admitted');
  });
});

describe('datetimes in the policy time zone', () => {
  const p = simplePolicy(
    '  paid_at: datetime',
    '  admit when merchant.paid_at in last 1 natural months\n  tier october "十月": merchant.paid_at >= 2023-10-01T00:00\n  default tier earlier "更早"',
  );

  it('2023-09-30T17:00:00Z is 2023-10-01 in Shanghai', () => {
    const d = decide(p, 'test.p', { paid_at: '2023-09-30T17:00:00Z' }, { asOf: '2023-11-05' });
    expect(d.outcome).toBe('admitted');
    expect(d.tier?.id).toBe('october');
  });

  it('2023-09-30T15:59:59Z is still 2023-09-30 in Shanghai', () => {
    const d = decide(p, 'test.p', { paid_at: '2023-09-30T15:59:59Z' }, { asOf: '2023-11-05' });
    expect(d.outcome).toBe('rejected');
  });

  it('a datetime without an offset is read in the policy zone', () => {
    expect(decide(p, 'test.p', { paid_at: '2023-10-01T00:00:00' }, { asOf: '2023-11-05' }).tier?.id).toBe('october');
    expect(decide(p, 'test.p', { paid_at: '2023-09-30T23:59:59' }, { asOf: '2023-11-05' }).outcome).toBe('rejected');
  });

  it('before 1991 Shanghai had summer time: 1988-07-01T00:30 there is 1988-06-30T15:30Z (UTC+9)', () => {
    const q = simplePolicy('  paid_at: datetime', '  admit when merchant.paid_at >= 1988-07-01T00:30');
    expect(decide(q, 'test.p', { paid_at: '1988-06-30T15:30:00Z' }, { asOf: '2023-11-05' }).outcome).toBe('admitted');
    expect(decide(q, 'test.p', { paid_at: '1988-06-30T15:29:59Z' }, { asOf: '2023-11-05' }).outcome).toBe('rejected');
    expect(decide(q, 'test.p', { paid_at: '1988-07-01T00:30:00' }, { asOf: '2023-11-05' }).outcome).toBe('admitted');
  });

  it('an explanation shows datetimes in the policy zone', () => {
    const d = p.evaluate('test.p', { paid_at: '2023-09-30T17:00:00Z' }, { asOf: '2023-11-05', explain: true });
    const c = comparisons(d.explanation).find((x) => x.operator === '>=');
    expect(c?.left).toMatch(/^2023-10-01T01:00(:00)?(\+08:00)?$/);
  });
});

describe('+ 24 hours', () => {
  const p = simplePolicy('  notice_sent_at: datetime', '  admit when merchant.notice_sent_at + 24 hours <= now');
  const sent = { notice_sent_at: '2024-01-01T10:00:00+08:00' };

  it('has run out exactly 24 hours later, not a second before', () => {
    expect(decide(p, 'test.p', sent, { asOf: '2024-01-02T10:00:00+08:00' }).outcome).toBe('admitted');
    expect(decide(p, 'test.p', sent, { asOf: '2024-01-02T09:59:59+08:00' }).outcome).toBe('rejected');
    expect(decide(p, 'test.p', sent, { asOf: '2024-01-02T02:00:00Z' }).outcome).toBe('admitted');
  });

  it('with only a date, now is midnight at the start of that day', () => {
    expect(decide(p, 'test.p', sent, { asOf: '2024-01-02' }).outcome).toBe('rejected');
    expect(decide(p, 'test.p', sent, { asOf: '2024-01-03' }).outcome).toBe('admitted');
  });

  it('24 hours are exact hours across a daylight-saving change', () => {
    const ny = simplePolicy('  notice_sent_at: datetime', '  admit when merchant.notice_sent_at + 24 hours <= now', '', { timezone: 'America/New_York' });
    const s = { notice_sent_at: '2024-03-09T12:00:00-05:00' };
    // 24 hours after 17:00Z is 17:00Z on the 10th, 13:00 EDT.
    expect(decide(ny, 'test.p', s, { asOf: '2024-03-10T12:30:00-04:00' }).outcome).toBe('rejected');
    expect(decide(ny, 'test.p', s, { asOf: '2024-03-10T13:00:00-04:00' }).outcome).toBe('admitted');
  });

  it('a date plus hours is the datetime at midnight plus those hours', () => {
    const q = simplePolicy('  on: date', '  admit when merchant.on + 36 hours <= now');
    expect(decide(q, 'test.p', { on: '2024-01-01' }, { asOf: '2024-01-02T12:00:00+08:00' }).outcome).toBe('admitted');
    expect(decide(q, 'test.p', { on: '2024-01-01' }, { asOf: '2024-01-02T11:59:00+08:00' }).outcome).toBe('rejected');
  });
});
