// The naming rule over the two index.json annotations: which name an entry goes by when other
// tools wrote them (agreeing as containerd and docker write them, or disagreeing as umoci leaves
// them), what it answers to, and which stored names stand for a repository.
import { describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../../src/oci/manifest.js';
import { hasImageName, imageNameOf, referenceOfImageName } from '../../../../src/store/layout/image-names.js';

const REF = 'org.opencontainers.image.ref.name';
const CTRD = 'io.containerd.image.name';
const D = 'sha256:' + 'a'.repeat(64);
const entry = (annotations: Record<string, string>): Descriptor => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D, size: 1, annotations });

describe('imageNameOf', () => {
  it.each([
    ['regctl: both the full name', { [REF]: 'docker.io/library/a:1', [CTRD]: 'docker.io/library/a:1' }, 'docker.io/library/a:1'],
    ['containerd export: ref.name is the tag', { [REF]: 'latest', [CTRD]: 'docker.io/library/nginx:latest' }, 'docker.io/library/nginx:latest'],
    ['containerd export of a digest name', { [REF]: `@${D}`, [CTRD]: `docker.io/library/nginx@${D}` }, `docker.io/library/nginx@${D}`],
    ['tag and digest', { [REF]: `1@${D}`, [CTRD]: `localhost:5000/x:1@${D}` }, `localhost:5000/x:1@${D}`],
    ['a port is not a tag', { [REF]: '5000/x', [CTRD]: 'localhost:5000/x' }, '5000/x'],
    ['skopeo: ref.name only', { [REF]: 'v1' }, 'v1'],
    ['containerd name only', { [CTRD]: 'docker.io/library/a:1' }, 'docker.io/library/a:1'],
    ['umoci repack STORE:v4 (stale containerd name)', { [REF]: 'v4', [CTRD]: 'docker.io/library/busybox:latest' }, 'v4'],
    ['umoci tag to a full name', { [REF]: 'docker.io/library/busybox:v5', [CTRD]: 'docker.io/library/busybox:latest' }, 'docker.io/library/busybox:v5'],
    ['another tag of the same repository is still stale', { [REF]: 'v5', [CTRD]: 'docker.io/library/busybox:latest' }, 'v5'],
    ['empty ref.name is no name', { [REF]: '', [CTRD]: 'docker.io/library/a:1' }, 'docker.io/library/a:1'],
  ])('%s', (_, annotations, name) => {
    expect(imageNameOf(entry(annotations))).toBe(name);
  });

  it('ignores values that are not strings (an archive may hold anything)', () => {
    expect(imageNameOf(entry({ [REF]: 7 as unknown as string, [CTRD]: 'docker.io/library/a:1' }))).toBe('docker.io/library/a:1');
    expect(imageNameOf(entry({ [REF]: 'v1', [CTRD]: {} as unknown as string }))).toBe('v1');
  });
});

describe('hasImageName', () => {
  it('answers to either annotation when they agree', () => {
    const e = entry({ [REF]: 'latest', [CTRD]: 'docker.io/library/nginx:latest' });
    expect(hasImageName(e, 'docker.io/library/nginx:latest')).toBe(true);
    expect(hasImageName(e, 'latest')).toBe(true);
  });

  it('does not answer to a stale containerd name (rmi of the old name keeps the repacked image)', () => {
    const e = entry({ [REF]: 'docker.io/library/busybox:v5', [CTRD]: 'docker.io/library/busybox:latest' });
    expect(hasImageName(e, 'docker.io/library/busybox:latest')).toBe(false);
    expect(hasImageName(e, 'docker.io/library/busybox:v5')).toBe(true);
  });
});

describe('referenceOfImageName', () => {
  it.each([
    ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['busybox:1', 'docker.io/library/busybox:1'],
    ['quay.io/org/app', 'quay.io/org/app:latest'],
    ['v4', undefined],
    ['latest', undefined],
    ['Not/Valid', undefined],
    [undefined, undefined],
  ])('%s -> %s', (name, ref) => {
    expect(referenceOfImageName(name)?.toString()).toBe(ref);
  });
});
