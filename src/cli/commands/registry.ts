// `regctl registry serve`: an embedded OCI distribution registry (pull and push subset) for
// local development and CI without a Docker daemon or a registry binary, like `crane registry serve`.
// The flags and help; the work is actions/registry.ts, loaded when a subcommand runs.
import type { Command } from 'commander';
import type { ServeFlags } from '../actions/registry.js';
import type { CliContext } from '../context.js';

export function registerRegistry(program: Command, context: (cmd: Command) => CliContext): void {
  const registry = program.command('registry').description('Run a local registry');
  registry
    .command('serve')
    .description('Serve an OCI distribution registry from a directory (no auth; meant for loopback use)')
    .option('--addr <host:port>', 'address to listen on (port 0 picks a free port)', '127.0.0.1:5000')
    .option('--dir <dir>', 'storage directory, an OCI layout (default $XDG_DATA_HOME/regctl-registry); pass the store directory to also serve its images')
    .addHelpText(
      'after',
      `
Examples:
  regctl registry serve
  regctl registry serve --addr 127.0.0.1:0 --dir ./registry
  regctl registry serve --dir ~/.local/share/regctl     # also serves docker.io/library/busybox:latest etc. from the store

Images pushed are kept under DIR/blobs (content) and DIR/registry/repositories (tags).
Images of a regctl store in DIR are served read-only under their full names:
docker.io/library/busybox:latest is pulled as HOST:PORT/docker.io/library/busybox:latest
(a registry port becomes _PORT: 127.0.0.1:5000/app:1 is served as 127.0.0.1_5000/app:1).
Serves until SIGINT or SIGTERM.`,
    )
    .action(async (flags: ServeFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runRegistryServe } = await import('../actions/registry.js');
      await runRegistryServe(ctx, flags);
    });
}
