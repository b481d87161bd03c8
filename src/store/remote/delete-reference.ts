// DELETE /v2/<name>/manifests/<reference>, the one request every delete is made of (delete.ts,
// and the referrers tag-schema index left empty in referrers-index.ts). A registry with deletes
// turned off (405, or UNSUPPORTED) is reported as REGCTL_UNSUPPORTED with the setting to change.
import { RegctlError } from '../../errors.js';
import type { Reference } from '../../reference/parse.js';
import { readRegistryError, type RegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from './remote-registry.js';

export const DELETE_DISABLED_HINT =
  'the registry has deletes turned off; for distribution (docker-registry) set REGISTRY_STORAGE_DELETE_ENABLED=true (storage.delete.enabled in config.yml)';

function isDeleteDisabled(err: RegistryError): boolean {
  return err.status === 405 || err.errors.some((e) => e.code === 'UNSUPPORTED');
}

/** Resolves on 202 (or 200/204), rejects with the registry's error. */
export async function deleteReference(remote: RemoteRegistry, ref: Reference, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const res = await remote.transport(ref.registry).request({
    method: 'DELETE',
    path: `/v2/${ref.repository}/manifests/${ref.identifier()}`,
    // Token servers grant DELETE under its own action (distribution's "delete").
    scopes: [repositoryScope(ref.repository, ['delete'])],
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.status === 202 || res.status === 200 || res.status === 204) {
    await res.dump();
    return;
  }
  const err = await readRegistryError(res, 'DELETE', res.url);
  throw isDeleteDisabled(err) ? new RegctlError('REGCTL_UNSUPPORTED', `${ref.familiar()}: deleting is not supported by ${ref.registry}`, { cause: err, hint: DELETE_DISABLED_HINT }) : err;
}
