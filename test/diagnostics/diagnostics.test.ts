/**
 * Golden tests for diagnostics.
 *
 * Each case under `cases/` is either a single file `<name>.policy` or a folder
 * `<name>/` whose `.policy` files are checked together. All diagnostics are
 * rendered with `renderDiagnostic`, joined by blank lines, and compared with
 * `cases/<name>.expected.txt`. File paths are relative to the cases folder.
 *
 * Regenerate the expected files with:
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/diagnostics
 *
 * and then read every changed file: a golden file that enshrines a wrong
 * message is worse than none.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { check, diagnosticCatalog, parse, readSource, renderDiagnostic, renderDiagnostics, type CheckResult, type SourceHost } from '../support/bylaw.js';

const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

interface Case {
  readonly name: string;
  /** Paths relative to the cases folder, with `/` separators. */
  readonly inputs: readonly string[];
}

function listCases(): Case[] {
  const cases: Case[] = [];
  for (const entry of readdirSync(casesDir).sort()) {
    const full = join(casesDir, entry);
    if (statSync(full).isDirectory()) {
      const inputs = readdirSync(full)
        .filter((f) => f.endsWith('.policy'))
        .sort()
        .map((f) => `${entry}/${f}`);
      cases.push({ name: entry, inputs });
    } else if (entry.endsWith('.policy')) {
      cases.push({ name: entry.slice(0, -'.policy'.length), inputs: [entry] });
    }
  }
  return cases;
}

/** Reads files relative to the cases folder, so that paths in diagnostics stay relative. */
const caseHost: SourceHost = {
  readFile(path) {
    const full = join(casesDir, path);
    if (!existsSync(full)) return undefined;
    return readSource(full, path).text;
  },
  resolve(from, specifier) {
    return posix.normalize(posix.join(posix.dirname(from), specifier));
  },
};

function runCase(c: Case): { result: CheckResult; rendered: string } {
  const inputs = c.inputs.map((path) => {
    const read = readSource(join(casesDir, path), path);
    if (read.text === undefined) throw new Error(`cannot read case file ${path}: ${read.diagnostic?.message}`);
    return { path, text: read.text };
  });
  const result = check(inputs, { host: caseHost });
  const sources = new Map([...result.files].map(([path, f]) => [path, f.text]));
  const rendered = result.diagnostics
    .map((d) => {
      const text = result.files.get(d.file)?.text;
      if (text === undefined) throw new Error(`diagnostic for a file the checker did not read: ${d.file}`);
      return renderDiagnostic(d, text, { sources });
    })
    .join('\n\n');
  return { result, rendered: rendered === '' ? '' : rendered + '\n' };
}

const cases = listCases();

