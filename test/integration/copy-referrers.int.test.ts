// `regctl copy --referrers` between `regctl registry serve` (referrers API) and distribution 2.8
// (none: the referrers tag schema), in both directions, with a referrer of a referrer and a
// referrer of an index's child, into and out of an oci: layout; each checked at the wire on the
// destination with plain HTTP (the referrers API, the sha256-<hex> fallback tag, the manifests'
// bytes against their digests) or in the layout's index.json. Without --referrers no referrer
// moves; the local store and archives refuse the flag before anything is written.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { startEmbeddedRegistry } from '../helpers/embedded-registry.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process.js';
import { runCli } from '../helpers/run-cli.js';
import { run } from '../helpers/run-process.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const SBOM = 'application/spdx+json';
const SIG = 'application/vnd.example.signature';
const fallbackTag = (digest: string) => `sha256-${digest.slice(7)}`;

interface Listed {
  digest: string;
  artifactType?: string;
}

let tmp: string;
let dist: RunningRegistry | undefined;
let api: RunningRegistry | undefined;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-copy-referrers-'));
  await writeFile(path.join(tmp, 'sbom.json'), '{"spdxVersion":"SPDX-2.3"}');
  await writeFile(path.join(tmp, 'sbom.sig'), 'signature of the sbom');
  await writeFile(path.join(tmp, 'child.att'), 'attestation of one platform');
  if (!available) return;
  [dist, api] = await Promise.all([startRegistry({ mode: 'open', parentDir: tmp }), startEmbeddedRegistry(tmp)]);
});
afterAll(async () => {
  await Promise.allSettled([dist?.stop(), api?.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  runCli(['--config', path.join(tmp, 'cfg'), '--store', path.join(tmp, 'store'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });

async function ok(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** `regctl artifact attach`; returns the referrer's digest. */
async function attach(subject: string, artifactType: string, file: string): Promise<string> {
  const out = await ok(['artifact', 'attach', '--artifact-type', artifactType, subject, path.join(tmp, file)]);
  return /^Digest: (sha256:[a-f0-9]{64})$/m.exec(out)![1]!;
}

/** The manifest's bytes on the wire hash to `digest`; returns its parsed body. */
async function manifestAt(url: string, repo: string, digest: string): Promise<Record<string, any>> {
  const r = await rawRequest(`${url}/v2/${repo}/manifests/${digest}`, { headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } });
  expect(r.status, `${repo}@${digest}`).toBe(200);
  expect(sha256(r.body)).toBe(digest);
  return r.json<Record<string, any>>();
}

/** What the referrers API of registry serve lists for `subject`. */
async function apiReferrers(repo: string, subject: string): Promise<Listed[]> {
  const r = await rawRequest(`${api!.url}/v2/${repo}/referrers/${subject}`);
  expect(r.status).toBe(200);
  return r.json<{ manifests: Listed[] }>().manifests;
}

/** The referrers tag schema's index on distribution 2.8 (undefined: no such tag). */
async function fallbackIndex(repo: string, subject: string): Promise<Listed[] | undefined> {
  const r = await rawRequest(`${dist!.url}/v2/${repo}/manifests/${fallbackTag(subject)}`, { headers: { accept: OCI_INDEX } });
  if (r.status === 404) return undefined;
  expect(r.status).toBe(200);
  return r.json<{ manifests: Listed[] }>().manifests;
}

const digests = (ds: Listed[] | undefined) => (ds ?? []).map((d) => d.digest).sort();

describe.skipIf(!available)('regctl copy --referrers', () => {
  const hello = () => inject('seeded')['demo/hello:v1']!;
  const multi = () => inject('seeded')['demo/multi:v1']!;
  const shared = () => inject('registries').open.host;
  const serveHost = () => api!.host;
  const distHost = () => dist!.host;
  // The image on registry serve, an SBOM attached to it, a signature attached to the SBOM.
  let subject: string;
  let sbom: string;
  let sig: string;
  beforeAll(async () => {
    if (!available) return;
    await ok(['copy', `${shared()}/demo/hello:v1`, `${serveHost()}/src/app:1.0`]);
    subject = hello().digest;
    sbom = await attach(`${serveHost()}/src/app:1.0`, SBOM, 'sbom.json');
    sig = await attach(`${serveHost()}/src/app@${sbom}`, SIG, 'sbom.sig');
  });

  it('registry serve (API) -> distribution 2.8 (tag schema): every referrer, recursively, by digest, one line each', async () => {
    const out = await ok(['copy', '--referrers', `${serveHost()}/src/app:1.0`, `${distHost()}/dst/app:1.0`]);
    expect(out).toContain(`1.0: digest: ${subject} size: ${hello().size}`);
    const sbomBody = await manifestAt(dist!.url, 'dst/app', sbom);
    const sigBody = await manifestAt(dist!.url, 'dst/app', sig);
    expect(out).toMatch(new RegExp(`^referrer ${SBOM.replace('+', '\\+')} of ${subject}: digest: ${sbom} size: \\d+$`, 'm'));
    expect(out).toMatch(new RegExp(`^referrer ${SIG} of ${sbom}: digest: ${sig} size: \\d+$`, 'm'));
    // The image's line comes first, its referrers after it, each after its subject.
    expect(out.indexOf('1.0: digest:')).toBeLessThan(out.indexOf(`referrer ${SBOM}`));
    expect(out.indexOf(`referrer ${SBOM}`)).toBeLessThan(out.indexOf(`referrer ${SIG}`));
    expect(sbomBody.subject.digest).toBe(subject);
    expect(sigBody.subject.digest).toBe(sbom);
    // 2.8 has no API: the destination's fallback index lists them, with their artifact types.
    expect(await fallbackIndex('dst/app', subject)).toEqual([expect.objectContaining({ digest: sbom, artifactType: SBOM, mediaType: OCI_MANIFEST })]);
    expect(await fallbackIndex('dst/app', sbom)).toEqual([expect.objectContaining({ digest: sig, artifactType: SIG })]);
    // No tag was given to a referrer: only the image's tag and the tag schema's.
    const tags = (await rawRequest(`${dist!.url}/v2/dst/app/tags/list`)).json<{ tags: string[] }>().tags.sort();
    expect(tags).toEqual(['1.0', fallbackTag(subject), fallbackTag(sbom)].sort());
  });

  it('distribution 2.8 (tag schema) -> registry serve (API): the referrers API lists them, digests unchanged', async () => {
    await ok(['copy', '--referrers', `${serveHost()}/src/app:1.0`, `${distHost()}/two/app:1.0`]);
    const out = await ok(['copy', '--referrers', `${distHost()}/two/app:1.0`, `${serveHost()}/back/app:1.0`]);
    expect(out).toMatch(new RegExp(`^referrer ${SIG} of ${sbom}: digest: ${sig} size: \\d+$`, 'm'));
    expect(await apiReferrers('back/app', subject)).toEqual([expect.objectContaining({ digest: sbom, artifactType: SBOM })]);
    expect(await apiReferrers('back/app', sbom)).toEqual([expect.objectContaining({ digest: sig, artifactType: SIG })]);
    await manifestAt(api!.url, 'back/app', sig);
    // registry serve indexes them itself: no fallback tag was written there.
    const tags = (await rawRequest(`${api!.url}/v2/back/app/tags/list`)).json<{ tags: string[] }>().tags;
    expect(tags).toEqual(['1.0']);
  });

  it('copies no referrer without --referrers', async () => {
    const out = await ok(['copy', `${serveHost()}/src/app:1.0`, `${distHost()}/plain/app:1.0`]);
    expect(out).not.toContain('referrer');
    expect(await fallbackIndex('plain/app', subject)).toBeUndefined();
    expect((await rawRequest(`${dist!.url}/v2/plain/app/manifests/${sbom}`, { headers: { accept: OCI_MANIFEST } })).status).toBe(404);
  });

  it('registry -> oci:DIR -> registry keeps every digest: referrers are index.json entries without ref.name', async () => {
    const dir = path.join(tmp, 'layout');
    await ok(['copy', '--referrers', `${serveHost()}/src/app:1.0`, `oci:${dir}:app`]);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: (Listed & { annotations?: Record<string, string> })[] };
    expect(index.manifests.map((d) => d.digest)).toEqual([subject, sbom, sig]);
    expect(index.manifests[0]!.annotations).toEqual({ 'org.opencontainers.image.ref.name': 'app' });
    for (const entry of index.manifests.slice(1)) {
      expect(entry.annotations?.['org.opencontainers.image.ref.name']).toBeUndefined();
      expect(sha256(await readFile(path.join(dir, 'blobs', 'sha256', entry.digest.slice(7))))).toBe(entry.digest);
    }
    expect(index.manifests.slice(1).map((d) => d.artifactType)).toEqual([SBOM, SIG]);

    // And back out of the layout, to a registry without the API and to one with it.
    const out = await ok(['copy', '--referrers', `oci:${dir}:app`, `${distHost()}/round/app:1.0`]);
    expect(out).toMatch(new RegExp(`^referrer ${SBOM.replace('+', '\\+')} of ${subject}: digest: ${sbom} size: \\d+$`, 'm'));
    expect(digests(await fallbackIndex('round/app', subject))).toEqual([sbom]);
    expect(digests(await fallbackIndex('round/app', sbom))).toEqual([sig]);
    await ok(['copy', '--referrers', `oci:${dir}:app`, `${serveHost()}/round/app:1.0`]);
    expect(digests(await apiReferrers('round/app', subject))).toEqual([sbom]);
    expect(digests(await apiReferrers('round/app', sbom))).toEqual([sig]);
    await manifestAt(api!.url, 'round/app', sig);

    // Copied again: nothing new in index.json (each digest once).
    await ok(['copy', '--referrers', `${serveHost()}/src/app:1.0`, `oci:${dir}:app`]);
    const again = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: Listed[] };
    expect(digests(again.manifests)).toEqual([subject, sbom, sig].sort());
  });

  it('an unnamed oci:DIR (image and referrers all unnamed entries) copies back out as its one image', async () => {
    const dir = path.join(tmp, 'unnamed');
    await ok(['copy', '--referrers', `${serveHost()}/src/app:1.0`, `oci:${dir}`]);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: Listed[] };
    expect(digests(index.manifests)).toEqual([subject, sbom, sig].sort());
    const out = await ok(['copy', '--referrers', `oci:${dir}`, `${distHost()}/unnamed/app:1.0`]);
    expect(out).toContain(`1.0: digest: ${subject}`);
    expect(digests(await fallbackIndex('unnamed/app', sbom))).toEqual([sig]);
  });

  it('library: copy with referrers: true returns the referrers copied and reports each', async () => {
    const client = new RegistryClient({ configDir: path.join(tmp, 'lib-cfg'), storeDir: path.join(tmp, 'lib-store'), credentials: false, env: {} });
    const events: string[] = [];
    const result = await client.copy(`${serveHost()}/src/app:1.0`, `${distHost()}/lib/app:1.0`, {
      referrers: true,
      onReferrer: (e) => events.push(e.type === 'copying' ? `copying ${e.descriptor.digest}` : `copied ${e.referrer.digest}`),
    });
    expect(result.digest).toBe(subject);
    expect(result.referrers).toEqual([
      { subject, digest: sbom, mediaType: OCI_MANIFEST, size: expect.any(Number), artifactType: SBOM, depth: 1 },
      { subject: sbom, digest: sig, mediaType: OCI_MANIFEST, size: expect.any(Number), artifactType: SIG, depth: 2 },
    ]);
    expect(events).toEqual([`copying ${sbom}`, `copied ${sbom}`, `copying ${sig}`, `copied ${sig}`]);
    expect((await client.copy(`${serveHost()}/src/app:1.0`, `${distHost()}/lib/plain:1.0`)).referrers).toBeUndefined();
  });

  it('copies the referrers of an index child along with the index', async () => {
    await ok(['copy', `${shared()}/demo/multi:v1`, `${serveHost()}/multi/app:1.0`]);
    const child = multi().manifests[1]!.digest;
    const att = await attach(`${serveHost()}/multi/app@${child}`, 'application/vnd.example.attestation', 'child.att');
    const out = await ok(['copy', '--referrers', `${serveHost()}/multi/app:1.0`, `${distHost()}/multi/app:1.0`]);
    expect(out).toMatch(new RegExp(`^referrer application/vnd\\.example\\.attestation of ${child}: digest: ${att} size: \\d+$`, 'm'));
    expect(digests(await fallbackIndex('multi/app', child))).toEqual([att]);
    expect(await fallbackIndex('multi/app', multi().digest)).toBeUndefined();
    expect((await manifestAt(dist!.url, 'multi/app', att)).subject.digest).toBe(child);
  });

  it('refuses the local store and archives before anything is written: exit 2', async () => {
    for (const dst of [`oci-archive:${path.join(tmp, 'a.tar')}`, `docker-archive:${path.join(tmp, 'd.tar')}`, 'store:app:1.0']) {
      const r = await cli(['copy', '--referrers', `${serveHost()}/src/app:1.0`, dst]);
      expect(r.code, dst).toBe(2);
      expect(r.stderr).toMatch(/^Error: --referrers: .* holds no referrers|^Error: --referrers: the local store keeps no referrers/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(path.join(tmp, 'a.tar'))).toBe(false);
    expect(existsSync(path.join(tmp, 'd.tar'))).toBe(false);
    expect(existsSync(path.join(tmp, 'store', 'index.json'))).toBe(false);
  });

  it('refuses Docker media types into an oci: layout (converted there, new digests no referrer names): exit 2, no directory', async () => {
    await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--format', 'v2s2', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${shared()}/demo/hello:v1`, `docker://${serveHost()}/docker/app:1.0`]);
    const dir = path.join(tmp, 'docker-layout');
    const r = await cli(['copy', '--referrers', `${serveHost()}/docker/app:1.0`, `oci:${dir}:app`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('has Docker media types, which an OCI layout holds converted');
    expect(existsSync(dir)).toBe(false);
    // Without --referrers it is converted as skopeo converts it.
    await ok(['copy', `${serveHost()}/docker/app:1.0`, `oci:${dir}:app`]);
  });
});
