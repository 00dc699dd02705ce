/** Finding policy files for tests. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The `.policy` files under a folder, recursively, as paths joined to it, in sorted order. */
export function policyFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...policyFilesUnder(p));
    else if (name.endsWith('.policy')) out.push(p);
  }
  return out;
}
