/**
 * The TextMate grammar of `.policy` files (`packages/language-service/syntaxes/bylaw.tmLanguage.json`),
 * run by the engine VS Code runs it with (`vscode-textmate` + `vscode-oniguruma`):
 *  - golden tokenisations: `cases/<name>.policy` → `cases/<name>.tokens.txt`, one line per token
 *    with its text and scopes (regenerate with `UPDATE_GOLDEN=1 npx vitest run test/grammar`
 *    and read the diff);
 *  - agreement with the language's own lexer on every seed policy: every number, date, string
 *    and comment the lexer finds is scoped as one by the grammar, and every keyword as a keyword;
 *  - every keyword of the lexer is known to the grammar.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import { keywords, tokenize } from '../../packages/dsl/src/lexer.js';
import { policyFilesUnder } from '../support/files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const grammarPath = join(root, 'packages/language-service/syntaxes/bylaw.tmLanguage.json');
const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));
const update = process.env['UPDATE_GOLDEN'] === '1';

interface Token {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '../onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope: string) => (scope === 'source.bylaw' ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null),
  });
  grammar = (await registry.loadGrammar('source.bylaw'))!;
});

/** Tokenise a text line by line, as an editor does. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ line: n, start: t.startIndex, end: Math.min(t.endIndex, line.length), text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) });
    state = r.ruleStack;
  });
  return out;
}

function render(ts: readonly Token[]): string {
  return ts
    .filter((t) => t.text.trim() !== '')
    .map((t) => `${t.line + 1}:${t.start + 1} ${JSON.stringify(t.text)} ${t.scopes.join(' ') || '-'}`)
    .join('\n') + '\n';
}

describe('golden tokenisations', () => {
  const cases = readdirSync(casesDir).filter((f) => f.endsWith('.policy')).sort();
  it.each(cases)('%s', (file) => {
    const actual = render(tokens(readFileSync(join(casesDir, file), 'utf8')));
    const expectedPath = join(casesDir, file.replace(/\.policy$/, '.tokens.txt'));
    if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, actual);
    expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
  });
});

/** The seed policies and the grammar cases. */
function policyFiles(): string[] {
  return [...policyFilesUnder(join(root, 'policies')), ...policyFilesUnder(casesDir)];
}

/** The scopes of the grammar at an offset of a text. */
function scopesAt(text: string, ts: readonly Token[], offset: number): readonly string[] {
  const before = text.slice(0, offset).split(/\r?\n/);
  const line = before.length - 1;
  const col = before.at(-1)!.length;
  return ts.find((t) => t.line === line && t.start <= col && col < t.end)?.scopes ?? [];
}

describe('the grammar agrees with the lexer', () => {
  it.each(policyFiles().map((p) => [p.slice(root.length), p]))('%s', (_, path) => {
    const text = readFileSync(path, 'utf8');
    const ts = tokens(text);
    const lexed = tokenize(text);
    const problems: string[] = [];
    const expectScope = (offset: number, image: string, want: RegExp, what: string) => {
      const scopes = scopesAt(text, ts, offset);
      if (!scopes.some((s) => want.test(s))) problems.push(`${what} ${JSON.stringify(image.slice(0, 40))} at ${offset}: ${scopes.join(' ') || '(no scope)'}`);
    };
    for (const c of lexed.comments) expectScope(c.startOffset, c.image, /^comment\./, 'comment');
    lexed.tokens.forEach((t, i) => {
      const type = t.tokenType.name;
      if (type === 'StringLiteral') expectScope(t.startOffset, t.image, /^string\./, 'string');
      else if (type === 'NumberLiteral') expectScope(t.startOffset, t.image, /^constant\.numeric\./, 'number');
      else if (type === 'DateLiteral' || type === 'DateTimeLiteral') expectScope(t.startOffset, t.image, /^constant\.numeric\.date/, 'date');
      else if (keywords.includes(t.tokenType)) {
        // A keyword used as a name (a field after '.', a field or member declared under that name) is a name.
        const prev = lexed.tokens[i - 1];
        const next = lexed.tokens[i + 1];
        const asName = prev?.tokenType.name === 'Dot' || next?.tokenType.name === 'Colon' || next?.tokenType.name === 'Question' || next?.tokenType.name === 'Dot';
        if (!asName) expectScope(t.startOffset, t.image, /^(keyword|storage|support|constant\.language)\./, 'keyword');
      }
    });
    expect(problems).toEqual([]);
  });

  it('knows every keyword of the language', () => {
    const unknown = keywords
      .map((k) => (k.LABEL ?? k.name).replace(/'/g, ''))
      .filter((word) => !tokens(`let x = a ${word} b`).some((t) => t.text === word && t.scopes.some((s) => /^(keyword|storage|support|constant\.language)\./.test(s))));
    expect(unknown).toEqual([]);
  });
});
