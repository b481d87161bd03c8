// `regctl artifact attach` and `list` on `regctl registry serve` (which has the referrers API)
// and distribution 2.8 (which has not: the referrers tag schema's fallback index): the attached
// manifest on the wire (its subject, put by digest with no tag), the listing as oras's table,
// the tree of referrers of referrers, the JSON referrers index, a cosign `.sig` tag listed and
// marked, and skopeo still copying an image that has referrers, digest unchanged.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { embeddedOpenRequested } from '../helpers/embedded-registry.js';
import { rawRequest } from '../helpers/raw-http.js';
import { getReferrers, pushBlob, putManifest, serve, useRegistries, type ReferrersIndex } from '../helpers/registry-wire.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

useRegistries();
let tmp: string;
let sbom: string;
let sig: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-artifact-ref-'));
  sbom = path.join(tmp, 'sbom.spdx.json');
  await writeFile(sbom, '{"spdxVersion":"SPDX-2.3"}');
  sig = path.join(tmp, 'sbom.sig');
  await writeFile(sig, 'signature of the sbom');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--config', path.join(tmp, 'cfg'), '--store', path.join(tmp, 'store'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });
const digestLine = (stdout: string) => /^Digest: (sha256:[a-f0-9]{64})$/m.exec(stdout)?.[1];

/** A manifest under cosign's signature tag for `subject` (what `cosign sign` writes without referrers). */
async function cosignSignature(url: string, repo: string, subject: string): Promise<string> {
  const config = Buffer.from('{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
  const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': subject }, type: 'cosign container image signature' } }));
  await pushBlob(url, repo, config);
  await pushBlob(url, repo, payload);
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: sha256(payload), size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': 'MEUC...' } }],
    }),
  );
  const put = await putManifest(url, repo, `sha256-${subject.slice(7)}.sig`, body);
  expect(put.status, put.text()).toBe(201);
  return sha256(body);
}

