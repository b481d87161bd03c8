// pushArtifact's own rules, with the registry replaced by a recording destination: the empty
// config and the empty layer are one blob sent once, the manifest goes under the tag (or must be
// the digest a REF@DIGEST names), and a subject outside the target repository is refused before
// any file is read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImageDestination, ManifestResult } from '../../../../src/store/backend.js';
import { parseReference, type Reference } from '../../../../src/reference/parse.js';
import type { RemoteRegistry } from '../../../../src/store/remote/remote-registry.js';

const sent: string[] = [];
const puts: { ref: string; digest: string }[] = [];
vi.mock('../../../../src/store/remote/image-destination.js', () => ({
  remoteDestination: (_remote: unknown, ref: Reference): ImageDestination => ({
    name: ref.toString(),
    putBlob: async (d, source) => {
      sent.push(d.digest);
      let bytes = 0;
      for await (const chunk of source.read(0, d.size)) bytes += chunk.byteLength;
      return { kind: 'written', bytes };
    },
    putManifests: async (manifests: readonly ManifestResult[]) => {
      const top = manifests.at(-1)!;
      puts.push({ ref: ref.toString(), digest: top.digest });
      return top;
    },
    commit: async () => undefined,
    close: async () => undefined,
  }),
}));
const resolved: string[] = [];
vi.mock('../../../../src/ops/artifact/resolve-descriptor.js', async (original) => ({
  ...(await original<object>()),
  resolveDescriptor: async (_remote: unknown, ref: Reference) => {
    resolved.push(ref.toString());
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'5'.repeat(64)}`, size: 10 };
  },
}));

const { pushArtifact } = await import('../../../../src/ops/artifact/push.js');
const remote = {} as RemoteRegistry;
const EMPTY = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-push-artifact-'));
  await writeFile(path.join(tmp, 'a.txt'), 'a');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('pushArtifact', () => {
  it('sends the empty blob once for an artifact without files, then the manifest under the tag', async () => {
    sent.length = 0;
    puts.length = 0;
    const r = await pushArtifact(remote, parseReference('h.example/team/note'), [], { artifactType: 'x/note' });
    expect(sent).toEqual([EMPTY]);
    expect(puts).toEqual([{ ref: 'h.example/team/note:latest', digest: r.digest }]);
    expect(r.ref).toBe('h.example/team/note:latest');
  });

  it('resolves a digest subject in the target repository and writes it into the manifest', async () => {
    resolved.length = 0;
    const r = await pushArtifact(remote, parseReference('h.example/team/app:sig'), [path.join(tmp, 'a.txt')], { subject: `sha256:${'5'.repeat(64)}`, artifactType: 'x/sig' });
    expect(resolved).toEqual([`h.example/team/app@sha256:${'5'.repeat(64)}`]);
    expect(JSON.parse(r.manifest.toString()).subject).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'5'.repeat(64)}`, size: 10 });
  });

  it('refuses a REF@DIGEST that is not the artifact, and a subject of another repository before reading files', async () => {
    await expect(pushArtifact(remote, parseReference(`h.example/team/app@sha256:${'0'.repeat(64)}`), [path.join(tmp, 'a.txt')])).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    resolved.length = 0;
    await expect(pushArtifact(remote, parseReference('h.example/team/app:1'), [path.join(tmp, 'missing')], { subject: 'h.example/other/app:1' })).rejects.toMatchObject({
      code: 'REGCTL_USAGE',
      message: expect.stringContaining('referrers are listed per repository'),
    });
    expect(resolved).toEqual([]);
  });
});
