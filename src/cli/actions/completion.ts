// What `regctl completion` does (the registration is commands/completion.ts): a completion
// script generated from this very program.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { bashCompletion } from '../completion/bash-completion.js';
import { completionSpec, type CommandSpec } from '../completion/completion-spec.js';
import { fishCompletion } from '../completion/fish-completion.js';
import { zshCompletion } from '../completion/zsh-completion.js';
import type { CliContext } from '../context.js';

/** The shells there are scripts for (the registration's help names the same three). */
const RENDERERS: Readonly<Record<string, (spec: CommandSpec) => string>> = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/** `program` is the root command, with every command registered. */
export function runCompletion(ctx: CliContext, program: Command, shell: string): void {
  const render = Object.hasOwn(RENDERERS, shell) ? RENDERERS[shell] : undefined;
  if (!render) throw new UsageError(`unsupported shell ${JSON.stringify(shell)}: use ${Object.keys(RENDERERS).join(', ')}`);
  ctx.io.stdout.write(render(completionSpec(program)));
}
