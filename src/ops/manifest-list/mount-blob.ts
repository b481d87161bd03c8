// docker's cross-repository mount for `manifest push` (docker/cli cli/registry/client/client.go
// MountBlob): POST .../blobs/uploads/?mount=DIGEST&from=REPO into the list's repository. 201 is
// mounted; 202 means the registry opened an upload instead, which docker cancels (DELETE) and
// reports, except for Windows images whose foreign layers a registry cannot hold anyway.
import { ManifestListError } from '../../errors.js';
import type { Repository } from '../../reference/parse.js';
import { readRegistryError } from '../../transport/registry-error.js';
import { repositoryScope } from '../../transport/scope.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { resolveLocation } from '../../store/remote/upload-session.js';

export interface BlobMount {
  /** Repository path (on the list's registry) holding the blob. */
  from: string;
  digest: string;
  /** The entry's os: a Windows blob that cannot be mounted is skipped, as docker does. */
  os: string | undefined;
}

export async function mountBlob(
  remote: RemoteRegistry,
  target: Repository,
  mount: BlobMount,
  /** How docker names the target in its message: the list's full reference. */
  targetName: string,
  opts: { signal?: AbortSignal } = {},
): Promise<void> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const transport = remote.transport(target.registry);
  const scopes = [repositoryScope(target.repository, ['pull', 'push']), repositoryScope(mount.from, ['pull'])];
  const query = `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`;
  const res = await transport.request({
    method: 'POST',
    path: `/v2/${target.repository}/blobs/uploads/${query}`,
    scopes,
    headers: { 'content-length': '0' },
    ...signal,
  });
  if (res.status === 201) {
    await res.dump();
    return;
  }
  const source = `${mount.from}@${mount.digest}`;
  if (res.status !== 202) {
    const err = await readRegistryError(res, 'POST', res.url);
    throw new ManifestListError(err.code, 'mount-failed', `failed to mount blob ${source} to ${targetName}: ${err.message}`, { cause: err });
  }
  await res.dump();
  const location = await resolveLocation({ remote, repo: target, ...signal }, res, 'POST');
  const cancelled = await transport.request({ method: 'DELETE', path: location, scopes: scopes.slice(0, 1), ...signal });
  await cancelled.dump();
  if (mount.os !== 'windows') throw new ManifestListError('REGCTL_REGISTRY', 'mount-failed', `error mounting ${source} to ${targetName}`);
}
