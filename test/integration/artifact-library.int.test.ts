// The library's artifact methods (RegistryClient.pushArtifact / attachArtifact / listArtifacts /
// pullArtifact) against `regctl registry serve`: the same wire results as the CLI, returned as data.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { serve, useRegistries } from '../helpers/registry-wire.js';

const available = inject('registriesAvailable');
useRegistries();
let tmp: string;
let client: RegistryClient;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-artifact-lib-'));
  client = new RegistryClient({ configDir: path.join(tmp, 'cfg'), storeDir: path.join(tmp, 'store'), credentials: false, env: {} });
});
afterAll(async () => {
  await client?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!available)('RegistryClient artifacts', () => {
  it('pushes, attaches, lists and pulls', async () => {
    const reg = await serve();
    const host = new URL(reg.url).host;
    const file = path.join(tmp, 'release-notes.md');
    await writeFile(file, 'v1: first');
    const events: string[] = [];
    const pushed = await client.pushArtifact(`${host}/docs/notes:v1`, [file], {
      artifactType: 'application/vnd.example.notes',
      created: new Date('2024-02-03T04:05:06Z'),
      onProgress: (e) => void events.push(e.type),
    });
    expect(pushed).toMatchObject({ ref: `${host}/docs/notes:v1`, artifactType: 'application/vnd.example.notes', configMediaType: 'application/vnd.oci.empty.v1+json', pushed: 2 });
    expect(pushed.layers.map((l) => l.annotations?.['org.opencontainers.image.title'])).toEqual(['release-notes.md']);
    expect(JSON.parse(pushed.manifest.toString()).annotations['org.opencontainers.image.created']).toBe('2024-02-03T04:05:06Z');
    expect(events.at(-1)).toBe('done');

    const review = path.join(tmp, 'review.txt');
    await writeFile(review, 'approved');
    const attached = await client.attachArtifact(`${host}/docs/notes:v1`, [{ path: review, mediaType: 'text/plain' }], { artifactType: 'application/vnd.example.review' });
    expect(attached.subject.digest).toBe(pushed.digest);
    expect(attached.ref).toBe(`${host}/docs/notes@${attached.digest}`);

    const listed = await client.listArtifacts(`${host}/docs/notes:v1`, { recursive: true });
    expect(listed.subject.digest).toBe(pushed.digest);
    expect(listed.via).toBe('api');
    expect(listed.referrers).toEqual([{ descriptor: expect.objectContaining({ digest: attached.digest, artifactType: 'application/vnd.example.review' }), referrers: [] }]);

    const out = path.join(tmp, 'out');
    const pulled = await client.pullArtifact(`${host}/docs/notes@${attached.digest}`, { output: out });
    expect(pulled.files).toEqual([{ title: 'review.txt', path: path.join(out, 'review.txt'), digest: attached.layers[0]!.digest, size: 8, mediaType: 'text/plain', directory: false }]);
    expect(await readFile(path.join(out, 'review.txt'), 'utf8')).toBe('approved');
  });
});
