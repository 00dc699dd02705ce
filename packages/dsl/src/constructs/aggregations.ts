/**
 * The aggregations: `name(x in list where condition: value)`, one entry each.
 * See declarations.ts for what an entry says and docs/contributing.md for how
 * to add one (`avg` is the worked example).
 *
 * Every aggregation visits every element (so that every data error in the
 * list is reported); an element whose `where` is unknown, or whose value is
 * unknown, makes the result unknown unless the fold decides without it
 * (`any` with a true element, `all` with a false one).
 */
import { Types, typeToString, type Type } from '../types.js';
import * as D from '../values/decimal.js';
import * as C from '../values/calendar.js';
import type { AggregationDecl, Fold, FoldTemplate } from './declarations.js';

const fits = (t: Type, ...kinds: Type['kind'][]) => t.kind === 'error' || t.kind === 'any' || kinds.includes(t.kind);

/** `acc = acc + v` exactly: plain addition while it is exact (safe integers), exact decimals otherwise. */
function addStep(v: string, acc: string, sum: string, add: string): string {
  return `{ const ${sum} = ${acc} + ${v}; ${acc} = Number.isSafeInteger(${sum}) && Number.isSafeInteger(${v}) && Number.isSafeInteger(${acc}) ? ${sum} : ${add}(${acc}, ${v}); }`;
}

/** The result of a fold with one accumulator: unknown if any element was. */
const plainResult = (s: Readonly<Record<string, string>>) => `${s.unknown} ? undefined : ${s.acc}`;

function extreme(which: 'min' | 'max'): AggregationDecl {
  const better = (c: number) => (which === 'min' ? c < 0 : c > 0);
  const js: FoldTemplate = {
    accepts: (t) => t.kind === 'number' || t.kind === 'date' || t.kind === 'datetime' || t.kind === 'enum',
    state: { acc: 'undefined' },
    step: (v, s) => [`if (${v} === undefined) ${s.unknown} = true;`, `else if (${s.acc} === undefined || ${v} ${which === 'min' ? '<' : '>'} ${s.acc}) ${s.acc} = ${v};`],
    result: plainResult,
  };
  return {
    name: which,
    doc: `the ${which === 'min' ? 'smallest' : 'largest'} of numbers, dates, datetimes or durations`,
    check: (t) => (fits(t, 'number', 'date', 'datetime', 'duration') ? undefined : { code: 'BYL2013', message: `${which} needs numbers or dates, not ${typeToString(t)}` }),
    result: (t) => (t.kind === 'any' ? Types.number : t),
    resultOnMismatch: 'error',
    fold: (t): Fold => {
      if (t.kind === 'duration') {
        // Durations of different units may not compare (1 month and 30 days): then unknown.
        const incomparable = Symbol('incomparable');
        return {
          start: () => undefined,
          step: (best, v) => {
            if (best === undefined || best === incomparable) return best === incomparable ? best : v;
            const c = C.compareDurations(v as C.Duration, best as C.Duration);
            return c === undefined ? incomparable : better(c) ? v : best;
          },
          finish: (best, unknown) => (unknown || best === incomparable ? undefined : best),
        };
      }
      return {
        start: () => undefined,
        step: (best, v) => (best === undefined || better((v as number) < (best as number) ? -1 : (v as number) > (best as number) ? 1 : 0) ? v : best),
        finish: (best, unknown) => (unknown ? undefined : best),
      };
    },
    js,
    direction: { elements: which === 'min' ? 'down' : 'up', value: 'up' },
    changes: { elements: 'over {more} elements', value: 'the value taken changed' },
    witness: { kind: 'one', restZero: false },
  };
}

