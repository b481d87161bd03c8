// `regctl auth`: regctl's credential resolution for other tools. `k8s-secret` writes an image
// pull secret with inline credentials, `get` answers like a credential helper's get, `token`
// prints a bearer token for curl. The flags and help; the work is actions/auth.ts, loaded when a
// subcommand runs.
import type { Command } from 'commander';
import type { SecretFlags, TokenFlags } from '../actions/auth.js';
import type { CliContext } from '../context.js';

export function registerAuth(program: Command, context: (cmd: Command) => CliContext): void {
  const auth = program.command('auth').description('Hand stored credentials to other tools: Kubernetes secrets, helper output, bearer tokens');

  auth
    .command('k8s-secret')
    .description('Print a kubernetes.io/dockerconfigjson Secret holding inline credentials for the registries')
    .argument('<registry...>', 'registries to include, e.g. docker.io ghcr.io localhost:5000')
    .option('--name <name>', 'metadata.name of the Secret', 'regcred')
    .option('--namespace <ns>', 'metadata.namespace of the Secret')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .addHelpText(
      'after',
      `
Credentials are resolved like any regctl command resolves them (config.json, credential helpers,
the keyring) and written inline, so the Secret works on a cluster that has none of those helpers.

Examples:
  regctl auth k8s-secret ghcr.io | kubectl apply -f -
  regctl auth k8s-secret --name pull --namespace ci -o json docker.io quay.io`,
    )
    .action(async (inputs: string[], flags: SecretFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runAuthK8sSecret } = await import('../actions/auth.js');
      await runAuthK8sSecret(ctx, inputs, flags);
    });

  auth
    .command('get')
    .description('Print the stored credentials for a registry as a credential helper would: {"Username":...,"Secret":...}')
    .argument('<registry>', 'registry, e.g. docker.io, ghcr.io, localhost:5000')
    .addHelpText(
      'after',
      `
An identity token is printed with the user name "<token>", as credential helpers do.

Examples:
  regctl auth get ghcr.io | jq -r .Secret`,
    )
    .action(async (input: string, _flags: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const { runAuthGet } = await import('../actions/auth.js');
      await runAuthGet(ctx, input);
    });

  auth
    .command('token')
    .description('Print a bearer token for a repository (pull, or pull and push), for scripts calling the registry API')
    .argument('<repository>', 'repository, e.g. ghcr.io/org/app, localhost:5000/team/app')
    .option('--push', 'ask for pull and push access (default: pull only)')
    .option('--insecure', 'allow plain HTTP or unverified TLS for this registry')
    .addHelpText(
      'after',
      `
Examples:
  curl -H "Authorization: Bearer $(regctl auth token ghcr.io/org/app)" https://ghcr.io/v2/org/app/tags/list`,
    )
    .action(async (input: string, flags: TokenFlags, cmd: Command) => {
      const ctx = context(cmd);
      const { runAuthToken } = await import('../actions/auth.js');
      await runAuthToken(ctx, input, flags);
    });
}
