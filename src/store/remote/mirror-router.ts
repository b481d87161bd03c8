// Which endpoints serve a registry's reads (manifest and blob GETs), in order: its mirrors,
// then the registry itself. Writes never go through here. Whatever a mirror returns is
// verified by the caller exactly as the registry's own answer would be (digests), so a
// mirror can make a pull fail but cannot change its content unnoticed.
import { RegctlError, isRegctlError } from '../../errors.js';
import { normalizeRegistryHost } from '../../reference/hosts.js';
import type { HttpResponse } from '../../transport/http.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { parseMirrorUrl, type MirrorEndpoint } from './mirror-endpoint.js';

/** Registry name (`docker.io`, `quay.io`, `host:port`) -> mirror URLs, in the order to try. */
export type MirrorTable = Readonly<Record<string, readonly string[]>>;

export class MirrorRouter {
  private readonly table = new Map<string, MirrorEndpoint[]>();

  constructor(settings: MirrorTable = {}) {
    for (const [registry, urls] of Object.entries(settings)) {
      const key = normalizeRegistryHost(registry);
      const list = this.table.get(key) ?? [];
      for (const raw of urls) {
        const m = parseMirrorUrl(raw);
        if (!list.some((x) => x.url === m.url)) list.push(m);
      }
      if (list.length > 0) this.table.set(key, list);
    }
  }

  mirrorsFor(registry: string): readonly MirrorEndpoint[] {
    return this.table.get(registry) ?? [];
  }
}

export interface ReadAttempt {
  /** The mirror's URL, or the registry's API host. */
  label: string;
  mirror: boolean;
  send: () => Promise<HttpResponse>;
}

export interface ReadFailure {
  endpoint: string;
  reason: string;
}

export interface ServedRead {
  res: HttpResponse;
  served: ReadAttempt;
  /** Endpoints tried before the one that served, and why each was skipped. */
  failures: ReadFailure[];
}

async function attempt(a: ReadAttempt, method: string, ok: (status: number) => boolean): Promise<HttpResponse> {
  const res = await a.send();
  if (ok(res.status)) return res;
  throw await readRegistryError(res, method, res.url);
}

/**
 * The first endpoint that answers `ok`. A failing mirror (network error, 5xx, 404, refused
 * auth) falls through to the next endpoint; when the last one fails too, its error is thrown
 * with every endpoint tried and why, so "mirror down and registry unreachable" is explicit.
 */
export async function firstServing(attempts: readonly ReadAttempt[], method: string, ok: (status: number) => boolean): Promise<ServedRead> {
  const failures: ReadFailure[] = [];
  for (const a of attempts) {
    try {
      return { res: await attempt(a, method, ok), served: a, failures };
    } catch (err) {
      if (isRegctlError(err) && err.code === 'REGCTL_ABORTED') throw err;
      failures.push({ endpoint: a.label, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      if (a === attempts[attempts.length - 1]) throw failures.length > 1 ? everyEndpointFailed(err, failures) : err;
    }
  }
  throw new RegctlError('REGCTL_INTERNAL', 'no endpoint to read from');
}

function everyEndpointFailed(last: unknown, failures: ReadFailure[]): RegctlError {
  const code = isRegctlError(last) ? last.code : 'REGCTL_NETWORK';
  const list = failures.map((f) => `${f.endpoint} (${f.reason})`).join('; ');
  const err = new RegctlError(code, `every endpoint failed: ${list}`, {
    cause: last,
    hint: 'mirrors come from --registry-mirror, daemon.json "registry-mirrors" and regctl registries.json; check that they are up',
  });
  // Keep the registry error's details (status, spec codes) for the CLI's wording.
  const { status, errors, url } = (last ?? {}) as { status?: unknown; errors?: unknown; url?: unknown };
  return Object.assign(err, { status, errors, url, endpoints: failures });
}
