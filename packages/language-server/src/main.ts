#!/usr/bin/env node
/**
 * `bylaw-language-server --stdio`: the Bylaw language server on standard input and output,
 * for any LSP client (VS Code, Neovim, Helix, Zed, JetBrains).
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('bylaw-language-server --stdio\n  The Bylaw language server (LSP) on standard input and output.\n');
} else if (args.includes('--version')) {
  process.stdout.write('0.1.0\n');
} else {
  // stdio is the only transport: clients start the server and talk to it over its pipes.
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)));
}
