/**
 * docs/diagnostics.md documents every code of `diagnosticCatalog`, and its
 * examples are real: each one is checked and must produce its code.
 *
 * The page has one `### BYLnnnn Summary` heading per code. In a code's
 * section:
 *
 *   <!-- example: PATH -->        a file of the example (several are checked together)
 *   <!-- limits: {"maxNestingDepth": 3} -->   optional, on an example: check limits
 *   <!-- output -->               the rendered diagnostics of the example
 *   <!-- not executable -->       the code cannot be shown by a checked file;
 *                                 then only the heading is required
 *
 * The output block is exactly what the checker reports for the example files
 * (every diagnostic, rendered as `bylaw check` renders it, without colour and
 * without the summary line). Regenerate the output blocks after a change in
 * messages with
 *
 *     UPDATE_DOCS=1 npx vitest run test/docs/diagnostics-doc.test.ts
 *
 * and read the diff of the page: a message that changed may need new prose.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { check, diagnosticCatalog, renderDiagnostic, type CheckResult, type DiagnosticCode, type Limits } from '../support/bylaw.js';
import { marker, scan, type CodeBlock } from './markdown.js';

const root = join(import.meta.dirname, '..', '..');
const pagePath = join(root, 'docs/diagnostics.md');
const page = readFileSync(pagePath, 'utf8');
const update = process.env['UPDATE_DOCS'] === '1';
const { blocks, headings } = scan(page);
const codes = Object.keys(diagnosticCatalog) as DiagnosticCode[];

interface Section {
  readonly code: string;
  readonly title: string;
  readonly line: number;
  /** The page text of the section, heading excluded. */
  readonly text: string;
  readonly blocks: CodeBlock[];
}

/** The `### BYLnnnn …` sections, each up to the next heading of level 3 or less. */
function sections(): Section[] {
  const lines = page.split('\n');
  const out: Section[] = [];
  headings.forEach((h, i) => {
    const m = /^(BYL\d{4})\b\s*(.*)$/.exec(h.text);
    if (!m) return;
    const next = headings.slice(i + 1).find((x) => x.level <= 3);
    const end = next ? next.line : lines.length + 1;
    out.push({
      code: m[1]!,
      title: m[2]!,
      line: h.line,
      text: lines.slice(h.line, end - 1).join('\n'),
      blocks: blocks.filter((b) => b.line > h.line && b.line < end),
    });
  });
  return out;
}

const all = sections();

/** Check the example files of a section together, as `bylaw check` would in their folder. */
function runExample(s: Section): { result: CheckResult; rendered: string } {
  const examples = s.blocks.filter((b) => marker(b, 'example') !== undefined);
  const files = new Map(examples.map((b) => [marker(b, 'example')!, b.content]));
  const limitsText = examples.map((b) => marker(b, 'limits')).find((l) => l !== undefined);
  const limits = limitsText ? (JSON.parse(limitsText) as Partial<Limits>) : undefined;
  const result = check(
    [...files].map(([path, text]) => ({ path, text })),
    {
      host: { readFile: (p) => files.get(p), resolve: (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec)) },
      ...(limits ? { limits } : {}),
    },
  );
  const rendered = result.diagnostics.map((d) => renderDiagnostic(d, result.files.get(d.file)?.text ?? '')).join('\n\n');
  return { result, rendered: rendered === '' ? '' : withoutTrailingSpaces(rendered) + '\n' };
}

/** Code frames end an empty line with a space; editors strip those, so neither side keeps them. */
function withoutTrailingSpaces(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

describe('docs/diagnostics.md', () => {
  it('has one ### heading per catalog code, with the catalog summary, and no other codes', () => {
    expect(all.map((s) => s.code)).toEqual(codes.filter((c) => all.some((s) => s.code === c)));
    for (const code of codes) {
      const s = all.filter((x) => x.code === code);
      expect(s.length, `sections for ${code}`).toBe(1);
      expect(s[0]!.title, `${code} heading`).toBe(diagnosticCatalog[code].summary);
      expect(headings.find((h) => h.line === s[0]!.line)!.level, `${code} heading level`).toBe(3);
    }
    expect(all.map((s) => s.code).filter((c) => !(c in diagnosticCatalog))).toEqual([]);
  });

  it('states each code’s severity as in the catalog', () => {
    for (const s of all) {
      const severity = diagnosticCatalog[s.code as DiagnosticCode].severity;
      expect(s.text, `${s.code} section names its severity`).toMatch(new RegExp(`^\\*\\*${severity}\\*\\*`, 'm'));
    }
  });

  it('lists every code in the index table with its severity and summary', () => {
    for (const code of codes) {
      const { severity, summary } = diagnosticCatalog[code];
      expect(page, `index row for ${code}`).toContain(`| ${code} | ${severity} | ${summary.replace(/\|/g, '\\|')} |`);
    }
  });

  // With UPDATE_DOCS=1 the example tests collect their new outputs here.
  const pending: { block: CodeBlock; content: string }[] = [];

  for (const s of all) {
    const notExecutable = /<!--\s*not executable\s*-->/.test(s.text);
    const examples = s.blocks.filter((b) => marker(b, 'example') !== undefined);
    if (notExecutable) {
      it(`${s.code} is marked not executable and says how it arises`, () => {
        expect(examples, `${s.code} has no checked example`).toEqual([]);
        expect(s.text.replace(/<!--.*?-->/g, '').trim().length, `${s.code} has prose`).toBeGreaterThan(100);
      });
      continue;
    }
    it(`${s.code}: the example produces ${s.code} and the output shown`, () => {
      expect(examples.length, `${s.code} has an example (or <!-- not executable -->)`).toBeGreaterThan(0);
      const outputs = s.blocks.filter((b) => b.markers.some((m) => m.name === 'output'));
      expect(outputs.length, `${s.code} has one <!-- output --> block`).toBe(1);
      const { result, rendered } = runExample(s);
      expect(result.diagnostics.map((d) => d.code), `codes of the ${s.code} example`).toContain(s.code);
      if (update) {
        pending.push({ block: outputs[0]!, content: rendered });
        return;
      }
      expect(withoutTrailingSpaces(outputs[0]!.content), `output of the ${s.code} example (UPDATE_DOCS=1 regenerates it)`).toBe(rendered);
    });
  }

  // With UPDATE_DOCS=1: write the regenerated output blocks, bottom up so line numbers stay valid.
  it.runIf(update)('writes the regenerated outputs (UPDATE_DOCS=1)', () => {
    const lines = page.split('\n');
    for (const { block, content } of [...pending].sort((a, b) => b.block.line - a.block.line)) {
      const old = block.content === '' ? 0 : block.content.split('\n').length - 1;
      lines.splice(block.line, old, ...(content === '' ? [] : content.replace(/\n$/, '').split('\n')));
    }
    writeFileSync(pagePath, lines.join('\n'));
  });
});
