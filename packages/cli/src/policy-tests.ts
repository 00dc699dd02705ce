/**
 * Policy tests: example subjects with expected outcomes, written by policy
 * authors in `<policy>.test.yaml` files next to the policies they test.
 */
import { readFileSync } from 'node:fs';
import { walkFiles } from '@bylaw/runtime/node';
import { parse as parseYaml } from 'yaml';
import type { Decision, ExplanationNode, PolicyRegistry, Truth } from '@bylaw/runtime';

/** The expectations of one case; every field is optional and checked only when given. */
export interface Expectation {
  outcome?: string;
  tier?: string | null;
  vetoed_by?: string | null;
  /** Fields and placeholders the undetermined decision must list (a subset check). */
  unknown?: string[];
  /** Field paths that must have data errors (a subset check). */
  data_errors?: string[];
  /** Results of named criteria, items and rules: true, false or unknown. */
  criteria?: Record<string, boolean | 'unknown'>;
  benefits?: string[];
  priorities?: Record<string, boolean | 'unknown'>;
}

/** One example subject. */
export interface PolicyCase {
  name: string;
  as_of: string;
  params?: Record<string, unknown>;
  subject: unknown;
  expect: Expectation;
}

/** A parsed test file. */
export interface PolicyTestFile {
  path: string;
  policy: string;
  params?: Record<string, unknown>;
  cases: PolicyCase[];
}

/** The result of one case. */
export interface CaseResult {
  file: string;
  policy: string;
  name: string;
  passed: boolean;
  failures: string[];
  decision: Decision | undefined;
}

/** Read and validate a test file; problems are returned as messages, never thrown. */
export function readTestFile(path: string): { file?: PolicyTestFile; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { problems: [`${path}: ${(e as Error).message.split('\n')[0]}`] };
  }
  return parseTestFile(path, text);
}

/** Validate the text of a test file (an editor's unsaved text, for instance); problems are returned as messages. */
export function parseTestFile(path: string, text: string): { file?: PolicyTestFile; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { problems: [`${path}: ${(e as Error).message.split('\n')[0]}`] };
  }
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null) return { problems: [`${path}: expected a mapping with policy: and cases:`] };
  const doc = raw as Record<string, unknown>;
  if (typeof doc['policy'] !== 'string') problems.push(`${path}: policy: must name the policy id under test`);
  if (!Array.isArray(doc['cases'])) problems.push(`${path}: cases: must be a list`);
  const cases: PolicyCase[] = [];
  (Array.isArray(doc['cases']) ? doc['cases'] : []).forEach((c: unknown, i: number) => {
    const where = `${path}: case ${i + 1}`;
    if (typeof c !== 'object' || c === null) return problems.push(`${where}: expected a mapping`);
    const x = c as Record<string, unknown>;
    const asOf = x['as_of'] instanceof Date ? (x['as_of'] as Date).toISOString().slice(0, 10) : x['as_of'];
    if (typeof x['name'] !== 'string') problems.push(`${where}: name: is required`);
    if (typeof asOf !== 'string') problems.push(`${where}${x['name'] ? ` (${x['name']})` : ''}: as_of: must be a date such as 2023-09-08`);
    if (typeof x['expect'] !== 'object' || x['expect'] === null) problems.push(`${where}${x['name'] ? ` (${x['name']})` : ''}: expect: is required`);
    cases.push({
      name: String(x['name'] ?? `case ${i + 1}`),
      as_of: String(asOf),
      params: x['params'] as Record<string, unknown> | undefined,
      subject: normalizeDates(x['subject']),
      expect: (x['expect'] ?? {}) as Expectation,
    });
  });
  if (problems.length) return { problems };
  return {
    file: { path, policy: doc['policy'] as string, params: doc['params'] as Record<string, unknown> | undefined, cases },
    problems,
  };
}

/** YAML reads unquoted dates as Date objects; data files give them as strings. */
function normalizeDates(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString().slice(0, 10);
  if (Array.isArray(v)) return v.map(normalizeDates);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalizeDates(x);
    return out;
  }
  return v;
}

