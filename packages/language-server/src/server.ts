/**
 * The Bylaw language server: LSP over a connection (stdio in `main.ts`), a thin layer
 * over `@bylaw/language-service`. It turns URIs into paths and back, keeps the open
 * documents in step with the service, publishes the checker's diagnostics for the open
 * files and their imports after every change, and runs policy tests for code lenses.
 * Nothing here checks a policy: the checker does, through the service.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  LSPErrorCodes,
  ResponseError,
  type CodeLens,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LanguageService, semanticTokensLegend, type EditorDiagnostic } from '@bylaw/language-service';
import { NodeHost, policyFilesUnder } from './node-host.js';
import { runTests, testFileOf, type TestRun } from './policy-tests.js';

/**
 * How long the server waits after a change before it checks: changes that come closer together
 * (a burst of keystrokes, a replayed edit sequence) are checked once. Short enough to keep
 * diagnostics within 50 ms of a keystroke on the largest seed policy (`bench/editor.mjs`).
 */
export const DIAGNOSTICS_DELAY_MS = 10;

/** Commands the server runs (`workspace/executeCommand`). */
export const commands = {
  /** Run the `.test.yaml` of a policy: arguments `[policy URI]`. */
  runTests: 'bylaw.runTests',
  /** Check every `.policy` file of the workspace folders and publish all their diagnostics; returns counts. */
  checkWorkspace: 'bylaw.checkWorkspace',
} as const;

