/**
 * The language server on bad input: a missing import, a cycle of imports, bytes that are
 * not UTF-8, a 10,000-line file, half-typed text on every keystroke. It answers every
 * request and publishes diagnostics; it never crashes or hangs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CompletionItem, Diagnostic, DocumentSymbol, Hover } from 'vscode-languageserver-protocol';
import { LspClient, repoRoot, uriOf } from './client.js';
import { loadPolicies } from '../support/bylaw.js';
import { policyFilesUnder } from '../support/files.js';

const header = (id: string) => `policy ${id} "t"\n  version "1"\n  published 2024-01-01\n  effective 2024-01-01\n`;
const lib = 'type M { a: number }\n';

let dir: string;
let client: LspClient;
let version = 1;

/** `bylaw check <dir>/policies`, for one file: (line, column, code, message). */
function checked(path: string): string[] {
  const result = loadPolicies([join(dir, 'policies')], { cwd: dir });
  const rel = relative(dir, path);
  const text = result.sources.get(rel) ?? '';
  return result.diagnostics
    .filter((d) => d.file === rel)
    .map((d) => {
      const before = text.slice(0, d.span.start).split('\n');
      return `${before.length - 1}:${before.at(-1)!.length} ${d.code} ${d.message}`;
    });
}
const shown = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message.split('\nhint: ')[0]}`);

async function openAndDiagnose(path: string, text = new TextDecoder().decode(readFileSync(path))): Promise<Diagnostic[]> {
  const uri = uriOf(path);
  const wait = client.waitForDiagnostics(uri);
  await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'bylaw', version: version++, text } });
  return wait;
}

/** Every kind of request at a position: each must be answered (a value or null), never an error. */
async function askEverything(path: string, line: number, character: number): Promise<void> {
  const textDocument = { uri: uriOf(path) };
  const position = { line, character };
  await Promise.all([
    client.request<Hover | null>('textDocument/hover', { textDocument, position }),
    client.request<CompletionItem[]>('textDocument/completion', { textDocument, position }),
    client.request('textDocument/definition', { textDocument, position }),
    client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } }),
    client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument }),
    client.request('textDocument/semanticTokens/full', { textDocument }),
    client.request('textDocument/codeLens', { textDocument }),
    client.request('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } }),
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bylaw-lsp-'));
  const p = (f: string) => join(dir, 'policies', f);
  mkdirSync(join(dir, 'policies', 'cycle'), { recursive: true });
  writeFileSync(p('missing.policy'), `${header('t.missing')}import "./nope.policy"\nsubject m: M\ndecide { admit when m.a > 1 }\n`);
  writeFileSync(p('cycle/a.policy'), `import "./b.policy"\n${lib}`);
  writeFileSync(p('cycle/b.policy'), 'import "./a.policy"\nlet big = 10\n');
  writeFileSync(p('cycle/uses.policy'), `${header('t.cycle')}import "./a.policy"\nsubject m: M\ndecide { admit when m.a > big }\n`);
  // "商家" in GBK: not UTF-8.
  writeFileSync(p('gbk.policy'), Buffer.concat([Buffer.from('// '), Buffer.from([0xc9, 0xcc, 0xbc, 0xd2]), Buffer.from(`\n${lib}`)]));
  writeFileSync(p('imports-gbk.policy'), `${header('t.gbk')}import "./gbk.policy"\nsubject m: M\ndecide { admit when m.a > 1 }\n`);
  const lines = [header('t.big'), 'type M { a: number  b: number }', 'subject m: M'];
  for (let i = 0; lines.length < 10_000 - 2; i++) lines.push(`// line ${i}`, `let v${i} "第${i}项" = m.a + ${i}`, `criterion c${i} "条件${i}": v${i} > m.b`);
  lines.push('decide { admit when c0 and c1 }', '');
  writeFileSync(p('big.policy'), lines.join('\n'));
  client = new LspClient();
  await client.initialize(dir);
});

afterAll(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(client.stderr).toBe('');
});