/** Run every case of a test file against the registry. */
export function runTestFile(file: PolicyTestFile, registry: PolicyRegistry): CaseResult[] {
  return file.cases.map((c) => {
    const params = { ...(file.params ?? {}), ...(c.params ?? {}) };
    const decision = registry.evaluate(file.policy, c.subject, { asOf: c.as_of, params, explain: true });
    const failures = compareExpectation(c.expect, decision);
    // Every case also checks that the fast path (generated code) agrees with the explaining interpreter.
    const fast = registry.inForce(file.policy, c.as_of)?.policy.decide(c.subject, { asOf: c.as_of, params });
    if (fast && (fast.outcome !== decision.outcome || fast.tier !== decision.tier?.id || fast.vetoedBy !== decision.vetoedBy?.id)) {
      failures.push(`internal: the fast path decided ${fast.outcome}/${fast.tier ?? '-'}/${fast.vetoedBy ?? '-'}, the explaining path ${decision.outcome}/${decision.tier?.id ?? '-'}/${decision.vetoedBy?.id ?? '-'} (please report this)`);
    }
    return { file: file.path, policy: file.policy, name: c.name, passed: failures.length === 0, failures, decision };
  });
}

function compareExpectation(e: Expectation, d: Decision): string[] {
  const f: string[] = [];
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  if (e.outcome !== undefined && e.outcome !== d.outcome) f.push(`outcome: expected ${e.outcome}, got ${d.outcome}`);
  if (e.tier !== undefined && (e.tier ?? undefined) !== d.tier?.id) f.push(`tier: expected ${show(e.tier ?? undefined)}, got ${show(d.tier?.id)}`);
  if (e.vetoed_by !== undefined && (e.vetoed_by ?? undefined) !== d.vetoedBy?.id) {
    f.push(`vetoed_by: expected ${show(e.vetoed_by ?? undefined)}, got ${show(d.vetoedBy?.id)}`);
  }
  for (const u of e.unknown ?? []) {
    const names = [u, `placeholder ${u}`, `param ${u}`];
    if (!d.unknown.some((x) => names.some((n) => x === n || x.startsWith(n + '[') || x.startsWith(n + '.')))) {
      f.push(`unknown: expected ${u} among ${show(d.unknown)}`);
    }
  }
  for (const p of e.data_errors ?? []) {
    if (!d.dataErrors.some((x) => x.path === p || x.path.startsWith(p + '[') || x.path.startsWith(p + '.'))) {
      f.push(`data_errors: expected an error at ${p}, got ${show(d.dataErrors.map((x) => x.path))}`);
    }
  }
  if (e.benefits) {
    const got = d.benefits.map((b) => b.id).sort();
    if (JSON.stringify([...e.benefits].sort()) !== JSON.stringify(got)) f.push(`benefits: expected ${show([...e.benefits].sort())}, got ${show(got)}`);
  }
  for (const [id, want] of Object.entries(e.priorities ?? {})) {
    const got = d.priorities.find((p) => p.id === id);
    if (!got) f.push(`priorities: ${id} is not a priority condition of this policy`);
    else if (got.met !== want) f.push(`priorities.${id}: expected ${want}, got ${got.met}`);
  }
  if (e.criteria) {
    const results = criterionResults(d.explanation ?? []);
    for (const [id, want] of Object.entries(e.criteria)) {
      if (!results.has(id)) f.push(`criteria.${id}: no criterion, item or rule has this id`);
      else if (results.get(id) !== want) f.push(`criteria.${id}: expected ${want}, got ${results.get(id)}`);
    }
  }
  return f;
}

/** Every named node of an explanation with its result. */
export function criterionResults(nodes: readonly ExplanationNode[]): Map<string, Truth> {
  const out = new Map<string, Truth>();
  const walk = (n: ExplanationNode) => {
    if (n.id !== undefined && !out.has(n.id)) out.set(n.id, n.result);
    for (const c of n.children ?? []) walk(c);
  };
  nodes.forEach(walk);
  return out;
}

/** Per named criterion: which results the cases saw. */
export interface CoverageRow {
  file: string;
  id: string;
  label: string | undefined;
  seen: Set<Truth>;
}

/** Coverage of named criteria across the cases of each policy. */
export function coverage(results: readonly CaseResult[]): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  for (const r of results) {
    const walk = (n: ExplanationNode) => {
      if (n.id !== undefined && n.kind !== 'condition') {
        const key = `${r.policy}\u0000${n.id}`;
        const row = rows.get(key) ?? { file: r.policy, id: n.id, label: n.label, seen: new Set<Truth>() };
        row.seen.add(n.result);
        rows.set(key, row);
      }
      for (const c of n.children ?? []) walk(c);
    };
    (r.decision?.explanation ?? []).forEach(walk);
  }
  return [...rows.values()];
}

/** The policy test files (`*.test.yaml`, `*.test.yml`) under the paths, walked as every command walks (walkFiles). */
export function findTestFiles(paths: readonly string[]): { files: readonly string[]; problems: readonly { path: string; code: string }[] } {
  return walkFiles(paths, { extensions: ['.test.yaml', '.test.yml'] });
}
