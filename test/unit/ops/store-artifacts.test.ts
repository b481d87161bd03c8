// The local store holds container images only: load of an archive whose image is an OCI artifact
// (an SBOM with oras's empty config) is refused with nothing recorded, and an artifact entry an
// older version stored is neither listed nor warned about by `images`, while rmi still removes it.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { putGeneratedImage } from '../../helpers/store-image.js';
import { ustar } from '../../helpers/ustar.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-store-artifacts-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** An SBOM as `oras push` writes it: the empty config, one titled layer, an artifactType. */
function sbomArtifact() {
  const config = Buffer.from('{}');
  const layer = Buffer.from('{"spdxVersion":"SPDX-2.3"}');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(config), size: 2 },
      layers: [{ mediaType: 'application/spdx+json', digest: sha256(layer), size: layer.length, annotations: { 'org.opencontainers.image.title': 'sbom.json' } }],
    }),
  );
  return { config, layer, manifest, descriptor: { mediaType: OCI_MANIFEST, digest: sha256(manifest), size: manifest.length } };
}

describe('the store holds images only', () => {
  it('load refuses an oci-archive whose image is an artifact, and records nothing', async () => {
    const store = path.join(tmp, 'load-store');
    const s = await LayoutStore.open(store);
    await putGeneratedImage(s, 'docker.io/library/kept:1');
    await s.close();
    const before = await readFile(path.join(store, 'index.json'), 'utf8');
    const a = sbomArtifact();
    const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, content: b });
    const index = { schemaVersion: 2, manifests: [{ ...a.descriptor, annotations: { 'org.opencontainers.image.ref.name': 'docker.io/library/sbom:1' } }] };
    const archive = path.join(tmp, 'sbom.tar');
    await writeFile(archive, ustar([{ name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', content: JSON.stringify(index) }, blob(a.config), blob(a.layer), blob(a.manifest)]));
    const r = await runCli(['--config', tmp, '--store', store, 'load', '-i', archive]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is not a container image (config media type "application/vnd.oci.empty.v1+json") (artifactType application/spdx+json): the local store holds images only');
    expect(await readFile(path.join(store, 'index.json'), 'utf8')).toBe(before);
  });

  it('copy of an artifact from an oci: layout into store: is refused before anything moves', async () => {
    const a = sbomArtifact();
    const layout = path.join(tmp, 'layout');
    await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
    for (const b of [a.config, a.layer, a.manifest]) await writeFile(path.join(layout, 'blobs', 'sha256', sha256(b).slice(7)), b);
    await writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ ...a.descriptor, annotations: { 'org.opencontainers.image.ref.name': 'sbom' } }] }));
    const store = path.join(tmp, 'copy-store');
    const s = await LayoutStore.open(store);
    await putGeneratedImage(s, 'docker.io/library/kept:1');
    await s.close();
    const before = await readFile(path.join(store, 'index.json'), 'utf8');
    const r = await runCli(['--config', tmp, '--store', store, 'copy', `oci:${layout}:sbom`, 'store:example.com/sbom:1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('is not a container image');
    expect(await readFile(path.join(store, 'index.json'), 'utf8')).toBe(before);
    expect(await readdir(path.join(store, 'blobs', 'sha256'))).not.toContain(sha256(a.layer).slice(7));
  });

  it('images does not list or warn about an artifact entry; rmi removes it', async () => {
    const store = path.join(tmp, 'legacy-store');
    const s = await LayoutStore.open(store);
    await putGeneratedImage(s, 'docker.io/library/app:1');
    const a = sbomArtifact();
    for (const b of [a.config, a.layer, a.manifest]) await s.writeBlobBytes(sha256(b), b);
    await s.putImage('docker.io/library/sbom:1', a.descriptor);
    await s.close();
    const listed = await runCli(['--config', tmp, '--store', store, 'images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toBe('app:1\n');
    expect(listed.stderr).toBe('');
    const removed = await runCli(['--config', tmp, '--store', store, 'rmi', 'sbom:1']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8')).manifests).toHaveLength(1);
  });
});
