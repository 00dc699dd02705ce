/**
 * Output files that are complete or say they are not. A file is written to a
 * temporary file beside its target (same folder, so the rename is atomic) and
 * renamed over the target only once complete: an interruption, a full disk
 * or any other failure leaves the previous target untouched. What was written
 * of decision records before such a stop is kept as `<target>.partial`,
 * complete lines only. A target that is not a regular file (`/dev/stdout`, a
 * named pipe, a device) is written directly.
 *
 * Before any run, {@link checkOutputs} refuses an output that names an input
 * (after following links): `--out data.ndjson` would truncate the data.
 */
import { closeSync, existsSync, ftruncateSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, reasonOf } from './errors.js';
import { keep, removeOnExit } from './exit.js';

/** A temporary name beside `target`, hidden, unique to this process. */
function temporaryBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** Whether `path` names a regular file or nothing yet (else a device, a pipe: written directly). */
function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/** The path a name resolves to on disk, following links (for a name that does not exist yet: its folder's). */
function realTarget(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

/**
 * Check the output files of a run before it starts: none names an input (after
 * following links), no two name the same file, and each can be created beside
 * its target. Throws a {@link CliError} saying which and why.
 */
export function checkOutputs(outputs: readonly { flag: string; path: string | undefined }[], inputs: readonly string[]): void {
  const inputPaths = new Map(inputs.filter((p) => p !== '-').map((p) => [realTarget(p), p]));
  const seen = new Map<string, string>();
  for (const { flag, path } of outputs) {
    if (path === undefined) continue;
    const real = realTarget(path);
    const input = inputPaths.get(real);
    if (input !== undefined) throw new CliError(`${flag} ${path} is an input of this run (${input}): writing it would destroy it`);
    const other = seen.get(real);
    if (other !== undefined) throw new CliError(`${other} and ${flag} name the same file, ${path}`);
    seen.set(real, flag);
    if (!isFileTarget(path)) continue;
    if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`cannot write ${flag} ${path}: it is a folder (EISDIR)`);
    const probe = temporaryBeside(path);
    try {
      closeSync(openSync(probe, 'wx'));
      rmSync(probe, { force: true });
    } catch (e) {
      throw new CliError(`cannot write ${flag} ${path}: ${reasonOf(e)}`);
    }
  }
}

/** A write that failed: the run stops, and the message says where and why. */
export class OutputError extends Error {}

/** Bytes written to a file through a temporary file beside it (see the module comment). */
export class AtomicFile {
  private readonly fd: number;
  private readonly temporary: string | undefined;
  /** Bytes of whole records written so far (where a torn write is cut back to). */
  private complete = 0;
  private closed = false;

  constructor(
    readonly target: string,
    private readonly flag: string,
  ) {
    this.temporary = isFileTarget(target) ? temporaryBeside(target) : undefined;
    try {
      this.fd = openSync(this.temporary ?? target, this.temporary ? 'wx' : 'w');
    } catch (e) {
      throw new CliError(`cannot write ${flag} ${target}: ${reasonOf(e)}`);
    }
    if (this.temporary) removeOnExit(this.temporary);
  }

  /** Write whole records. Throws an {@link OutputError} when they cannot be written. */
  write(bytes: Uint8Array): void {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
      this.complete += bytes.length;
    } catch (e) {
      throw new OutputError(`cannot write ${this.flag} ${this.target}: ${reasonOf(e)}`);
    }
  }

  /** Complete: the target now holds what was written. */
  commit(): void {
    this.close();
    if (!this.temporary) return;
    try {
      renameSync(this.temporary, this.target);
    } catch (e) {
      rmSync(this.temporary, { force: true });
      throw new OutputError(`cannot write ${this.flag} ${this.target}: ${reasonOf(e)}`);
    } finally {
      keep(this.temporary);
    }
  }

  /**
   * Stopped before the end: the target is left as it was. What was written (whole
   * records only) is kept as `<target>.partial` when `keepPartial`; returns that path,
   * or undefined when nothing was kept.
   */
  abandon(keepPartial: boolean): string | undefined {
    if (this.temporary && !this.closed) {
      try {
        ftruncateSync(this.fd, this.complete);
      } catch {
        // Keep going: the file is removed or kept as it is.
      }
    }
    this.close();
    if (!this.temporary) return undefined;
    keep(this.temporary);
    if (keepPartial && this.complete > 0) {
      const partial = `${this.target}.partial`;
      try {
        renameSync(this.temporary, partial);
        return partial;
      } catch {
        // Fall through: remove it.
      }
    }
    rmSync(this.temporary, { force: true });
    return undefined;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch (e) {
      if (this.temporary) throw new OutputError(`cannot write ${this.flag} ${this.target}: ${reasonOf(e)}`);
    }
  }
}

/** Write a whole file at once through a temporary file beside it. Throws an {@link OutputError}. */
export function writeAtomically(path: string, text: string, flag: string): void {
  const file = new AtomicFile(path, flag);
  try {
    file.write(Buffer.from(text, 'utf8'));
    file.commit();
  } catch (e) {
    file.abandon(false);
    throw e;
  }
}
