/**
 * Chevrotain, as the lexer and the parser use it (they import it from here,
 * never from `chevrotain` itself).
 *
 * The build (`scripts/build.mjs`) replaces the compiled `dist/chevrotain.js`
 * with one file holding just these parts of Chevrotain, bundled by esbuild:
 * Chevrotain's own entry is hundreds of small modules (it pulls in lodash-es
 * file by file) that take about 0.3 s to load, which every process and every
 * batch worker would pay at start-up. The bundle needs no top-level await and
 * no file lookup at run time, so `require('@bylaw/dsl')` works and browsers
 * load it as it is. Without the build step (`tsc -b` alone) this file still
 * works, loading Chevrotain's entry: slower, never different.
 *
 * Types come from `@chevrotain/types`, Chevrotain's declarations alone, so
 * that the published declarations need nothing else.
 */
import * as chevrotain from 'chevrotain';
import type * as Chevrotain from '@chevrotain/types';

export const createToken: typeof Chevrotain.createToken = chevrotain.createToken;
export const Lexer: typeof Chevrotain.Lexer = chevrotain.Lexer;
export const EmbeddedActionsParser: typeof Chevrotain.EmbeddedActionsParser = chevrotain.EmbeddedActionsParser;
export const EOF: typeof Chevrotain.EOF = chevrotain.EOF;
export const tokenMatcher: typeof Chevrotain.tokenMatcher = chevrotain.tokenMatcher;
export type Lexer = Chevrotain.Lexer;
export type EmbeddedActionsParser = Chevrotain.EmbeddedActionsParser;
export type { IToken, ITokenConfig, TokenType, CustomPatternMatcherFunc, IRecognitionException, IParserErrorMessageProvider, IOrAlt } from '@chevrotain/types';
