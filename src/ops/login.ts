// `login`: check credentials against the registry (ping, challenge, token exchange) and only then
// save them where docker would (credHelpers / credsStore / config.json). Reuses stored credentials
// when none are given and they still work. How credentials are asked for and what the user sees is
// the caller's business (the hooks below); nothing here prints.
import { isRegctlError, RegctlError } from '../errors.js';
import type { CredentialResolver } from '../config/credentials/select.js';
import type { AuthConfig } from '../config/credentials/types.js';
import { credentialKey } from '../reference/hosts.js';
import { RemoteRegistry, type RemoteOptions } from '../store/remote/remote-registry.js';
import type { Credential } from '../transport/token.js';

export interface AskedCredentials {
  username: string;
  password: string;
}

export interface CredentialRequest {
  /** What is still missing: only the password when a user name was given. */
  username: boolean;
  password: boolean;
  /** The user name to suggest (given, or from stored credentials). */
  defaultUsername?: string | undefined;
}

export type LoginEvent =
  /** Stored credentials are being tried (docker: "Authenticating with existing credentials..."). */
  | { type: 'reusing'; username?: string | undefined }
  /** The registry refused them; new ones will be asked for. */
  | { type: 'stale' };

export interface LoginOptions {
  /** Logical registry: 'docker.io' or host[:port] (normalizeRegistryHost). */
  registry: string;
  resolver: CredentialResolver;
  username?: string | undefined;
  password?: string | undefined;
  /** Supplies what `username`/`password` leave out (a prompt); throws when it cannot. */
  ask: (request: CredentialRequest) => Promise<AskedCredentials>;
  onEvent?: (event: LoginEvent) => void;
  /** Transport settings (TLS, insecure registries, debug); credentials are supplied per attempt. */
  remote?: Omit<RemoteOptions, 'credentials'>;
  signal?: AbortSignal;
}

export interface LoginResult {
  /** config.json / helper key, e.g. 'https://index.docker.io/v1/' or 'host:5000'. */
  key: string;
  /** Stored credentials were verified and kept. */
  reused: boolean;
  /** The registry issued a refresh token, saved instead of the password. */
  identityToken: boolean;
  /** Set when a password was written in plain text: the config.json path (docker warns about it). */
  plainTextFile?: string;
}

export async function login(options: LoginOptions): Promise<LoginResult> {
  const { registry, resolver } = options;
  const key = credentialKey(registry);
  let defaultUsername = options.username;
  if (options.username === undefined && options.password === undefined) {
    const stored = await resolver.resolve(registry);
    defaultUsername = stored?.username;
    if (stored && isReusable(stored)) {
      options.onEvent?.({ type: 'reusing', username: stored.username });
      try {
        const verified = await verifyCredentials(registry, stored, options);
        // A token server that rotates refresh tokens hands out a new one: keep it.
        if (verified.identityToken && verified.identityToken !== stored.identityToken) {
          return { ...(await saveCredentials(resolver, registry, { ...stored, identityToken: verified.identityToken })), reused: true };
        }
        return { key, reused: true, identityToken: !!stored.identityToken };
      } catch (err) {
        if (!isAuthFailure(err)) throw err;
        options.onEvent?.({ type: 'stale' });
      }
    }
  }
  const given = { username: options.username, password: options.password };
  const asked =
    given.username && given.password
      ? { username: given.username, password: given.password }
      : await options.ask({ username: !given.username, password: !given.password, defaultUsername });
  const verified = await verifyCredentials(registry, asked, options);
  const auth: AuthConfig = verified.identityToken
    ? { username: asked.username, identityToken: verified.identityToken }
    : { username: asked.username, password: asked.password };
  return { ...(await saveCredentials(resolver, registry, auth)), reused: false };
}

/**
 * Whether stored credentials can log in on their own: user and password (docker's rule) or an
 * identity token. A bare registry token is not: the login check cannot tell whether it is valid.
 */
function isReusable(auth: AuthConfig): boolean {
  return !!auth.identityToken || (!!auth.username && !!auth.password);
}

export function isAuthFailure(err: unknown): boolean {
  return isRegctlError(err) && (err.code === 'REGCTL_UNAUTHORIZED' || err.code === 'REGCTL_DENIED');
}

/** One login check with exactly these credentials; a refresh token, if the token server issued one. */
export async function verifyCredentials(
  registry: string,
  credential: Credential,
  options: Pick<LoginOptions, 'remote' | 'signal'> = {},
): Promise<{ identityToken?: string }> {
  const { username, password, identityToken } = credential;
  const candidate: Credential = { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  if (identityToken) candidate.identityToken = identityToken;
  const remote = new RemoteRegistry({ ...options.remote, credentials: async () => candidate });
  try {
    const result = await remote.transport(registry).verifyLogin({ offline: true, ...(options.signal ? { signal: options.signal } : {}) });
    return result.refreshToken ? { identityToken: result.refreshToken } : {};
  } finally {
    await remote.close();
  }
}

/**
 * Saves under the registry's canonical key in the store docker would pick. A helper failure is an
 * error ("error saving credentials: ..."), never a fallback to plain text in config.json.
 */
export async function saveCredentials(resolver: CredentialResolver, registry: string, auth: AuthConfig): Promise<Omit<LoginResult, 'reused'>> {
  const key = credentialKey(registry);
  const store = resolver.storeFor(registry);
  const stored: AuthConfig = { ...auth };
  delete stored.serverAddress;
  if (stored.identityToken) delete stored.password;
  try {
    await store.store(key, stored);
  } catch (err) {
    if (!isRegctlError(err) || err.code !== 'REGCTL_CRED_HELPER') throw err;
    const selection = resolver.helperFor(registry);
    const where = selection ? `${store.description} (${selection.setting} in ${resolver.config.path})` : store.description;
    throw new RegctlError('REGCTL_CRED_HELPER', `error saving credentials: ${err.message}`, {
      cause: err,
      hint: err.hint ?? `nothing was saved; fix ${where}, or remove that setting to keep credentials in config.json`,
    });
  }
  const result: Omit<LoginResult, 'reused'> = { key, identityToken: !!stored.identityToken };
  if (store.kind === 'file' && stored.password) result.plainTextFile = resolver.config.path;
  return result;
}
