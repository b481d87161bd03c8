// `regctl auth`: regctl's credential resolution for other tools. `k8s-secret` writes an image
// pull secret with inline credentials, `get` answers like a credential helper's get, `token`
// prints a bearer token for curl. These print secrets on stdout on purpose, and nothing else.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { withErrorContext } from '../command-error.js';

interface SecretFlags {
  name?: string;
  namespace?: string;
  output?: string;
}

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
      if (flags.output !== 'yaml' && flags.output !== 'json') throw new UsageError(`invalid --output ${JSON.stringify(flags.output)}: use yaml or json`);
      const registries = await normalizedRegistries(inputs);
      const { openCredentialResolver } = await import('../credentials.js');
      const { dockerConfigJson, pullSecret, pullSecretYaml } = await import('../../ops/pull-secret.js');
      const resolver = await openCredentialResolver(ctx);
      const config = await dockerConfigJson((registry) => resolver.resolve(registry), registries);
      const secret = pullSecret(config, { ...(flags.name ? { name: flags.name } : {}), ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}) });
      ctx.io.stdout.write(flags.output === 'json' ? JSON.stringify(secret, null, 2) + '\n' : pullSecretYaml(secret));
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
      const [registry] = await normalizedRegistries([input]);
      const { openCredentialResolver } = await import('../credentials.js');
      const { noCredentials } = await import('../../ops/pull-secret.js');
      const { TOKEN_USERNAME } = await import('../../config/credentials/helper-process.js');
      const stored = await (await openCredentialResolver(ctx)).resolve(registry!);
      const secret = stored?.identityToken ?? stored?.password ?? stored?.registryToken;
      if (!stored || !secret) throw noCredentials(registry!);
      const username = stored.identityToken ? TOKEN_USERNAME : (stored.username ?? '');
      ctx.out(JSON.stringify({ Username: username, Secret: secret }));
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
    .action(async (input: string, flags: { push?: boolean; insecure?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const { parseRepository } = await import('../../reference/parse.js');
      const repo = parseRepository(input);
      if (flags.insecure) ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), repo.registry];
      await withErrorContext({ action: 'other', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
        const { bearerToken } = await import('../../ops/bearer-token.js');
        const options = { ...(await ctx.remoteOptions()), credentials: (registry: string) => ctx.credentials(registry) };
        ctx.out(await bearerToken(options, repo, { push: !!flags.push, signal: ctx.signal }));
      });
    });
}

async function normalizedRegistries(inputs: readonly string[]): Promise<string[]> {
  const { normalizeRegistryHost } = await import('../../reference/hosts.js');
  return inputs.map((input) => normalizeRegistryHost(input));
}
