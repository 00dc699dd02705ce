/**
 * Golden tests for `bylaw diff`.
 *
 * Each folder here is a case: `old.policy` and `new.policy` (and any library
 * they import), compared with `bylaw diff old.policy new.policy`. The text
 * output (no colour) must equal `expected.txt`; where `expected.md` exists the
 * Markdown output must equal it too. `expected-exit` … is not a file: the exit
 * code of each case is listed below, so that a change of it is a test failure
 * with a name.
 *
 * Regenerate the expected files with:
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/diff
 *
 * and then read every changed file: a golden file that enshrines a wrong
 * verdict is worse than none.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBylaw } from '../support/cli.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const update = process.env['UPDATE_GOLDEN'] === '1';

/** Exit code of each case: 0 no change in meaning, 1 changes (or breaking schema changes). */
const exits: Record<string, number> = {
  threshold_tightened: 1,
  threshold_loosened: 1,
  threshold_exact_decimal: 1,
  any_of_alternative_removed: 1,
  all_of_criterion_added: 1,
  exclusion_added: 1,
  tier_added: 1,
  benefit_changed: 1,
  effective_overlap: 1,
  effective_no_overlap: 1,
  header_source_changed: 0,
  new_required_field: 1,
  field_type_change: 1,
  removed_enum_member: 1,
  placeholder_given_value: 1,
  format_only: 0,
  in_list_narrowed: 1,
  window_widened_sum: 1,
  equality_changed: 1,
  priority_added: 1,
  douyin: 1,
};

/** The verdict each case must reach, independent of wording: the direction of its first change in meaning. */
const directions: Record<string, string | undefined> = {
  threshold_tightened: 'stricter',
  threshold_loosened: 'looser',
  // 1 / 3 is the runtime's exact 0.3333333333333333: the new bound is lower.
  threshold_exact_decimal: 'looser',
  any_of_alternative_removed: 'stricter',
  all_of_criterion_added: 'stricter',
  exclusion_added: 'stricter',
  tier_added: 'unknown',
  in_list_narrowed: 'stricter',
  window_widened_sum: 'unknown',
  equality_changed: 'unknown',
  placeholder_given_value: 'unknown',
};

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runBylaw(['diff', ...args], root);
  return { ...r, out: r.out + '\n' };
}

const cases = readdirSync(here)
  .filter((d) => statSync(join(here, d)).isDirectory() && existsSync(join(here, d, 'old.policy')))
  .sort();

describe('bylaw diff golden files', () => {
  it('finds every listed case, and lists every case', () => {
    expect(cases).toEqual(Object.keys(exits).sort());
  });

  for (const name of cases) {
    const dir = relative(root, join(here, name));
    const files = [`${dir}/old.policy`, `${dir}/new.policy`];
    it(`${name} (text)`, async () => {
      const r = await run(files);
      expect(r.err).toBe('');
      const path = join(here, name, 'expected.txt');
      if (update) writeFileSync(path, r.out);
      else expect(r.out).toBe(readFileSync(path, 'utf8'));
      expect(r.code).toBe(exits[name]);
    });
    const mdPath = join(here, name, 'expected.md');
    if (existsSync(mdPath) || (update && ['douyin', 'exclusion_added', 'format_only', 'removed_enum_member'].includes(name))) {
      it(`${name} (markdown)`, async () => {
        const r = await run([...files, '--format', 'markdown']);
        if (update) writeFileSync(mdPath, r.out);
        else expect(r.out).toBe(readFileSync(mdPath, 'utf8'));
      });
    }
    it(`${name} (json: verdict and witness)`, async () => {
      const r = await run([...files, '--format', 'json']);
      const d = JSON.parse(r.out) as { meaning: boolean; breaking: boolean; changes: { meaning: boolean; direction?: string; witness?: { found: boolean } }[] };
      expect(d.meaning || d.breaking).toBe(exits[name] === 1);
      const first = d.changes.find((c) => c.meaning && c.direction !== undefined);
      if (name in directions) expect(first?.direction).toBe(directions[name]);
      // Every change in meaning has a witness, or says why there is none.
      for (const c of d.changes.filter((x) => x.meaning)) expect(c.witness).toBeDefined();
    });
  }
});

describe('bylaw diff on the two douyin versions', () => {
  it('finds the two raised silver thresholds, stricter, each with a witness decided silver → base', async () => {
    const r = await run(['test/diff/douyin/old.policy', 'test/diff/douyin/new.policy', '--format', 'json']);
    const d = JSON.parse(r.out) as {
      changes: { name: string; meaning: boolean; direction?: string; affects: string[]; witness?: { found: boolean; old?: { tier?: string }; new?: { tier?: string } } }[];
    };
    const meaning = d.changes.filter((c) => c.meaning && c.direction);
    expect(meaning.map((c) => [c.name, c.direction])).toEqual([
      ['silver_min_paid_orders', 'stricter'],
      ['silver_min_active_merchants', 'stricter'],
    ]);
    for (const c of meaning) {
      expect(c.affects).toEqual(['tier diamond', 'tier gold', 'tier silver']);
      expect(c.witness?.found).toBe(true);
      expect(c.witness?.old?.tier).toBe('silver');
      expect(c.witness?.new?.tier).toBe('base');
    }
  });

  it('the witnesses replay: the runtime decides them as reported', async () => {
    const { check, nodeHost, compile } = await import('../support/bylaw.js');
    const load = (f: string) => check([{ path: join(root, f), text: readFileSync(join(root, f), 'utf8') }], { host: nodeHost }).policies[0]!;
    const po = load('test/diff/douyin/old.policy');
    const pn = load('test/diff/douyin/new.policy');
    const r = await run(['test/diff/douyin/old.policy', 'test/diff/douyin/new.policy', '--format', 'json']);
    const d = JSON.parse(r.out) as { changes: { witness?: { kind?: string; subject?: unknown; asOf?: string; params?: Record<string, unknown>; old?: { tier?: string }; new?: { tier?: string } } }[] };
    for (const w of d.changes.map((c) => c.witness).filter((w) => w?.kind === 'subject')) {
      const opts = { asOf: w!.asOf!, params: w!.params! };
      expect(compile(po).evaluate(w!.subject, opts).tier?.id).toBe(w!.old!.tier);
      expect(compile(pn).evaluate(w!.subject, opts).tier?.id).toBe(w!.new!.tier);
    }
  });

  it('docs/review.md shows the current report for the real douyin files', async () => {
    const files = ['policies/douyin/belt_provider/2023-09-08.policy', 'policies/douyin/belt_provider/2024-03-01.policy'];
    const doc = readFileSync(join(root, 'docs', 'review.md'), 'utf8');
    const text = await run(files);
    const md = await run([...files, '--format', 'markdown']);
    expect(doc, 'regenerate the examples in docs/review.md').toContain(text.out.trimEnd());
    expect(doc, 'regenerate the examples in docs/review.md').toContain(md.out.trimEnd());
  });
});
