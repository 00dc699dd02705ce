/**
 * Evaluator fuzzing and differential testing.
 *
 * Generated valid policies (see support.ts) × random and adversarial merchant
 * data: wrong types, missing fields, null, NaN, ±Infinity, 1e308, long
 * strings and lists, deeply nested objects, `__proto__` / `constructor` /
 * `prototype` keys, bad params and bad as-of dates.
 *
 * For every pair:
 *  - no exception escapes any entry point;
 *  - every result is a well-formed decision (outcome, tier, veto and possible
 *    ids from the policy; data errors as path + message);
 *  - no built-in prototype is polluted;
 *  - all paths agree: evaluate() plain and explained, with generated code and
 *    with the interpreter only (`codegen: false`), and decide() on both.
 */
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PolicyRegistry, renderDiagnostic, type Decision, type PlainDecision } from '../support/bylaw.js';
import { essence } from '../support/decisions.js';
import { asOfArb, assertNoPollution, cleanParamsFor, cleanSubjectFor, count, generatePolicy, paramsFor, params, report, scaledRuns, subjectFor, type GeneratedPolicy, fuzzTimeout } from './support.js';

const TARGET_CHECK = 'generated policies check';
const TARGET_EVAL = 'evaluator × differential';
const TARGET_FAST = 'explained by generated code (the rest by the interpreter)';

function build(p: GeneratedPolicy): { fast: PolicyRegistry; interp: PolicyRegistry } {
  const inputs = [{ path: 'fuzz.policy', text: p.text }];
  const a = PolicyRegistry.fromSources(inputs);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (!a.registry || errors.length > 0) {
    throw new Error(`generated policy does not check:\n${errors.map((d) => renderDiagnostic(d, p.text)).join('\n\n')}\n\n--- policy ---\n${p.text}`);
  }
  const b = PolicyRegistry.fromSources(inputs, { codegen: false });
  return { fast: a.registry, interp: b.registry! };
}

const plainEssence = (d: PlainDecision) => ({ outcome: d.outcome, admission: d.admission, tier: d.tier, vetoedBy: d.vetoedBy });
const paths = (errors: readonly { path: string }[]) => [...new Set(errors.map((e) => e.path))].sort();

function assertWellFormed(d: Decision, p: GeneratedPolicy, explain: boolean): void {
  const outcomes = ['admitted', 'rejected', 'undetermined', 'not_in_force', ...(p.mode === 'outcomes' ? p.outcomeIds : [])];
  expect(outcomes).toContain(d.outcome);
  if (p.mode === 'outcomes') expect(['admitted', 'rejected']).not.toContain(d.outcome);
  if (d.admission !== undefined) expect(['admitted', 'rejected', 'undetermined']).toContain(d.admission);
  if (d.tier) expect(p.tierIds).toContain(d.tier.id);
  if (d.vetoedBy) expect(p.excludeIds).toContain(d.vetoedBy.id);
  for (const x of d.possible ?? []) expect([...p.tierIds, ...p.outcomeIds]).toContain(x.id);
  if (d.outcome === 'admitted' && p.tierIds.length > 0) expect(d.tier, 'an admitted subject of a tiered policy has its tier').toBeDefined();
  if (d.outcome === 'rejected' || d.outcome === 'undetermined') expect(d.tier).toBeUndefined();
  if (d.outcome !== 'undetermined') expect(d.unknown).toEqual([]);
  expect(Array.isArray(d.priorities) && Array.isArray(d.benefits) && Array.isArray(d.unknown)).toBe(true);
  for (const u of d.unknown) expect(typeof u).toBe('string');
  for (const e of d.dataErrors) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
    // Messages quote data, but briefly: a 50,000-character string is not copied into a message.
    expect(e.message.length).toBeLessThan(1000);
  }
  if (!explain) expect(d.explanation).toBeUndefined();
  expect(() => JSON.stringify(d)).not.toThrow();
}

function assertPlainWellFormed(d: PlainDecision, p: GeneratedPolicy): void {
  expect(['admitted', 'rejected', 'undetermined', ...p.outcomeIds]).toContain(d.outcome);
  if (d.tier !== undefined) expect(p.tierIds).toContain(d.tier);
  if (d.vetoedBy !== undefined) expect(p.excludeIds).toContain(d.vetoedBy);
  for (const e of d.dataErrors) expect(typeof e.path === 'string' && typeof e.message === 'string').toBe(true);
}

interface Case {
  readonly policy: GeneratedPolicy;
  readonly runs: { subject: unknown; params: Record<string, unknown> | undefined; asOf: string }[];
}

