/**
 * Exact decimal arithmetic on plain JS numbers.
 *
 * Bylaw numbers are exact decimals (`0.1 + 0.2 = 0.3`), but the runtime
 * stores them as ordinary `number`s so that values stay cheap to pass around
 * and compare. The bridge is the number's *shortest decimal representation*,
 * the digits `String(n)` prints: every operation here computes the exact
 * decimal result of the operands' shortest representations and returns the
 * double nearest to it. Because a double's shortest representation is the
 * literal a person would have written, `add(0.1, 0.2) === 0.3` and
 * `mul(1.1, 3) === 3.3`.
 *
 * Three tiers, cheapest first:
 *  1. both operands are safe integers and so is the result: native arithmetic
 *     (exact by construction);
 *  2. both operands are `m / 10^k` with a small integer mantissa `m`
 *     (|m| < 2^50, k <= 22): integer arithmetic on the mantissas in doubles,
 *     then one correctly rounded division by an exactly representable power
 *     of ten: no allocation at all;
 *  3. everything else (exponent notation such as 1e-30 or 1e21, integers
 *     beyond 2^53, results that leave the safe range): BigInt mantissa and
 *     decimal exponent parsed from `String(n)`.
 *
 * Inputs: callers pass finite numbers. A non-finite operand yields
 * `undefined` instead of throwing, as does a result that overflows to
 * ±Infinity; the evaluator turns `undefined` into *unknown*. Results never
 * carry a negative zero.
 *
 * Integers beyond 2^53: an operand is taken at its shortest representation,
 * so `2 ** 60` counts as 1152921504606847000 (what `String` prints), and a
 * result beyond 2^53 is rounded to the nearest double, like any result:
 * `add(2 ** 53, 1) === 2 ** 53` (ties go to even), `add(1e21, 1) === 1e21`,
 * while `mul(1e21, 1e21) === 1e42` exactly.
 */

/** Powers of ten that doubles represent exactly (10^22 is the largest). */
const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];
const MAX_EXACT_POW10 = 22;

/**
 * Bound on the mantissas of the allocation-free tier. Below 2^50 the product
 * `n * 10^k` is within a quarter of an integer of the true mantissa, so
 * `Math.round` finds it; 2^50 ≈ 1.1e15 still covers money with cents up to
 * eleven trillion.
 */
const MAX_FAST_MANTISSA = 2 ** 50;

/**
 * Out-parameter of {@link fastScale}: the mantissa found by the last
 * successful call. Module state rather than a returned object so the hot path
 * allocates nothing.
 */
let fastMantissa = 0;

/**
 * Finds the smallest k such that `n` is the double nearest to `m / 10^k` for
 * an integer |m| < 2^50; stores m in `fastMantissa` and returns k, or -1 when
 * there is none (too many digits, exponent notation, non-finite).
 *
 * The smallest such k gives exactly the digits of `String(n)`: a shorter
 * representation would have a smaller k, and below 2^50 two candidate
 * mantissas at the same k cannot round to the same double.
 */
function fastScale(n: number): number {
  for (let k = 0; k <= MAX_EXACT_POW10; k++) {
    const p = POW10[k]!;
    const scaled = n * p;
    // Negated comparison so NaN and ±Infinity also bail out.
    if (!(scaled < MAX_FAST_MANTISSA && scaled > -MAX_FAST_MANTISSA)) return -1;
    const m = Math.round(scaled);
    // Division of two exact values is correctly rounded: equality means the
    // decimal m / 10^k rounds to n.
    if (m / p === n) {
      fastMantissa = m;
      return k;
    }
  }
  return -1;
}

/** Turns -0 into 0 (and leaves every other value alone). */
function noNegativeZero(n: number): number {
  return n === 0 ? 0 : n;
}

// ---------------------------------------------------------------------------
// BigInt tier

/** A decimal `mantissa × 10^exponent`. */
interface BigDecimal {
  mantissa: bigint;
  exponent: number;
}

/** Exact decimal value of `String(n)`, or undefined for a non-finite n. */
function toBigDecimal(n: number): BigDecimal | undefined {
  if (!Number.isFinite(n)) return undefined;
  let digits = String(n);
  let exponent = 0;
  const e = digits.indexOf('e');
  if (e >= 0) {
    exponent = Number(digits.slice(e + 1));
    digits = digits.slice(0, e);
  }
  const dot = digits.indexOf('.');
  if (dot >= 0) {
    exponent -= digits.length - dot - 1;
    digits = digits.slice(0, dot) + digits.slice(dot + 1);
  }
  return { mantissa: BigInt(digits), exponent };
}

/** The double nearest to `mantissa × 10^exponent`, or undefined on overflow. */
function fromBigDecimal(mantissa: bigint, exponent: number): number | undefined {
  // The JS number parser rounds decimal text correctly (to nearest, ties even).
  const n = Number(`${mantissa}e${exponent}`);
  return Number.isFinite(n) ? noNegativeZero(n) : undefined;
}

