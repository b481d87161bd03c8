// `regctl delete [--tag-only] [--dry-run] REF`: remove a manifest (every tag on it) or one tag
// from a registry, for scripts (no prompt). The flags and help; the work is actions/delete.ts.
import type { Command } from 'commander';
import type { DeleteFlags } from '../actions/delete.js';
import type { CliContext } from '../context.js';

export function registerDelete(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('delete')
    .description('Delete an image manifest from a registry (every tag on it), or with --tag-only one tag')
    .argument('<ref>', 'NAME:TAG or NAME@DIGEST, e.g. localhost:5000/team/app:1.0')
    .option('--tag-only', 'remove only this tag; other tags on the same digest stay')
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .addHelpText(
      'after',
      `
Without --tag-only the tag is resolved to its digest and that manifest is deleted, which removes
every tag naming it (as skopeo delete and crane delete do). Prints the deleted digest. There is no
prompt. The registry must allow deletes (distribution: REGISTRY_STORAGE_DELETE_ENABLED=true).

Examples:
  regctl delete localhost:5000/team/app:1.0
  regctl delete --tag-only localhost:5000/team/app:pr-123
  regctl delete --dry-run "localhost:5000/team/app@sha256:..."`,
    )
    .action(async (input: string, flags: DeleteFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runDelete } = await import('../actions/delete.js');
      await runDelete(ctx, input, flags);
    });
}
