import { describe, expect, it } from 'vitest';
import { check, type CheckedPolicy } from '@bylaw/dsl';
import { diffPolicies } from './diff.js';
import { findWitnesses } from './witness.js';
import { defaultDiffLimits } from './limits.js';

function policy(body: string, extra = '', header = 'effective 2024-01-01'): CheckedPolicy {
  const text = `policy t.w "测试" version "1" published 2024-01-01 ${header}
type M { gmv: number  rating: number  flag: bool = false }
subject m: M
${extra}
decide {
${body}
}
`;
  const r = check([{ path: 'w.policy', text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.policies[0]!;
}

function witnessOf(a: CheckedPolicy, b: CheckedPolicy) {
  const d = diffPolicies(a, b);
  findWitnesses(d, a, b);
  return d.changes.filter((c) => c.meaning).map((c) => c.witness!);
}

describe('witnesses', () => {
  it('a raised minimum: a subject between the two thresholds, admitted then rejected', () => {
    const [w] = witnessOf(policy('admit when m.gmv >= 900万'), policy('admit when m.gmv >= 1000万'));
    expect(w).toMatchObject({ found: true, kind: 'subject', subject: { gmv: 9_500_000 } });
    if (w?.found && w.kind === 'subject') {
      expect(w.old.outcome).toBe('admitted');
      expect(w.new.outcome).toBe('rejected');
      expect(w.responsible[0]).toMatchObject({ path: 'admit when', old: true, new: false });
    }
  });

  it('says so when no subject decides differently (a new condition that the others already imply)', () => {
    const [w] = witnessOf(policy('admit when m.gmv >= 500万'), policy('admit when m.gmv >= 500万 and m.gmv >= 400万'));
    expect(w?.found).toBe(false);
    if (w && !w.found) {
      expect(w.reason).toMatch(/no subject/);
      expect(w.tried).toBeGreaterThan(0);
    }
  });

  it('stays within its bound', () => {
    const a = policy('admit when m.gmv >= 500万');
    const b = policy('admit when m.gmv >= 500万 and m.gmv >= 400万');
    const d = diffPolicies(a, b);
    findWitnesses(d, a, b, { limits: { maxWitnessEvaluations: 5 } });
    const w = d.changes.find((c) => c.meaning)!.witness!;
    expect(w.found).toBe(false);
    if (!w.found) expect(w.tried).toBeLessThanOrEqual(10);
  });

  it('the whole diff stays within maxWitnessEvaluationsInAll: the changes after it say they were not searched', () => {
    const criteria = (k: number) => Array.from({ length: 12 }, (_, i) => `criterion c${i}: m.gmv >= ${(i + 1) * 100 + k} and m.rating > ${i}`).join('\n');
    const rule = `admit when all of {\n${Array.from({ length: 12 }, (_, i) => `  c${i}`).join('\n')}\n}`;
    const a = policy(rule, criteria(0));
    const b = policy(rule, criteria(1));
    const d = diffPolicies(a, b);
    findWitnesses(d, a, b, { limits: { maxWitnessEvaluationsInAll: 6 } });
    const ws = d.changes.filter((c) => c.meaning).map((c) => c.witness!);
    expect(ws).toHaveLength(12);
    const searched = ws.filter((w) => w.tried > 0 || w.found);
    const skipped = ws.filter((w) => !w.found && w.tried === 0);
    expect(searched.length).toBeGreaterThan(0);
    expect(skipped.length).toBeGreaterThan(0);
    expect(searched.reduce((n, w) => n + w.tried, 0)).toBeLessThanOrEqual(6 + 1);
    for (const w of skipped) if (!w.found) expect(w.reason).toBe('not searched: the witness search of this diff has evaluated its 6 candidates in all (limits.maxWitnessEvaluationsInAll); the changes listed first got them');
  });

  it('the analyses of single edits stay within maxAnalysisSteps: the edits after it keep their meaning, direction unknown, and say why', () => {
    const criteria = (k: number) => Array.from({ length: 12 }, (_, i) => `criterion c${i}: m.gmv >= ${(i + 1) * 100 + k}`).join('\n');
    const rule = `admit when all of {\n${Array.from({ length: 12 }, (_, i) => `  c${i}`).join('\n')}\n}`;
    const full = diffPolicies(policy(rule, criteria(0)), policy(rule, criteria(1)));
    expect(full.changes.filter((c) => c.meaning).every((c) => c.direction === 'stricter')).toBe(true);
    const d = diffPolicies(policy(rule, criteria(0)), policy(rule, criteria(1)), { limits: { maxAnalysisSteps: 30 } });
    const meaning = d.changes.filter((c) => c.meaning);
    expect(meaning).toHaveLength(12);
    const unanalysed = meaning.filter((c) => c.why.some((w) => w.includes('limits.maxAnalysisSteps')));
    expect(unanalysed.length).toBeGreaterThan(0);
    for (const c of unanalysed) expect(c.direction).toBe('unknown');
    expect(meaning.filter((c) => c.direction === 'stricter').length).toBe(12 - unanalysed.length);
  });

  it('the defaults are the documented ones, frozen', () => {
    expect(defaultDiffLimits).toEqual({
      maxWitnessEvaluations: 600,
      maxWitnessEvaluationsInAll: 5_000,
      maxAnalysisSteps: 10_000_000,
      maxWitnessListLength: 5_000,
      maxFlipExamples: 5,
      maxExplainedFlips: 10_000,
      maxMalformedExamples: 5,
    });
    expect(Object.isFrozen(defaultDiffLimits)).toBe(true);
  });

  it('a placeholder without a value is set out of reach only when the witness needs it', () => {
    const extra = 'placeholder gold_min: number';
    const tiers = (silver: string) => `tier gold: m.gmv >= gold_min\n tier silver: m.gmv >= ${silver}\n default tier base`;
    const [w] = witnessOf(policy(tiers('900万'), extra), policy(tiers('1000万'), extra));
    expect(w).toMatchObject({ found: true, kind: 'subject', params: { gold_min: 1e15 } });
    if (w?.found && w.kind === 'subject') expect([w.old.tier, w.new.tier]).toEqual(['silver', 'base']);
  });

  it('an effective date moved: a day on which only one version is in force', () => {
    const [w] = witnessOf(policy('admit when m.flag', '', 'effective 2024-01-01'), policy('admit when m.flag', '', 'effective 2024-02-01'));
    expect(w).toEqual({ found: true, kind: 'date', date: '2024-01-31', old: 'in force (version 1)', new: 'not yet in force (takes effect 2024-02-01)' });
  });
});
