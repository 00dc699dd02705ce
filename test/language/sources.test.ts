/**
 * Tests run the sources: each package name resolves to the same module as its
 * `src` entry (vitest.config.ts; the aliases apply inside the packages too),
 * so a change in one package is seen by every test without a build.
 */
import { describe, expect, it } from 'vitest';
import * as dsl from '@bylaw/dsl';
import * as runtime from '@bylaw/runtime';
import * as calendar from '@bylaw/runtime/calendar';
import * as differ from '@bylaw/diff';
import * as plugin from 'prettier-plugin-bylaw';
import * as dslSource from '../../packages/dsl/src/index.js';
import * as runtimeSource from '../../packages/runtime/src/index.js';
import * as calendarSource from '../../packages/dsl/src/values/calendar.js';
import * as differSource from '../../packages/diff/src/index.js';
import * as pluginSource from '../../packages/prettier-plugin-bylaw/src/index.js';

describe('every package is loaded from its sources', () => {
  it('by name, the same module instance as by path to src', () => {
    expect(dsl.check).toBe(dslSource.check);
    expect(runtime.compile).toBe(runtimeSource.compile);
    expect(calendar.dayFromCivil).toBe(calendarSource.dayFromCivil);
    expect(differ.diffPolicies).toBe(differSource.diffPolicies);
    expect(plugin.format).toBe(pluginSource.format);
  });
});
