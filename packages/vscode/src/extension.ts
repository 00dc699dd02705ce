/**
 * The Bylaw extension for VS Code: the language (grammar, comments, brackets, indentation)
 * and a client of the Bylaw language server, which it starts from its own bundle. The
 * commands "evaluate against data file" and "diff with HEAD" run the bundled `bylaw` command.
 */
import { execFile, fork } from 'node:child_process';
import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/** Start the language server and register the commands. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const server = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.stdio, args: ['--stdio'] },
    debug: { module: server, transport: TransportKind.stdio, args: ['--stdio'], options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'bylaw' }, { scheme: 'untitled', language: 'bylaw' }, { scheme: 'file', pattern: '**/*.test.{yaml,yml}' }],
  };
  client = new LanguageClient('bylaw', 'Bylaw', serverOptions, clientOptions);
  output = vscode.window.createOutputChannel('Bylaw');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('bylaw.checkWorkspace', checkWorkspace),
    vscode.commands.registerCommand('bylaw.evaluate', () => evaluate(context)),
    vscode.commands.registerCommand('bylaw.diffWithHead', () => diffWithHead(context)),
  );
  await client.start();
}

/** Stop the language server. */
export async function deactivate(): Promise<void> {
  await client?.stop();
}

async function checkWorkspace(): Promise<void> {
  if (!client) return;
  const r = (await client.sendRequest('workspace/executeCommand', { command: 'bylaw.checkWorkspace', arguments: [] })) as { files: number; errors: number; warnings: number };
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const say = `Bylaw: ${r.files} file${r.files === 1 ? '' : 's'} checked: ${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`;
  if (r.errors > 0) void vscode.window.showErrorMessage(say);
  else void vscode.window.showInformationMessage(say);
}

/** The policy file of the active editor (saved first: the command reads files from disk). */
async function activePolicy(): Promise<string | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'bylaw' || doc.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Bylaw: open a .policy file first');
    return undefined;
  }
  if (doc.isDirty) await doc.save();
  return doc.uri.fsPath;
}

/** The folder a policy is checked with: the nearest enclosing `policies` folder, else its own (as the server groups files). */
function policyRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (dir.endsWith('/policies') || dir.endsWith('\\policies')) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(file);
    dir = up;
  }
}

/** Run the bundled `bylaw` command and show what it prints in the Bylaw output channel. */
function runBylaw(context: vscode.ExtensionContext, args: string[], cwd: string): Promise<number> {
  const out = output!;
  out.clear();
  out.show(true);
  out.appendLine(`$ bylaw ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = fork(context.asAbsolutePath('dist/bylaw.js'), args, { cwd, silent: true, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout?.on('data', (b: Buffer) => out.append(b.toString()));
    child.stderr?.on('data', (b: Buffer) => out.append(b.toString()));
    child.on('exit', (code) => {
      out.appendLine(`(exit ${code ?? '?'})`);
      resolve(code ?? 1);
    });
  });
}

async function evaluate(context: vscode.ExtensionContext): Promise<void> {
  const policy = await activePolicy();
  if (!policy) return;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Evaluate',
    title: 'Bylaw: the data to evaluate (a JSON subject or array, or NDJSON/CSV)',
    filters: { Data: ['json', 'ndjson', 'jsonl', 'csv'] },
    defaultUri: vscode.Uri.file(dirname(policy)),
  });
  const data = picked?.[0]?.fsPath;
  if (!data) return;
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const asOf = await vscode.window.showInputBox({
    title: 'Bylaw: evaluate as of',
    value: today,
    prompt: 'The evaluation date (YYYY-MM-DD): the version in force on it decides',
    validateInput: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? undefined : 'a date such as 2023-09-08'),
  });
  if (!asOf) return;
  const root = policyRoot(policy);
  await runBylaw(context, ['eval', policy, '--data', data, '--as-of', asOf, '--policies', root], dirname(root));
}

async function diffWithHead(context: vscode.ExtensionContext): Promise<void> {
  const policy = await activePolicy();
  if (!policy) return;
  const top = await new Promise<string | undefined>((resolve) =>
    execFile('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(policy) }, (err, stdout) => resolve(err ? undefined : stdout.trim())),
  );
  if (!top) {
    void vscode.window.showWarningMessage('Bylaw: the file is not in a git repository');
    return;
  }
  const rel = relative(top, policy).split('\\').join('/');
  await runBylaw(context, ['diff', `${rel}@HEAD`, rel], top);
}
