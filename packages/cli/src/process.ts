/**
 * Running the program as this process: exit codes, and a quiet end when the
 * reader of standard output goes away (`bylaw eval … | head -3`: exit code 2,
 * the output was cut short, no message, temporary files removed). Standard
 * error closed is ignored: the run goes on (its results may go to --out).
 *
 * (A standard output closed before the start, `bylaw check >&-`, cannot be
 * told from `>/dev/null`: Node opens /dev/null in its place before any of
 * this runs.)
 */
import { main } from './cli.js';
import { EXIT_INTERNAL, EXIT_USAGE } from './errors.js';
import { cleanUpAndExit } from './exit.js';

/** Run `bylaw` with `argv` as this process, setting its exit code. */
export function runAsProcess(argv: readonly string[]): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') process.stderr.write(`bylaw: cannot write to standard output: ${e.code ?? e.message}\n`);
    cleanUpAndExit(EXIT_USAGE);
  });
  process.stderr.on('error', () => {});
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bylaw: internal error: ${(e as Error).message}\nPlease report this with the command you ran.\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