const bigPow10Cache: bigint[] = [];
/** 10^k as a BigInt (k >= 0), cached for the small exponents that recur. */
function bigPow10(k: number): bigint {
  if (k < 64) {
    let p = bigPow10Cache[k];
    if (p === undefined) {
      p = 10n ** BigInt(k);
      bigPow10Cache[k] = p;
    }
    return p;
  }
  return 10n ** BigInt(k);
}

/** Number of decimal digits of a non-negative BigInt. */
function digitCount(n: bigint): number {
  return n.toString().length;
}

function slowAdd(a: number, b: number, sign: 1 | -1): number | undefined {
  const x = toBigDecimal(a);
  const y = toBigDecimal(b);
  if (x === undefined || y === undefined) return undefined;
  const exponent = Math.min(x.exponent, y.exponent);
  const mx = x.mantissa * bigPow10(x.exponent - exponent);
  const my = y.mantissa * bigPow10(y.exponent - exponent);
  return fromBigDecimal(sign === 1 ? mx + my : mx - my, exponent);
}

// ---------------------------------------------------------------------------
// Public operations

/** Exact decimal sum `a + b` (finite inputs); undefined on overflow. */
export function add(a: number, b: number): number | undefined {
  return addSigned(a, b, 1);
}

/** Exact decimal difference `a - b` (finite inputs); undefined on overflow. */
export function sub(a: number, b: number): number | undefined {
  return addSigned(a, b, -1);
}

function addSigned(a: number, b: number, sign: 1 | -1): number | undefined {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    // If the exact result is a safe integer it is representable, so the
    // correctly rounded native result is exact; if it is not, the rounded
    // result is not safe either and we fall through.
    const r = sign === 1 ? a + b : a - b;
    if (Number.isSafeInteger(r)) return noNegativeZero(r);
  }
  const ka = fastScale(a);
  if (ka >= 0) {
    const ma = fastMantissa;
    const kb = fastScale(b);
    if (kb >= 0) {
      const mb = fastMantissa;
      const k = ka > kb ? ka : kb;
      const x = ma * POW10[k - ka]!;
      const y = mb * POW10[k - kb]!;
      const r = sign === 1 ? x + y : x - y;
      if (Number.isSafeInteger(x) && Number.isSafeInteger(y) && Number.isSafeInteger(r)) {
        return noNegativeZero(r / POW10[k]!);
      }
    }
  }
  return slowAdd(a, b, sign);
}

/** Exact decimal product `a × b` (finite inputs); undefined on overflow. */
export function mul(a: number, b: number): number | undefined {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    const r = a * b;
    if (Number.isSafeInteger(r)) return noNegativeZero(r);
  }
  const ka = fastScale(a);
  if (ka >= 0) {
    const ma = fastMantissa;
    const kb = fastScale(b);
    if (kb >= 0 && ka + kb <= MAX_EXACT_POW10) {
      const r = ma * fastMantissa;
      if (Number.isSafeInteger(r)) return noNegativeZero(r / POW10[ka + kb]!);
    }
  }
  const x = toBigDecimal(a);
  const y = toBigDecimal(b);
  if (x === undefined || y === undefined) return undefined;
  return fromBigDecimal(x.mantissa * y.mantissa, x.exponent + y.exponent);
}

/** Significant digits kept when a quotient does not terminate. */
export const DIVISION_DIGITS = 20;

/**
 * Decimal quotient `a / b` (finite inputs). Exact (then rounded once to the
 * nearest double) when the decimal quotient terminates; otherwise first
 * rounded half-even to {@link DIVISION_DIGITS} significant digits. Division
 * by zero, and overflow, give undefined.
 */
export function div(a: number, b: number): number | undefined {
  if (b === 0) return undefined;
  if (a === 0) return Number.isFinite(b) ? 0 : undefined;
  const ka = fastScale(a);
  if (ka >= 0) {
    const ma = fastMantissa;
    const kb = fastScale(b);
    if (kb >= 0) {
      const r = fastTerminatingQuotient(ma, fastMantissa, kb - ka);
      if (r !== undefined) return r;
    }
  }
  return slowDiv(a, b);
}

/**
 * `(ma / mb) × 10^shift` for safe-integer mantissas when the quotient
 * terminates and its digits fit the allocation-free tier; undefined
 * otherwise (the caller then takes the BigInt route).
 */
