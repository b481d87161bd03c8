// What the `regctl auth` subcommands do once their flags are parsed (the registration is
// commands/auth.ts): regctl's credential resolution handed to other tools. These print secrets
// on stdout on purpose, and nothing else.
import { TOKEN_USERNAME } from '../../config/credentials/helper-process.js';
import { UsageError } from '../../errors.js';
import { bearerToken } from '../../ops/bearer-token.js';
import { dockerConfigJson, noCredentials, pullSecret, pullSecretYaml } from '../../ops/pull-secret.js';
import { normalizeRegistryHost } from '../../reference/hosts.js';
import { parseRepository } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { openCredentialResolver } from '../credentials.js';

export interface SecretFlags {
  name?: string;
  namespace?: string;
  output?: string;
}

export interface TokenFlags {
  push?: boolean;
  insecure?: boolean;
}

/** `auth k8s-secret`: a kubernetes.io/dockerconfigjson Secret with inline credentials. */
export async function runAuthK8sSecret(ctx: CliContext, inputs: readonly string[], flags: SecretFlags): Promise<void> {
  if (flags.output !== 'yaml' && flags.output !== 'json') throw new UsageError(`invalid --output ${JSON.stringify(flags.output)}: use yaml or json`);
  const registries = inputs.map((input) => normalizeRegistryHost(input));
  const resolver = await openCredentialResolver(ctx);
  const config = await dockerConfigJson((registry) => resolver.resolve(registry), registries);
  const secret = pullSecret(config, { ...(flags.name ? { name: flags.name } : {}), ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}) });
  ctx.io.stdout.write(flags.output === 'json' ? JSON.stringify(secret, null, 2) + '\n' : pullSecretYaml(secret));
}

/** `auth get`: the stored credentials, as a credential helper's get prints them. */
export async function runAuthGet(ctx: CliContext, input: string): Promise<void> {
  const registry = normalizeRegistryHost(input);
  const stored = await (await openCredentialResolver(ctx)).resolve(registry);
  const secret = stored?.identityToken ?? stored?.password ?? stored?.registryToken;
  if (!stored || !secret) throw noCredentials(registry);
  const username = stored.identityToken ? TOKEN_USERNAME : (stored.username ?? '');
  ctx.out(JSON.stringify({ Username: username, Secret: secret }));
}

/** `auth token`: a bearer token for a repository, for scripts calling the registry API. */
export async function runAuthToken(ctx: CliContext, input: string, flags: TokenFlags): Promise<void> {
  const repo = parseRepository(input);
  if (flags.insecure) ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), repo.registry];
  await withErrorContext({ action: 'other', ref: repo.name(), repository: repo.familiarName(), registry: repo.registry }, async () => {
    const options = { ...(await ctx.remoteOptions()), credentials: (registry: string) => ctx.credentials(registry) };
    ctx.out(await bearerToken(options, repo, { push: !!flags.push, signal: ctx.signal }));
  });
}