const caseArb: fc.Arbitrary<Case> = fc.gen().map((g) => {
  const policy = generatePolicy(g);
  const n = g(fc.integer, { min: 1, max: 6 });
  // Half the runs on well-formed data (every field present and of its type), which the generated
  // explaining code handles; the others adversarial, which it mostly leaves to the interpreter.
  const run = () =>
    g(fc.boolean)
      ? { subject: cleanSubjectFor(g, policy), params: cleanParamsFor(g, policy), asOf: asOfArb(g) }
      : { subject: subjectFor(g, policy), params: paramsFor(g, policy), asOf: asOfArb(g) };
  const c: Case = { policy, runs: Array.from({ length: n }, run) };
  // fast-check prints a counterexample by walking it recursively, which a 5,000-deep data value
  // overflows (hiding the failure): print the case briefly instead.
  return Object.defineProperty(c, fc.toStringMethod, {
    value: () => `policy:\n${policy.text}\nruns: ${c.runs.map((r) => `${show(r.subject)} params ${show(r.params)} asOf ${r.asOf}`).join('\n')}`,
  });
});

function show(x: unknown): string {
  try {
    const s = JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    return s === undefined ? String(x) : s.length > 2000 ? s.slice(0, 2000) + '…' : s;
  } catch {
    return `(${Array.isArray(x) ? 'a list' : typeof x} too deep to print)`;
  }
}

function runCase(c: Case): void {
  const { fast, interp } = build(c.policy);
  count(TARGET_CHECK);
  for (const r of c.runs) {
    count(TARGET_EVAL);
    const opts = { asOf: r.asOf, ...(r.params ? { params: r.params } : {}) };
    const where = `subject ${show(r.subject)} params ${show(r.params)} asOf ${r.asOf}\n--- policy ---\n${c.policy.text}`;
    try {
      const plain = fast.evaluate(c.policy.id, r.subject, { ...opts, explain: false });
      const explained = fast.evaluate(c.policy.id, r.subject, { ...opts, explain: true });
      const iPlain = interp.evaluate(c.policy.id, r.subject, { ...opts, explain: false });
      const iExplained = interp.evaluate(c.policy.id, r.subject, { ...opts, explain: true });
      assertNoPollution();
      for (const [d, ex] of [[plain, false], [explained, true], [iPlain, false], [iExplained, true]] as const) assertWellFormed(d, c.policy, ex);
      // The fast path and the explaining path agree on the outcome; the interpreter agrees with generated code.
      expect(essence(explained), 'explained vs plain').toEqual(essence(plain));
      expect(essence(iPlain), 'interpreter vs generated code').toEqual(essence(plain));
      expect(essence(iExplained), 'interpreter explained vs plain').toEqual(essence(plain));
      // Explanations recorded by generated code and built on read are the interpreter's, key for key.
      expect(JSON.stringify(explained), 'explanation: generated code vs interpreter').toBe(JSON.stringify(iExplained));
      if (explained.explanation && types.isProxy(explained.explanation)) count(TARGET_FAST);
      expect(JSON.stringify(plain), 'decision: generated code vs interpreter').toBe(JSON.stringify(iPlain));
      expect([...plain.unknown].sort(), 'unknown: explained vs plain').toEqual([...explained.unknown].sort());
      expect(paths(iPlain.dataErrors), 'data errors: interpreter vs generated code').toEqual(paths(plain.dataErrors));
      expect(paths(iExplained.dataErrors), 'data errors: explained, both registries').toEqual(paths(explained.dataErrors));
      // The explaining path evaluates every item of a combinator, so it may find more data errors, never fewer.
      for (const path of paths(plain.dataErrors)) expect(paths(explained.dataErrors), 'explained errors include plain errors').toContain(path);
      const version = fast.inForce(c.policy.id, r.asOf);
      const iVersion = interp.inForce(c.policy.id, r.asOf);
      if (version && iVersion) {
        version.policy.decide(r.subject, opts);
        // The second call with the same as-of date takes the generated entry (see codegen.ts).
        const quick = version.policy.decide(r.subject, opts);
        const iQuick = iVersion.policy.decide(r.subject, opts);
        assertNoPollution();
        assertPlainWellFormed(quick, c.policy);
        expect(plainEssence(quick), 'decide() vs evaluate()').toEqual(plainEssence({ ...plain, tier: plain.tier?.id, vetoedBy: plain.vetoedBy?.id } as never));
        expect(plainEssence(iQuick), 'decide(): interpreter vs generated code').toEqual(plainEssence(quick));
        expect(paths(quick.dataErrors), 'decide() data errors vs evaluate()').toEqual(paths(plain.dataErrors));
        expect(paths(iQuick.dataErrors), 'decide() data errors: interpreter vs generated code').toEqual(paths(quick.dataErrors));
      }
    } catch (e) {
      // Printed here too: fast-check's own report of a counterexample can fail on very deep data.
      process.stderr.write(`[fuzz] FAILURE: ${(e as Error).stack?.split('\n').slice(0, 8).join('\n')}\n${where}\n`);
      throw new Error(`${(e as Error).message}\n${where}`);
    }
  }
}

