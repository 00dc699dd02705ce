/**
 * The language server driven over stdio by a real JSON-RPC client, on the seed policies:
 * initialize, didOpen/didChange, diagnostics (compared with `bylaw check`'s), hover,
 * definition, references, rename, completion, formatting, symbols, semantic tokens and
 * code lenses with policy tests.
 *
 * The server is the built one (`packages/language-server/dist`): `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CodeLens, CompletionItem, CompletionList, DocumentSymbol, Hover, Location, Position, SemanticTokens, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, repoRoot, uriOf } from './client.js';
import { loadPolicies } from '../support/bylaw.js';
import { format } from '../../packages/prettier-plugin-bylaw/src/index.js';

const seed = (p: string) => join(repoRoot, 'policies', p);
const douyin = seed('douyin/belt_provider/2023-09-08.policy');
const douyin2 = seed('douyin/belt_provider/2024-03-01.policy');
const douyinTypes = seed('douyin/belt_provider/types.policy');
const yanxuan = seed('1688/yanxuan/admission.2023-08-04.policy');
const yanxuanTypes = seed('1688/yanxuan/types.policy');
const factory = seed('kuaishou/quality_factory/2023-07-17.policy');

/** The position of `needle` (plus `delta` characters) in a text. */
export function positionOf(text: string, needle: string, delta = 0, from = 0): Position {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`not in the text: ${needle}`);
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

/** Apply LSP edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

let client: LspClient;
let legend: { tokenTypes: string[] };
let version = 1;
const texts = new Map<string, string>();

async function open(path: string, text = readFileSync(path, 'utf8')): Promise<string> {
  texts.set(path, text);
  await client.notify('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId: 'bylaw', version: version++, text } });
  return text;
}

async function change(path: string, text: string): Promise<void> {
  texts.set(path, text);
  await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(path), version: version++ }, contentChanges: [{ text }] });
}

async function close(path: string): Promise<void> {
  await client.notify('textDocument/didClose', { textDocument: { uri: uriOf(path) } });
}

const hoverAt = async (path: string, needle: string, delta = 1) => {
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: positionOf(texts.get(path)!, needle, delta) });
  return h ? (h.contents as { value: string }).value : '';
};

/** `bylaw check policies`'s diagnostics for one file, as (line, column, code, message, hint). */
function checkDiagnostics(path: string): string[] {
  const result = loadPolicies(['policies'], { cwd: repoRoot });
  const rel = relative(repoRoot, path);
  const text = readFileSync(path, 'utf8');
  return result.diagnostics
    .filter((d) => d.file === rel)
    .map((d) => {
      const p = positionOf(text.slice(0, d.span.start) + '\u0000', '\u0000');
      return `${p.line}:${p.character} ${d.code} ${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}`;
    });
}

beforeAll(async () => {
  client = new LspClient();
  legend = ((await client.initialize()).capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }).legend;
});

afterAll(async () => {
  await client.stop();
  expect(client.stderr).toBe('');
});

describe('initialize', () => {
  it('announces every feature', async () => {
    const probe = new LspClient();
    const init = await probe.initialize();
    await probe.stop();
    expect(Object.keys(init.capabilities).sort()).toEqual(
      [
        'codeLensProvider',
        'completionProvider',
        'definitionProvider',
        'documentFormattingProvider',
        'documentSymbolProvider',
        'executeCommandProvider',
        'hoverProvider',
        'referencesProvider',
        'renameProvider',
        'semanticTokensProvider',
        'textDocumentSync',
      ].sort(),
    );
    expect(init.serverInfo?.name).toBe('bylaw-language-server');
  });
});

