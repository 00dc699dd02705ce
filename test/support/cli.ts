/** Running the CLI's commands in-process in tests: output captured, no colour, in a folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const plain = { color: false, paint: (_code: string, text: string) => text };

/** What a command gets to write with: lines of standard output and standard error, uncoloured. */
export interface CapturedIo {
  out(s: string): void;
  err(s: string): void;
  readonly style: typeof plain;
  readonly errStyle: typeof plain;
}

/** Run a command (`main`, `cmdDiff`, `cmdFmt`, …) with `cwd` as the working folder; its lines joined by newlines. */
export async function runCommand(cwd: string, command: (io: CapturedIo) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await command({ out: (s) => out.push(s), err: (s) => err.push(s), style: plain, errStyle: plain });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

/** A temporary folder holding the given files (paths relative to it). */
export function workspace(files: Record<string, string>, prefix = 'bylaw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