describe('diagnostics golden files', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of cases) {
    it(c.name, () => {
      const { rendered } = runCase(c);
      const expectedPath = join(casesDir, `${c.name}.expected.txt`);
      if (update) {
        writeFileSync(expectedPath, rendered);
        return;
      }
      expect(existsSync(expectedPath), `missing ${c.name}.expected.txt; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(rendered).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }

  it('every expected file belongs to a case', () => {
    const names = new Set(cases.map((c) => c.name));
    const orphans = readdirSync(casesDir)
      .filter((f) => f.endsWith('.expected.txt'))
      .map((f) => f.slice(0, -'.expected.txt'.length))
      .filter((n) => !names.has(n));
    expect(orphans).toEqual([]);
  });
});

/** Codes (and severities) that particular cases must produce, independent of the exact wording. */
const required: Record<string, string[]> = {
  garbage: ['BYL1001'],
  empty: [],
  comment_only: [],
  several_syntax_errors: ['BYL1004'],
  unterminated_string: ['BYL1002'],
  unterminated_block_comment: ['BYL1003'],
  fullwidth_punctuation: ['BYL1001'],
  zero_width_space: ['BYL1008'],
  bidi_override: ['BYL1008'],
  bom_crlf_valid: [],
  invalid_date: ['BYL1006'],
  unknown_name: ['BYL2001'],
  unknown_type: ['BYL2002'],
  unknown_field: ['BYL2003'],
  type_mismatch: ['BYL2007', 'BYL2013'],
  unknown_enum_member: ['BYL2005'],
  ambiguous_enum_member: ['BYL2006'],
  unordered_enum: ['BYL2008'],
  condition_not_boolean: ['BYL2009'],
  duplicate_names: ['BYL2010'],
  circular_let: ['BYL2012'],
  missing_header_items: ['BYL3001'],
  published_after_effective: ['BYL3003'],
  until_before_effective: ['BYL3004'],
  invalid_timezone: ['BYL2016'],
  missing_subject_decide: ['BYL3006', 'BYL3007'],
  unreachable_tier: ['BYL3009'],
  benefit_unknown_tier: ['BYL3010'],
  non_monotonic_tiers: ['BYL3011'],
  at_least_out_of_range: ['BYL3021'],
  double_equal: ['BYL2014'],
  unused_definition: ['BYL3018'],
  placeholder_warning: ['BYL3019'],
  overlapping_versions: ['BYL3014'],
  duplicate_version: ['BYL3017'],
  version_gap: ['BYL3015'],
  end_without_successor: ['BYL3016'],
  unknown_satisfies: ['BYL3012'],
  satisfies_cycle: ['BYL3013'],
  missing_import: ['BYL2011'],
};

describe('diagnostics: codes each case must produce', () => {
  for (const [name, codes] of Object.entries(required)) {
    it(name, () => {
      const c = cases.find((x) => x.name === name);
      expect(c, `case ${name} exists`).toBeDefined();
      const { result } = runCase(c!);
      const got = new Set(result.diagnostics.map((d) => d.code));
      if (codes.length === 0) expect(result.diagnostics).toEqual([]);
      for (const code of codes) expect([...got], `${name} reports ${code}`).toContain(code);
      for (const d of result.diagnostics) expect(d.severity).toBe(diagnosticCatalog[d.code].severity);
    });
  }

  it('the BOM + CRLF case yields a checked policy', () => {
    const { result } = runCase(cases.find((c) => c.name === 'bom_crlf_valid')!);
    expect(result.policies.map((p) => p.id)).toEqual(['test.bom_crlf']);
  });

  it('several syntax errors are all reported, not just the first', () => {
    const c = cases.find((x) => x.name === 'several_syntax_errors')!;
    const { result } = runCase(c);
    const text = result.files.get(c.inputs[0]!)!.text;
    const at = (offset: number) => {
      const before = text.slice(0, offset).split('\n');
      return `${before.length}:${[...before.at(-1)!].length + 1}`;
    };
    // The missing field colon (line 7), the missing right operand of >= (found at the next
    // token, line 17) and the stray ) (line 17).
    expect(result.diagnostics.filter((d) => d.code === 'BYL1004').map((d) => at(d.span.start))).toEqual(['7:10', '17:1', '17:42']);
  });

  it('a stray token at the top level is described in words, not as "expected EOF"', () => {
    for (const [text, token] of [
      ['lorem ipsum\n', 'lorem'],
      ['type A { x: number }\n)\n', ')'],
      ['type A { x: number }\nlorem\n', 'lorem'],
    ] as const) {
      const { diagnostics } = parse(text, 'stray.policy');
      expect(diagnostics.map((d) => d.code), text).toEqual(['BYL1004']);
      expect(diagnostics[0]!.message, text).not.toMatch(/\bEOF\b/);
      expect(diagnostics[0]!.message.startsWith(`unexpected '${token}'`), diagnostics[0]!.message).toBe(true);
    }
  });

  it('the caret stands under the span when an invisible character is on the line', () => {
    const text = 'let a\u200b = 1\n';
    const { diagnostics } = parse(text, 'zw.policy');
    const invisible = diagnostics.find((d) => d.code === 'BYL1008')!;
    expect(invisible.span).toEqual({ start: 5, end: 6 });
    const lines = renderDiagnostic(invisible, text).split('\n');
    expect(lines[1]).toBe('> 1 | let a<U+200B> = 1');
    // Under the whole of <U+200B>, as it is shown.
    expect(lines[2]).toBe('    |      ^^^^^^^^');
    // A span after the invisible character (the "="): after the 8 columns of <U+200B> and a space.
    const later = renderDiagnostic({ ...invisible, span: { start: 7, end: 8 } }, text).split('\n');
    expect(later[2]).toBe('    | ' + ' '.repeat(14) + '^');
  });

  it('an error far along a long line is framed in a window around it, the caret under it', () => {
    const text = `let a = ${'1 + '.repeat(500)}@ + 1\n`;
    const at = text.indexOf('@');
    const lines = renderDiagnostic(parse(text, 'long.policy').diagnostics.find((d) => d.code === 'BYL1001')!, text).split('\n');
    expect(lines[0]).toBe(`long.policy:1:${at + 1}: error BYL1001: unexpected character "@"`);
    // The window starts 40 characters before the error, marked by "…", and shows 160 at most.
    expect(lines[1]).toBe(`> 1 | …${text.slice(at - 40, at - 40 + 160).replace('\n', '')}`);
    expect(lines[2]).toBe(`    | ${' '.repeat(41)}^`);
    // A line the window cuts ends in "…"; on a short line nothing changes.
    const cut = `let a = @ + ${'1 + '.repeat(100)}1\n`;
    const frame = renderDiagnostic(parse(cut, 'cut.policy').diagnostics.find((d) => d.code === 'BYL1001')!, cut).split('\n');
    expect(frame[1]).toBe(`> 1 | ${cut.slice(0, 160)}…`);
    expect(frame[2]).toBe(`    | ${' '.repeat(8)}^`);
  });

  it('columns count code points, also after characters beyond U+FFFF', () => {
    const text = 'let 𝒳 = "𝒳𝒳" + @\n';
    const d = parse(text, 'astral.policy').diagnostics.find((x) => x.code === 'BYL1001')!;
    expect(renderDiagnostic(d, text).split('\n')[0]).toBe('astral.policy:1:16: error BYL1001: unexpected character "@"');
    expect(renderDiagnostics([d, d], new Map([['astral.policy', text]]))).toBe(`${renderDiagnostic(d, text)}\n\n${renderDiagnostic(d, text)}`);
  });

  it('the zero-width space and the bidi override are both named by code point', () => {
    const zw = runCase(cases.find((c) => c.name === 'zero_width_space')!).result.diagnostics;
    expect(zw.filter((d) => d.code === 'BYL1008').map((d) => d.message)).toEqual([
      'the name "min_orders" contains invisible character U+200B',
      'the name "min_orders" contains invisible character U+200B',
    ]);
    // One diagnostic per name: the invisible character does not split the name into two tokens.
    expect(zw).toHaveLength(2);
    const bidi = runCase(cases.find((c) => c.name === 'bidi_override')!).result.diagnostics;
    expect(bidi.filter((d) => d.code === 'BYL1008').map((d) => d.message)).toEqual([
      'the name "is_nab" contains invisible character U+202E',
      'the name "is_nab" contains invisible character U+202E',
    ]);
    expect(bidi).toHaveLength(2);
  });
});

describe('diagnostics: limits and encodings', () => {
  it('10,000 nested parentheses give one BYL4001 and no exception', () => {
    const depth = 10_000;
    const text = [
      'policy test.deep "深嵌套"',
      '  version "1"',
      '  published 2024-01-01',
      '  effective 2024-01-01',
      'type Merchant { orders: number }',
      'subject merchant: Merchant',
      `criterion deep "深": ${'('.repeat(depth)}merchant.orders${')'.repeat(depth)} >= 1`,
      'decide { admit when deep }',
      '',
    ].join('\n');
    let result: CheckResult | undefined;
    expect(() => {
      result = check([{ path: 'deep.policy', text }]);
    }).not.toThrow();
    expect(result!.diagnostics.map((d) => d.code)).toEqual(['BYL4001']);
    expect(result!.diagnostics[0]!.message).toBe('nesting is deeper than 100 levels');
    expect(result!.policies).toEqual([]);
    // The parser alone agrees.
    expect(parse(text, 'deep.policy').diagnostics.map((d) => d.code)).toEqual(['BYL4001']);
  });

  it('10,000 nested parentheses without a closing side still give one BYL4001', () => {
    const text = `let x = ${'('.repeat(10_000)}`;
    const result = check([{ path: 'open.policy', text }]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['BYL4001']);
  });

  it('non-UTF-8 bytes read through readSource give BYL1009 at the first bad byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bylaw-utf8-'));
    try {
      const file = join(dir, 'gbk.policy');
      // "policy t " then 商家 encoded in GBK (C9 CC BC D2): not valid UTF-8.
      writeFileSync(file, Buffer.concat([Buffer.from('policy t "'), Buffer.from([0xc9, 0xcc, 0xbc, 0xd2]), Buffer.from('"\n')]));
      const read = readSource(file, 'gbk.policy');
      expect(read.text).toBeUndefined();
      expect(read.diagnostic?.code).toBe('BYL1009');
      expect(read.diagnostic?.severity).toBe('error');
      expect(read.diagnostic?.file).toBe('gbk.policy');
      expect(read.diagnostic?.span).toEqual({ start: 10, end: 11 });
      expect(read.diagnostic?.message).toBe('the file is not valid UTF-8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('valid UTF-8 with a BOM and CRLF is read as text by readSource', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bylaw-utf8-'));
    try {
      const file = join(dir, 'bom.policy');
      writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('// 注释\r\n')]));
      const read = readSource(file, 'bom.policy');
      expect(read.diagnostic).toBeUndefined();
      expect(read.text?.replace(/^\ufeff/, '')).toBe('// 注释\r\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
