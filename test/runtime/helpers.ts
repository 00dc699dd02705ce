/**
 * Helpers for runtime tests: build registries from inline policies, and
 * evaluate every subject on both paths (plain and explained), asserting that
 * they agree on the decision.
 */
import { expect } from 'vitest';
import {
  PolicyRegistry,
  renderDiagnostic,
  type Decision,
  type EvaluateOptions,
  type ExplanationNode,
  type ComparisonTrace,
} from '../support/bylaw.js';
import { essence } from '../support/decisions.js';

/** A policy header. `effective` may include `until`: "2024-01-01 until 2024-06-01". */
export function header(id: string, opts: { version?: string; effective?: string; published?: string; timezone?: string; title?: string } = {}): string {
  const effective = opts.effective ?? '2020-01-01';
  return [
    `policy ${id} "${opts.title ?? '测试'}"`,
    `  version "${opts.version ?? '1'}"`,
    `  published ${opts.published ?? effective.slice(0, 10)}`,
    `  effective ${effective}`,
    ...(opts.timezone ? [`  timezone "${opts.timezone}"`] : []),
    '',
  ].join('\n');
}

/** Check and load inline policies; fail the test with rendered diagnostics on any error. */
export function load(sources: readonly { path: string; text: string }[] | string): PolicyRegistry {
  const inputs = typeof sources === 'string' ? [{ path: 'inline.policy', text: sources }] : sources;
  const result = PolicyRegistry.fromSources(inputs);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.registry || errors.length > 0) {
    const texts = new Map(inputs.map((i) => [i.path, i.text]));
    throw new Error(
      'policies do not check:\n' + errors.map((d) => renderDiagnostic(d, texts.get(d.file) ?? '')).join('\n\n'),
    );
  }
  interpreters.set(result.registry, PolicyRegistry.fromSources(inputs, { codegen: false }).registry!);
  return result.registry;
}

/** For each registry built by {@link load}, the same policies compiled without generated code. */
const interpreters = new WeakMap<PolicyRegistry, PolicyRegistry>();

/**
 * Evaluate on both paths, assert that they agree, and return both. Pass
 * `explain: true` in options to get the explained decision as `decision` too.
 */
export function evaluateBoth(
  registry: PolicyRegistry,
  id: string,
  subject: unknown,
  options: Omit<EvaluateOptions, 'explain'>,
): { plain: Decision; explained: Decision } {
  const plain = registry.evaluate(id, subject, { ...options, explain: false });
  const explained = registry.evaluate(id, subject, { ...options, explain: true });
  expect(essence(explained), `explain path agrees with the plain path for ${JSON.stringify(subject)}`).toEqual(essence(plain));
  // The interpreter alone (no generated code) agrees with the default path.
  const interpreter = interpreters.get(registry);
  if (interpreter) {
    const i = interpreter.evaluate(id, subject, { ...options, explain: false });
    // Explanations from generated code (recorded, built when read) are the interpreter's, key for key.
    expect(JSON.stringify(explained), `the explanation agrees with the interpreter's for ${JSON.stringify(subject)}`).toBe(
      JSON.stringify(interpreter.evaluate(id, subject, { ...options, explain: true })),
    );
    expect({ ...essence(i), unknown: i.unknown, errors: i.dataErrors }, `the interpreter agrees with generated code for ${JSON.stringify(subject)}`).toEqual({
      ...essence(plain),
      unknown: plain.unknown,
      errors: plain.dataErrors,
    });
  }
  // The fast path (generated code) and the interpreter agree too.
  const version = registry.inForce(id, options.asOf);
  if (version) {
    version.policy.decide(subject, { ...options });
    // The second call with the same date takes the generated entry.
    const fast = version.policy.decide(subject, { ...options });
    expect(
      { outcome: fast.outcome, admission: fast.admission, tier: fast.tier, vetoedBy: fast.vetoedBy, errors: fast.dataErrors.map((e) => e.path).sort() },
      `decide() agrees with evaluate() for ${JSON.stringify(subject)}`,
    ).toEqual({
      outcome: plain.outcome,
      admission: plain.admission,
      tier: plain.tier?.id,
      vetoedBy: plain.vetoedBy?.id,
      errors: plain.dataErrors.map((e) => e.path).sort(),
    });
  }
  if (plain.outcome !== 'not_in_force') expect(explained.explanation, 'explain: true gives an explanation').toBeDefined();
  expect(plain.explanation, 'explain: false gives no explanation').toBeUndefined();
  return { plain, explained };
}

/** Evaluate on both paths (asserting agreement) and return the plain decision. */
export function decide(registry: PolicyRegistry, id: string, subject: unknown, options: Omit<EvaluateOptions, 'explain'>): Decision {
  return evaluateBoth(registry, id, subject, options).plain;
}

/** Every node of an explanation tree, depth first. */
export function nodes(tree: readonly ExplanationNode[] | undefined): ExplanationNode[] {
  const out: ExplanationNode[] = [];
  const walk = (n: ExplanationNode) => {
    out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  for (const n of tree ?? []) walk(n);
  return out;
}

/** Every comparison recorded in an explanation tree. */
export function comparisons(tree: readonly ExplanationNode[] | undefined): ComparisonTrace[] {
  return nodes(tree).flatMap((n) => n.comparisons ?? []);
}

/**
 * A one-policy registry whose subject `merchant: Merchant` has the given
 * fields and whose decide block is given; evaluates with `asOf` 2024-06-15 by default.
 */
export function simplePolicy(fields: string, decideBlock: string, extra = '', opts: Parameters<typeof header>[1] = {}): PolicyRegistry {
  return load(
    `${header('test.p', opts)}
type Merchant {
${fields}
}

subject merchant: Merchant
${extra}
decide {
${decideBlock}
}
`,
  );
}
