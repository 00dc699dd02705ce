/**
 * The examples of docs/formatting.md are formatted: each `bylaw` code block
 * is exactly what the formatter prints.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from './support.js';

const page = readFileSync(fileURLToPath(new URL('../../docs/formatting.md', import.meta.url)), 'utf8');
const blocks = [...page.matchAll(/^( *)```bylaw\n([\s\S]*?)^ *```/gm)].map((m) =>
  m[2]!
    .split('\n')
    .map((line) => line.slice(m[1]!.length))
    .join('\n'),
);

describe('docs/formatting.md', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });
  blocks.forEach((block, i) => {
    it(`example ${i + 1} is formatted: ${block.split('\n')[0]}`, async () => {
      expect(await format(block)).toBe(block);
    });
  });
});
