#!/usr/bin/env node
/**
 * `bylaw-git-diff`: `bylaw diff --git-driver` as an executable of its own, for
 * git's `diff.<driver>.command`, which takes a command without arguments:
 *
 *     echo '*.policy diff=bylaw' >> .gitattributes
 *     git config diff.bylaw.command bylaw-git-diff        # installed: npm i -g @bylaw/cli
 *     git config diff.bylaw.command "$PWD/node_modules/.bin/bylaw-git-diff"   # installed in the project
 *
 * git runs it with 7 arguments: path old-file old-hex old-mode new-file new-hex
 * new-mode. They follow `--`, so a path starting with `-` is never a flag.
 */
import { runAsProcess } from './process.js';

runAsProcess(['diff', '--git-driver', '--', ...process.argv.slice(2)]);
