#!/usr/bin/env node
/**
 * The `bylaw` executable. It runs whenever it is loaded — through a symbolic
 * link (`npm i -g`, `npx`, `node_modules/.bin/bylaw`) too — so it holds
 * nothing else: the program is in `cli.ts`.
 */
import { runAsProcess } from './process.js';

runAsProcess(process.argv.slice(2));
