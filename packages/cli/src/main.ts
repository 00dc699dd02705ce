#!/usr/bin/env node
/**
 * The `bylaw` executable. It runs whenever it is loaded — through a symbolic
 * link (`npm i -g`, `npx`, `node_modules/.bin/bylaw`) too — so it holds
 * nothing else: the program is in `cli.ts`.
 *
 * Streams: a closed pipe (`bylaw eval … | head -3`) ends the run quietly with
 * exit code 2 (the output was cut short). (A standard output closed before the
 * start, `bylaw check >&-`, cannot be told from `>/dev/null`: Node opens
 * /dev/null in its place before any of this runs.)
 */
import { main } from './cli.js';
import { EXIT_INTERNAL, EXIT_USAGE } from './errors.js';
import { cleanUpAndExit } from './exit.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // The reader went away: nothing more can be said to it. Stop now, quietly.
  if (e.code !== 'EPIPE') process.stderr.write(`bylaw: cannot write to standard output: ${e.code ?? e.message}\n`);
  cleanUpAndExit(EXIT_USAGE);
});
// Standard error closed: nothing can be reported there, and the run goes on (its results may go to --out).
process.stderr.on('error', () => {});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bylaw: internal error: ${(e as Error).message}\nPlease report this with the command you ran.\n`);
    process.exitCode = EXIT_INTERNAL;
  },
);
