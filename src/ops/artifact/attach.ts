// `artifact attach`: files attached to an existing manifest, as `oras attach` does it: the
// artifact's `subject` is the descriptor SUBJECT resolves to, its artifactType is required, and
// the manifest is put by its digest alone (no tag: it is found through the subject's referrers).
// A registry without the referrers API gets the fallback index of the referrers tag schema from
// the registry store (store/remote), not from here.
import { UsageError } from '../../errors.js';
import type { Reference } from '../../reference/parse.js';
import { openFilesSource } from '../../store/files/image-source.js';
import type { RemoteRegistry } from '../../store/remote/remote-registry.js';
import { fileRefOf, sendArtifact, type ArtifactFileInput, type PushArtifactOptions, type PushArtifactResult } from './push.js';
import { byDigest, resolveDescriptor } from './resolve-descriptor.js';

export interface AttachArtifactOptions extends Omit<PushArtifactOptions, 'subject' | 'artifactType'> {
  /** Required, as oras requires it: how the referrers list tells this artifact from others. */
  artifactType: string;
}

export type AttachArtifactResult = PushArtifactResult & { subject: NonNullable<PushArtifactResult['subject']> };

export async function attachArtifact(remote: RemoteRegistry, subject: Reference, files: readonly ArtifactFileInput[], opts: AttachArtifactOptions): Promise<AttachArtifactResult> {
  if (!opts.artifactType) throw new UsageError('attach needs an artifact type (--artifact-type TYPE)');
  // oras's rule: an artifact with neither files nor annotations says nothing about its subject.
  if (files.length === 0 && Object.keys(opts.annotations ?? {}).length === 0) throw new UsageError('no blob or manifest annotation are provided');
  const descriptor = await resolveDescriptor(remote, subject, opts.signal ? { signal: opts.signal } : {});
  const source = await openFilesSource(files.map(fileRefOf), {
    artifactType: opts.artifactType,
    subject: descriptor,
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
    ...(opts.config !== undefined ? { config: fileRefOf(opts.config) } : {}),
    ...(opts.created ? { created: opts.created } : {}),
    ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    const result = await sendArtifact(remote, source, byDigest(subject, source.artifact.digest), { ...opts, subjectDescriptor: descriptor });
    return { ...result, subject: descriptor };
  } finally {
    await source.close();
  }
}