function fastTerminatingQuotient(ma: number, mb: number, shift: number): number | undefined {
  // Reduce the fraction; a decimal quotient terminates iff the reduced
  // denominator has no prime factors other than 2 and 5.
  let x = ma < 0 ? -ma : ma;
  let y = mb < 0 ? -mb : mb;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  const g = x;
  const num = ma / g;
  let den = mb / g;
  if (den < 0) {
    den = -den;
  }
  const negative = mb < 0;
  // den = 2^twos × 5^fives; then num/den = num × 2^(t−twos) × 5^(t−fives) / 10^t.
  let twos = 0;
  let fives = 0;
  while (den % 2 === 0) {
    den /= 2;
    twos++;
  }
  while (den % 5 === 0) {
    den /= 5;
    fives++;
  }
  if (den !== 1) return undefined;
  const t = twos > fives ? twos : fives;
  if (t > MAX_EXACT_POW10) return undefined;
  // 2^(t−twos) × 5^(t−fives) = 10^t / (2^twos × 5^fives), exact since both are exact.
  const factor = POW10[t]! / (2 ** twos * 5 ** fives);
  let m = num * factor;
  if (!Number.isSafeInteger(m)) return undefined;
  if (negative) m = -m;
  // Result = m × 10^(shift − t).
  const e = shift - t;
  if (e >= 0) {
    if (e > MAX_EXACT_POW10) return undefined;
    const r = m * POW10[e]!;
    return Number.isSafeInteger(r) ? noNegativeZero(r) : undefined;
  }
  if (-e > MAX_EXACT_POW10) return undefined;
  return noNegativeZero(m / POW10[-e]!);
}

function slowDiv(a: number, b: number): number | undefined {
  const x = toBigDecimal(a);
  const y = toBigDecimal(b);
  if (x === undefined || y === undefined) return undefined;
  const negative = x.mantissa < 0n !== y.mantissa < 0n;
  let num = x.mantissa < 0n ? -x.mantissa : x.mantissa;
  let den = y.mantissa < 0n ? -y.mantissa : y.mantissa;
  // a / b = (num / den) × 10^(x.exponent − y.exponent)
  let exponent = x.exponent - y.exponent;

  // Terminating? Strip the denominator's 2s and 5s after reducing.
  let g = num;
  let h = den;
  while (h !== 0n) {
    const t = g % h;
    g = h;
    h = t;
  }
  num /= g;
  den /= g;
  let rest = den;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest === 1n) {
    const t = Math.max(twos, fives);
    const m = (num * bigPow10(t)) / den; // exact: den divides 10^t
    return fromBigDecimal(negative ? -m : m, exponent - t);
  }

  // Non-terminating: scale so the integer quotient has DIVISION_DIGITS
  // digits, then round half-even on the remainder.
  let shift = DIVISION_DIGITS - digitCount(num) + digitCount(den);
  let q = scaledQuotient(num, den, shift);
  if (q >= bigPow10(DIVISION_DIGITS)) {
    shift -= 1;
    q = scaledQuotient(num, den, shift);
  }
  const scaledNum = shift >= 0 ? num * bigPow10(shift) : num;
  const scaledDen = shift >= 0 ? den : den * bigPow10(-shift);
  const twiceRemainder = 2n * (scaledNum - q * scaledDen);
  if (twiceRemainder > scaledDen || (twiceRemainder === scaledDen && q % 2n === 1n)) q += 1n;
  exponent -= shift;
  return fromBigDecimal(negative ? -q : q, exponent);
}

/** floor(num × 10^shift / den) for positive num, den. */
function scaledQuotient(num: bigint, den: bigint, shift: number): bigint {
  return shift >= 0 ? (num * bigPow10(shift)) / den : num / (den * bigPow10(-shift));
}

/** Negation; exact for every double, and never yields -0. */
export function neg(a: number): number {
  return a === 0 ? 0 : -a;
}

/**
 * Three-way numeric comparison. For finite doubles the order of their
 * shortest decimal representations is the numeric order, so no decimal work
 * is needed. `-0` equals `0`; NaN compares equal to everything (callers pass
 * finite numbers).
 */
export function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The JSON number grammar: optional minus, no leading zeros, optional
 * fraction and exponent. No whitespace, `+`, hex, `_`, `Infinity` or `NaN`.
 */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * Parses a decimal string from data (`"12.50"`, `"-3"`, `"1e3"`) into the
 * nearest double. Accepts exactly the JSON number grammar; returns undefined
 * for anything else (`""`, `" 1"`, `"0x10"`, `"Infinity"`, `"1."`, `"01"`)
 * and for values that overflow (`"1e400"`). Underflow gives 0; `"-0"` gives 0.
 */
export function parseDecimal(text: string): number | undefined {
  if (!JSON_NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? noNegativeZero(n) : undefined;
}

/**
 * The shortest decimal representation of `n` in positional notation, never
 * with an exponent: `formatDecimal(1e21) === "1000000000000000000000"`,
 * `formatDecimal(1e-7) === "0.0000001"`. For explanations and diffs.
 */
export function formatDecimal(n: number): string {
  const s = String(noNegativeZero(n));
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.charCodeAt(0) === 45; /* '-' */
  let digits = s.slice(negative ? 1 : 0, e);
  let exponent = Number(s.slice(e + 1));
  const dot = digits.indexOf('.');
  if (dot >= 0) {
    exponent -= digits.length - dot - 1;
    digits = digits.slice(0, dot) + digits.slice(dot + 1);
  }
  let out: string;
  if (exponent >= 0) {
    out = digits + '0'.repeat(exponent);
  } else {
    const point = digits.length + exponent;
    out = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return negative ? `-${out}` : out;
}
