/**
 * Ending the process early (a closed pipe, an interruption) without leaving
 * temporary files behind: a command registers what to remove, and
 * {@link cleanUpAndExit} removes it before exiting.
 */
import { rmSync } from 'node:fs';

const temporary = new Set<string>();

/** Remove `path` if the process ends before {@link keep} is called for it. */
export function removeOnExit(path: string): void {
  temporary.add(path);
}

/** The file at `path` is complete (renamed into place, or removed): nothing to clean up. */
export function keep(path: string): void {
  temporary.delete(path);
}

/** Remove the registered temporary files and exit with `code`. */
export function cleanUpAndExit(code: number): never {
  for (const p of temporary) rmSync(p, { force: true });
  process.exit(code);
}
