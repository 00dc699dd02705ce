import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

/**
 * Every workspace package name (and subpath export) aliased to its TypeScript source, so that every
 * test, and every package a test loads, runs the sources: a change anywhere is seen without a build.
 * Read from the packages' own `exports`: the source of `./dist/x/y.js` is `./src/x/y.ts` (the
 * packages' tsconfig maps src to dist one to one), so a new package or subpath needs nothing here,
 * and the published manifests name only what they ship.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    let manifest: { name?: string; exports?: Record<string, string | { default?: string }> };
    try {
      manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const built = typeof target === 'object' ? target.default : undefined;
      const source = built?.replace(/^\.\/dist\/(.*)\.js$/, './src/$1.ts');
      if (!manifest.name || !source || source === built) continue;
      const specifier = manifest.name + subpath.slice(1); // "." → name, "./calendar" → name/calendar
      const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      aliases.push({ find: new RegExp(`^${escaped}$`), replacement: join(root, 'packages', dir, source) });
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests that run the CLI as a process (and batch worker threads) need the compiled JavaScript:
    // built once before any test (incremental, about a second when nothing changed).
    globalSetup: ['test/support/build.ts'],
    testTimeout: 30000,
  },
});
