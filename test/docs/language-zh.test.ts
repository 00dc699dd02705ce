/**
 * docs/zh/language.md is the Chinese version of docs/language.md: the prose
 * is translated, the structure and the code are not. When one page gains a
 * section or an example, this test fails until the other does too.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from './markdown.js';

const root = join(import.meta.dirname, '..', '..');
const en = scan(readFileSync(join(root, 'docs/language.md'), 'utf8'));
const zh = scan(readFileSync(join(root, 'docs/zh/language.md'), 'utf8'));

describe('docs/zh/language.md follows docs/language.md', () => {
  it('has the same sections: ## and ### headings, in the same order', () => {
    // Compared as the sequence of levels, since the heading texts are translated.
    const levels = (hs: typeof en.headings) => hs.filter((h) => h.level === 2 || h.level === 3).map((h) => h.level);
    expect(levels(zh.headings)).toEqual(levels(en.headings));
    expect(levels(en.headings).length).toBeGreaterThan(0);
  });

  it('has the same code blocks, character for character, in the same order', () => {
    const code = (bs: typeof en.blocks) => bs.map((b) => ({ info: b.info, content: b.content }));
    expect(code(zh.blocks)).toEqual(code(en.blocks));
  });

  it('puts each code block in the same section', () => {
    // Which ##/### section (by position) each block falls in: catches a block moved between sections.
    const sectionOf = (page: typeof en) =>
      page.blocks.map((b) => page.headings.filter((h) => (h.level === 2 || h.level === 3) && h.line < b.line).length);
    expect(sectionOf(zh)).toEqual(sectionOf(en));
  });
});