describe.skipIf(!available)('regctl artifact attach / list', () => {
  const hello = () => inject('seeded')['demo/hello:v1']!;

  describe('registry serve (referrers API)', () => {
    let url: string;
    let host: string;
    let subject: string;
    beforeAll(async () => {
      const reg = await serve();
      url = reg.url;
      host = new URL(reg.url).host;
      const copied = await cli(['copy', `${inject('registries').open.host}/demo/hello:v1`, `${host}/team/app:1.0`]);
      expect(copied.code, copied.stderr).toBe(0);
      subject = hello().digest;
    });

    it('attaches an SBOM: subject on the wire, put by digest with no tag, listed by the referrers API', async () => {
      const r = await cli(['artifact', 'attach', '--artifact-type', 'application/spdx+json', '-a', 'org.example.tool=syft', `${host}/team/app:1.0`, sbom]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Attached to [registry] ${host}/team/app@${subject}`);
      const digest = digestLine(r.stdout)!;
      const raw = await rawRequest(`${url}/v2/team/app/manifests/${digest}`, { headers: { accept: OCI_MANIFEST } });
      const manifest = raw.json<Record<string, any>>();
      expect(sha256(raw.body)).toBe(digest);
      expect(manifest.artifactType).toBe('application/spdx+json');
      expect(manifest.subject).toEqual({ mediaType: hello().mediaType, digest: subject, size: hello().size });
      expect(manifest.layers).toEqual([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('{"spdxVersion":"SPDX-2.3"}'), size: 26, annotations: { 'org.opencontainers.image.title': 'sbom.spdx.json' } }]);
      const tags = (await rawRequest(`${url}/v2/team/app/tags/list`)).json<{ tags: string[] }>().tags;
      expect(tags).toEqual(['1.0']);
      const index = (await getReferrers(url, 'team/app', subject)).json<ReferrersIndex>();
      expect(index.manifests).toEqual([
        { mediaType: OCI_MANIFEST, digest, size: raw.body.length, artifactType: 'application/spdx+json', annotations: manifest.annotations },
      ]);
    });

    it('lists referrers as oras does, recursively as a tree, as JSON, with a cosign .sig tag marked', async () => {
      const first = (await getReferrers(url, 'team/app', subject)).json<ReferrersIndex>().manifests[0]!;
      // A signature of the SBOM: a referrer of a referrer.
      const signed = await cli(['artifact', 'attach', '--artifact-type', 'application/vnd.example.signature', `${host}/team/app@${first.digest}`, sig]);
      expect(signed.code, signed.stderr).toBe(0);
      const signature = digestLine(signed.stdout)!;
      const cosign = await cosignSignature(url, 'team/app', subject);

      const table = await cli(['artifact', 'list', `${host}/team/app:1.0`]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toBe(
        [
          `Discovered 2 artifacts referencing ${host}/team/app:1.0`,
          `Digest: ${subject}`,
          '',
          'Artifact Type           Digest',
          `application/spdx+json   ${first.digest}`,
          `cosign signature        ${cosign} (tag sha256-${subject.slice(7)}.sig)`,
          '',
        ].join('\n'),
      );

      const tree = await cli(['artifact', 'list', '--recursive', `${host}/team/app:1.0`]);
      expect(tree.code, tree.stderr).toBe(0);
      expect(tree.stdout).toBe(
        [
          `${host}/team/app@${subject}`,
          '├── application/spdx+json',
          `│   └── ${first.digest}`,
          '│       └── application/vnd.example.signature',
          `│           └── ${signature}`,
          `└── cosign signature (tag sha256-${subject.slice(7)}.sig)`,
          `    └── ${cosign}`,
          '',
        ].join('\n'),
      );

      const json = await cli(['artifact', 'list', '--format', 'json', '--recursive', `${host}/team/app:1.0`]);
      const parsed = JSON.parse(json.stdout);
      expect(parsed.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(parsed.manifests.map((m: { digest: string }) => m.digest)).toEqual([first.digest]);
      expect(parsed.manifests[0].referrers.map((m: { digest: string }) => m.digest)).toEqual([signature]);
      expect(parsed.cosign).toEqual([expect.objectContaining({ kind: 'signature', tag: `sha256-${subject.slice(7)}.sig`, digest: cosign })]);

      const filtered = await cli(['artifact', 'list', '--format', 'json', '--artifact-type', 'application/vnd.none', `${host}/team/app:1.0`]);
      expect(JSON.parse(filtered.stdout)).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    });

    it('pulls the attached SBOM back by digest', async () => {
      const first = (await getReferrers(url, 'team/app', subject)).json<ReferrersIndex>().manifests[0]!;
      const out = path.join(tmp, 'sbom-out');
      const r = await cli(['artifact', 'pull', `${host}/team/app@${first.digest}`, '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Downloaded  ${sha256('{"spdxVersion":"SPDX-2.3"}').slice(7, 19)} sbom.spdx.json`);
    });

    it('skopeo still copies the image that has referrers, digest unchanged', async () => {
      const dst = `docker://${host}/mirror/app:1.0`;
      await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${host}/team/app:1.0`, dst]);
      const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', dst]);
      expect(sha256(raw.stdout)).toBe(subject);
    });

    it('says the subject is missing: exit 4', async () => {
      const r = await cli(['artifact', 'list', `${host}/team/app:nope`]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`no such manifest: ${host}/team/app:nope`);
      const attach = await cli(['artifact', 'attach', '--artifact-type', 'x/y', `${host}/team/app:nope`, sbom]);
      expect(attach.code).toBe(4);
      expect(attach.stderr).toBe(`Error: no such manifest: ${host}/team/app:nope\n`);
    });
  });

  describe('distribution 2.8 (no referrers API)', () => {
    it('attach keeps the tag-schema fallback index (store/remote), so list finds the artifact', async () => {
      const open = inject('registries').open;
      expect((await cli(['copy', `${open.host}/demo/hello:v1`, `${open.host}/team/fallback:1.0`])).code).toBe(0);
      const r = await cli(['artifact', 'attach', '--artifact-type', 'application/vnd.example.review', `${open.host}/team/fallback:1.0`, sig]);
      expect(r.code, r.stderr).toBe(0);
      const digest = digestLine(r.stdout)!;
      const listed = await cli(['artifact', 'list', '--format', 'json', `${open.host}/team/fallback:1.0`]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout).manifests).toEqual([expect.objectContaining({ digest, artifactType: 'application/vnd.example.review' })]);
    });

    it('attaches by digest with the subject on the wire, lists through the tag-schema index, and skopeo still copies the image', async () => {
      const open = inject('registries').open;
      const copied = await cli(['copy', `${open.host}/demo/hello:v1`, `${open.host}/team/attached:1.0`]);
      expect(copied.code, copied.stderr).toBe(0);
      const r = await cli(['artifact', 'attach', '--artifact-type', 'application/spdx+json', `${open.host}/team/attached:1.0`, sbom]);
      expect(r.code, r.stderr).toBe(0);
      const digest = digestLine(r.stdout)!;
      const raw = await rawRequest(`${open.url}/v2/team/attached/manifests/${digest}`, { headers: { accept: OCI_MANIFEST } });
      expect(raw.status).toBe(200);
      expect(raw.json<{ subject: { digest: string } }>().subject.digest).toBe(hello().digest);
      // The referrers tag schema's index, as a client keeps it on a registry without the API
      // (written here as oras writes it): listed through it, marked so in --debug.
      const descriptor = { mediaType: OCI_MANIFEST, digest, size: raw.body.length, artifactType: 'application/spdx+json', annotations: raw.json<{ annotations: Record<string, string> }>().annotations };
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [descriptor] }));
      const put = await putManifest(open.url, 'team/attached', `sha256-${hello().digest.slice(7)}`, index, 'application/vnd.oci.image.index.v1+json');
      expect(put.status, put.text()).toBe(201);
      const listed = await cli(['--debug', 'artifact', 'list', `${open.host}/team/attached:1.0`]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(`Discovered 1 artifact referencing ${open.host}/team/attached:1.0`);
      expect(listed.stdout).toMatch(new RegExp(`^application/spdx\\+json   ${digest}$`, 'm'));
      // REGCTL_TEST_OPEN=embedded puts registry serve here, which merges that index into its API's answer.
      expect(listed.stderr).toContain(embeddedOpenRequested() ? 'listed through the referrers API' : 'listed through the referrers tag schema');
      const dst = `docker://${open.host}/team/attached-copy:1.0`;
      await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${open.host}/team/attached:1.0`, dst]);
      const copiedRaw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', dst]);
      expect(sha256(copiedRaw.stdout)).toBe(hello().digest);
    });
  });
});
