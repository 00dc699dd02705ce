// Diagnostics latency in the editor: recorded edit sequences replayed on the largest seed
// policy (and on the library it imports), keystroke by keystroke.
//
// Usage: node bench/editor.mjs   (after `npm run setup`)
//
// For every keystroke of bench/editor-edits.json it prints, side by side:
//   - baseline: `check` of the whole policy folder from scratch (what re-running `bylaw check` costs);
//   - service:  the language service's incremental check (CheckCache: the edited file and the files
//               importing it are checked again, the rest reused), edit → diagnostics of the file;
//   - server:   the language server over stdio, from sending didChange to receiving the
//               publishDiagnostics of that edit (JSON-RPC, the server's 10 ms pause for more
//               keystrokes, the check), as an editor sees it.
// Figures only; nothing is asserted. The machine may be shared: read the baseline beside them.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { check } from '../packages/dsl/dist/index.js';
import { LanguageService } from '../packages/language-service/dist/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const edits = JSON.parse(readFileSync(join(root, 'bench/editor-edits.json'), 'utf8'));
const policiesDir = join(root, 'policies');

function policyFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...policyFiles(p));
    else if (name.endsWith('.policy')) out.push(p);
  }
  return out;
}
const files = policyFiles(policiesDir);
const disk = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

/** Apply one recorded edit (offsets into the current text) to a text. */
const apply = (text, e) => text.slice(0, e.start) + e.text + text.slice(e.end);

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95), max: s.at(-1), n: s.length };
}
const fmt = (x) => `${x.toFixed(1).padStart(6)} ms`;

// ---------------------------------------------------------------- baseline and service (in process)

function inProcess(sequence) {
  const path = join(root, sequence.file);
  const texts = new Map(disk);
  const host = {
    readFile: (p) => texts.get(p),
    resolve: (from, spec) => resolve(dirname(from), spec),
    checkGroup: () => ({ root: policiesDir, files }),
  };
  const service = new LanguageService(host);
  for (const open of sequence.open) service.setDocument(join(root, open), disk.get(join(root, open)));
  service.diagnostics(path); // the first check: everything parsed once
  let text = disk.get(path);
  const baseline = [];
  const incremental = [];
  for (const e of sequence.edits) {
    text = apply(text, e);
    texts.set(path, text);
    let t = performance.now();
    check(files.map((f) => ({ path: f, text: texts.get(f) })), { host });
    baseline.push(performance.now() - t);
    t = performance.now();
    service.setDocument(path, text);
    for (const open of sequence.open) service.diagnostics(join(root, open));
    incremental.push(performance.now() - t);
  }
  return { baseline: stats(baseline), incremental: stats(incremental) };
}

// ---------------------------------------------------------------- the server over stdio

async function overStdio(sequence) {
  const server = spawn(process.execPath, [join(root, 'packages/language-server/dist/main.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  let id = 0;
  const pending = new Map();
  const waiting = [];
  server.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && pending.has(message.id)) {
        pending.get(message.id)(message.result);
        pending.delete(message.id);
      } else if (message.id !== undefined) send({ jsonrpc: '2.0', id: message.id, result: null });
      else if (message.method === 'textDocument/publishDiagnostics') {
        for (const w of [...waiting]) if (w.uri === message.params.uri) waiting.splice(waiting.indexOf(w), 1), w.resolve();
      }
    }
  });
  const send = (m) => {
    const body = Buffer.from(JSON.stringify(m));
    server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    server.stdin.write(body);
  };
  const request = (method, params) => new Promise((res) => (pending.set(++id, res), send({ jsonrpc: '2.0', id, method, params })));
  const notify = (method, params) => send({ jsonrpc: '2.0', method, params });
  const diagnosticsOf = (uri) => new Promise((res) => waiting.push({ uri, resolve: res }));

  await request('initialize', { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} });
  notify('initialized', {});
  const path = join(root, sequence.file);
  const uri = pathToFileURL(path).href;
  for (const open of sequence.open) {
    const u = pathToFileURL(join(root, open)).href;
    const first = diagnosticsOf(u);
    notify('textDocument/didOpen', { textDocument: { uri: u, languageId: 'bylaw', version: 1, text: disk.get(join(root, open)) } });
    await first;
  }
  let text = disk.get(path);
  let version = 2;
  const latency = [];
  const lines = (t, offset) => {
    const before = t.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before.at(-1).length };
  };
  // Warm the server's JIT as the in-process runs are warmed: a comment typed at the end and deleted, not measured.
  const warm = [];
  for (const ch of '// warming up the server') warm.push({ start: text.length + warm.length, end: text.length + warm.length, text: ch });
  for (let i = warm.length - 1; i >= 0; i--) warm.push({ start: text.length + i, end: text.length + i + 1, text: '' });
  for (const e of warm) {
    const range = { start: lines(text, e.start), end: lines(text, e.end) };
    text = apply(text, e);
    const published = diagnosticsOf(uri);
    notify('textDocument/didChange', { textDocument: { uri, version: version++ }, contentChanges: [{ range, text: e.text }] });
    await published;
  }
  for (const e of sequence.edits) {
    const range = { start: lines(text, e.start), end: lines(text, e.end) };
    text = apply(text, e);
    const t = performance.now();
    const published = diagnosticsOf(uri);
    notify('textDocument/didChange', { textDocument: { uri, version: version++ }, contentChanges: [{ range, text: e.text }] });
    await published;
    latency.push(performance.now() - t);
  }
  await request('shutdown', null);
  notify('exit', null);
  return stats(latency);
}

console.log('Diagnostics after each keystroke (recorded edit sequences, bench/editor-edits.json)');
console.log(`${files.length} policy files in the folder checked together; warm runs on this machine\n`);
for (const sequence of edits.sequences) {
  // Warm the JIT once (parse, check, the service) before measuring.
  inProcess({ ...sequence, edits: sequence.edits.slice(0, 20) });
  const { baseline, incremental } = inProcess(sequence);
  const server = await overStdio(sequence);
  console.log(`${sequence.name} (${sequence.file}, ${sequence.edits.length} keystrokes)`);
  console.log(`  ${''.padEnd(44)} median      p95      max`);
  console.log(`  ${'baseline: check the folder from scratch'.padEnd(44)} ${fmt(baseline.median)} ${fmt(baseline.p95)} ${fmt(baseline.max)}`);
  console.log(`  ${'service: incremental check'.padEnd(44)} ${fmt(incremental.median)} ${fmt(incremental.p95)} ${fmt(incremental.max)}`);
  console.log(`  ${'server: didChange → publishDiagnostics'.padEnd(44)} ${fmt(server.median)} ${fmt(server.p95)} ${fmt(server.max)}`);
  console.log('');
}
