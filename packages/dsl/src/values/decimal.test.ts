import { describe, expect, it } from 'vitest';
import { DIVISION_DIGITS, add, compareNumbers, div, formatDecimal, mul, neg, parseDecimal, sub } from './decimal.js';

describe('add / sub', () => {
  it('adds decimal fractions exactly', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the problem being solved
    expect(add(0.1, 0.2)).toBe(0.3);
    expect(add(0.7, 0.1)).toBe(0.8);
    expect(add(1.005, 0.005)).toBe(1.01);
    expect(add(-0.1, -0.2)).toBe(-0.3);
    expect(add(123.45, 0.55)).toBe(124);
  });

  it('subtracts decimal fractions exactly', () => {
    expect(sub(1.1, 1)).toBe(0.1);
    expect(sub(0.3, 0.1)).toBe(0.2);
    expect(sub(100, 99.99)).toBe(0.01);
    expect(sub(0.1, 0.3)).toBe(-0.2);
  });

  it('uses native arithmetic for safe integers', () => {
    expect(add(9_000_000, 1)).toBe(9_000_001);
    expect(sub(5, 8)).toBe(-3);
    expect(add(Number.MAX_SAFE_INTEGER - 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('never returns negative zero', () => {
    expect(Object.is(add(-0, -0), 0)).toBe(true);
    expect(Object.is(sub(-0, 0), 0)).toBe(true);
    expect(Object.is(add(-0.1, 0.1), 0)).toBe(true);
  });

  it('handles exponent notation', () => {
    expect(add(1e-7, 2e-7)).toBe(3e-7);
    expect(sub(1e-7, 1e-8)).toBe(9e-8);
    expect(add(1.5e-30, 1.5e-30)).toBe(3e-30);
    expect(add(1e21, 1e21)).toBe(2e21);
    // The exact sum 1.0000…0015 (31 digits) rounds back to 1.
    expect(add(1.5e-30, 1)).toBe(1);
    expect(sub(0.3, 0.30000000000000004)).toBe(-4e-17);
  });

  it('rounds results beyond 2^53 to the nearest double (ties to even)', () => {
    expect(add(2 ** 53, 1)).toBe(2 ** 53);
    expect(add(2 ** 53, 2)).toBe(2 ** 53 + 2);
    expect(add(2 ** 53, 3)).toBe(2 ** 53 + 4);
    expect(add(Number.MAX_SAFE_INTEGER, 0.5)).toBe(2 ** 53);
    expect(add(1e21, 1)).toBe(1e21);
    // An unsafe operand counts at its shortest representation
    // (String(2 ** 60) === "1152921504606847000"), not its binary value.
    expect(sub(2 ** 60, 1152921504606846000)).toBe(1000);
  });

  it('returns undefined on overflow or non-finite input', () => {
    expect(add(Number.MAX_VALUE, Number.MAX_VALUE)).toBeUndefined();
    expect(sub(-Number.MAX_VALUE, Number.MAX_VALUE)).toBeUndefined();
    expect(add(Number.NaN, 1)).toBeUndefined();
    expect(add(1, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(sub(Number.NEGATIVE_INFINITY, 1)).toBeUndefined();
  });
});

describe('mul', () => {
  it('multiplies money exactly', () => {
    expect(1.1 * 3).not.toBe(3.3);
    expect(mul(1.1, 3)).toBe(3.3);
    expect(mul(19.99, 3)).toBe(59.97);
    expect(mul(4.35, 100)).toBe(435);
    expect(mul(1.15, 100)).toBe(115);
    expect(mul(0.07, 100)).toBe(7);
    expect(mul(3, 0.1)).toBe(0.3);
    expect(mul(1.1, 1.1)).toBe(1.21);
    expect(mul(0.1, 0.1)).toBe(0.01);
    expect(mul(-2.5, 4)).toBe(-10);
    expect(mul(123456789.123, 1000)).toBe(123456789123);
    expect(mul(2.5, 1e8)).toBe(250_000_000); // 2.5亿
  });

  it('never returns negative zero', () => {
    expect(Object.is(mul(-1, 0), 0)).toBe(true);
    expect(Object.is(mul(-0.5, 0), 0)).toBe(true);
  });

  it('handles large and tiny magnitudes', () => {
    expect(mul(1e21, 1e21)).toBe(1e42);
    expect(mul(2 ** 53, 2)).toBe(2 ** 54);
    expect(mul(1.5e-10, 2e-10)).toBe(3e-20);
    expect(mul(12345678.9, 98765432.1)).toBe(Number('1219326311126352.69'));
    expect(mul(1e-200, 1e-200)).toBe(0); // exact 1e-400 underflows to 0
  });

  it('returns undefined on overflow or non-finite input', () => {
    expect(mul(1e200, 1e200)).toBeUndefined();
    expect(mul(Number.NaN, 2)).toBeUndefined();
    expect(mul(Number.POSITIVE_INFINITY, 0)).toBeUndefined();
  });
});

describe('div', () => {
  it('is exact when the quotient terminates', () => {
    expect(div(1, 4)).toBe(0.25);
    expect(div(10, 4)).toBe(2.5);
    expect(div(-1, 8)).toBe(-0.125);
    expect(div(0.3, 0.1)).toBe(3);
    expect(0.3 / 0.1).not.toBe(3);
    expect(div(59.97, 3)).toBe(19.99);
    expect(div(5, -0.5)).toBe(-10);
    expect(div(1, 1e-7)).toBe(1e7);
    expect(div(1, 2 ** -20)).toBe(2 ** 20);
    expect(div(7, 1024)).toBe(0.0068359375);
    expect(div(1e21, 4)).toBe(2.5e20);
    expect(div(3e-30, 2)).toBe(1.5e-30);
  });

  it('rounds non-terminating quotients to 20 significant digits', () => {
    expect(DIVISION_DIGITS).toBe(20);
    expect(div(1, 3)).toBe(Number('0.33333333333333333333'));
    expect(div(2, 3)).toBe(Number('0.66666666666666666667'));
    expect(div(-2, 3)).toBe(-0.6666666666666666);
    expect(div(1, 7)).toBe(Number('0.14285714285714285714'));
    expect(div(22, 7)).toBe(3.142857142857143);
    expect(div(100, 3)).toBe(33.333333333333336);
    expect(div(1e21, 3)).toBe(Number('333333333333333333333.33'));
    expect(div(1, 3e-30)).toBe(Number('3.3333333333333333333e29'));
  });

  it('rounds to 20 digits first, even where that differs from native division', () => {
    // This quotient lies within 1e-30 of the midpoint between two doubles.
    // Rounded half-even to 20 digits it is 1.1997187632002334068, which then
    // rounds up; the correctly rounded native quotient rounds down.
    expect(div(321501736562867, 267980918882410)).toBe(1.1997187632002335);
    expect(321501736562867 / 267980918882410).toBe(1.1997187632002333);
    expect(div(217910544161951, 135934327394141)).toBe(Number('1.6030575082783932173'));
  });

  it('returns undefined for division by zero, overflow and non-finite input', () => {
    expect(div(1, 0)).toBeUndefined();
    expect(div(0, 0)).toBeUndefined();
    expect(div(1, -0)).toBeUndefined();
    expect(div(1e300, 1e-300)).toBeUndefined();
    expect(div(Number.NaN, 1)).toBeUndefined();
    expect(div(1, Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('divides zero to zero', () => {
    expect(Object.is(div(0, -5), 0)).toBe(true);
    expect(Object.is(div(-0, 5), 0)).toBe(true);
  });
});

describe('neg and compareNumbers', () => {
  it('negates without producing -0', () => {
    expect(neg(0.1)).toBe(-0.1);
    expect(neg(-3)).toBe(3);
    expect(Object.is(neg(0), 0)).toBe(true);
  });

  it('compares', () => {
    expect(compareNumbers(0.1, 0.2)).toBe(-1);
    expect(compareNumbers(2, 1)).toBe(1);
    expect(compareNumbers(-0, 0)).toBe(0);
    expect(compareNumbers(add(0.1, 0.2)!, 0.3)).toBe(0);
    expect(compareNumbers(-1e21, 1e-21)).toBe(-1);
  });
});

describe('parseDecimal', () => {
  it('accepts JSON numbers', () => {
    expect(parseDecimal('12.50')).toBe(12.5);
    expect(parseDecimal('-3')).toBe(-3);
    expect(parseDecimal('1e3')).toBe(1000);
    expect(parseDecimal('1E-2')).toBe(0.01);
    expect(parseDecimal('2.5e+8')).toBe(250_000_000);
    expect(parseDecimal('0')).toBe(0);
    expect(parseDecimal('0.1')).toBe(0.1);
    expect(parseDecimal('9000000')).toBe(9_000_000);
    expect(Object.is(parseDecimal('-0'), 0)).toBe(true);
    expect(parseDecimal('1e-400')).toBe(0);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '0x10',
    'Infinity',
    '-Infinity',
    'NaN',
    '+1',
    '1.',
    '.5',
    '01',
    '-01.5',
    '1e',
    '1e+',
    '9_000_000',
    '1,000',
    '１',
    '10%',
    '1e400',
    '-1e400',
  ])('rejects %j', (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });
});

describe('formatDecimal', () => {
  it('never uses exponent notation', () => {
    expect(formatDecimal(1e21)).toBe('1000000000000000000000');
    expect(formatDecimal(1.2345e25)).toBe('12345000000000000000000000');
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal(1.23e-5)).toBe('0.0000123');
    expect(formatDecimal(-1.5e-10)).toBe('-0.00000000015');
    expect(formatDecimal(12.5)).toBe('12.5');
    expect(formatDecimal(-0)).toBe('0');
  });
});

/**
 * Randomised cross-check against an independent reference: operands are
 * generated as decimals `m / 10^k` with at most 15 significant digits (so the
 * double's shortest representation is that decimal), and the expected result
 * is the exact BigInt result parsed by Number().
 */
describe('randomised against a BigInt reference', () => {
  // Deterministic PRNG (mulberry32) so failures reproduce.
  let seed = 0x5eed;
  function random(): number {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  function randomDecimal(): { m: bigint; k: number; n: number } {
    const digits = 1 + Math.floor(random() * 15);
    let m = BigInt(Math.floor(random() * 10 ** digits));
    if (random() < 0.5) m = -m;
    const k = Math.floor(random() * 12) - 3; // includes negative scales (1e3 × m)
    return { m, k, n: Number(`${m}e${-k}`) };
  }
  const pow10 = (k: number): bigint => 10n ** BigInt(k);

  it('add, sub and mul agree with exact decimal arithmetic', () => {
    for (let i = 0; i < 5000; i++) {
      const a = randomDecimal();
      const b = randomDecimal();
      const k = Math.max(a.k, b.k);
      const am = a.m * pow10(k - a.k);
      const bm = b.m * pow10(k - b.k);
      const ctx = `${a.n} ${b.n}`;
      expect(add(a.n, b.n), ctx).toBe(Number(`${am + bm}e${-k}`) + 0);
      expect(sub(a.n, b.n), ctx).toBe(Number(`${am - bm}e${-k}`) + 0);
      expect(mul(a.n, b.n), ctx).toBe(Number(`${a.m * b.m}e${-(a.k + b.k)}`) + 0);
    }
  });

  it('div agrees with 20-digit half-even rounding (or exact)', () => {
    for (let i = 0; i < 3000; i++) {
      const a = randomDecimal();
      const b = randomDecimal();
      if (b.m === 0n) continue;
      // Long division to 25 significant digits, then round half-even at 20
      // unless the expansion already terminated.
      const negative = a.m < 0n !== b.m < 0n;
      const num = a.m < 0n ? -a.m : a.m;
      const den = b.m < 0n ? -b.m : b.m;
      let expected: number;
      if (num === 0n) {
        expected = 0;
      } else {
        const scale = 80;
        const q = (num * pow10(scale)) / den;
        const exact = q * den === num * pow10(scale);
        let digits = q.toString();
        let exponent = -scale + b.k - a.k;
        if (!exact && digits.length > 20) {
          const cut = digits.length - 20;
          let head = BigInt(digits.slice(0, 20));
          const tail = digits.slice(20);
          // The expansion does not terminate, so it is never exactly a tie.
          if (tail.charCodeAt(0) >= 53 /* '5' */) head += 1n;
          digits = head.toString();
          exponent += cut;
        }
        expected = Number(`${negative ? '-' : ''}${digits}e${exponent}`);
      }
      expect(div(a.n, b.n), `${a.n} / ${b.n}`).toBe(expected);
    }
  });
});
