// `regctl mutate SOURCE [TARGET]`: a new config and manifest for an image, its layers untouched
// (crane mutate's flags, docker's ENTRYPOINT/CMD forms). The flags and help; the work is
// actions/mutate.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { MutateFlags } from '../actions/mutate.js';
import type { CliContext } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerMutate(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('mutate')
    .description("Change an image's config (entrypoint, cmd, env, labels, ...) and manifest annotations, without touching its layers")
    .argument('<source>', 'REF, docker://REF, store:NAME, oci:DIR[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:REF|@N]')
    .argument('[target]', 'where the new image goes, the same forms (default: SOURCE, whose tag or name moves to it)')
    .option('--entrypoint <cmd>', 'a JSON array (exec form) or a shell command (/bin/sh -c); "" removes it; resets Cmd unless --cmd is given')
    .option('--cmd <cmd>', 'a JSON array (exec form) or a shell command (/bin/sh -c); "" removes it')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable, KEY- removes it (repeatable)', collect)
    .option('-l, --label <KEY=VALUE>', 'set a label, KEY- removes it (repeatable)', collect)
    .option('-a, --annotation <KEY=VALUE>', 'set a manifest annotation (the index\'s, for a whole index), KEY- removes it (repeatable)', collect)
    .option('-w, --workdir <dir>', 'the working directory ("" removes it)')
    .option('-u, --user <user>', 'the user, USER[:GROUP] ("" removes it)')
    .option('--expose <port[/proto]>', 'expose a port, tcp unless /udp or /sctp (repeatable)', collect)
    .option('--created <time>', 'the creation time: RFC 3339 or now (default: $SOURCE_DATE_EPOCH when the config changes, else kept)')
    .option('--platform <os/arch[/variant]>', 'mutate only this platform of a multi-platform image; TARGET gets that one image')
    .option('-q, --quiet', 'print only the result as REF@DIGEST')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .addHelpText(
      'after',
      `
Only the manifest and config are read and written: layers are never downloaded. On the same
repository they are already there, on another repository of the same registry they are
mounted, anywhere else they stream across as in copy. Every platform of an index is changed
unless --platform picks one. A history entry (empty_layer) records the change.

Examples:
  regctl mutate --entrypoint '["node","dist/server.js"]' --env NODE_ENV=production localhost:5000/app:1.0
  regctl mutate --cmd 'npm start' --expose 8080 --label org.opencontainers.image.version=1.0 ghcr.io/me/app:1.0 ghcr.io/me/app:1.0-prod
  regctl mutate --env DEBUG- --user 1000:1000 oci:build/app:1.0
  SOURCE_DATE_EPOCH=1700000000 regctl mutate -q --workdir /srv registry.example.com/team/app:2.0`,
    )
    .action(async (source: string, target: string | undefined, flags: MutateFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runMutate } = await import('../actions/mutate.js');
      await runMutate(ctx, source, target, flags);
    });
}
