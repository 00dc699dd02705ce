/** `bylaw fmt [--check] [paths…]`: canonical layout through Prettier and the Bylaw plugin. */
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import type { FmtFlags } from '../fmt.js';

/** Declare `bylaw fmt`. */
export function register(program: Command, context: Context): void {
  program
    .command('fmt')
    .summary('format policy files in place (or --check them)')
    .description(
      'Format the .policy files under the paths in place, in the layout of prettier-plugin-bylaw (a .prettierrc next to the files applies). A file that does not parse is reported with its diagnostics, left as it is, and makes the command exit 1.',
    )
    .argument('[paths...]', 'files and folders (default: ./policies)')
    .option('--check', 'change nothing: list the files that are not formatted, and exit 1 if there are any')
    .addHelpText('after', '\nExamples:\n  bylaw fmt\n  bylaw fmt --check policies/douyin')
    .action((paths: string[], flags: FmtFlags, command: Command) =>
      context.run(command, async (io) => (await import('../fmt.js')).fmt(paths, flags, io)),
    );
}
