// What shell completion knows, read off the commander program itself (commands, subcommands,
// flags and whether a flag takes a value), so the scripts never fall behind the CLI.
import type { Command, Option } from 'commander';

/** Commands whose arguments are local images (completed from `regctl images`). */
export const IMAGE_ARGUMENT_COMMANDS: ReadonlySet<string> = new Set(['tag', 'push', 'rmi', 'inspect', 'save']);

export type ValueKind = 'none' | 'file' | 'dir' | 'other';

export interface OptionSpec {
  /** `--platform`, `-a`: every spelling. */
  names: string[];
  long: string | undefined;
  short: string | undefined;
  value: ValueKind;
  description: string;
}

export interface CommandSpec {
  /** Words from the root: [] for regctl itself, ['manifest', 'inspect'] for a subcommand. */
  path: string[];
  description: string;
  options: OptionSpec[];
  subcommands: CommandSpec[];
  imageArguments: boolean;
}

const HELP_OPTION: OptionSpec = { names: ['-h', '--help'], long: '--help', short: '-h', value: 'none', description: 'display help for command' };

function valueKind(option: Option): ValueKind {
  if (!option.required && !option.optional) return 'none';
  const placeholder = /<([^>]*)>|\[([^\]]*)\]/.exec(option.flags);
  const name = (placeholder?.[1] ?? placeholder?.[2] ?? '').toLowerCase();
  if (name === 'dir' || name.endsWith('dir')) return 'dir';
  if (name === 'file' || name === 'path' || name.endsWith('file')) return 'file';
  return 'other';
}

function optionSpec(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((n): n is string => !!n);
  return { names, long: option.long, short: option.short, value: valueKind(option), description: option.description };
}

function commandSpec(cmd: Command, path: string[], rootName: string): CommandSpec {
  const visible = (cmd.options as readonly Option[]).filter((o) => !o.hidden).map(optionSpec);
  const subcommands = (cmd.commands as readonly Command[])
    .filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden)
    .map((sub) => commandSpec(sub, [...path, sub.name()], rootName));
  if (path.length === 0 && !subcommands.some((s) => s.path[0] === 'help')) {
    subcommands.push({ path: ['help'], description: 'display help for command', options: [], subcommands: [], imageArguments: false });
  }
  return {
    path,
    description: cmd.description(),
    options: [...visible, HELP_OPTION],
    subcommands,
    imageArguments: path.length === 1 && IMAGE_ARGUMENT_COMMANDS.has(path[0]!) && rootName === 'regctl',
  };
}

export function completionSpec(program: Command): CommandSpec {
  return commandSpec(program, [], program.name());
}

/** Every command of the tree, root first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}

/**
 * The flags a command accepts: its own, then the root's (global flags are accepted after the
 * command name too). `-f` is `--force` for rmi but `--format` for inspect, so this is per command.
 */
export function acceptedOptions(cmd: CommandSpec, root: CommandSpec): OptionSpec[] {
  if (cmd === root) return cmd.options;
  const own = new Set(cmd.options.flatMap((o) => o.names));
  return [...cmd.options, ...root.options.filter((o) => o.long !== '--version' && !o.names.some((n) => own.has(n)))];
}

/** Flags of a command that consume the next word (to skip their values when parsing a line). */
export function valuedOptionNames(cmd: CommandSpec, root: CommandSpec): string[] {
  return acceptedOptions(cmd, root).filter((o) => o.value !== 'none').flatMap((o) => o.names);
}

/** Single-quoted for sh and fish (neither needs more than `'` escaped). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
