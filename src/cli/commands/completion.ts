// `regctl completion bash|zsh|fish`: a completion script generated from this very program.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function registerCompletion(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script (commands, flags, local image names)')
    .argument('<shell>', `one of: ${SHELLS.join(', ')}`)
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
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unsupported shell ${JSON.stringify(shell)}: use ${SHELLS.join(', ')}`);
      const { completionSpec } = await import('../completion/completion-spec.js');
      const spec = completionSpec(cmd.parent ?? program);
      const render =
        shell === 'bash'
          ? (await import('../completion/bash-completion.js')).bashCompletion
          : shell === 'zsh'
            ? (await import('../completion/zsh-completion.js')).zshCompletion
            : (await import('../completion/fish-completion.js')).fishCompletion;
      ctx.io.stdout.write(render(spec));
    });
}
