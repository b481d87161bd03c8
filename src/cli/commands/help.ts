// `regctl help [COMMAND...]`: docker's help command (cli/cobra.go): the command's help on
// stdout, and `unknown help topic X` (a usage error) for a command that does not exist, where
// commander's own help command printed the top-level help and exited 0.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

export function registerHelp(program: Command): void {
  program
    .command('help')
    .description('Help about any command')
    .argument('[command...]', 'the command, e.g. pull or manifest inspect')
    .action((words: string[]) => {
      let target: Command = program;
      for (const word of words) {
        const sub = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!sub || sub.name() === 'help') throw new UsageError(`unknown help topic ${words.join(' ')}`);
        target = sub;
      }
      target.outputHelp();
    });
}
