/**
 * The packages under test, imported from their sources.
 *
 * The workspace root has no node_modules/@bylaw links (only packages/* do), so
 * `import '@bylaw/dsl'` does not resolve from test/. Importing the sources by
 * relative path gives the same module instances that @bylaw/runtime itself
 * loads (its link resolves to packages/dsl, whose `source` export is src).
 */
export * from '../../packages/dsl/src/index.js';
export * from '../../packages/runtime/src/index.js';