describe('evaluator fuzzing', () => {
  it('generated policies × adversarial data: well-formed, unpolluted, all paths agree', () => {
    fc.assert(fc.property(caseArb, runCase), params(scaledRuns(300, 0.05)));
    report(TARGET_CHECK);
    report(TARGET_EVAL);
    report(TARGET_FAST);
  }, fuzzTimeout);

  it('the real policies × adversarial data: no exception, all paths agree', async () => {
    const { loadPolicies } = await import('../support/bylaw.js');
    const fast = loadPolicies(['policies']).registry!;
    const interp = loadPolicies(['policies'], { codegen: false }).registry!;
    expect(fast).toBeDefined();
    const ids = fast.ids();
    const target = 'real policies × adversarial data';
    let lastSubject: unknown;
    fc.assert(
      fc.property(
        fc.gen(),
        fc.constantFrom(...ids),
        (g, id) => {
          try {
            realCase(g, id);
          } catch (e) {
            if (process.env['FUZZ_DEBUG']) process.stderr.write(`${(e as Error).stack?.split('\n').filter((l) => !/Array\.(join|toString)/.test(l)).slice(0, 12).join('\n')}\n`);
            (e as Error).message = `${(e as Error).message}\npolicy ${id} subject ${show(lastSubject)}`;
            throw e;
          }
        },
      ),
      params(scaledRuns(1000, 0.2)),
    );
    report(target);

    function realCase(g: fc.GeneratorValue, id: string): void {
          count(target);
          const v = fast.versions(id)[0]!;
          const type = v.policy.checked.subject.type;
          // Data shaped like the subject type, with adversarial values at random places.
          const subject = shaped(g, type, 0);
          const asOf = g(fc.constantFrom, '2022-10-01', '2023-09-08', '2023-10-08', '2024-03-15', '2030-01-01', 'bad');
          const opts = { asOf };
          lastSubject = subject;
          const plain = fast.evaluate(id, subject, { ...opts, explain: false });
          const explained = fast.evaluate(id, subject, { ...opts, explain: true });
          const iPlain = interp.evaluate(id, subject, { ...opts, explain: false });
          const iExplained = interp.evaluate(id, subject, { ...opts, explain: true });
          assertNoPollution();
          expect(JSON.stringify(explained)).toBe(JSON.stringify(iExplained));
          expect(JSON.stringify(plain)).toBe(JSON.stringify(iPlain));
          expect(essence(explained)).toEqual(essence(plain));
          expect(essence(iPlain)).toEqual(essence(plain));
          expect(paths(iPlain.dataErrors)).toEqual(paths(plain.dataErrors));
          const version = fast.inForce(id, asOf);
          if (version) {
            const quick = version.policy.decide(subject, opts);
            expect(plainEssence(quick)).toEqual(plainEssence({ ...plain, tier: plain.tier?.id, vetoedBy: plain.vetoedBy?.id } as never));
          }
    }
  }, fuzzTimeout);
});

import type { Type } from '../support/bylaw.js';
import { adversarialValue } from './support.js';

const numberArb = () => fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.constantFrom(0, 1, 3, 50, 150, 900, 1000, 9_000_000, 4.8, 4.79));

/** Data for a checked type: well-typed most of the time, adversarial at random places. */
function shaped(g: fc.GeneratorValue, t: Type, depth: number): unknown {
  if (g(fc.integer, { min: 0, max: 9 }) === 0) return adversarialValue(g);
  if (g(fc.integer, { min: 0, max: 14 }) === 0) return undefined;
  switch (t.kind) {
    case 'bool':
      return g(fc.boolean);
    case 'number':
      return g(numberArb);
    case 'string':
      return g(fc.constantFrom, 'SGS', '服饰', 'a', '', '京东京造');
    case 'date':
      return g(fc.constantFrom, '2023-01-01', '2023-07-17', '2022-07-16', '2023-09-01', '2024-02-29');
    case 'datetime':
      return g(fc.constantFrom, '2023-07-17T10:00:00+08:00', '2023-09-07T23:59', '2023-01-01T00:00Z');
    case 'enum':
      return g(fc.constantFrom, ...[...t.byDataValue.keys()]);
    case 'list':
      return depth > 3 ? [] : Array.from({ length: g(fc.integer, { min: 0, max: 4 }) }, () => shaped(g, t.element, depth + 1));
    case 'monthly': {
      const out: Record<string, unknown> = {};
      for (const m of ['2023-05', '2023-06', '2023-07', '2023-08', '2023-09', '2024-01', '2024-02']) if (g(fc.boolean)) out[m] = shaped(g, t.element, depth + 1);
      return out;
    }
    case 'record': {
      if (depth > 3) return {};
      const out: Record<string, unknown> = {};
      for (const [name, f] of t.fields) {
        const v = shaped(g, f.type, depth + 1);
        if (v !== undefined) Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      return null;
  }
}