/** Serve LSP on a connection until it closes. */
export function startServer(connection: Connection): void {
  const host = new NodeHost();
  const service = new LanguageService(host);
  const documents = new Map<string, TextDocument>();
  const published = new Map<string, string>(); // uri → the diagnostics last sent, as JSON
  const testRuns = new Map<string, TestRun>(); // policy path → the last run of its tests
  let workspaceFolders: string[] = [];
  let checkedWorkspace = false;
  let refreshLenses = false;
  let watchFiles = false;

  const toPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  const toUri = (path: string) => (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) ? pathToFileURL(path).href : path);

  connection.onInitialize((params): InitializeResult => {
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri));
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [toPath(params.rootUri)];
    refreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['.'] },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: semanticTokensLegend, full: true },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(commands) },
      },
      serverInfo: { name: 'bylaw-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    // Watch policy and test files where the client can, so that edits outside the editor count.
    if (!watchFiles) return;
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.policy' }, { globPattern: '**/*.test.{yaml,yml}' }] })
      .catch(() => undefined);
  });

  /** Answer a request, or nothing when the service fails: one bad request never takes the server down. */
  const guard = <T>(what: string, fallback: T, answer: () => T): T => {
    try {
      return answer();
    } catch (e) {
      connection.console.error(`bylaw: ${what} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };

  // ------------------------------------------------------------ documents

  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    documents.set(d.uri, TextDocument.create(d.uri, d.languageId, d.version, d.text));
    if (isPolicy(d.uri)) service.setDocument(toPath(d.uri), d.text);
    schedule();
  });
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    const doc = documents.get(d.uri);
    if (!doc) return;
    const next = TextDocument.update(doc, contentChanges, d.version);
    documents.set(d.uri, next);
    if (isPolicy(d.uri)) service.setDocument(toPath(d.uri), next.getText());
    schedule();
  });
  connection.onDidCloseTextDocument(({ textDocument: d }) => {
    documents.delete(d.uri);
    if (isPolicy(d.uri)) service.closeDocument(toPath(d.uri));
    schedule();
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) host.changed(toPath(c.uri));
    service.filesChanged();
    schedule();
  });

  // ---------------------------------------------------------- diagnostics

  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Check once the changes stop coming for a moment (one check for a burst of keystrokes, or a paste). */
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      guard('diagnostics', undefined, publishDiagnostics);
    }, DIAGNOSTICS_DELAY_MS);
  }

  function publishDiagnostics(): void {
    const wanted = new Set<string>();
    for (const uri of documents.keys()) {
      if (!isPolicy(uri)) continue;
      const path = toPath(uri);
      wanted.add(path);
      for (const imported of service.imports(path)) wanted.add(imported);
    }
    if (checkedWorkspace) for (const folder of workspaceFolders) for (const p of policyFilesUnder(folder)) wanted.add(p);
    // An open document's diagnostics go out after every check (a client may wait for them after an edit);
    // the other files' only when they changed.
    for (const path of wanted) {
      const uri = toUri(path);
      send(uri, service.diagnostics(path).map(toLsp), documents.has(uri));
    }
    for (const uri of [...published.keys()]) {
      if (isPolicy(uri) && !wanted.has(toPath(uri))) send(uri, []);
    }
  }

  function send(uri: string, diagnostics: LspDiagnostic[], always = false): void {
    const json = JSON.stringify(diagnostics);
    if (published.get(uri) === json && !always) return;
    if (diagnostics.length === 0) published.delete(uri);
    else published.set(uri, json);
    void connection.sendDiagnostics({ uri, diagnostics });
  }

  function toLsp(d: EditorDiagnostic): LspDiagnostic {
    return {
      range: d.range,
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: d.code,
      source: 'bylaw',
      // The hint goes with the message, as `bylaw check` prints it under the code frame.
      message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
      ...(d.related.length ? { relatedInformation: d.related.map((r) => ({ location: { uri: toUri(r.path), range: r.range }, message: r.message })) } : {}),
      data: { hint: d.hint },
    };
  }

  // ------------------------------------------------------------- features

  const policyPath = (uri: string) => (isPolicy(uri) && documents.has(uri) ? toPath(uri) : undefined);
  connection.onHover(({ textDocument, position }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('hover', null, () => service.hover(path, position) ?? null) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('definition', [], () => service.definition(path, position).map((l) => ({ uri: toUri(l.path), range: l.range }))) : [];
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('references', [], () => service.references(path, position, context.includeDeclaration).map((l) => ({ uri: toUri(l.path), range: l.range }))) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const path = policyPath(textDocument.uri);
    if (!path) return null;
    const r = guard('prepare rename', { error: 'internal error' } as ReturnType<LanguageService['prepareRename']>, () => service.prepareRename(path, position));
    if ('error' in r) throw new ResponseError(LSPErrorCodes.RequestFailed, r.error);
    return r;
  });
  connection.onRenameRequest(({ textDocument, position, newName }): WorkspaceEdit | null => {
    const path = policyPath(textDocument.uri);
    if (!path) return null;
    const r = guard('rename', { error: 'internal error' } as ReturnType<LanguageService['rename']>, () => service.rename(path, position, newName));
    if ('error' in r) throw new ResponseError(LSPErrorCodes.RequestFailed, r.error);
    const changes: WorkspaceEdit['changes'] = {};
    for (const [file, edits] of r.edits) changes[toUri(file)] = edits;
    return { changes };
  });
  connection.onCompletion(({ textDocument, position }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('completion', [], () => service.completion(path, position)) : [];
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('document symbols', [], () => service.documentSymbols(path)) : [];
  });
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const path = policyPath(textDocument.uri);
    return path ? guard('semantic tokens', { data: [] }, () => service.semanticTokens(path)) : { data: [] };
  });
  connection.onDocumentFormatting(async ({ textDocument, options }) => {
    const path = policyPath(textDocument.uri);
    if (!path) return [];
    try {
      return await service.format(path, { tabWidth: options.tabSize, useTabs: !options.insertSpaces });
    } catch (e) {
      connection.console.error(`bylaw: formatting failed: ${(e as Error).message}`);
      return [];
    }
  });

  // ---------------------------------------------------------- policy tests

  connection.onCodeLens(({ textDocument }) => {
    const path = policyPath(textDocument.uri);
    if (!path) return [];
    return guard('code lens', [], () => {
      const testFile = testFileOf(path);
      const analysis = service.analysis(path);
      const header = analysis.result.files.get(path)?.ast.header;
      const lines = analysis.text(path)?.lines;
      if (!testFile || !header || !lines) return [];
      const start = lines.position(header.span.start);
      const range = { start, end: start };
      const run = testRuns.get(path);
      const name = testFile.slice(testFile.lastIndexOf('/') + 1);
      const lenses: CodeLens[] = [];
      if (!run) lenses.push({ range, command: { title: `▶ Run tests (${name})`, command: commands.runTests, arguments: [textDocument.uri] } });
      else {
        const summary = run.problems.length && run.cases.length === 0 ? `⚠ ${run.problems[0]}` : `${run.failed ? '✗' : '✓'} ${run.passed} passed, ${run.failed} failed`;
        lenses.push({ range, command: { title: `${summary} — run again`, command: commands.runTests, arguments: [textDocument.uri] } });
        for (const c of run.cases.filter((x) => !x.passed).slice(0, 5)) {
          lenses.push({ range, command: { title: `✗ ${c.name}: ${c.failures[0] ?? 'failed'}`, command: commands.runTests, arguments: [textDocument.uri] } });
        }
      }
      return lenses;
    });
  });

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command === commands.runTests) {
      const uri = String(args?.[0] ?? '');
      const path = toPath(uri);
      const testFile = testFileOf(path);
      if (!testFile) return { passed: 0, failed: 0, problems: [`no test file beside ${path}`] };
      const testUri = toUri(testFile);
      const text = documents.get(testUri)?.getText() ?? host.readFile(testFile) ?? '';
      const run = guard('running tests', undefined, () => runTests(service, path, testFile, text));
      if (!run) return { passed: 0, failed: 1, problems: ['the tests could not run (see the server log)'] };
      testRuns.set(path, run);
      // Each failed case is a diagnostic at the case in the test file: the result where the case is written.
      const lines = TextDocument.create(testUri, 'yaml', 0, text);
      send(
        testUri,
        [
          ...run.problems.map((p) => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: 'bylaw test', message: p })),
          ...run.cases
            .filter((c) => !c.passed)
            .map((c) => {
              const start = lines.positionAt(c.offset);
              return { range: { start, end: { line: start.line, character: start.character + 1 } }, severity: DiagnosticSeverity.Error, source: 'bylaw test', message: `${c.name}\n${c.failures.join('\n')}` };
            }),
        ],
      );
      if (refreshLenses) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      return { passed: run.passed, failed: run.failed, problems: run.problems };
    }
    if (command === commands.checkWorkspace) {
      checkedWorkspace = true;
      publishDiagnostics();
      let errors = 0;
      let warnings = 0;
      let files = 0;
      for (const folder of workspaceFolders) {
        for (const p of policyFilesUnder(folder)) {
          files++;
          for (const d of service.diagnostics(p)) d.severity === 'error' ? errors++ : d.severity === 'warning' && warnings++;
        }
      }
      return { files, errors, warnings };
    }
    return undefined;
  });

  connection.listen();
}

function isPolicy(uri: string): boolean {
  return uri.endsWith('.policy');
}
