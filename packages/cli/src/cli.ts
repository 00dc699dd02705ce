/**
 * The `bylaw` program: its commands, flags and help, on commander.
 *
 * Each command is declared in its own file under `commands/` by a `register`
 * function (name, arguments, flags, help, action); this file lists them.
 * Command files import only commander and this package's light modules at
 * the top: the policy packages load inside the action, so that `bylaw --help`
 * and a mistyped flag answer at once.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from './libraries.js';
import { CliError, EXIT_OK, EXIT_USAGE } from './errors.js';
import { processIo, withColorFlag, type Io } from './io.js';
import { guarded } from './render.js';
import * as check from './commands/check.js';
import * as evaluate from './commands/eval.js';
import * as test from './commands/test.js';
import * as versions from './commands/versions.js';
import * as fmt from './commands/fmt.js';
import * as diff from './commands/diff.js';
import * as demo from './commands/demo.js';
import * as completion from './commands/completion.js';

/** What a command's `register` gets besides the program. */
export interface Context {
  /**
   * Run a command's work: with the io coloured as `--color` / `--no-color` say,
   * and its result as the exit code.
   */
  run(command: Command, work: (io: Io) => Promise<number> | number): Promise<void>;
}

/** Every command, in the order help lists them. */
const commands: readonly { register(program: Command, context: Context): void }[] = [check, evaluate, test, versions, fmt, diff, demo, completion];

/** The version of this package. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The program, with its output going to `io` and the exit code of the command that ran given to `exit`. */
export function program(io: Io, exit: (code: number) => void): Command {
  const program = new Command('bylaw')
    .description('Bylaw: policies for merchant programmes — check, evaluate, test, format and compare them.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // Errors are said by main(), in Bylaw's words.
      outputError: () => {},
    })
    .configureHelp({ showGlobalOptions: true })
    .option('--color', 'colour the output (default: on a terminal, unless NO_COLOR is set)')
    .option('--no-color', 'never colour the output')
    .version(version(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    // Our own help command, so that a misspelt command gets "did you mean".
    .helpCommand(false)
    .addHelpText(
      'after',
      `
Paths default to ./policies. 'bylaw help <command>' or 'bylaw <command> --help' shows a command's flags.

Exit codes: 0 success; 1 problems found (errors in policies, failed tests, malformed
data lines, a change in meaning); 2 a usage or input problem; 3 an internal error.`,
    );
  const context: Context = {
    async run(command, work) {
      const color = (command.optsWithGlobals() as { color?: boolean }).color;
      exit(await work(withColorFlag(io, color)));
    },
  };
  for (const c of commands) c.register(program, context);
  program
    .command('help')
    .summary('show help for a command')
    .argument('[command]', 'a command')
    .action((name: string | undefined) => {
      const names = program.commands.map((c) => c.name());
      const command = name === undefined ? program : program.commands.find((c) => c.name() === name);
      if (!command) throw new CliError(`unknown command ${name}`, EXIT_USAGE, { word: name!, among: names });
      command.outputHelp();
      exit(EXIT_OK);
    });
  return program;
}

/**
 * Run the `bylaw` command with its arguments (without `node` and the script);
 * resolves to the exit code. A usage mistake or an input problem is one line on
 * standard error and exit code 2, never an exception.
 */
export async function main(argv: readonly string[], rawIo: Io = processIo()): Promise<number> {
  // Nothing from a policy, data or an argument reaches the terminal as a control sequence.
  const io = guarded(rawIo);
  let code = EXIT_OK;
  let command: string | undefined;
  const p = program(io, (c) => (code = c));
  p.hook('preSubcommand', (_, sub) => {
    command = sub.name();
  });
  if (argv.length === 0) {
    p.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await p.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT_OK; // --help, --version
      io.err(`bylaw${command ? ` ${command}` : ''}: ${inOurWords(e, command, p.commands.map((c) => c.name()))}`);
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.err(`bylaw${command && command !== 'help' ? ` ${command}` : ''}: ${e.message}${await suggestion(e)}`);
      return e.code;
    }
    throw e;
  }
}

/** " (did you mean …?)" for an error that names a word and its candidates, if one is close. */
async function suggestion(e: CliError): Promise<string> {
  if (!e.suggestion) return '';
  const { suggest } = await import('@bylaw/dsl');
  const s = suggest(e.suggestion.word, e.suggestion.among);
  return s ? ` (${s})` : '';
}

/** Commander's message (`error: unknown option '--fromat'\n(Did you mean --format?)`) in Bylaw's words. */
function inOurWords(e: CommanderError, command: string | undefined, commands: readonly string[]): string {
  const [first = '', ...rest] = e.message.replace(/^error: /, '').split('\n');
  const meant = /Did you mean (?:one of )?(.+)\?/.exec(rest.join(' '))?.[1];
  const hint = meant ? ` (did you mean ${meant}?)` : '';
  const help = `bylaw ${command ? `${command} ` : ''}--help`;
  const quoted = /'([^']*)'/.exec(first)?.[1] ?? '';
  switch (e.code) {
    case 'commander.unknownCommand':
      return `unknown command ${quoted}${hint || ` (the commands: ${commands.join(', ')})`}`;
    case 'commander.unknownOption':
      return `unknown flag ${quoted}${hint || ` (see ${help})`}`;
    case 'commander.optionMissingArgument':
      return `${quoted.split(/[ ,]/).find((f) => f.startsWith('--')) ?? quoted} needs a value`;
    case 'commander.missingMandatoryOptionValue':
      return `${quoted} is required (see ${help})`;
    case 'commander.missingArgument':
      return `missing ${quoted} (see ${help})`;
    case 'commander.excessArguments': {
      const m = /Expected (\d+) arguments? but got (\d+)/.exec(first);
      return m ? `takes ${m[1]} argument${m[1] === '1' ? '' : 's'}, not ${m[2]} (see ${help})` : `too many arguments (see ${help})`;
    }
    default:
      return first + hint;
  }
}
