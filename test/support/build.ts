/**
 * Vitest global setup: build the packages (`scripts/build.mjs`: `tsc -b`, incremental, then the
 * Chevrotain bundle and the bins' modes) before any test runs, so that the tests that start the
 * CLI as a process, or batch worker threads, or pack the packages, run the current sources too.
 * Everything else imports the sources directly (see vitest.config.ts). A build that fails stops
 * the run with the compiler's messages: those tests would otherwise run stale code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`the build failed (scripts/build.mjs), so tests of the built CLI would run stale code:\n${r.stdout}${r.stderr}`);
  }
}
