// `regctl login [SERVER]`: docker login's flags and help. The checks, prompts and messages are
// actions/login.ts, loaded when the command runs; the flow itself (reuse, verify, save) is ops/login.ts.
import type { Command } from 'commander';
import type { LoginFlags } from '../actions/login.js';
import type { CliContext } from '../context.js';

export function registerLogin(program: Command, context: (cmd: Command) => CliContext): void {
  program
    .command('login')
    .description('Log in to a registry (default Docker Hub); credentials are checked before they are saved')
    .argument('[server]', 'registry host[:port], e.g. ghcr.io, quay.io, localhost:5000')
    .option('-u, --username <username>', 'user name')
    .option('-p, --password <password>', 'password or access token (insecure: visible to other users; prefer --password-stdin)')
    .option('--password-stdin', 'read the password or access token from stdin')
    .addHelpText(
      'after',
      `
Credentials go where docker puts them: the helper named by credHelpers[SERVER] or credsStore in
$DOCKER_CONFIG/config.json (default ~/.docker/config.json), else config.json itself (base64, not
encrypted). "credsStore": "regctl" keeps them in the OS keyring.

Examples:
  echo "$TOKEN" | regctl login ghcr.io -u octocat --password-stdin
  regctl login localhost:5000
  regctl login -u myuser              # Docker Hub, password prompt`,
    )
    .action(async (server: string | undefined, flags: LoginFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runLogin } = await import('../actions/login.js');
      await runLogin(ctx, server, flags);
    });
}
