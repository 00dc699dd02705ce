/**
 * `bylaw completion bash|zsh|fish`: a shell completion script, made from the
 * program's own commands and flags (so it never lists a flag that is gone).
 */
import { Argument, type Command, type Option } from '../libraries.js';
import type { Context } from '../cli.js';
import { CliError, EXIT_OK } from '../errors.js';

const shells = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof shells)[number];

/** Declare `bylaw completion`. */
export function register(program: Command, context: Context): void {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .description('Print a script that completes bylaw commands, flags and their values in bash, zsh or fish.')
    .addArgument(
      new Argument('<shell>', 'bash, zsh or fish').choices(shells).argParser((value: string) => {
        if (!(shells as readonly string[]).includes(value)) throw new CliError(`the shell must be bash, zsh or fish, not ${value}`, undefined, { word: value, among: shells });
        return value;
      }),
    )
    .addHelpText(
      'after',
      `
Install:
  bash  echo 'source <(bylaw completion bash)' >> ~/.bashrc
  zsh   bylaw completion zsh > "\${fpath[1]}/_bylaw"     (or: source <(bylaw completion zsh) in ~/.zshrc)
  fish  bylaw completion fish > ~/.config/fish/completions/bylaw.fish`,
    )
    .action((shell: Shell, _flags: object, command: Command) =>
      context.run(command, (io) => {
        io.out(script(shell, program));
        return EXIT_OK;
      }),
    );
}

/** What completion needs to know of a command. */
interface Spec {
  readonly name: string;
  readonly summary: string;
  /** Long flags; `values` for flags that take a value (empty: any value, a file). */
  readonly flags: readonly { readonly flag: string; readonly description: string; readonly values?: readonly string[] }[];
  /** Values of the first argument, when they are a fixed list. */
  readonly argValues?: readonly string[];
}

function specs(program: Command): Spec[] {
  const flagsOf = (options: readonly Option[]) =>
    options
      .filter((o) => o.long && !o.hidden)
      .map((o) => ({ flag: o.long!, description: o.description, ...(o.required || o.optional ? { values: o.argChoices ?? [] } : {}) }));
  const global = flagsOf(program.options);
  return program.commands.map((c) => ({
    name: c.name(),
    summary: c.summary() || c.description().split('\n')[0]!,
    flags: [...flagsOf(c.options), ...global, { flag: '--help', description: 'show help' }],
    ...(c.name() === 'help' ? { argValues: program.commands.map((x) => x.name()) } : c.registeredArguments[0]?.argChoices ? { argValues: c.registeredArguments[0].argChoices } : {}),
  }));
}

/** The completion script for a shell. */
export function script(shell: Shell, program: Command): string {
  const all = specs(program);
  switch (shell) {
    case 'bash':
      return bash(all);
    case 'zsh':
      return zsh(all);
    case 'fish':
      return fish(all);
  }
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(all: readonly Spec[]): string {
  const cases = all.map((c) => {
    const valued = c.flags.filter((f) => f.values);
    const values = valued.map((f) => `      ${f.flag}) ${f.values!.length ? `COMPREPLY=($(compgen -W ${q(f.values!.join(' '))} -- "$cur"))` : 'COMPREPLY=($(compgen -f -- "$cur"))'}; return ;;`);
    const args = c.argValues ? `COMPREPLY=($(compgen -W ${q(c.argValues.join(' '))} -- "$cur"))` : 'COMPREPLY=($(compgen -f -- "$cur"))';
    return [
      `    ${c.name})`,
      `      case "$prev" in`,
      ...values.map((v) => '  ' + v),
      `      esac`,
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${q(c.flags.map((f) => f.flag).join(' '))} -- "$cur")); else ${args}; fi`,
      `      ;;`,
    ].join('\n');
  });
  return `# bash completion for bylaw (bylaw completion bash)
_bylaw() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${q([...all.map((c) => c.name), '--help', '--version', '--color', '--no-color'].join(' '))} -- "$cur"))
    return
  fi
  case "$cmd" in
${cases.join('\n')}
  esac
}
complete -o default -F _bylaw bylaw
`;
}

function zsh(all: readonly Spec[]): string {
  const esc = (s: string) => s.replace(/[\\[\]:']/g, (m) => `\\${m}`).replace(/\n.*/s, '');
  const commands = all.map((c) => `    ${q(`${c.name}:${esc(c.summary)}`)}`).join('\n');
  const cases = all.map((c) => {
    const flags = c.flags.map((f) => {
      const action = f.values ? (f.values.length ? `:value:(${f.values.join(' ')})` : ':file:_files') : '';
      return `        ${q(`${f.flag}[${esc(f.description)}]${action}`)}`;
    });
    const arg = c.argValues ? `'*:value:(${c.argValues.join(' ')})'` : `'*:file:_files'`;
    return `    (${c.name})\n      _arguments -s \\\n${flags.join(' \\\n')} \\\n        ${arg}\n      ;;`;
  });
  return `#compdef bylaw
# zsh completion for bylaw (bylaw completion zsh)
_bylaw() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _bylaw "$@"; else compdef _bylaw bylaw; fi
`;
}

function fish(all: readonly Spec[]): string {
  const lines = ['# fish completion for bylaw (bylaw completion fish)', 'complete -c bylaw -f'];
  const names = all.map((c) => c.name).join(' ');
  for (const c of all) lines.push(`complete -c bylaw -n 'not __fish_seen_subcommand_from ${names}' -a ${c.name} -d ${q(c.summary)}`);
  for (const c of all) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const f of c.flags) {
      const takes = f.values ? (f.values.length ? ` -x -a ${q(f.values.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c bylaw ${when} -l ${f.flag.slice(2)}${takes} -d ${q(f.description.split('\n')[0]!)}`);
    }
    lines.push(c.argValues ? `complete -c bylaw ${when} -x -a ${q(c.argValues.join(' '))}` : `complete -c bylaw ${when} -F`);
  }
  return lines.join('\n') + '\n';
}
