/** `bylaw diff`: compare two versions of a policy by meaning. */
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import type { DiffFlags } from '../diff.js';
import { asOfOption, choiceOption } from '../options.js';

/** Declare `bylaw diff`. */
export function register(program: Command, context: Context): void {
  program
    .command('diff')
    .summary('compare two versions of a policy by meaning')
    .usage('[options] OLD NEW | PATH@REV PATH | REV1..REV2 [-- PATHS…]')
    .description(
      'Compare two versions of a policy by meaning: criteria, items, tiers, exclusions, priorities, benefits, definitions and tables matched by id; thresholds classified as stricter / looser / direction unknown, with the reason; header and schema changes; for each change in meaning a witness subject decided differently. --data evaluates both versions on NDJSON records and reports the subjects that flip. Exit 0: no change in meaning; 1: changes in meaning; 2: trouble. As a git diff driver (--git-driver, see docs/review.md) it always exits 0.',
    )
    .argument('[versions...]', 'OLD NEW files, PATH@REV PATH, or a revision range REV1..REV2 followed by paths')
    .option('--data <file>', 'NDJSON (or JSON) records to evaluate under both versions: the subjects that flip')
    .addOption(asOfOption('the day both versions are compared on (default: the day the new version takes effect)'))
    .option('--params <file>', 'a JSON object giving params and placeholders by name')
    .addOption(choiceOption('--format <format>', 'text, markdown (for a pull request) or json', ['text', 'markdown', 'json']).default('text'))
    .option('--git-driver', 'run as git diff driver: PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE')
    .addHelpText(
      'after',
      `
Examples:
  bylaw diff policies/douyin/belt_provider/2023-09-08.policy policies/douyin/belt_provider/2024-03-01.policy
  bylaw diff policies/douyin/belt_provider/2024-03-01.policy@HEAD~1 policies/douyin/belt_provider/2024-03-01.policy
  bylaw diff main..HEAD --format markdown
  git config diff.bylaw.command bylaw-git-diff   # with '*.policy diff=bylaw' in .gitattributes`,
    )
    .action((versions: string[], flags: DiffFlags, command: Command) =>
      context.run(command, async (io) => (await import('../diff.js')).diff(versions, flags, io)),
    );
}
