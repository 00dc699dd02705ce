/**
 * The language service's host over the file system: files read as `bylaw check` reads
 * them (UTF-8, invalid bytes reported as BYL1009), imports resolved relative to the
 * importing file, and each file checked with the other files of its policy folder.
 * What it reads is kept until the client says a file changed (watched files).
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep, basename } from 'node:path';
import type { Diagnostic } from '@bylaw/dsl';
import { readSource } from '@bylaw/runtime/node';
import type { CheckGroup, LanguageServiceHost } from '@bylaw/language-service';

/** The most `.policy` files one group may have: a folder with more is not walked further. */
export const MAX_GROUP_FILES = 10_000;
/** The most folders walked to find a group's files. */
export const MAX_GROUP_FOLDERS = 5_000;

/**
 * The folder whose `.policy` files are checked together with `path`: the nearest
 * enclosing folder named `policies` (all files under it, as `bylaw check policies`
 * checks them), else the file's own folder (the files beside it).
 */
export function groupRoot(path: string): string {
  let dir = dirname(path);
  for (;;) {
    if (basename(dir) === 'policies') return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(path);
    dir = up;
  }
}

/** Reads policy files from disk and remembers them until told they changed. */
export class NodeHost implements LanguageServiceHost {
  private readonly texts = new Map<string, { text?: string; problem?: { diagnostic: Diagnostic; text?: string } }>();
  private readonly groups = new Map<string, string[]>();

  readFile(path: string): string | undefined {
    return this.read(path).text;
  }

  readProblem(path: string): { diagnostic: Diagnostic; text?: string } | undefined {
    return this.read(path).problem;
  }

  private read(path: string): { text?: string; problem?: { diagnostic: Diagnostic; text?: string } } {
    let entry = this.texts.get(path);
    if (!entry) {
      if (!isAbsolutePath(path)) entry = {};
      else {
        const r = readSource(path, path);
        entry = { ...(r.text !== undefined ? { text: r.text } : {}), ...(r.diagnostic ? { problem: { diagnostic: r.diagnostic, ...(r.lossy !== undefined ? { text: r.lossy } : {}) } } : {}) };
      }
      this.texts.set(path, entry);
    }
    return entry;
  }

  resolve(from: string, specifier: string): string {
    return resolve(dirname(from), specifier);
  }

  checkGroup(path: string): CheckGroup {
    if (!isAbsolutePath(path)) return { root: path, files: [path] };
    const root = groupRoot(path);
    let files = this.groups.get(root);
    if (!files) this.groups.set(root, (files = policyFilesUnder(root, basename(root) === 'policies')));
    return { root, files };
  }

  /** A file changed, appeared or went away (or, with no path, anything may have). */
  changed(path?: string): void {
    if (path === undefined) {
      this.texts.clear();
      this.groups.clear();
      return;
    }
    this.texts.delete(path);
    // A new or deleted file changes the list of its group.
    for (const root of this.groups.keys()) if (path.startsWith(root + sep)) this.groups.delete(root);
  }
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** The `.policy` files in a folder (and its subfolders), sorted, skipping hidden folders, node_modules and symlink loops. */
export function policyFilesUnder(root: string, recursive = true): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.size >= MAX_GROUP_FOLDERS) return;
    let entries: string[];
    try {
      const st = statSync(dir);
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (out.length >= MAX_GROUP_FILES) return;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      if (name.endsWith('.policy')) {
        try {
          if (statSync(p).isFile()) out.push(p);
        } catch {
          // gone or unreadable: readSource reports it if the file is opened
        }
      } else if (recursive) {
        try {
          if (statSync(p).isDirectory()) visit(p);
        } catch {
          // a broken link
        }
      }
    }
  };
  visit(root);
  return out;
}
