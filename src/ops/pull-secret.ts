// Kubernetes image pull secrets: the credentials regctl resolves (from config.json, a helper or
// the keyring) written inline into a `kubernetes.io/dockerconfigjson` Secret. A cluster cannot
// run the helpers of the machine the config came from, so inline `auths` entries are the only
// portable form. Returns data; the CLI renders it as YAML or JSON.
import { RegctlError, UsageError } from '../errors.js';
import type { AuthConfig } from '../config/credentials/types.js';
import { credentialKey } from '../reference/hosts.js';

/** One inline entry of config.json `auths`, as docker and the kubelet read it. */
export interface DockerConfigAuth {
  /** base64 of `username:password` (`username:` next to an identity token). */
  auth: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfigJson {
  auths: Record<string, DockerConfigAuth>;
}

export interface PullSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace?: string };
  type: 'kubernetes.io/dockerconfigjson';
  data: { '.dockerconfigjson': string };
}

export interface PullSecretOptions {
  /** metadata.name; default `regcred` (the name the Kubernetes docs use). */
  name?: string;
  namespace?: string;
}

export const DEFAULT_SECRET_NAME = 'regcred';

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What the credential stores hold for one registry, as an inline `auths` entry. */
export function inlineAuth(auth: AuthConfig): DockerConfigAuth {
  const encode = (user: string, secret: string) => Buffer.from(`${user}:${secret}`, 'utf8').toString('base64');
  if (auth.identityToken) return { auth: encode(auth.username ?? '', ''), identitytoken: auth.identityToken };
  if (auth.registryToken) return { auth: encode(auth.username ?? '', ''), registrytoken: auth.registryToken };
  return { auth: encode(auth.username ?? '', auth.password ?? '') };
}

/**
 * A config.json holding inline credentials for each registry (logical names: `docker.io`,
 * `host:5000`), keyed as docker keys them (Docker Hub: https://index.docker.io/v1/). A registry
 * with nothing stored is an error naming it: a secret silently missing it would fail on the cluster.
 */
export async function dockerConfigJson(
  resolve: (registry: string) => Promise<AuthConfig | undefined>,
  registries: readonly string[],
): Promise<DockerConfigJson> {
  if (registries.length === 0) throw new UsageError('name at least one registry');
  const auths: Record<string, DockerConfigAuth> = {};
  for (const registry of registries) {
    const auth = await resolve(registry);
    if (!auth || (!auth.password && !auth.identityToken && !auth.registryToken)) throw noCredentials(registry);
    auths[credentialKey(registry)] = inlineAuth(auth);
  }
  return { auths };
}

export function noCredentials(registry: string): RegctlError {
  const login = registry === 'docker.io' ? 'regctl login' : `regctl login ${registry}`;
  return new RegctlError('REGCTL_UNAUTHORIZED', `no credentials stored for ${registry}`, { hint: `log in first: ${login}` });
}

export function pullSecret(config: DockerConfigJson, opts: PullSecretOptions = {}): PullSecret {
  const name = opts.name ?? DEFAULT_SECRET_NAME;
  if (!DNS_SUBDOMAIN.test(name)) throw new UsageError(`invalid secret name ${JSON.stringify(name)}: must be a lower-case DNS subdomain (RFC 1123)`);
  if (opts.namespace !== undefined && !DNS_LABEL.test(opts.namespace)) {
    throw new UsageError(`invalid namespace ${JSON.stringify(opts.namespace)}: must be a lower-case DNS label (RFC 1123)`);
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config), 'utf8').toString('base64') },
  };
}

/** The Secret as YAML. Every value is a validated name or base64, so plain scalars need no quoting. */
export function pullSecretYaml(secret: PullSecret): string {
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${secret.metadata.name}`];
  if (secret.metadata.namespace !== undefined) lines.push(`  namespace: ${secret.metadata.namespace}`);
  lines.push(`type: ${secret.type}`, 'data:', `  .dockerconfigjson: ${secret.data['.dockerconfigjson']}`);
  return lines.join('\n') + '\n';
}
