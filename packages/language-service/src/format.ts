/**
 * Formatting through Prettier and the Bylaw plugin, as `bylaw fmt` formats: Prettier's
 * standalone build, which runs anywhere. A file that does not parse is left as it is
 * (its syntax errors are already diagnostics).
 */
import { format as prettierFormat } from 'prettier/standalone';
import plugin from 'prettier-plugin-bylaw';
import type { TextEdit } from 'vscode-languageserver-types';
import type { PositionIndex } from './text.js';

/** Prettier options that apply to `.policy` files (the editor's, or a `.prettierrc`'s). */
export interface FormatOptions {
  readonly printWidth?: number;
  readonly tabWidth?: number;
  readonly useTabs?: boolean;
  readonly endOfLine?: 'lf' | 'crlf' | 'cr' | 'auto';
}

/** The edits that format a text: none when it is formatted or does not parse. */
export async function formatText(text: string, lines: PositionIndex, options: FormatOptions = {}): Promise<TextEdit[]> {
  let formatted: string;
  try {
    formatted = await prettierFormat(text, { ...options, parser: 'bylaw', plugins: [plugin] });
  } catch {
    return [];
  }
  if (formatted === text) return [];
  // One edit for the part that changed: the cursor and the undo history keep the rest.
  let start = 0;
  while (start < text.length && start < formatted.length && text.charCodeAt(start) === formatted.charCodeAt(start)) start++;
  let endOld = text.length;
  let endNew = formatted.length;
  while (endOld > start && endNew > start && text.charCodeAt(endOld - 1) === formatted.charCodeAt(endNew - 1)) endOld--, endNew--;
  // Never split a surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (endOld < text.length && isLowSurrogate(text.charCodeAt(endOld))) endOld++, endNew++;
  return [{ range: { start: lines.position(start), end: lines.position(endOld) }, newText: formatted.slice(start, endNew) }];
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
