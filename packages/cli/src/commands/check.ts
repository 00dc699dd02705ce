/** `bylaw check [paths…]`: syntax, names, types, versions and references of policy files. */
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import { EXIT_FAIL, EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { choiceOption } from '../options.js';

/** The flags of `bylaw check`. */
export interface CheckFlags {
  readonly format: 'text' | 'json';
}

/** Declare `bylaw check`. */
export function register(program: Command, context: Context): void {
  program
    .command('check')
    .summary('check policy files: syntax, names, types, versions, references')
    .description(
      'Check every .policy file under the paths together (imports, versions of one id, references between policies). Each diagnostic has file:line:column, a code frame and a hint. Exit 1 when there is an error; warnings (placeholders, unused definitions) do not fail.',
    )
    .argument('[paths...]', 'files and folders (default: ./policies)')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json']).default('text'))
    .addHelpText('after', '\nExamples:\n  bylaw check\n  bylaw check policies/douyin --format json')
    .action((paths: string[], flags: CheckFlags, command: Command) => context.run(command, (io) => check(paths, flags, io)));
}

/** Run `bylaw check`; resolves to the exit code. */
export async function check(paths: readonly string[], flags: CheckFlags, io: Io): Promise<number> {
  const { defaultPaths, mustExist, withPosition } = await import('../load.js');
  const { loadPolicies } = await import('@bylaw/runtime/node');
  const { countLine, renderDiagnostics } = await import('../render.js');
  const given = defaultPaths(paths);
  mustExist(given);
  const result = loadPolicies(given);
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  if (flags.format === 'json') {
    io.out(JSON.stringify({ files: result.files, diagnostics: result.diagnostics.map((d) => withPosition(d, result.sources)) }, null, 2));
    return errors ? EXIT_FAIL : EXIT_OK;
  }
  // Placeholders are listed compactly: they are expected, and a reviewer wants the list, not code frames.
  const placeholders = result.diagnostics.filter((d) => d.code === 'BYL3019');
  const others = result.diagnostics.filter((d) => d.code !== 'BYL3019');
  if (others.length) io.out(renderDiagnostics(others, result.sources, io.style) + '\n');
  if (placeholders.length) {
    const n = placeholders.length;
    io.out(io.style.yellow(`Placeholders: ${n} value${n === 1 ? '' : 's'} the source texts do not give (warning BYL3019):`));
    for (const d of placeholders) {
      const pos = withPosition(d, result.sources).start;
      io.out(`  ${d.file}:${pos.line}:${pos.column}  ${d.message.replace(/: the source text gives no value$/, '').replace(/^placeholder /, '')}`);
    }
    io.out('');
  }
  const registry = result.registry;
  const policies = registry ? registry.ids().reduce((n, id) => n + registry.versions(id).length, 0) : 0;
  const fileCount = new Set([...result.files, ...result.diagnostics.map((d) => d.file)]).size;
  io.out(`${countLine(result.diagnostics)} in ${fileCount} file${fileCount === 1 ? '' : 's'}${registry ? ` (${policies} policy version${policies === 1 ? '' : 's'})` : ''}`);
  return errors ? EXIT_FAIL : EXIT_OK;
}
