// `regctl completion bash|zsh|fish`: a completion script generated from this very program.
// The argument and help; the work is actions/completion.ts, loaded when the command runs. The
// shells are written out here rather than imported from the action, which would load it with every run.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerCompletion(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (commands, flags, local image names)')
    .argument('<shell>', 'one of: bash, zsh, fish')
    .addHelpText(
      'after',
      `
Examples:
  source <(regctl completion bash)        # in ~/.bashrc
  source <(regctl completion zsh)         # in ~/.zshrc, after compinit
  regctl completion fish > ~/.config/fish/completions/regctl.fish`,
    )
    .action(async (shell: string, _flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { runCompletion } = await import('../actions/completion.js');
      runCompletion(ctx, cmd.parent ?? program, shell);
    });
}
