/**
 * The argument library (commander) and the colour library (picocolors), both
 * CommonJS, loaded with `require`: importing a CommonJS package as an ES module
 * costs about 15 ms more of every start-up (Node's translation of it), and
 * `bylaw --help` or a mistyped flag should answer at once. Import them from here.
 *
 * In a bundle (the VS Code extension's), `require` is the bundler's, which
 * finds them inside the bundle; run from `dist`, an ES module has none, so one
 * is made for this file.
 */
import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import type * as Picocolors from 'picocolors';

const load = typeof require === 'function' ? require : createRequire(import.meta.url);
const commander = (typeof require === 'function' ? require('commander') : load('commander')) as typeof Commander;
const picocolors = (typeof require === 'function' ? require('picocolors') : load('picocolors')) as typeof Picocolors;

export const { Command, CommanderError, Option, Argument } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type Option = Commander.Option;
export type Argument = Commander.Argument;

export const { createColors } = picocolors;
