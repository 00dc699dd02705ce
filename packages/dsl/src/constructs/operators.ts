/**
 * The operators: one entry each, `and` to `/`, `not` and unary `-`. See
 * declarations.ts for what an entry says and docs/contributing.md for how to
 * add one.
 */
import type * as A from '../ast.js';
import { Types, isAssignable, typeToString, type Type } from '../types.js';
import * as D from '../values/decimal.js';
import * as C from '../values/calendar.js';
import { isScalar, type BinaryOperatorDecl, type BinaryOverload, type UnaryOperatorDecl } from './declarations.js';

// ---------------------------------------------------------------------------
// Shared pieces

const isNumber = (t: Type) => t.kind === 'number';
const isString = (t: Type) => t.kind === 'string';
const isDuration = (t: Type) => t.kind === 'duration';
const bool = () => Types.bool;

/** Whether a duration expression may hold hours (a name may): date + it is a datetime. */
function hasHours(node: A.Expression): boolean {
  if (node.kind === 'DurationLiteral') return node.unit === 'hour';
  if (node.kind === 'BinaryExpr') return hasHours(node.left) || hasHours(node.right);
  if (node.kind === 'UnaryExpr') return hasHours(node.operand);
  return true; // a duration from a name may hold hours: treat the result as a datetime
}

/** A date (epoch day) or datetime (epoch ms) moved by a duration; a day with hours becomes an instant. */
function addToTime(time: number, type: 'date' | 'datetime', dur: C.Duration, sign: 1 | -1, zone: string): number {
  if (type === 'date') {
    const r = C.addDurationToDay(time, dur, sign, zone);
    return r.kind === 'date' ? r.day : r.ms;
  }
  return C.addDurationToInstant(time, dur, sign, zone);
}

/** A day a duration before (sign -1) or after: undefined when that is not a whole day. */
function dayShifted(day: unknown, dur: unknown, sign: 1 | -1, zone: string): number | undefined {
  const r = C.addDurationToDay(day as number, dur as C.Duration, sign, zone);
  return r.kind === 'date' ? r.day : undefined;
}

function addDurations(a: C.Duration, b: C.Duration, sign: 1 | -1): C.Duration {
  return { months: a.months + sign * b.months, days: a.days + sign * b.days, ms: a.ms + sign * b.ms };
}

