// `regctl version`: docker's habit of a version command beside --version; the same line.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { VERSION } from '../version.js';

export function registerVersion(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('version')
    .description('Show the regctl version')
    .action((_flags: unknown, cmd: Command) => context(cmd).out(`regctl version ${VERSION}`));
}