describe('bad input', () => {
  it('an import of a missing file: the diagnostic bylaw check gives, and answers', async () => {
    const path = join(dir, 'policies/missing.policy');
    const ds = await openAndDiagnose(path);
    expect(shown(ds)).toEqual(checked(path));
    expect(ds.map((d) => d.code)).toContain('BYL2011');
    await askEverything(path, 4, 10);
  });

  it('a cycle of imports: checked as bylaw check checks it, and answers', async () => {
    const path = join(dir, 'policies/cycle/uses.policy');
    const ds = await openAndDiagnose(path);
    expect(shown(ds)).toEqual(checked(path));
    const a = join(dir, 'policies/cycle/a.policy');
    await openAndDiagnose(a);
    await askEverything(a, 0, 10);
    const def = await client.request<{ uri: string }[]>('textDocument/definition', { textDocument: { uri: uriOf(path) }, position: { line: 6, character: 27 } });
    expect(def.map((l) => l.uri)).toEqual([uriOf(join(dir, 'policies/cycle/b.policy'))]);
  });

  it('bytes that are not UTF-8: on disk a BYL1009 on the file; in the editor, the replacement characters are reported', async () => {
    const importer = join(dir, 'policies/imports-gbk.policy');
    const gbk = join(dir, 'policies/gbk.policy');
    const onDisk = client.waitForDiagnostics(uriOf(gbk));
    const ds = await openAndDiagnose(importer);
    expect(shown(ds)).toEqual(checked(importer));
    expect(shown(await onDisk)).toEqual(checked(gbk));
    expect((await onDisk).map((d) => d.code)).toEqual(['BYL1009']);
    // An editor decodes the bytes itself (here, as UTF-8 with replacement characters).
    const opened = await openAndDiagnose(gbk, new TextDecoder().decode(readFileSync(gbk)));
    expect(shown(opened)).toEqual(checked(gbk));
    await askEverything(gbk, 0, 3);
  });

  it('a file of 10,000 lines: diagnostics and answers', async () => {
    const path = join(dir, 'policies/big.policy');
    const started = performance.now();
    const ds = await openAndDiagnose(path);
    const ms = performance.now() - started;
    expect(shown(ds)).toEqual(checked(path));
    await askEverything(path, 5000, 6);
    console.log(`[lsp] 10,000-line file: first diagnostics after ${ms.toFixed(0)} ms`);
  });
});

/** The seed policies, libraries first. */
function seedPolicies(): string[] {
  return policyFilesUnder(join(repoRoot, 'policies')).sort((a, b) => Number(!a.endsWith('types.policy')) - Number(!b.endsWith('types.policy')) || a.localeCompare(b));
}

describe('typing the seed policies character by character', () => {
  it('answers every request on every line and ends with the diagnostics of the finished file', { timeout: 240_000 }, async () => {
    const typist = new LspClient();
    await typist.initialize(repoRoot);
    let requests = 0;
    let answered = 0;
    let characters = 0;
    const started = performance.now();
    const check = loadPolicies(['policies'], { cwd: repoRoot });
    try {
      for (const path of seedPolicies()) {
        const uri = uriOf(path);
        const full = readFileSync(path, 'utf8');
        await typist.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'bylaw', version: 1, text: '' } });
        let line = 0;
        let character = 0;
        let v = 2;
        for (const ch of full) {
          await typist.notify('textDocument/didChange', {
            textDocument: { uri, version: v++ },
            contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: ch }],
          });
          characters++;
          if (ch === '\n') {
            line++;
            character = 0;
            // At every line end: what an editor asks while the author types.
            const asks = [
              typist.request('textDocument/completion', { textDocument: { uri }, position: { line, character } }),
              typist.request('textDocument/hover', { textDocument: { uri }, position: { line: line - 1, character: 2 } }),
              ...(line % 5 === 0 ? [typist.request('textDocument/documentSymbol', { textDocument: { uri } }), typist.request('textDocument/semanticTokens/full', { textDocument: { uri } })] : []),
            ];
            requests += asks.length;
            for (const r of await Promise.all(asks)) if (r !== undefined) answered++;
          } else character += ch.length;
        }
        // The typed file is the file on disk: its diagnostics are bylaw check's. (The same text once
        // more, as a whole, so that the diagnostics waited for are those of a check after the last keystroke.)
        const rel = relative(repoRoot, path);
        const expected = check.diagnostics.filter((d) => d.file === rel).map((d) => `${d.code} ${d.message}`);
        const final = typist.waitForDiagnostics(uri);
        await typist.notify('textDocument/didChange', { textDocument: { uri, version: v++ }, contentChanges: [{ text: full }] });
        expect((await final).map((d) => `${d.code} ${d.message.split('\nhint: ')[0]}`)).toEqual(expected);
        await typist.notify('textDocument/didClose', { textDocument: { uri } });
      }
    } finally {
      await typist.stop();
    }
    console.log(`[lsp] typed ${characters} characters of the seed policies, ${requests} requests answered in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(answered).toBe(requests);
    expect(typist.exited === undefined || typist.exited === 0).toBe(true);
    expect(typist.stderr).toBe('');
  });
});
