// `regctl manifest inspect` of OCI 1.1 objects on distribution 2.8 (no referrers API): an
// attached artifact shows its artifactType and subject, and the referrers tag schema's fallback
// index shows each referrer's artifactType and annotations, which docker's rebuilt list drops.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useRegistries } from '../helpers/registry-wire.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
useRegistries();
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-inspect-art-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const cli = (args: string[]) => runCli(['--config', path.join(tmp, 'cfg'), '--store', path.join(tmp, 'store'), ...args], { env: { REGCTL_DAEMON_JSON: '', REGCTL_REGISTRIES_JSON: path.join(tmp, 'none.json') } });

describe.skipIf(!available)('regctl manifest inspect of artifacts and referrers', () => {
  it('shows an artifact manifest with artifactType and subject, and the fallback index entries with theirs', async () => {
    const host = inject('registries').open.host;
    const hello = inject('seeded')['demo/hello:v1']!;
    const repo = `${host}/inspect-artifacts/app`;
    expect((await cli(['copy', `${host}/demo/hello:v1`, `${repo}:1`])).code).toBe(0);
    const file = path.join(tmp, 'sbom.json');
    await writeFile(file, '{"spdxVersion":"SPDX-2.3"}');
    const attached = await cli(['artifact', 'attach', '--artifact-type', 'application/spdx+json', '-a', 'org.example.tool=syft', `${repo}:1`, file]);
    expect(attached.code, attached.stderr).toBe(0);
    const digest = /^Digest: (sha256:[a-f0-9]{64})$/m.exec(attached.stdout)![1]!;

    const manifest = await cli(['manifest', 'inspect', `${repo}@${digest}`]);
    expect(manifest.code, manifest.stderr).toBe(0);
    const parsed = JSON.parse(manifest.stdout);
    expect(parsed.artifactType).toBe('application/spdx+json');
    expect(parsed.subject).toEqual({ mediaType: hello.mediaType, digest: hello.digest, size: hello.size });

    const verbose = JSON.parse((await cli(['manifest', 'inspect', '-v', `${repo}@${digest}`])).stdout);
    expect(verbose.OCIManifest.subject.digest).toBe(hello.digest);

    const fallback = await cli(['manifest', 'inspect', `${repo}:sha256-${hello.digest.slice(7)}`]);
    expect(fallback.code, fallback.stderr).toBe(0);
    const index = JSON.parse(fallback.stdout);
    expect(index.manifests).toEqual([expect.objectContaining({ digest, artifactType: 'application/spdx+json', annotations: expect.objectContaining({ 'org.example.tool': 'syft' }) })]);
    expect(index.manifests[0].platform).toBeUndefined();
  });
});
