// A store with ~1,500 names (what one `pull -a` of a big repository leaves) under a low open-file
// limit: images, inspect, tag and rmi must not open a file per entry at once (EMFILE), and an
// error must still be reported in words, without loading anything more from disk.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { withImageName } from '../../../src/store/layout/image-names.js';
import { transpilePackage, type TranspiledPackage } from '../../helpers/transpiled-dist.js';
import { writeImage } from '../store/layout/support.js';

const run = promisify(execFile);
const ENTRIES = 1_500;
const NOFILE = 256;

let pkg: TranspiledPackage;
let storeDir: string;

beforeAll(async () => {
  pkg = await transpilePackage();
  storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-many-'));
  const store = await LayoutStore.open(storeDir);
  const image = await writeImage(store, [Buffer.from('one small layer')]);
  await store.close();
  // index.json written directly: 1,500 names sharing one image's blobs (putImage would take a lock per name).
  const descriptor = image.descriptor;
  const manifests = Array.from({ length: ENTRIES }, (_, i) => withImageName(descriptor, `127.0.0.1:5000/many/app:v${i}`));
  await fs.writeFile(path.join(storeDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
}, 60_000);

afterAll(async () => {
  await pkg?.remove();
  if (storeDir) await fs.rm(storeDir, { recursive: true, force: true });
});

/** `regctl ARGS` in a child process whose open-file limit is NOFILE. */
async function regctlLimited(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  const script = `ulimit -n ${NOFILE} && exec node ${path.join(pkg.binDir, 'regctl.js')} --store '${storeDir}' ${quoted}`;
  try {
    const { stdout, stderr } = await run('bash', ['-c', script], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DOCKER_CONFIG: storeDir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe(`a store with ${ENTRIES} names under ulimit -n ${NOFILE}`, () => {
  it('images lists every name', async () => {
    const r = await regctlLimited('images', '--format', '{{.Tag}}');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(ENTRIES);
  }, 60_000);

  it('inspect, tag and rmi find their image among them', async () => {
    const inspected = await regctlLimited('inspect', '127.0.0.1:5000/many/app:v1234');
    expect(inspected.stderr).toBe('');
    expect(inspected.code).toBe(0);
    expect(JSON.parse(inspected.stdout)[0].RepoTags).toContain('127.0.0.1:5000/many/app:v1234');

    const tagged = await regctlLimited('tag', '127.0.0.1:5000/many/app:v7', '127.0.0.1:5000/many/app:new');
    expect(tagged.stderr).toBe('');
    expect(tagged.code).toBe(0);

    const removed = await regctlLimited('rmi', '127.0.0.1:5000/many/app:v8');
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Untagged: 127.0.0.1:5000/many/app:v8');
  }, 60_000);

  it('an error is still worded (the error path loads nothing from disk)', async () => {
    const r = await regctlLimited('inspect', '127.0.0.1:5000/many/app:absent');
    expect(r.stderr).toBe('Error: No such image: 127.0.0.1:5000/many/app:absent\n');
    expect(r.code).toBe(4);
  }, 60_000);
});

describe('when no file can be opened at all', () => {
  it('the error is still one Error: line and an exit code, not a stack trace', async () => {
    // Every descriptor used up before the command runs: its own code and the error wording
    // both fail to load, and main() must still answer.
    const script = `
      import fs from 'node:fs';
      const { main } = await import(${JSON.stringify(path.join(pkg.root, 'dist/cli/main.js'))});
      const held = [];
      try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch {}
      const code = await main(['--store', ${JSON.stringify(storeDir)}, 'images']);
      for (const fd of held) fs.closeSync(fd);
      process.stdout.write('exit ' + code + '\\n');
    `;
    const { stdout, stderr } = await run('bash', ['-c', `ulimit -n ${NOFILE} && exec node --input-type=module -e "$0"`, script]);
    expect(stderr).toMatch(/^Error: .*EMFILE.*\n$/);
    expect(stdout).toBe('exit 1\n');
  }, 60_000);
});

