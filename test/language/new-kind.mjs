#!/usr/bin/env node
/**
 * What must handle a new AST kind: type-checks the sources of every package
 * (in memory) with a dummy kind added to one union of packages/dsl/src/ast.ts,
 * and lists the places `tsc` flags, one per function.
 *
 *   node test/language/new-kind.mjs Expression      # or DecisionRule, Declaration
 *
 * Used by exhaustive.test.ts, which keeps the lists in exhaustive/*.txt.
 */
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const astPath = join(root, 'packages', 'dsl', 'src', 'ast.ts');

/** @typedef {'Expression' | 'DecisionRule' | 'Declaration'} Union */

/** The dummy kind added to each union, after the union's first line. */
const dummies = {
  Expression: { name: 'DummyExpr', anchor: 'export type Expression =' },
  DecisionRule: { name: 'DummyRule', anchor: 'export type DecisionRule =' },
  Declaration: { name: 'DummyDecl', anchor: 'export type Declaration =' },
};

function packageDirs() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, 'packages', d.name));
}

/** The source files (tests excluded) of a package. */
function sourcesOf(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  try {
    walk(join(dir, 'src'));
  } catch {
    // a package without sources
  }
  return out.sort();
}

/** Package names (and subpaths) → their source entries, as vitest.config.ts aliases them (`./dist/x.js` → `./src/x.ts`). */
function sourcePaths() {
  const paths = {};
  for (const dir of packageDirs()) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const built = typeof target === 'object' ? target.default : undefined;
      const source = built?.replace(/^\.\/dist\/(.*)\.js$/, './src/$1.ts');
      if (manifest.name && source && source !== built) paths[manifest.name + subpath.slice(1)] = [join(dir, source)];
    }
  }
  return paths;
}

/** A package's compiler options (its tsconfig.json), to type-check its sources without emitting. */
function compilerOptions(dir) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const options = parsed?.options ?? {};
  return { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, incremental: false, tsBuildInfoFile: undefined, outDir: undefined, rootDir: root, baseUrl: root, paths: sourcePaths() };
}

/** The name of the function (or method, or variable holding one) around a node: `Generator.expr`. */
function placeOf(node) {
  const names = [];
  for (let n = node; n; n = n.parent) {
    if (ts.isConstructorDeclaration(n)) names.unshift('constructor');
    else if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isClassDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isPropertyDeclaration(n)) && n.name) {
      names.unshift(n.name.getText());
    } else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && !ts.isSourceFile(n.parent?.parent?.parent ?? n)) {
      names.unshift(n.name.text);
    } else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      names.unshift(n.name.text);
    } else if (ts.isPropertyAssignment(n) && n.name && (ts.isFunctionLike(n.initializer) || ts.isObjectLiteralExpression(n.initializer) || ts.isCallExpression(n.initializer))) {
      names.unshift(n.name.getText());
    }
  }
  return names.length ? names.join('.') : '(top level)';
}

/** The innermost node of a file at a position. */
function nodeAt(file, pos) {
  let found = file;
  const visit = (n) => {
    if (pos >= n.getStart(file) && pos < n.getEnd()) {
      found = n;
      ts.forEachChild(n, visit);
    }
  };
  ts.forEachChild(file, visit);
  return found;
}

/**
 * The places (`file: function`) where `tsc` reports an error once a dummy kind is added to
 * `union` (none added: undefined), sorted.
 * @param {Union | undefined} union
 * @returns {string[]}
 */
export function placesToHandle(union) {
  // One program per set of compiler options (most packages share the base's; an editor extension has its own).
  const groups = new Map();
  for (const dir of packageDirs()) {
    const files = sourcesOf(dir);
    if (files.length === 0) continue;
    const options = compilerOptions(dir);
    const key = JSON.stringify({ module: options.module, moduleResolution: options.moduleResolution, types: options.types, lib: options.lib });
    const group = groups.get(key) ?? { options, files: [] };
    group.files.push(...files);
    groups.set(key, group);
  }
  const places = new Set();
  for (const { options, files } of groups.values()) {
    const host = ts.createCompilerHost(options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      if (union && resolve(fileName) === astPath) {
        const { name, anchor } = dummies[union];
        const original = readFileSync(astPath, 'utf8');
        if (!original.includes(anchor)) throw new Error(`${anchor} is not in ast.ts`);
        const text = original.replace(anchor, `${anchor}\n  | ${name}`) + `\n/** A kind added by new-kind.mjs. */\nexport interface ${name} extends NodeBase {\n  readonly kind: '${name}';\n}\n`;
        return ts.createSourceFile(fileName, text, languageVersion, true);
      }
      return getSourceFile(fileName, languageVersion, ...rest);
    };
    const program = ts.createProgram(files, options, host);
    for (const d of ts.getPreEmitDiagnostics(program)) {
      if (!d.file || d.start === undefined) {
        places.add(`(no file): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
        continue;
      }
      places.add(`${relative(root, d.file.fileName)}: ${placeOf(nodeAt(d.file, d.start))}`);
    }
  }
  return [...places].sort();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const union = process.argv[2];
  if (union && !(union in dummies)) {
    console.error(`usage: node test/language/new-kind.mjs [${Object.keys(dummies).join(' | ')}]`);
    process.exit(2);
  }
  for (const place of placesToHandle(union)) console.log(place);
}