function listEquals(a: unknown, b: unknown): boolean {
  const x = a as unknown[];
  const y = b as unknown[];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Three-valued membership of a value in a list of values: true when an element is the value,
 * unknown when none is but some element is unknown, else false.
 */
export function member(list: readonly unknown[], x: unknown): boolean | undefined {
  let unknown = false;
  for (const v of list) {
    if (v === undefined) unknown = true;
    else if (v === x) return true;
  }
  return unknown ? undefined : false;
}

function not(v: boolean | undefined): boolean | undefined {
  return v === undefined ? undefined : !v;
}

function comparisonHint(left: Type, right: Type): string | undefined {
  if ((left.kind === 'date' && right.kind === 'number') || (left.kind === 'number' && right.kind === 'date')) {
    return 'compare dates with dates: report.issued_on >= today - 1 year';
  }
  if (left.kind === 'string' && right.kind === 'number') return 'the field is a string; declare it as number if it holds numbers';
  if (left.kind === 'enum' && right.kind === 'string') return `compare with a member of ${left.name}, written without quotes`;
  return undefined;
}

// ---------------------------------------------------------------------------
// Tests: = != < <= > >=

/** Whether `=` and `!=` compare values of these types: the same type, not a window or a table. */
function comparable(left: Type, right: Type): boolean {
  return isAssignable(left, right) && isAssignable(right, left) && left.kind !== 'period' && left.kind !== 'table';
}

function equality(negate: boolean): BinaryOverload[] {
  const js = negate ? '!==' : '===';
  const out = (eq: boolean) => (negate ? !eq : eq);
  return [
    {
      id: 'duration = duration',
      accepts: (l, r) => comparable(l, r) && isDuration(l),
      result: bool,
      evaluate: (a, b) => out(C.compareDurations(a as C.Duration, b as C.Duration) === 0),
    },
    {
      id: 'list = list',
      accepts: (l, r) => comparable(l, r) && l.kind === 'list',
      result: bool,
      evaluate: (a, b) => out(listEquals(a, b)),
    },
    {
      id: 'scalar = scalar',
      accepts: (l, r) => comparable(l, r) && isScalar(l) && isScalar(r),
      result: bool,
      evaluate: (a, b) => out(a === b),
      js: (a, b) => `${a} ${js} ${b}`,
    },
    {
      id: 'value = value',
      accepts: comparable,
      result: bool,
      evaluate: (a, b) => out(a === b),
    },
  ];
}

/** `compareDurations`'s answer read for one of < <= > >=. */
function ordered(op: '<' | '<=' | '>' | '>=', c: -1 | 0 | 1): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function compareScalars(op: '<' | '<=' | '>' | '>=', a: unknown, b: unknown): boolean {
  const x = a as number;
  const y = b as number;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

/** How far a failed numeric comparison's left side is from passing. */
function shortfall(op: '<' | '<=' | '>' | '>='): BinaryOverload['shortfall'] {
  return (a, b, show) => {
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    if (op === '>=' || op === '>') {
      const gap = D.sub(b, a);
      return gap === undefined ? undefined : op === '>=' ? `${show(gap)} short` : `${show(gap)} short (must be more than ${show(b)})`;
    }
    const gap = D.sub(a, b);
    return gap === undefined ? undefined : `${show(gap)} over`;
  };
}

function ordering(op: '<' | '<=' | '>' | '>='): BinaryOverload[] {
  const js = (a: string, b: string) => `${a} ${op} ${b}`;
  const evaluate = (a: unknown, b: unknown) => compareScalars(op, a, b);
  return [
    { id: `number ${op} number`, accepts: (l, r) => isNumber(l) && isNumber(r), result: bool, evaluate, js, shortfall: shortfall(op) },
    { id: `date ${op} date`, accepts: (l, r) => (l.kind === 'date' || l.kind === 'datetime') && l.kind === r.kind, result: bool, evaluate, js },
    {
      id: `enum ${op} enum`,
      accepts: (l, r) => l.kind === 'enum' && r === l,
      result: bool,
      caution: (l) =>
        l.kind === 'enum' && !l.ordered
          ? {
              code: 'BYL2008',
              message: `${l.name} is not ordered, so ${op} means nothing for it`,
              hint: `declare it ordered: enum ${l.name} { ${l.members.slice(0, 3).join(' < ')} }, or compare with = / in`,
            }
          : undefined,
      evaluate,
      js,
    },
    {
      id: `duration ${op} duration`,
      accepts: (l, r) => isDuration(l) && isDuration(r),
      result: bool,
      evaluate: (a, b) => {
        const c = C.compareDurations(a as C.Duration, b as C.Duration);
        return c === undefined ? undefined : ordered(op, c);
      },
    },
  ];
}

function test(spelling: string, doc: string, rest: Omit<BinaryOperatorDecl, 'spelling' | 'doc' | 'category' | 'precedence' | 'chains'>): BinaryOperatorDecl {
  return { spelling, doc, category: 'test', precedence: 5, chains: false, ...rest };
}

// ---------------------------------------------------------------------------
// Membership: in, not in, contains

function membership(negate: boolean): BinaryOverload[] {
  const window = (a: unknown, b: unknown, inWindow: boolean) => (negate ? !inWindow : inWindow);
  return [
    {
      id: `value ${negate ? 'not in' : 'in'} list`,
      accepts: (l, r) => r.kind === 'list' && isAssignable(l, r.element),
      result: bool,
      membership: { list: 'right', negate },
      evaluate: (a, b) => (negate ? not(member(b as unknown[], a)) : member(b as unknown[], a)),
    },
    {
      id: `date ${negate ? 'not in' : 'in'} window`,
      accepts: (l, r) => r.kind === 'period' && l.kind === 'date',
      result: bool,
      evaluate: (a, b, zone) => window(a, b, C.dayInWindow(a as number, b as C.Window, zone)),
    },
    {
      id: `datetime ${negate ? 'not in' : 'in'} window`,
      accepts: (l, r) => r.kind === 'period' && l.kind === 'datetime',
      result: bool,
      evaluate: (a, b, zone) => window(a, b, C.instantInWindow(a as number, b as C.Window, zone)),
    },
  ];
}

const MEMBERSHIP_HINT = 'in tests membership in a list of the same type, or a date in a window';

// ---------------------------------------------------------------------------
// Arithmetic: + - * /

function arithmetic(spelling: '+' | '-' | '*' | '/', doc: string, rest: Omit<BinaryOperatorDecl, 'spelling' | 'doc' | 'category' | 'precedence' | 'chains'>): BinaryOperatorDecl {
  return { spelling, doc, category: 'arithmetic', precedence: spelling === '+' || spelling === '-' ? 7 : 8, chains: true, ...rest };
}

/** `date ± duration` and `duration + date`, for a date or a datetime on the time side. */
function timeOverloads(sign: 1 | -1): BinaryOverload[] {
  const word = sign === 1 ? '+' : '-';
  const out: BinaryOverload[] = [];
  for (const time of ['date', 'datetime'] as const) {
    out.push({
      id: `${time} ${word} duration`,
      accepts: (l, r) => l.kind === time && isDuration(r),
      result: (l, _r, node) => (time === 'date' && hasHours(node.right) ? Types.datetime : l),
      evaluate: (a, b, zone) => addToTime(a as number, time, b as C.Duration, sign, zone),
      witness: {
        kind: 'solve',
        left: time === 'date' ? (t, r, zone) => dayShifted(t, r, sign === 1 ? -1 : 1, zone) : (t, r, zone) => C.addDurationToInstant(t as number, r as C.Duration, sign === 1 ? -1 : 1, zone),
      },
    });
  }
  if (sign === 1) {
    for (const time of ['date', 'datetime'] as const) {
      out.push({
        id: `duration + ${time}`,
        accepts: (l, r) => isDuration(l) && r.kind === time,
        result: (_l, r) => r,
        evaluate: (a, b, zone) => addToTime(b as number, time, a as C.Duration, 1, zone),
        witness: {
          kind: 'solve',
          right: time === 'date' ? (t, l, zone) => dayShifted(t, l, -1, zone) : (t, l, zone) => C.addDurationToInstant(t as number, l as C.Duration, -1, zone),
        },
      });
    }
  }
  return out;
}

const plus: BinaryOverload[] = [
  {
    id: 'number + number',
    accepts: (l, r) => isNumber(l) && isNumber(r),
    result: () => Types.number,
    evaluate: (a, b) => D.add(a as number, b as number),
    js: (a, b, h) => `${h.use(D.add)}(${a}, ${b})`,
    witness: { kind: 'solve', left: (t, r) => D.sub(t as number, r as number), right: (t, l) => D.sub(t as number, l as number) },
  },
  {
    id: 'duration + duration',
    accepts: (l, r) => isDuration(l) && isDuration(r),
    result: () => Types.duration,
    evaluate: (a, b) => addDurations(a as C.Duration, b as C.Duration, 1),
  },
  ...timeOverloads(1),
];

const minus: BinaryOverload[] = [
  {
    id: 'number - number',
    accepts: (l, r) => isNumber(l) && isNumber(r),
    result: () => Types.number,
    evaluate: (a, b) => D.sub(a as number, b as number),
    js: (a, b, h) => `${h.use(D.sub)}(${a}, ${b})`,
    witness: { kind: 'solve', left: (t, r) => D.add(t as number, r as number), right: (t, l) => D.sub(l as number, t as number) },
  },
  {
    id: 'duration - duration',
    accepts: (l, r) => isDuration(l) && isDuration(r),
    result: () => Types.duration,
    evaluate: (a, b) => addDurations(a as C.Duration, b as C.Duration, -1),
  },
  ...timeOverloads(-1),
  {
    id: 'date - date',
    accepts: (l, r) => l.kind === 'date' && r.kind === 'date',
    result: () => Types.duration,
    evaluate: (a, b) => ({ months: 0, days: (a as number) - (b as number), ms: 0 }),
  },
  {
    id: 'datetime - datetime',
    accepts: (l, r) => l.kind === 'datetime' && r.kind === 'datetime',
    result: () => Types.duration,
    evaluate: (a, b) => ({ months: 0, days: 0, ms: (a as number) - (b as number) }),
  },
];

const timeHint = (left: Type) => (left.kind === 'date' ? 'add or subtract a duration: today - 1 year, sent_at + 24 hours' : undefined);

// ---------------------------------------------------------------------------
// The table

const binary = {
  or: {
    spelling: 'or',
    doc: 'either condition holds (unknown only when neither is true and one is unknown)',
    category: 'logic',
    precedence: 2,
    chains: true,
    commutative: true,
    decisive: true,
    overloads: [],
    direction: { left: 'up', right: 'up' },
    witness: { kind: 'group' },
  },
  and: {
    spelling: 'and',
    doc: 'both conditions hold (false as soon as one is false, whatever the other)',
    category: 'logic',
    precedence: 3,
    chains: true,
    commutative: true,
    decisive: false,
    overloads: [],
    direction: { left: 'up', right: 'up' },
    witness: { kind: 'group' },
  },
  '=': test('=', 'the two values are equal', {
    commutative: true,
    overloads: equality(false),
    hint: comparisonHint,
    direction: { left: 'none', right: 'none' },
    witness: { kind: 'compare', whenTrue: 'at', whenFalse: 'other' },
  }),
  '!=': test('!=', 'the two values differ', {
    commutative: true,
    overloads: equality(true),
    hint: comparisonHint,
    direction: { left: 'none', right: 'none' },
    witness: { kind: 'compare', whenTrue: 'other', whenFalse: 'at' },
  }),
  '<': test('<', 'less than (numbers, dates, datetimes, durations, members of an ordered enum)', {
    commutative: false,
    mirror: '>',
    overloads: ordering('<'),
    hint: comparisonHint,
    direction: { left: 'down', right: 'up' },
    witness: { kind: 'compare', whenTrue: 'below', whenFalse: 'at' },
  }),
  '<=': test('<=', 'at most', {
    commutative: false,
    mirror: '>=',
    overloads: ordering('<='),
    hint: comparisonHint,
    direction: { left: 'down', right: 'up' },
    witness: { kind: 'compare', whenTrue: 'at', whenFalse: 'above' },
  }),
  '>': test('>', 'more than', {
    commutative: false,
    mirror: '<',
    overloads: ordering('>'),
    hint: comparisonHint,
    direction: { left: 'up', right: 'down' },
    witness: { kind: 'compare', whenTrue: 'above', whenFalse: 'at' },
  }),
  '>=': test('>=', 'at least', {
    commutative: false,
    mirror: '<=',
    overloads: ordering('>='),
    hint: comparisonHint,
    direction: { left: 'up', right: 'down' },
    witness: { kind: 'compare', whenTrue: 'at', whenFalse: 'below' },
  }),
  in: test('in', 'the value is an element of the list, or the date or datetime falls in the window', {
    commutative: false,
    listSide: 'right',
    readsRightWhenLeftUnknown: true,
    overloads: membership(false),
    hint: () => MEMBERSHIP_HINT,
    direction: { left: 'none', right: 'up' },
    witness: { kind: 'member' },
  }),
  'not in': test('not in', 'the value is not an element of the list, or the date falls outside the window', {
    commutative: false,
    listSide: 'right',
    readsRightWhenLeftUnknown: true,
    overloads: membership(true),
    hint: () => MEMBERSHIP_HINT,
    direction: { left: 'none', right: 'down' },
    witness: { kind: 'member' },
  }),
  contains: test('contains', 'the string has the other as a part, or the list has the value as an element', {
    commutative: false,
    listSide: 'left',
    readsRightWhenLeftUnknown: true,
    overloads: [
      {
        id: 'string contains string',
        accepts: (l, r) => isString(l) && isString(r),
        result: bool,
        evaluate: (a, b) => (a as string).includes(b as string),
        js: (a, b) => `${a}.includes(${b})`,
      },
      {
        id: 'list contains value',
        accepts: (l, r) => l.kind === 'list' && isAssignable(r, l.element),
        result: bool,
        membership: { list: 'left', negate: false },
        evaluate: (a, b) => member(a as unknown[], b),
        direction: { left: 'up', right: 'none' },
        witness: { kind: 'member' },
      },
    ],
    hint: () => 'contains tests a string for a substring, or a list for an element',
    direction: { left: 'none', right: 'none' },
    witness: { kind: 'text', yes: (r) => r, no: (r) => `${r.split('').reverse().join('')}_other` },
  }),
  'starts with': test('starts with', 'the string begins with the other', {
    commutative: false,
    overloads: [
      {
        id: 'string starts with string',
        accepts: (l, r) => isString(l) && isString(r),
        result: bool,
        evaluate: (a, b) => (a as string).startsWith(b as string),
        js: (a, b) => `${a}.startsWith(${b})`,
      },
    ],
    direction: { left: 'none', right: 'none' },
    witness: { kind: 'text', yes: (r) => `${r}_1`, no: (r) => `x_${r}` },
  }),
  'ends with': test('ends with', 'the string ends with the other', {
    commutative: false,
    overloads: [
      {
        id: 'string ends with string',
        accepts: (l, r) => isString(l) && isString(r),
        result: bool,
        evaluate: (a, b) => (a as string).endsWith(b as string),
        js: (a, b) => `${a}.endsWith(${b})`,
      },
    ],
    direction: { left: 'none', right: 'none' },
    witness: { kind: 'text', yes: (r) => `x_${r}`, no: (r) => `${r}_x` },
  }),
  '+': arithmetic('+', 'adds numbers (exactly), durations, or a duration to a date or datetime', {
    commutative: true,
    overloads: plus,
    hint: timeHint,
    direction: { left: 'up', right: 'up' },
    witness: { kind: 'solve' },
  }),
  '-': arithmetic('-', 'subtracts numbers (exactly), durations, a duration from a date, or gives the duration between two dates', {
    commutative: false,
    overloads: minus,
    hint: timeHint,
    direction: { left: 'up', right: 'down' },
    witness: { kind: 'solve' },
  }),
  '*': arithmetic('*', 'multiplies numbers exactly', {
    commutative: true,
    overloads: [
      {
        id: 'number * number',
        accepts: (l, r) => isNumber(l) && isNumber(r),
        result: () => Types.number,
        evaluate: (a, b) => D.mul(a as number, b as number),
        js: (a, b, h) => `${h.use(D.mul)}(${a}, ${b})`,
        witness: {
          kind: 'solve',
          left: (t, r) => (r === 0 ? undefined : D.div(t as number, r as number)),
          right: (t, l) => (l === 0 ? undefined : D.div(t as number, l as number)),
        },
      },
    ],
    hint: () => '* and / work on numbers',
    direction: { left: 'withPositive', right: 'withPositive' },
    witness: { kind: 'solve' },
  }),
  '/': arithmetic('/', 'divides numbers, to 20 significant digits; unknown when dividing by zero', {
    commutative: false,
    overloads: [
      {
        id: 'number / number',
        accepts: (l, r) => isNumber(l) && isNumber(r),
        result: () => Types.number,
        evaluate: (a, b) => D.div(a as number, b as number),
        js: (a, b, h) => `${h.use(D.div)}(${a}, ${b})`,
        witness: { kind: 'solve', left: (t, r) => (r === 0 ? undefined : D.mul(t as number, r as number)) },
      },
    ],
    hint: () => '* and / work on numbers',
    direction: { left: 'withPositive', right: 'none' },
    witness: { kind: 'solve' },
  }),
} satisfies Record<string, BinaryOperatorDecl>;

/** Every binary operator, by how it is written: the list (the AST's `BinaryOperator` is its keys). */
export const binaryOperators: { readonly [Op in keyof typeof binary]: BinaryOperatorDecl } = binary;

const unary = {
  not: {
    spelling: 'not',
    doc: 'the condition does not hold (not unknown is unknown)',
    precedence: 4,
    overloads: [{ id: 'not bool', accepts: (t) => t.kind === 'bool', result: () => Types.bool, evaluate: (a) => !a, js: (a) => `!${a}`, solve: (t) => (typeof t === 'boolean' ? !t : undefined) }],
    mismatch: (t) => ({ code: 'BYL2007', message: `not needs a condition, but this is ${typeToString(t)}` }),
    resultOnMismatch: 'bool',
    direction: 'down',
  },
  '-': {
    spelling: '-',
    doc: 'the negative of a number or a duration',
    precedence: 9,
    overloads: [
      { id: '- number', accepts: isNumber, result: () => Types.number, evaluate: (a) => D.neg(a as number), solve: (t) => (typeof t === 'number' ? D.neg(t) : undefined) },
      {
        id: '- duration',
        accepts: isDuration,
        result: () => Types.duration,
        evaluate: (a) => {
          const v = a as C.Duration;
          return { months: -v.months, days: -v.days, ms: -v.ms };
        },
      },
    ],
    mismatch: (t) => ({ code: 'BYL2007', message: `cannot negate ${typeToString(t)}` }),
    resultOnMismatch: 'error',
    direction: 'down',
  },
} satisfies Record<string, UnaryOperatorDecl>;

/** Every prefix operator, by how it is written: the list (the AST's `UnaryOperator` is its keys). */
export const unaryOperators: { readonly [Op in keyof typeof unary]: UnaryOperatorDecl } = unary;

