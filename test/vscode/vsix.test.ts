/**
 * The VS Code extension as it ships: `npm run package:vscode`'s script builds the bundles
 * and packs the .vsix with @vscode/vsce; this test lists what the .vsix holds (printed in
 * the test output), checks it is small and self-contained (no node_modules), and runs the
 * language server from a copy of the .vsix unpacked outside the repository (so no
 * node_modules can be found), over stdio with a real JSON-RPC client.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { repoRoot, uriOf } from '../lsp/client.js';

const extension = join(repoRoot, 'packages', 'vscode');
const manifest = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8')) as { name: string; version: string; contributes: Record<string, unknown> };

/** The entries of a zip file (a .vsix is one): name, size, and the bytes when asked. */
function zipEntries(zip: Buffer): { name: string; size: number; data: () => Buffer }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; size: number; data: () => Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    out.push({
      name,
      size,
      data: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const raw = zip.subarray(start, start + compressed);
        return method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
      },
    });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

describe('the VS Code extension (.vsix)', () => {
  const vsix = join(extension, `${manifest.name}-${manifest.version}.vsix`);
  let entries: ReturnType<typeof zipEntries> = [];

  it('is packaged by npm run package:vscode, with the bundles, the grammar and the language configuration, and no node_modules', { timeout: 180_000 }, () => {
    rmSync(vsix, { force: true });
    execFileSync(process.execPath, [join(extension, 'scripts', 'package.mjs')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const zip = readFileSync(vsix);
    entries = zipEntries(zip);
    const listing = entries.map((e) => `${String(e.size).padStart(9)}  ${e.name}`).join('\n');
    console.log(`[vsix] ${vsix} (${(zip.length / 1024).toFixed(0)} KB):\n${listing}`);
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'extension.vsixmanifest',
        'extension/package.json',
        'extension/readme.md',
        'extension/language-configuration.json',
        'extension/syntaxes/bylaw.tmLanguage.json',
        'extension/dist/extension.cjs',
        'extension/dist/server.js',
        'extension/dist/bylaw.js',
        'extension/dist/batch-worker.js',
        'extension/dist/package.json',
      ]),
    );
    expect(names.filter((n) => n.includes('node_modules/'))).toEqual([]);
    expect(zip.length).toBeLessThan(4 * 1024 * 1024);
    const shipped = JSON.parse(entries.find((e) => e.name === 'extension/package.json')!.data().toString()) as typeof manifest & { main: string };
    expect(shipped.main).toBe('./dist/extension.cjs');
    expect(JSON.stringify(shipped.contributes)).toContain('source.bylaw');
    const grammar = entries.find((e) => e.name === 'extension/syntaxes/bylaw.tmLanguage.json')!.data().toString();
    expect(grammar).toBe(readFileSync(join(repoRoot, 'packages/language-service/syntaxes/bylaw.tmLanguage.json'), 'utf8'));
  });

  it('runs the bundled language server from the unpacked .vsix, with no node_modules to find', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bylaw-vsix-'));
    try {
      for (const e of entries) {
        if (e.name.endsWith('/')) continue;
        mkdirSync(dirname(join(dir, e.name)), { recursive: true });
        writeFileSync(join(dir, e.name), e.data());
      }
      const server = spawn(process.execPath, [join(dir, 'extension', 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      server.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
      const path = join(repoRoot, 'policies/douyin/belt_provider/2023-09-08.policy');
      const diagnostics = new Promise<{ code: string }[]>((resolve) => connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { code: string }[] }) => p.uri === uriOf(path) && resolve(p.diagnostics)));
      connection.listen();
      const init = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: uriOf(repoRoot), capabilities: {} })) as { capabilities: Record<string, unknown> };
      expect(init.capabilities).toHaveProperty('hoverProvider', true);
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId: 'bylaw', version: 1, text: readFileSync(path, 'utf8') } });
      expect((await diagnostics).map((d) => d.code)).toEqual(Array(7).fill('BYL3019'));
      const formatted = (await connection.sendRequest('textDocument/formatting', { textDocument: { uri: uriOf(path) }, options: { tabSize: 2, insertSpaces: true } })) as unknown[];
      expect(formatted).toEqual([]); // the seed is formatted: the bundled Prettier agrees
      await connection.sendRequest('shutdown', null);
      await connection.sendNotification('exit', null);
      connection.dispose();
      expect(stderr).toBe('');
      // The bundled bylaw command too (what "Bylaw: evaluate against data file…" runs).
      const bylaw = join(dir, 'extension', 'dist', 'bylaw.js');
      expect(execFileSync(process.execPath, [bylaw, '--version'], { encoding: 'utf8' }).trim()).toContain(manifest.version);
      const decision = execFileSync(process.execPath, [bylaw, 'eval', 'douyin.belt_provider', '--data', 'examples/douyin-belt-provider.json', '--as-of', '2023-10-08', '--policies', 'policies', '--format', 'json'], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(decision.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { outcome: string }).outcome).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