const table = {
  count: {
    name: 'count',
    doc: 'how many elements there are (with a condition after `:`, how many meet it)',
    check: (t, projected) =>
      projected && t.kind !== 'bool' && t.kind !== 'error'
        ? { code: 'BYL2009', message: `count(x in list: …) counts where a condition holds; this is ${typeToString(t)}` }
        : undefined,
    result: () => Types.number,
    resultOnMismatch: 'number',
    // Without a condition every kept element counts, known or not.
    fold: (_t, projected): Fold<number> =>
      projected
        ? { start: () => 0, step: (n, v) => (v === true ? n + 1 : n), finish: (n, unknown) => (unknown ? undefined : n) }
        : { start: () => 0, step: (n) => n + 1, stepsUnknown: true, finish: (n, unknown) => (unknown ? undefined : n) },
    js: {
      accepts: () => true,
      state: { acc: '0' },
      step: (v, s, _h, projected) => (projected ? [`if (${v} === undefined) ${s.unknown} = true; else if (${v} === true) ${s.acc}++;`] : [`${s.acc}++;`]),
      result: plainResult,
    },
    direction: { elements: 'up', value: 'up' },
    changes: { elements: 'counts {more} elements', value: 'the condition on each element changed' },
    witness: { kind: 'count' },
  },
  sum: {
    name: 'sum',
    doc: 'the total of numbers, exactly (0 for no elements)',
    check: (t, projected) =>
      fits(t, 'number')
        ? undefined
        : { code: 'BYL2013', message: `sum adds numbers, not ${typeToString(t)}`, ...(projected ? {} : { hint: 'pick the number to add: sum(x in list: x.amount)' }) },
    result: () => Types.number,
    resultOnMismatch: 'error',
    fold: (): Fold<number | undefined> => ({
      start: () => 0,
      // An overflow to infinity leaves the total unknown.
      step: (total, v) => (total === undefined ? undefined : D.add(total, v as number)),
      finish: (total, unknown) => (unknown ? undefined : total),
    }),
    js: {
      accepts: (t) => t.kind === 'number',
      state: { acc: '0' },
      step: (v, s, h) => [`if (${v} === undefined) ${s.unknown} = true;`, `else if (${s.acc} !== undefined) ${addStep(v, s.acc!, h.temp(), h.use(D.add))}`],
      result: plainResult,
    },
    direction: { elements: 'none', value: 'up' },
    changes: { elements: 'adds up a different set of elements, so the total can move either way', value: 'adds up a different value' },
    witness: { kind: 'one', restZero: true },
  },
  min: extreme('min'),
  max: extreme('max'),
  any: {
    name: 'any',
    doc: 'some element meets the condition (true as soon as one does, whatever the unknown ones)',
    check: (t) =>
      fits(t, 'bool') ? undefined : { code: 'BYL2009', message: `any needs conditions, but this is ${typeToString(t)}`, hint: 'write any(x in list: condition about x)' },
    result: () => Types.bool,
    resultOnMismatch: 'bool',
    fold: (): Fold<boolean> => ({ start: () => false, step: (seen, v) => seen || v === true, finish: (seen, unknown) => (seen ? true : unknown ? undefined : false) }),
    js: {
      accepts: () => true,
      state: { seenTrue: 'false' },
      step: (v, s) => [`if (${v} === undefined) ${s.unknown} = true;`, `else if (${v}) ${s.seenTrue} = true;`],
      result: (s) => `${s.seenTrue} ? true : ${s.unknown} ? undefined : false`,
    },
    direction: { elements: 'up', value: 'up' },
    changes: { elements: 'looks at {more} elements', value: 'the condition on each element changed' },
    witness: { kind: 'truth' },
  },
  all: {
    name: 'all',
    doc: 'every element meets the condition (false as soon as one does not; true for no elements)',
    check: (t) =>
      fits(t, 'bool') ? undefined : { code: 'BYL2009', message: `all needs conditions, but this is ${typeToString(t)}`, hint: 'write all(x in list: condition about x)' },
    result: () => Types.bool,
    resultOnMismatch: 'bool',
    fold: (): Fold<boolean> => ({ start: () => false, step: (seen, v) => seen || v === false, finish: (seen, unknown) => (seen ? false : unknown ? undefined : true) }),
    js: {
      accepts: () => true,
      state: { seenFalse: 'false' },
      step: (v, s) => [`if (${v} === undefined) ${s.unknown} = true;`, `else if (!${v}) ${s.seenFalse} = true;`],
      result: (s) => `${s.seenFalse} ? false : ${s.unknown} ? undefined : true`,
    },
    direction: { elements: 'down', value: 'up' },
    changes: { elements: 'must hold for {more} elements', value: 'the condition on each element changed' },
    witness: { kind: 'truth' },
  },
} satisfies Record<string, AggregationDecl>;

/** Every aggregation, by name: the list (the AST's `AggregateFunction` is its keys). */
export const aggregations: { readonly [F in keyof typeof table]: AggregationDecl } = table;
