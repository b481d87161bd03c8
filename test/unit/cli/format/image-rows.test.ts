import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_TABLE, DEFAULT_IMAGE_TABLE_WITH_DIGEST, QUIET_FORMAT, imageFormat, imageRows } from '../../../../src/cli/format/image-rows.js';
import type { ImageSummary } from '../../../../src/ops/image-summary.js';

const ID = `sha256:${'ab'.repeat(32)}`;
const D1 = `sha256:${'11'.repeat(32)}`;
const D2 = `sha256:${'22'.repeat(32)}`;
const NOW = Date.parse('2024-03-01T00:00:00Z');

const summary = (repoTags: string[], repoDigests: string[], created: string | undefined = '2024-02-15T00:00:00Z'): ImageSummary => ({
  id: ID,
  repoTags,
  repoDigests,
  created,
  size: 4_261_550,
  entries: [],
});

const opts = { digests: false, formatHasDigest: false, trunc: true, now: NOW };
const brief = (rows: { Repository: string; Tag: string; Digest: string }[]) => rows.map((r) => `${r.Repository} ${r.Tag} ${r.Digest}`);

describe('imageRows (docker imageFormatTaggedAndDigest)', () => {
  it('one row per tag; digests only with --digests or a {{.Digest}} format', () => {
    const s = summary(['busybox:latest', 'busybox:1.36', 'example.com/x:1'], [`busybox@${D1}`, `busybox@${D2}`]);
    expect(brief(imageRows([s], opts))).toEqual(['busybox latest <none>', 'busybox 1.36 <none>', 'example.com/x 1 <none>']);
    expect(brief(imageRows([s], { ...opts, digests: true }))).toEqual([
      `busybox latest ${D1}`,
      `busybox latest ${D2}`,
      `busybox 1.36 ${D1}`,
      `busybox 1.36 ${D2}`,
      'example.com/x 1 <none>',
    ]);
    expect(brief(imageRows([s], { ...opts, formatHasDigest: true }))).toHaveLength(5);
  });

  it('digest-only names: <none> tag, a row per digest with --digests, one row with an empty digest without', () => {
    const s = summary([], [`busybox@${D1}`, `busybox@${D2}`]);
    expect(brief(imageRows([s], opts))).toEqual(['busybox <none> ']);
    expect(brief(imageRows([s], { ...opts, digests: true }))).toEqual([`busybox <none> ${D1}`, `busybox <none> ${D2}`]);
  });

  it('an image without names is <none> <none>', () => {
    expect(brief(imageRows([summary([], [])], opts))).toEqual(['<none> <none> <none>']);
  });

  it('fields: short or full ID, created since and at, sizes; N/A-created when the config has none', () => {
    const [row] = imageRows([summary(['busybox:latest'], [])], opts);
    expect(row).toMatchObject({ ID: 'abababababab', CreatedSince: '2 weeks ago', CreatedAt: '2024-02-15 00:00:00 +0000 UTC', Size: '4.26MB', VirtualSize: '4.262MB' });
    expect(imageRows([summary(['busybox:latest'], [])], { ...opts, trunc: false })[0]!.ID).toBe(ID);
    expect(imageRows([{ ...summary(['busybox:latest'], []), created: undefined }], opts)[0]).toMatchObject({ CreatedSince: '', CreatedAt: '' });
  });
});

describe('imageFormat (docker NewImageFormat)', () => {
  it('picks the default tables and the quiet format, and adds DIGEST to a custom table with --digests', () => {
    expect(imageFormat(undefined, { quiet: false, digests: false })).toBe(DEFAULT_IMAGE_TABLE);
    expect(imageFormat('table', { quiet: false, digests: true })).toBe(DEFAULT_IMAGE_TABLE_WITH_DIGEST);
    expect(imageFormat(undefined, { quiet: true, digests: true })).toBe(QUIET_FORMAT);
    expect(imageFormat('table {{.ID}}', { quiet: false, digests: true })).toBe('table {{.ID}}\t{{.Digest}}');
    expect(imageFormat('table {{.Digest}}', { quiet: false, digests: true })).toBe('table {{.Digest}}');
    expect(imageFormat('{{.ID}}', { quiet: true, digests: true })).toBe('{{.ID}}');
  });
});
