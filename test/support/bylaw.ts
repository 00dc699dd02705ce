/**
 * The packages under test, imported from their TypeScript sources.
 *
 * Every package is read from `src` in tests: this file by relative path, and
 * `@bylaw/*` / `prettier-plugin-bylaw` imports anywhere (in tests and inside
 * the packages) through the aliases in vitest.config.ts, so one module
 * instance of each package is loaded and a change in any package is seen
 * without a build. Only the tests that run `packages/cli/dist/main.js` as a
 * process use compiled code, which test/support/build.ts rebuilds before the run.
 */
export * from '../../packages/dsl/src/index.js';
export * from '../../packages/runtime/src/index.js';
export * from '../../packages/runtime/src/node.js';
