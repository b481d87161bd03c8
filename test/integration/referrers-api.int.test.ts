// Referrers on a registry with the referrers API (`regctl registry serve`): listed through the
// API with and without the artifactType filter (checked at the wire too), and pushes and deletes
// of referrers leaving the tag schema alone, since the registry answers OCI-Subject.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { referrersTag } from '../../src/oci/referrers.js';
import { startEmbeddedRegistry } from '../helpers/embedded-registry.js';
import { rawRequest } from '../helpers/raw-http.js';
import { OCI_INDEX, OCI_MANIFEST, descriptorOf, pushSubject, putDoc, referrerDoc, type Doc } from '../helpers/referrer-fixtures.js';
import { EMPTY_JSON, pushBlob, type ReferrersIndex } from '../helpers/registry-wire.js';
import type { RunningRegistry } from '../helpers/registry-process.js';
import { runCli } from '../helpers/run-cli.js';

const available = inject('registriesAvailable');
const SBOM = 'application/vnd.example.sbom.v1';
const SIG = 'application/vnd.example.signature.v1';

let tmp: string;
let reg: RunningRegistry | undefined;
let client: RegistryClient;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-referrers-api-'));
  client = new RegistryClient({ configDir: tmp, storeDir: path.join(tmp, 'store'), credentials: false, env: {} });
  if (available) reg = await startEmbeddedRegistry(tmp);
});
afterAll(async () => {
  await client.close();
  await reg?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const entry = (m: Doc, artifactType: string) => ({ ...descriptorOf(m), artifactType, annotations: JSON.parse(m.bytes.toString()).annotations as Record<string, string> });
const tagStatus = async (repo: string, subject: string) => (await rawRequest(`${reg!.url}/v2/${repo}/manifests/${referrersTag(subject)}`, { method: 'HEAD', headers: { accept: OCI_INDEX } })).status;

describe.skipIf(!available)('referrers on regctl registry serve (the referrers API)', () => {
  it('lists through the API, with and without the artifactType filter, as the wire has them', async () => {
    const repo = 'team/api';
    const subject = await pushSubject(reg!.url, repo);
    const sbom = referrerDoc(subject, { artifactType: SBOM });
    const sig = referrerDoc(subject, { configMediaType: SIG });
    for (const m of [sbom, sig]) await putDoc(reg!.url, repo, m);

    const wire = await rawRequest(`${reg!.url}/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(SIG)}`, { headers: { accept: OCI_INDEX } });
    expect(wire.status).toBe(200);
    expect(wire.headers['content-type']).toBe(OCI_INDEX);
    expect(wire.headers['oci-filters-applied']).toBe('artifactType');
    expect(wire.json<ReferrersIndex>()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(sig, SIG)] });

    const all = await client.referrers(`${reg!.host}/${repo}:v1`);
    expect(all.via).toBe('api');
    expect(all.filtered).toBe(false);
    expect([...all.descriptors].sort((a, b) => a.digest.localeCompare(b.digest))).toEqual([entry(sbom, SBOM), entry(sig, SIG)].sort((a, b) => a.digest.localeCompare(b.digest)));
    expect(await client.referrers(`${reg!.host}/${repo}@${subject.digest}`, { artifactType: SBOM })).toEqual({ descriptors: [entry(sbom, SBOM)], via: 'api', filtered: true });
  });

  it('a push with a subject (library, regctl copy) is indexed by the registry: no tag-schema tag is written; regctl delete drops it', async () => {
    const repo = 'team/api-push';
    const subject = await pushSubject(reg!.url, repo);
    const sbom = referrerDoc(subject, { artifactType: SBOM });
    await client.putManifest(`${reg!.host}/${repo}@${sbom.digest}`, sbom.bytes, OCI_MANIFEST);
    // Copied in from another repository of the same registry, through the transfer engine.
    const sig = referrerDoc(subject, { artifactType: SIG });
    await pushBlob(reg!.url, 'team/elsewhere', EMPTY_JSON);
    await putDoc(reg!.url, 'team/elsewhere', sig);
    const copied = await runCli(['--config', tmp, 'copy', '-q', `${reg!.host}/team/elsewhere@${sig.digest}`, `${reg!.host}/${repo}`]);
    expect(copied.code, copied.stderr).toBe(0);

    expect((await client.referrers(`${reg!.host}/${repo}@${subject.digest}`)).descriptors.map((d) => d.digest).sort()).toEqual([sbom.digest, sig.digest].sort());
    expect(await tagStatus(repo, subject.digest)).toBe(404);

    const deleted = await runCli(['--config', tmp, 'delete', `${reg!.host}/${repo}@${sbom.digest}`]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await client.referrers(`${reg!.host}/${repo}@${subject.digest}`)).toEqual({ descriptors: [entry(sig, SIG)], via: 'api', filtered: false });
    expect(await tagStatus(repo, subject.digest)).toBe(404);
  });
});
