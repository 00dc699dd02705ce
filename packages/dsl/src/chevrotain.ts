/**
 * Chevrotain, loaded from the one-file build its package ships
 * (`lib/chevrotain.mjs`) rather than its entry point, which is the unbundled
 * build: hundreds of small modules (it pulls in lodash-es file by file) that
 * take about 0.3 s to load, against about 20 ms for the one file. Every
 * process and every batch worker pays that at start-up. The package's
 * `exports` names only its entry, so the file is found next to the entry
 * (same package, same version); if it is not there, the entry is used.
 *
 * The lexer and the parser import Chevrotain from here, never from
 * `chevrotain` itself (types excepted).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    // The entry is lib/src/api.js; the one-file build is lib/chevrotain.mjs.
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
    if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
  } catch {
    // Resolution failed (an unusual install): use the entry.
  }
  return await import('chevrotain');
}

const chevrotain = await load();

export const createToken: typeof Chevrotain.createToken = chevrotain.createToken;
export const Lexer: typeof Chevrotain.Lexer = chevrotain.Lexer;
export const EmbeddedActionsParser: typeof Chevrotain.EmbeddedActionsParser = chevrotain.EmbeddedActionsParser;
export const EOF: typeof Chevrotain.EOF = chevrotain.EOF;
export const tokenMatcher: typeof Chevrotain.tokenMatcher = chevrotain.tokenMatcher;
export type Lexer = Chevrotain.Lexer;
export type EmbeddedActionsParser = Chevrotain.EmbeddedActionsParser;
export type { IToken, ITokenConfig, TokenType, CustomPatternMatcherFunc, IRecognitionException, IParserErrorMessageProvider } from 'chevrotain';
