/**
 * A Prettier plugin for Bylaw `.policy` files.
 *
 * Use it wherever Prettier runs:
 *
 * ```sh
 * prettier --plugin prettier-plugin-bylaw --write "policies/**\/*.policy"
 * ```
 *
 * or from code, through Prettier's API or the {@link format} shortcut:
 *
 * ```ts
 * import * as prettier from 'prettier';
 * import * as bylaw from 'prettier-plugin-bylaw';
 * const formatted = await prettier.format(text, { parser: 'bylaw', plugins: [bylaw] });
 * ```
 *
 * The canonical style is described in `docs/formatting.md`. A file that does
 * not parse is never formatted: Prettier reports a {@link BylawSyntaxError}.
 *
 * @module prettier-plugin-bylaw
 */
import type { Options, Parser, Plugin, Printer, SupportLanguage, SupportOptions } from 'prettier';
import type { Node } from '@bylaw/dsl';
import { bylawParser, astFormat } from './parser.js';
import { bylawPrinter } from './printer.js';

export { BylawSyntaxError } from './parser.js';

/** The Bylaw language: `.policy` files, parsed by the `bylaw` parser. */
export const languages: SupportLanguage[] = [
  {
    name: 'Bylaw',
    parsers: ['bylaw'],
    extensions: ['.policy'],
    vscodeLanguageIds: ['bylaw'],
  },
];

/** The `bylaw` parser (the `@bylaw/dsl` parser, with exact `locStart`/`locEnd`). */
export const parsers: Record<string, Parser<Node>> = { bylaw: bylawParser };

/** The printer of the `bylaw-ast` format. */
export const printers: Record<string, Printer<Node>> = { [astFormat]: bylawPrinter };

/**
 * Plugin options: none. The style has no knobs of its own, so that every
 * policy reads the same; Prettier's `printWidth`, `tabWidth`, `useTabs` and
 * `endOfLine` apply as usual.
 */
export const options: SupportOptions = {};

/** The plugin as one object, for `plugins: [plugin]`. */
const plugin: Plugin<Node> = { languages, parsers, printers, options };
export default plugin;

/**
 * Format a `.policy` text with Prettier and this plugin.
 *
 * @param text - the source text
 * @param overrides - Prettier options (for example `printWidth` or `filepath`)
 * @returns the formatted text
 * @throws {@link BylawSyntaxError} when the text does not parse
 */
export async function format(text: string, overrides: Options = {}): Promise<string> {
  const prettier = await import('prettier');
  return prettier.format(text, { ...overrides, parser: 'bylaw', plugins: [plugin] });
}
