/**
 * The language service runs in a browser (the playground) as well as in Node (the language
 * server): its own sources import nothing from Node and read no process state.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('the language service is platform-free', () => {
  it.each(sources)('%s imports nothing from Node', (file) => {
    const text = readFileSync(dir + file, 'utf8');
    expect(text).not.toMatch(/from ['"]node:|require\(|\bprocess\.|from ['"](fs|path|os|url|crypto|child_process)['"]/);
  });
});
