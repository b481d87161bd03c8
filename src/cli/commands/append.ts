// `regctl append BASE TARGET --layer PATH[:DEST]...`: new layers on a base image without a daemon
// and without downloading the base (crane append's job, on any location and every platform of an
// index). The flags and help; the work is actions/append.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { AppendFlags } from '../actions/append.js';
import type { CliContext } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAppend(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('append')
    .description('Add layers (a directory or a tar each) on top of a base image, without a daemon or the base\'s layers')
    .argument('<base>', 'REF, docker://REF, store:NAME, oci:DIR[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:REF|@N]')
    .argument('<target>', 'where the new image goes, the same forms')
    .requiredOption('--layer <path[:dest]>', 'a directory, .tar or .tar.gz to add as one layer; a directory lands at DEST (default /) (repeatable)', collect)
    .option('--chown <uid[:gid]>', 'owner of every entry, numeric (default 0:0; a lone UID is the GID too)')
    .option('--platform <os/arch[/variant]>', 'append to only this platform of a multi-platform base; TARGET gets that one image')
    .option('-q, --quiet', 'print only the result as REF@DIGEST')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Each --layer becomes one gzip'd layer: entries sorted by name, owner 0:0 (or --chown), modes,
symlinks and hard links kept. With SOURCE_DATE_EPOCH set, every mtime, the config's created and
the history times take it: the same inputs give the same digest on any machine. Every platform
of an index gets the same layer unless --platform picks one. The base's layers are never
downloaded: on the same registry they are mounted, elsewhere they stream across as in copy.
Nothing is run (there is no RUN): the layer is the files as they are.

Examples:
  regctl append node:20-slim localhost:5000/app:1.0 --layer dist:/app
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) regctl append -q ghcr.io/me/base:1 ghcr.io/me/app:1 --layer ./build:/srv --chown 1000:1000
  regctl append oci:build:base oci:build:app --layer rootfs-extra.tar.gz`,
    )
    .action(async (base: string, target: string, flags: AppendFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runAppend } = await import('../actions/append.js');
      await runAppend(ctx, base, target, flags);
    });
}
