/**
 * Policy tests in the editor: the `.test.yaml` beside a policy, run by the CLI's own
 * runner (`bylaw test`) against the policies as they are in the editor (unsaved edits
 * included), with each case's line in the test file for showing its result there.
 */
import { existsSync } from 'node:fs';
import { parseDocument, isMap, isSeq } from 'yaml';
import { PolicyRegistry } from '@bylaw/runtime';
import type { LanguageService } from '@bylaw/language-service';
import { parseTestFile, runTestFile } from '@bylaw/cli/policy-tests';

/** The result of one case, placed in its test file. */
export interface CaseOutcome {
  readonly name: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
  /** The offset of the case in the test file's text. */
  readonly offset: number;
}

/** The result of running a test file. */
export interface TestRun {
  readonly testFile: string;
  readonly cases: readonly CaseOutcome[];
  /** Why the cases could not run (an invalid test file, policies with errors, an unknown id). */
  readonly problems: readonly string[];
  readonly passed: number;
  readonly failed: number;
}

/** The test file of a policy: `<name>.test.yaml` (or `.test.yml`) beside `<name>.policy`. */
export function testFileOf(policyPath: string): string | undefined {
  if (!policyPath.endsWith('.policy')) return undefined;
  const base = policyPath.slice(0, -'.policy'.length);
  return [`${base}.test.yaml`, `${base}.test.yml`].find((p) => existsSync(p));
}

/** Run a test file against the policies of the group of `policyPath`, as the editor has them. */
export function runTests(service: LanguageService, policyPath: string, testFile: string, testText: string): TestRun {
  const analysis = service.analysis(policyPath);
  const errors = analysis.result.diagnostics.filter((d) => d.severity === 'error');
  const none = (problems: string[]): TestRun => ({ testFile, cases: [], problems, passed: 0, failed: problems.length });
  if (errors.length > 0) {
    const files = [...new Set(errors.map((d) => d.file))];
    return none([`the policies have ${errors.length} error${errors.length === 1 ? '' : 's'} (in ${files.join(', ')}): fix them, then run the tests`]);
  }
  const { file, problems } = parseTestFile(testFile, testText);
  if (!file) return none(problems);
  const registry = PolicyRegistry.fromChecked(analysis.result.policies);
  if (registry.versions(file.policy).length === 0) return none([`${testFile}: no policy has the id ${file.policy}`]);
  const offsets = caseOffsets(testText);
  const cases = runTestFile(file, registry).map((r, i) => ({ name: r.name, passed: r.passed, failures: r.failures, offset: offsets[i] ?? 0 }));
  const passed = cases.filter((c) => c.passed).length;
  return { testFile, cases, problems, passed, failed: cases.length - passed + problems.length };
}

/** Where each case of a test file starts (its list item under `cases:`). */
function caseOffsets(text: string): number[] {
  try {
    const doc = parseDocument(text);
    const cases = isMap(doc.contents) ? doc.contents.get('cases', true) : undefined;
    if (!isSeq(cases)) return [];
    return cases.items.map((item) => (item as { range?: [number, number, number] }).range?.[0] ?? 0);
  } catch {
    return [];
  }
}
