/**
 * Exit codes and the errors a command stops with. A `CliError` is printed as
 * one line (`bylaw: message`) and never with a stack trace.
 */

/** Success. */
export const EXIT_OK = 0;
/** The command found problems it reports: errors in policies, failed tests, malformed data lines, changes in meaning. */
export const EXIT_FAIL = 1;
/** A usage or input problem: unknown command or flag, a bad value, a file that cannot be read. */
export const EXIT_USAGE = 2;
/** A bug: reported as an internal error. */
export const EXIT_INTERNAL = 3;

/**
 * A problem the user can fix, said in one line; `code` is the exit code (default
 * {@link EXIT_USAGE}). With `suggestion`, the line ends with "(did you mean …?)"
 * when one of `among` is close to `word`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT_USAGE,
    readonly suggestion?: { readonly word: string; readonly among: readonly string[] },
  ) {
    super(message);
  }
}

/** The reason of a failed file operation, in words (`ENOENT` → `no such file or folder`), with its code. */
export function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is not a folder',
    ELOOP: 'a symbolic link points back at itself',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EMFILE: 'too many open files',
    ENAMETOOLONG: 'the name is too long',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return code ?? (e as Error).message;
}
