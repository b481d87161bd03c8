// What `regctl completion` does (the registration is commands/completion.ts): a completion
// script generated from this very program.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { bashCompletion } from '../completion/bash-completion.js';
import { completionSpec, type CommandSpec } from '../completion/completion-spec.js';
import { fishCompletion } from '../completion/fish-completion.js';
import { SHELLS, type Shell } from '../completion/shells.js';
import { zshCompletion } from '../completion/zsh-completion.js';
import type { CliContext } from '../context.js';

const RENDERERS: Record<Shell, (spec: CommandSpec) => string> = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/** `program` is the root command, with every command registered. */
export function runCompletion(ctx: CliContext, program: Command, shell: string): void {
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unsupported shell ${JSON.stringify(shell)}: use ${SHELLS.join(', ')}`);
  ctx.io.stdout.write(RENDERERS[shell as Shell](completionSpec(program)));
}