describe('diagnostics', () => {
  it('are what bylaw check reports, for the opened file and its imports', async () => {
    const waitPolicy = client.waitForDiagnostics(uriOf(douyin));
    const waitTypes = client.waitForDiagnostics(uriOf(douyinTypes));
    await open(douyin);
    const ds = await waitPolicy;
    expect(ds.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message}`)).toEqual(checkDiagnostics(douyin));
    expect(ds.every((d) => d.source === 'bylaw' && d.severity === 2 && d.code === 'BYL3019')).toBe(true);
    expect(await waitTypes).toEqual([]);
  });

  it('follow each edit with code, hint and related locations, and clear when it is fixed', async () => {
    const uri = uriOf(douyin);
    const original = texts.get(douyin)!;
    const typo = original.replace('paid_orders_total >= silver_min_paid_orders', 'paid_order_total >= silver_min_paid_orders');
    let wait = client.waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'BYL2001'));
    await change(douyin, typo);
    const unknown = (await wait).find((d) => d.code === 'BYL2001')!;
    expect(unknown.message).toBe('unknown name paid_order_total\nhint: did you mean paid_orders_total?');
    expect(unknown.range).toEqual({ start: positionOf(typo, 'paid_order_total >='), end: positionOf(typo, 'paid_order_total >=', 'paid_order_total'.length) });

    const twice = original.replace('let period "', 'let paid_orders_total "x" = 1\nlet period "');
    wait = client.waitForDiagnostics(uri, (ds) => ds.some((d) => d.code === 'BYL2010'));
    await change(douyin, twice);
    const duplicate = (await wait).find((d) => d.code === 'BYL2010')!;
    expect(duplicate.relatedInformation).toEqual([{ location: { uri, range: { start: positionOf(twice, 'paid_orders_total "x"', 0, 0), end: positionOf(twice, 'paid_orders_total "x"', 17) } }, message: 'first declared here' }]);

    wait = client.waitForDiagnostics(uri, (ds) => ds.length === 7 && ds.every((d) => d.code === 'BYL3019'));
    await change(douyin, original);
    await wait;
  });


  it('shows an error in an imported library on the library, and the versions that share it', async () => {
    await open(douyinTypes);
    const broken = texts.get(douyinTypes)!.replace('paid_orders: monthly number', 'paid_orders: monthly numbr');
    const wait = client.waitForDiagnostics(uriOf(douyinTypes), (ds) => ds.some((d) => d.code === 'BYL2002'));
    await change(douyinTypes, broken);
    const ds = await wait;
    expect(ds.find((d) => d.code === 'BYL2002')!.message).toBe('unknown type numbr\nhint: did you mean number?');
    const restore = client.waitForDiagnostics(uriOf(douyinTypes), (d) => d.length === 0);
    await change(douyinTypes, readFileSync(douyinTypes, 'utf8'));
    await restore;
    await close(douyinTypes);
  });
});

describe('hover', () => {
  beforeAll(async () => {
    await open(yanxuan);
    await open(factory);
  });

  it('gives a let its type and label, a field its type, label and file', async () => {
    expect(await hoverAt(douyin, 'paid_orders_total >=')).toContain('let paid_orders_total "支付订单量": number');
    const field = await hoverAt(douyin, 'provider.paid_orders', 'provider.'.length + 1);
    expect(field).toContain('Provider.paid_orders: monthly number "绑定商家的支付订单量贡献(绝对值)"');
    expect(field).toContain('declared in');
    expect(field).toContain('types.policy');
  });

  it("gives a criterion its label and citation, a placeholder its quoted source text, a param its value", async () => {
    const text = texts.get(douyin)!;
    const criterion = await hoverAt(douyin, 'silver_standard', 1);
    expect(criterion).toContain('**产业带银牌服务商标准** — cites 银牌标准');
    const placeholder = await hoverAt(douyin, 'industry_threshold[', 1);
    expect(placeholder).toContain('placeholder industry_threshold');
    expect(placeholder).toContain('> "服务达标商家数量指服务商绑定的商家归属于该服务商的订单量');
    expect(text).toContain('param silver_min_paid_orders');
    expect(await hoverAt(douyin, 'silver_min_paid_orders\n', 1)).toContain('Value: `900万` (9,000,000)');
  });

  it("gives an enum member its order and an ordered enum's comparison", async () => {
    const member = await hoverAt(yanxuan, 'Level = L3', 'Level = '.length);
    expect(member).toContain('Level.L3');
    expect(member).toContain('3rd of 5, lowest first: L1 < L2 < **L3** < L4 < L5');
    expect(await hoverAt(yanxuan, 'merchant.level >=', 'merchant.'.length + 1)).toContain('Merchant.level: Level "商家平台等级"');
  });

  it('gives a placeholder in a group the comment above the group', async () => {
    const h = await hoverAt(factory, 'a_min_headcount', 1);
    expect(h).toContain('placeholder a_min_headcount "A级(中大型工厂)·工厂总人数下限": number');
    expect(h).toContain('The thresholds are published only as an image');
  });
});

describe('definition and references', () => {
  it('go from a use to its declaration across imports', async () => {
    const text = texts.get(douyin)!;
    const field = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(douyin) }, position: positionOf(text, 'provider.paid_orders', 10) });
    const types = readFileSync(douyinTypes, 'utf8');
    expect(field).toEqual([{ uri: uriOf(douyinTypes), range: { start: positionOf(types, 'paid_orders:'), end: positionOf(types, 'paid_orders:', 11) } }]);
    const criterion = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(douyin) }, position: positionOf(text, 'tier silver "', 'tier silver "'.length + 20) });
    expect(criterion).toEqual([]);
  });

  it('find every use of a field in the versions that import its library', async () => {
    const text = texts.get(douyin)!;
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(douyin) },
      position: positionOf(text, 'provider.paid_orders', 10),
      context: { includeDeclaration: true },
    });
    const files = [...new Set(refs.map((r) => r.uri))].sort();
    expect(files).toEqual([uriOf(douyin), uriOf(douyin2), uriOf(douyinTypes)].sort());
    const inDouyin2 = readFileSync(douyin2, 'utf8').match(/\.paid_orders\b/g)!.length;
    expect(refs.filter((r) => r.uri === uriOf(douyin2))).toHaveLength(inDouyin2);
    const withoutDeclaration = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(douyin) },
      position: positionOf(text, 'provider.paid_orders', 10),
      context: { includeDeclaration: false },
    });
    expect(withoutDeclaration).toHaveLength(refs.length - 1);
  });
});

describe('rename', () => {
  it('renames a let at its declaration and every use', async () => {
    const text = texts.get(douyin)!;
    const position = positionOf(text, 'paid_orders_total >=', 2);
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: uriOf(douyin) }, position });
    expect(prepared.placeholder).toBe('paid_orders_total');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uriOf(douyin) }, position, newName: '支付订单量合计' });
    const edits = edit.changes![uriOf(douyin)]!;
    expect(edits).toHaveLength(text.match(/\bpaid_orders_total\b/g)!.length);
    const renamed = applyEdits(text, edits);
    expect(renamed).not.toContain('paid_orders_total');
    const wait = client.waitForDiagnostics(uriOf(douyin), (ds) => ds.length === 7 && ds.every((d) => d.code === 'BYL3019'));
    await change(douyin, renamed);
    await wait; // the renamed policy checks as before
    await change(douyin, text);
  });

  it('renames a field in its library and in every version that uses it', async () => {
    const text = texts.get(douyin)!;
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: uriOf(douyin) }, position: positionOf(text, 'provider.paid_orders', 10), newName: 'paid_order_count' });
    expect(Object.keys(edit.changes!).sort()).toEqual([uriOf(douyin), uriOf(douyin2), uriOf(douyinTypes)].sort());
    const types = applyEdits(readFileSync(douyinTypes, 'utf8'), edit.changes![uriOf(douyinTypes)]!);
    expect(types).toContain('paid_order_count: monthly number');
  });

  it('refuses a name that is taken, a keyword, or not a name', async () => {
    const text = texts.get(douyin)!;
    const position = positionOf(text, 'paid_orders_total >=', 2);
    const refuse = (newName: string) =>
      client.request('textDocument/rename', { textDocument: { uri: uriOf(douyin) }, position, newName }).then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    expect(await refuse('active_merchants')).toMatch(/^active_merchants is already the name of a let \(.*2023-09-08\.policy:\d+:5\)$/);
    expect(await refuse('during')).toBe('during is a keyword of the language: choose another name');
    expect(await refuse('two words')).toMatch(/is not a name/);
    const field = positionOf(text, 'provider.paid_orders', 10);
    const taken = await client.request('textDocument/rename', { textDocument: { uri: uriOf(douyin) }, position: field, newName: 'name' }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(taken).toBe('Provider already has a field name');
  });
});

describe('completion', () => {
  const complete = async (path: string, text: string, needle: string, delta: number) => {
    const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri: uriOf(path) }, position: positionOf(text, needle, delta) });
    return Array.isArray(r) ? r : r.items;
  };

  it('completes the fields of a record after a dot, in a half-typed line', async () => {
    const text = readFileSync(douyin, 'utf8').replace('sum(provider.paid_orders during period)', 'sum(provider.pa');
    await change(douyin, text);
    const items = await complete(douyin, text, 'provider.pa', 'provider.pa'.length).finally(() => change(douyin, readFileSync(douyin, 'utf8')));
    expect(items.map((i) => i.label).sort()).toEqual(['bound_merchants', 'name', 'paid_orders']);
    const paid = items.find((i) => i.label === 'paid_orders')!;
    expect(paid.detail).toBe('Provider.paid_orders: monthly number "绑定商家的支付订单量贡献(绝对值)"');
    expect(paid.textEdit).toEqual({ range: { start: positionOf(text, 'provider.pa', 9), end: positionOf(text, 'provider.pa', 11) }, newText: 'paid_orders' });
  });

  it('completes enum members where the other side of a comparison is an enum', async () => {
    const text = readFileSync(yanxuan, 'utf8').replace('merchant.level >= min_level', 'merchant.level >= ');
    await change(yanxuan, text);
    const items = await complete(yanxuan, text, 'merchant.level >= ', 'merchant.level >= '.length).finally(() => change(yanxuan, readFileSync(yanxuan, 'utf8')));
    const first = items.filter((i) => i.sortText?.startsWith('0')).map((i) => i.label);
    expect(first).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
    expect(items.map((i) => i.label)).toContain('min_level');
  });

  it('offers rules and their snippets in the decide block, declarations at the top level', async () => {
    const original = readFileSync(douyin, 'utf8');
    const text = original.replace('decide {', 'decide {\n  ');
    await change(douyin, text);
    const rules = await complete(douyin, text, 'decide {\n  ', 'decide {\n  '.length);
    const tier = rules.find((i) => i.label === 'tier')!;
    expect(tier.insertTextFormat).toBe(2);
    expect(tier.textEdit!.newText).toBe('tier ${1:id} "${2:标签}" cites "${3:条款}": ${0}');
    expect(rules.map((i) => i.label)).toContain('benefit');
    const top = original + '\n';
    await change(douyin, top);
    const decls = (await complete(douyin, top, top, top.length)).map((i) => i.label);
    expect(decls).toEqual(expect.arrayContaining(['criterion', 'criterion all of', 'let', 'param', 'placeholder', 'table', 'type', 'enum']));
    expect(decls).not.toContain('policy'); // the file has its header already
    await change(douyin, original);
  });

  it('offers a version header in a new file, and types where a type is written', async () => {
    const fresh = join(repoRoot, 'policies/douyin/belt_provider/new.policy');
    await open(fresh, '');
    try {
      const items = await complete(fresh, '', '', 0);
      const header = items.find((i) => i.label === 'policy')!;
      expect(header.textEdit!.newText).toContain('version "${3:1}"\n  published ${4:2024-01-01}\n  effective ${5:2024-01-01}');
      const typed = 'import "./types.policy"\nplaceholder x "标签": ';
      await change(fresh, typed);
      const types = (await complete(fresh, typed, typed, typed.length)).map((i) => i.label);
      expect(types).toEqual(expect.arrayContaining(['number', 'string', 'list of', 'table', 'Provider', 'BoundMerchant']));
    } finally {
      await close(fresh);
    }
  });
});

describe('formatting, symbols, semantic tokens', () => {
  it('formats through the Prettier plugin', async () => {
    const original = readFileSync(douyin, 'utf8');
    const messy = original.replace(/\n {2}version/, '\n        version').replace('criterion silver_standard "产业带银牌服务商标准" cites "银牌标准":\n  all of {', 'criterion silver_standard "产业带银牌服务商标准" cites "银牌标准": all of {');
    await change(douyin, messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: uriOf(douyin) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits.length).toBeGreaterThan(0);
    expect(applyEdits(messy, edits)).toBe(await format(messy));
    await change(douyin, original);
    expect(await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: uriOf(douyin) }, options: { tabSize: 2, insertSpaces: true } })).toEqual(
      (await format(original)) === original ? [] : expect.any(Array),
    );
  });

  it('outlines the header, definitions, criteria with their items and the decide block', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(douyin) } });
    expect(symbols[0]!.name).toBe('douyin.belt_provider');
    const silver = symbols.find((s) => s.name === 'silver_standard')!;
    expect(silver.detail).toBe('产业带银牌服务商标准 · cites 银牌标准');
    expect(silver.children!.length).toBeGreaterThan(0);
    const decide = symbols.find((s) => s.name === 'decide')!;
    expect(decide.children!.map((c) => c.name)).toEqual(expect.arrayContaining(['silver', 'gold', 'diamond']));
  });

  it('marks fields, lets and placeholders in semantic tokens', async () => {
    const { data } = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: uriOf(douyin) } });
    expect(data.length % 5).toBe(0);
    const text = texts.get(douyin)!;
    const lines = text.split('\n');
    const tokens: { text: string; type: string }[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
      tokens.push({ text: lines[line]!.slice(char, char + data[i + 2]!), type: legend.tokenTypes[data[i + 3]!]! });
    }
    expect(tokens).toContainEqual({ text: 'paid_orders', type: 'property' });
    expect(tokens).toContainEqual({ text: 'paid_orders_total', type: 'variable' });
    expect(tokens).toContainEqual({ text: 'silver_standard', type: 'function' });
  });
});

describe('policy tests in code lenses', () => {
  it('offers to run the tests beside a policy, runs them, and shows the results', async () => {
    const uri = uriOf(douyin);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    expect(lenses.map((l) => l.command!.title)).toEqual(['▶ Run tests (2023-09-08.test.yaml)']);
    const cases = readFileSync(douyin.replace('.policy', '.test.yaml'), 'utf8').match(/^ {2}- name:/gm)!.length;
    const run = await client.request<{ passed: number; failed: number }>('workspace/executeCommand', lenses[0]!.command);
    expect(run).toEqual({ passed: cases, failed: 0, problems: [] });
    const after = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    expect(after.map((l) => l.command!.title)).toEqual([`✓ ${cases} passed, 0 failed — run again`]);
  });

  it('runs the test file as edited, and puts each failure at its case', async () => {
    const testFile = douyin.replace('.policy', '.test.yaml');
    const testUri = uriOf(testFile);
    const yaml = readFileSync(testFile, 'utf8');
    const first = yaml.indexOf('    expect:');
    const edited = yaml.slice(0, first) + yaml.slice(first).replace(/tier: \w+/, 'tier: diamond');
    await client.notify('textDocument/didOpen', { textDocument: { uri: testUri, languageId: 'yaml', version: version++, text: edited } });
    const wait = client.waitForDiagnostics(testUri, (ds) => ds.length > 0);
    const run = await client.request<{ passed: number; failed: number }>('workspace/executeCommand', { command: 'bylaw.runTests', arguments: [uriOf(douyin)] });
    expect(run.failed).toBe(1);
    const [failure] = await wait;
    expect(failure!.source).toBe('bylaw test');
    expect(failure!.message).toMatch(/tier: expected "diamond", got "silver"/);
    expect(failure!.range.start.line).toBe(positionOf(edited, '  - name:').line);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(douyin) } });
    expect(lenses[0]!.command!.title).toMatch(/^✗ \d+ passed, 1 failed — run again$/);
    expect(lenses[1]!.command!.title).toMatch(/^✗ .*: tier: expected "diamond", got "silver"$/);
    await client.notify('textDocument/didClose', { textDocument: { uri: testUri } });
  });
});
