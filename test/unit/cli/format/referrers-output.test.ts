// The three views of `regctl artifact list`: oras's table and tree, and the referrers-index JSON
// with cosign objects kept apart; registry text escaped in the text views.
import { describe, expect, it } from 'vitest';
import { referrersJson, referrersTable, referrersTree } from '../../../../src/cli/format/referrers-output.js';
import type { ReferrerNode } from '../../../../src/ops/artifact/list.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const M = 'application/vnd.oci.image.manifest.v1+json';
const sbom: ReferrerNode = { descriptor: { mediaType: M, digest: digest('b'), size: 1, artifactType: 'application/spdx+json' }, referrers: [] };
const sig: ReferrerNode = { descriptor: { mediaType: M, digest: digest('c'), size: 2 }, cosign: { kind: 'signature', tag: `sha256-${'a'.repeat(64)}.sig` }, referrers: [] };
const nested: ReferrerNode = { ...sbom, referrers: [{ descriptor: { mediaType: M, digest: digest('d'), size: 3, artifactType: 'application/vnd.example.sig' }, referrers: [] }] };

describe('artifact list output', () => {
  it("is oras's table", () => {
    expect(referrersTable('h:5000/app:1', { mediaType: M, digest: digest('a'), size: 9 }, [sbom, sig])).toBe(
      [
        'Discovered 2 artifacts referencing h:5000/app:1',
        `Digest: ${digest('a')}`,
        '',
        'Artifact Type           Digest',
        `application/spdx+json   ${digest('b')}`,
        `cosign signature        ${digest('c')} (tag sha256-${'a'.repeat(64)}.sig)`,
        '',
      ].join('\n'),
    );
    expect(referrersTable('h:5000/app:1', { mediaType: M, digest: digest('a'), size: 9 }, [])).toBe(`Discovered 0 artifact referencing h:5000/app:1\nDigest: ${digest('a')}\n`);
  });

  it("is oras's tree with --recursive", () => {
    expect(referrersTree(`h:5000/app@${digest('a')}`, [nested, sig])).toBe(
      [
        `h:5000/app@${digest('a')}`,
        '├── application/spdx+json',
        `│   └── ${digest('b')}`,
        '│       └── application/vnd.example.sig',
        `│           └── ${digest('d')}`,
        `└── cosign signature (tag sha256-${'a'.repeat(64)}.sig)`,
        `    └── ${digest('c')}`,
        '',
      ].join('\n'),
    );
  });

  it('is a referrers index in JSON, nested when recursive, cosign objects apart', () => {
    expect(JSON.parse(referrersJson([sbom, sig], false))).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [sbom.descriptor],
      cosign: [{ kind: 'signature', tag: sig.cosign!.tag, ...sig.descriptor }],
    });
    const recursive = JSON.parse(referrersJson([nested], true));
    expect(recursive.manifests[0].referrers).toEqual([{ ...nested.referrers[0]!.descriptor, referrers: [] }]);
    expect(recursive).not.toHaveProperty('cosign');
  });

  it('escapes control characters a registry put in an artifact type', () => {
    const hostile: ReferrerNode = { descriptor: { mediaType: M, digest: digest('e'), size: 1, artifactType: 'x\u001b]0;pwned\u0007' }, referrers: [] };
    expect(referrersTable('s', { mediaType: M, digest: digest('a'), size: 1 }, [hostile])).not.toContain('\u001b');
    expect(referrersTree('s', [hostile])).toContain('x\\x1b]0;pwned\\x07');
  });
});
