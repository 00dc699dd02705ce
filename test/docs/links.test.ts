/**
 * docs/README.md lists every page of docs/, and the pages written with it
 * (the index, the tutorials, the Chinese language reference, the diagnostics
 * reference) link only to files that exist.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const docs = join(root, 'docs');

/** Relative link targets of a Markdown page, outside code, without #anchors. */
function links(page: string): string[] {
  const text = readFileSync(page, 'utf8').replace(/^(`{3,})[^]*?^\1\s*$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split('#')[0]!)
    .filter((t) => t !== '' && !/^[a-z]+:/.test(t));
}

/** Markdown pages under docs/, relative to it (the generated api/ folder is not a page). */
function pages(dir = docs): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'api' && dir === docs ? [] : pages(full);
    return e.name.endsWith('.md') ? [relative(docs, full)] : [];
  });
}

describe('docs index and links', () => {
  it('docs/README.md links every page of docs/', () => {
    const listed = new Set(links(join(docs, 'README.md')));
    const missing = pages().filter((p) => p !== 'README.md' && !listed.has(p));
    expect(missing, 'pages missing from docs/README.md').toEqual([]);
  });

  for (const page of ['README.md', 'tutorial.md', 'zh/tutorial.md', 'zh/language.md', 'diagnostics.md']) {
    it(`links in docs/${page} resolve`, () => {
      const from = join(docs, page);
      // The API reference is generated (npm run docs), so it may not exist yet.
      const broken = links(from).filter((t) => !t.startsWith('api/') && !existsSync(join(dirname(from), t)));
      expect(broken).toEqual([]);
    });
  }
});
