// `auth token`: the bearer token regctl itself would send for a repository, for scripts that call
// the registry API with curl. The token comes out of the ordinary transport (same ping, realm
// checks, credentials and scopes as a pull or push), read off the one request that carries it,
// so there is no second implementation of the token flow to drift from the first.
import { RegctlError } from '../errors.js';
import type { Repository } from '../reference/parse.js';
import { RemoteRegistry, type RemoteOptions } from '../store/remote/remote-registry.js';
import { createHttpClient } from '../transport/default-http-client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../transport/http.js';
import { readRegistryError } from '../transport/registry-error.js';
import { repositoryScope } from '../transport/scope.js';

export interface BearerTokenOptions {
  /** Ask for pull and push (default: pull only). */
  push?: boolean;
  signal?: AbortSignal;
}

/** Passes every request on and keeps the bearer token sent with `GET /v2/`. */
class TokenRecorder implements HttpClient {
  token: string | undefined;

  constructor(
    private readonly inner: HttpClient,
    /** A caller's injected client is theirs to close. */
    private readonly owned: boolean,
  ) {}

  send(req: HttpRequest): Promise<HttpResponse> {
    const auth = req.headers?.authorization;
    if (auth?.startsWith('Bearer ') && new URL(req.url).pathname === '/v2/') this.token = auth.slice('Bearer '.length);
    return this.inner.send(req);
  }

  close(): Promise<void> {
    return this.owned ? this.inner.close() : Promise.resolve();
  }
}

export async function bearerToken(remoteOptions: RemoteOptions, repo: Repository, opts: BearerTokenOptions = {}): Promise<string> {
  const recorder = new TokenRecorder(
    remoteOptions.http ?? createHttpClient(remoteOptions.env ? { env: remoteOptions.env } : {}),
    !remoteOptions.http,
  );
  const remote = new RemoteRegistry({ ...remoteOptions, http: recorder });
  const signal = opts.signal ? { signal: opts.signal } : {};
  try {
    const transport = remote.transport(repo.registry);
    const endpoint = await transport.ping(opts.signal);
    const scheme = endpoint.challenge?.scheme;
    if (scheme !== 'bearer') {
      throw new RegctlError(
        'REGCTL_UNSUPPORTED',
        scheme ? `${repo.registry} uses ${scheme} authentication and issues no bearer tokens` : `${repo.registry} requires no authentication: there is no token to print`,
        scheme ? { hint: 'send the credentials themselves (regctl auth get prints them)' } : {},
      );
    }
    const scopes = [repositoryScope(repo.repository, opts.push ? ['pull', 'push'] : ['pull'])];
    const res = await transport.request({ method: 'GET', path: '/v2/', scopes, ...signal });
    if (res.status !== 200) throw await readRegistryError(res, 'GET', res.url);
    await res.dump();
    if (!recorder.token) throw new RegctlError('REGCTL_REGISTRY', `${repo.registry} accepted the request without a bearer token`);
    return recorder.token;
  } finally {
    await remote.close();
  }
}
