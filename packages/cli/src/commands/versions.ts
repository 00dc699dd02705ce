/** `bylaw versions [ids…]`: the versions of policies with their effective periods. */
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import { EXIT_FAIL, EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';

/** The flags of `bylaw versions`. */
export interface VersionsFlags {
  readonly policies?: string;
}

/** Declare `bylaw versions`. */
export function register(program: Command, context: Context): void {
  program
    .command('versions')
    .summary('list the versions of policies with their effective periods')
    .description(
      'List every version of a policy (or of all) with its effective period (from → until; a version without until ends when the next one takes effect), publication date, file and note.',
    )
    .argument('[ids...]', 'policy ids (default: all)')
    .option('--policies <dir>', 'where policies live (default: ./policies)')
    .addHelpText('after', '\nExamples:\n  bylaw versions\n  bylaw versions douyin.belt_provider')
    .action((ids: string[], flags: VersionsFlags, command: Command) => context.run(command, (io) => versions(ids, flags, io)));
}

/** Run `bylaw versions`; resolves to the exit code. */
export async function versions(ids: readonly string[], flags: VersionsFlags, io: Io): Promise<number> {
  const { knownPolicy, loadOrFail, mustExist } = await import('../load.js');
  const dir = flags.policies ?? 'policies';
  mustExist([dir]);
  const registry = loadOrFail([dir], io, EXIT_FAIL);
  // Every id is checked first: a misspelt one is a usage error with a suggestion, before any output.
  const shown = ids.length ? ids.map((id) => knownPolicy(registry, id)) : registry.ids();
  for (const id of shown) {
    const all = registry.versions(id);
    io.out(io.style.bold(id) + (all[0]!.policy.checked.title ? ` ${all[0]!.policy.checked.title}` : ''));
    for (const v of all) {
      const c = v.policy.checked;
      io.out(`  ${v.version.padEnd(12)} ${v.from} → ${v.until ?? '(open)'}  published ${c.published}  ${c.file}${c.note ? io.style.gray(`  — ${c.note}`) : ''}`);
    }
  }
  return EXIT_OK;
}
