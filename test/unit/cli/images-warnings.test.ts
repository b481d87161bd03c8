// `regctl images PATTERN` warns only about the images it is asked to list: a broken entry
// elsewhere in the store is not the command's business (it is `images` without a pattern's,
// and `store check`'s).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { putGeneratedImage } from '../../helpers/store-image.js';

let tmp: string;
let storeDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-images-warn-'));
  storeDir = path.join(tmp, 'store');
  const store = await LayoutStore.open(storeDir);
  await putGeneratedImage(store, 'docker.io/library/good:1');
  const gone = Buffer.from('gone');
  await store.putImage('docker.io/library/broken:1', { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${createHash('sha256').update(gone).digest('hex')}`, size: gone.length });
  await store.close();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const images = (...args: string[]) => runCli(['--config', tmp, '--store', storeDir, 'images', ...args]);

describe('images warnings', () => {
  it('without a pattern: warns about the broken image it lists', async () => {
    const r = await images();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: docker\.io\/library\/broken:1: .*is not in the store/m);
  });

  it('with a pattern or reference filter: no warning about an image it does not list', async () => {
    for (const args of [['good'], ['--filter', 'reference=good']]) {
      const r = await images(...args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('good');
      expect(r.stderr).toBe('');
    }
    expect((await images('broken')).stderr).toContain('broken:1');
  });
});
