// `manifest create/annotate/push/rm/inspect` against the docker CLI 28 (its manifest commands run
// daemonless) on the open registry: for the same inputs both tools write the same local files,
// push the same bytes (same digest), push each other's local lists, and word errors the same.
// The inputs are demo/multi:v1's two platform images, copied under their own tags, once as OCI
// manifests and once converted to Docker schema 2 (skopeo --format v2s2).
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '../../src/client.js';
import { runCli } from '../helpers/run-cli.js';
import { run, runUnchecked, which } from '../helpers/run-process.js';

const available = inject('registriesAvailable');
const dockerPath = await which('docker');
if (!dockerPath && !process.env.CI) console.warn('skipping manifest list interop tests: no docker binary on PATH (the docker CLI client is enough)');

const dirs: string[] = [];
let binDir: string;
let host: string;
/** A namespace of this run's own, so reruns and other suites never meet its repositories. */
const ns = `mlist-${randomBytes(3).toString('hex')}`;

async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function docker(args: string[], configDir: string) {
  const env = { PATH: binDir, HOME: configDir, DOCKER_CONFIG: configDir, DOCKER_CLI_HINTS: 'false' };
  return runUnchecked(path.join(binDir, 'docker'), args, { env, timeoutMs: 60_000 });
}
const regctl = (args: string[], configDir: string) => runCli(args, { env: { DOCKER_CONFIG: configDir } });
/** docker needs --insecure for a plain-HTTP registry, even on 127.0.0.1; regctl treats loopback as insecure already. */
const insecure = (args: string[]) => [args[0]!, '--insecure', ...args.slice(1)];

const ref = (name: string) => `${host}/${ns}/${name}`;
const copyImage = (from: string, to: string, format?: 'v2s2') =>
  run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', ...(format ? ['--format', format] : []), `docker://${from}`, `docker://${to}`], { timeoutMs: 30_000 });

async function entryFiles(configDir: string, list: string): Promise<Record<string, string>> {
  const dir = path.join(configDir, 'manifests', list.replaceAll(':', '-').replaceAll('/', '_'));
  const names = (await fs.readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await fs.readFile(path.join(dir, n), 'utf8')] as const)));
}

/** The digest line `manifest push` prints last. */
const pushedDigest = (stdout: string) => stdout.trim().split('\n').at(-1)!;

beforeAll(async () => {
  if (!available || !dockerPath) return;
  binDir = await tempDir('regctl-mlist-bin-');
  await fs.symlink(dockerPath, path.join(binDir, 'docker'));
  host = inject('registries').open.host;
  const [amd64, arm64] = inject('seeded')['demo/multi:v1']!.manifests;
  const source = (digest: string) => `${host}/demo/multi@${digest}`;
  await Promise.all([
    copyImage(source(amd64!.digest), ref('img:amd64')),
    copyImage(source(arm64!.digest), ref('img:arm64')),
    copyImage(source(amd64!.digest), ref('v2:amd64'), 'v2s2'),
    copyImage(source(arm64!.digest), ref('v2:arm64'), 'v2s2'),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe.runIf(process.env.CI && !dockerPath)('docker CLI in CI', () => {
  it('is installed', () => expect.fail('the manifest list interop tests need the docker CLI (client only) in CI'));
});

describe.skipIf(!available || !dockerPath)('manifest lists: regctl and docker 28 side by side', () => {
  /** Runs the same manifest command with each tool, each on its own config dir. */
  async function both(args: string[], dirs: { ours: string; docker: string }, dockerArgs = args) {
    const [ours, theirs] = [await regctl(['manifest', ...args], dirs.ours), await docker(['manifest', ...dockerArgs], dirs.docker)];
    return { ours, theirs };
  }
  const configs = async () => ({ ours: await tempDir('regctl-mlist-ours-'), docker: await tempDir('regctl-mlist-docker-') });

  for (const [title, entries] of [
    ['two OCI images (an OCI index)', ['img:amd64', 'img:arm64']],
    ['two Docker schema 2 images (a Docker manifest list)', ['v2:arm64', 'v2:amd64']],
    ['OCI first, then Docker (docker lets the first entry decide)', ['v2:amd64', 'img:arm64']],
  ] as const) {
    it(`${title}: same local files, same inspect output, same pushed digest`, async () => {
      const d = await configs();
      const list = ref(`list-${entries.join('-').replaceAll(':', '')}:v1`);
      const create = ['create', list, ...entries.map(ref)];
      const created = await both(create, d, insecure(create));
      expect(created.ours).toMatchObject({ code: 0, stdout: `Created manifest list ${list}\n` });
      expect(created.theirs.stdout).toBe(created.ours.stdout);
      expect(await entryFiles(d.ours, list)).toEqual(await entryFiles(d.docker, list));

      for (const flags of [[], ['-v']]) {
        const inspected = await both(['inspect', ...flags, list], d);
        expect(inspected.ours.code).toBe(0);
        expect(inspected.ours.stdout).toBe(inspected.theirs.stdout);
      }

      const ours = await regctl(['manifest', 'push', list], d.ours);
      expect(ours.code, ours.stderr).toBe(0);
      const theirs = await docker(['manifest', 'push', '--insecure', list], d.docker);
      expect(theirs.code, theirs.stderr).toBe(0);
      // Entries from another repository: mounted, pushed by digest, reported in docker's lines.
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stdout).toMatch(new RegExp(`^Pushed ref ${host}/${ns}/list-[^@]+@sha256:[0-9a-f]{64} with digest: sha256:`));
      expect(pushedDigest(ours.stdout)).toMatch(/^sha256:[0-9a-f]{64}$/);
    });
  }

  it('annotate: the same flags give the same files and the same list digest', async () => {
    const d = await configs();
    const list = ref('annotated:v1');
    const create = ['create', list, ref('img:amd64'), ref('img:arm64')];
    await both(create, d, insecure(create));
    const annotations = [
      ['--arch', 'arm', '--variant', 'v7', ref('img:arm64')],
      ['--os-features', 'a,b', '--os-features', 'x<y&z', '--os-version', '10.0.1', ref('img:amd64')],
    ];
    for (const flags of annotations) {
      const annotated = await both(['annotate', list, flags.at(-1)!, ...flags.slice(0, -1)], d);
      expect(annotated.ours.code, annotated.ours.stderr).toBe(0);
      expect(annotated.theirs.code, annotated.theirs.stderr).toBe(0);
    }
    expect(await entryFiles(d.ours, list)).toEqual(await entryFiles(d.docker, list));
    const inspected = await both(['inspect', list], d);
    expect(inspected.ours.stdout).toBe(inspected.theirs.stdout);
    expect(inspected.ours.stdout).toContain('"x\\u003cy\\u0026z"');
    const ours = await regctl(['manifest', 'push', list], d.ours);
    const theirs = await docker(['manifest', 'push', '--insecure', list], d.docker);
    expect(pushedDigest(ours.stdout)).toBe(pushedDigest(theirs.stdout));
  });

  it("each tool pushes the other's local list, and reads what the other pushed", async () => {
    const shared = await tempDir('regctl-mlist-shared-');
    const byDocker = ref('made-by-docker:v1');
    const byRegctl = ref('made-by-regctl:v1');
    expect((await docker(['manifest', 'create', '--insecure', byDocker, ref('v2:amd64'), ref('v2:arm64')], shared)).code).toBe(0);
    expect((await regctl(['manifest', 'create', byRegctl, ref('v2:amd64'), ref('v2:arm64')], shared)).code).toBe(0);
    expect((await regctl(['manifest', 'annotate', '--variant', 'v8', byDocker, ref('v2:arm64')], shared)).code).toBe(0);
    expect((await docker(['manifest', 'annotate', '--variant', 'v8', byRegctl, ref('v2:arm64')], shared)).code).toBe(0);

    const pushedByRegctl = await regctl(['manifest', 'push', '--purge', byDocker], shared);
    expect(pushedByRegctl.code, pushedByRegctl.stderr).toBe(0);
    const pushedByDocker = await docker(['manifest', 'push', '--insecure', '--purge', byRegctl], shared);
    expect(pushedByDocker.code, pushedByDocker.stderr).toBe(0);
    expect(pushedDigest(pushedByRegctl.stdout)).toBe(pushedDigest(pushedByDocker.stdout));
    expect(await fs.readdir(path.join(shared, 'manifests'))).toEqual([]); // --purge, both ways

    // Remote now: docker reads what regctl pushed, and both print the index the same way.
    for (const list of [byDocker, byRegctl]) {
      const theirs = await docker(['manifest', 'inspect', '--insecure', list], shared);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect((await regctl(['manifest', 'inspect', list], shared)).stdout).toBe(theirs.stdout);
      expect(theirs.stdout).toContain('"variant": "v8"');
    }
    const seeded = await docker(['manifest', 'inspect', '--insecure', `${host}/demo/multi:v1`], shared);
    expect((await regctl(['manifest', 'inspect', `${host}/demo/multi:v1`], shared)).stdout).toBe(seeded.stdout);
  });

  it('the library: RegistryClient makes, annotates and pushes the list docker makes', async () => {
    const d = await configs();
    const list = ref('library:v1');
    const client = new RegistryClient({ configDir: d.ours, credentials: false });
    try {
      const created = await client.createManifestList(list, [ref('v2:amd64'), ref('img:arm64')]);
      expect(created.entries.map((e) => e.ref)).toEqual([ref('img:arm64'), ref('v2:amd64')]); // file name order
      await client.annotateManifestList(list, ref('img:arm64'), { variant: 'v8.2' });
      await expect(client.createManifestList(list, [ref('v2:arm64')])).rejects.toMatchObject({ name: 'ManifestListError', reason: 'list-exists', code: 'REGCTL_USAGE' });
      await expect(client.createManifestList(ref('x:1'), [`${host}/demo/multi:v1`])).rejects.toMatchObject({ reason: 'entry-is-list' });
      const pushedRefs: string[] = [];
      const pushed = await client.pushManifestList(list, { purge: true, onManifestPushed: (m) => pushedRefs.push(m.ref) });
      expect(pushedRefs).toEqual(pushed.manifests.map((m) => m.ref));
      await expect(client.getManifestList(list)).rejects.toMatchObject({ reason: 'list-not-found', code: 'REGCTL_NOT_FOUND' });

      const create = ['create', '--insecure', list, ref('v2:amd64'), ref('img:arm64')];
      expect((await docker(['manifest', ...create], d.docker)).code).toBe(0);
      expect((await docker(['manifest', 'annotate', '--variant', 'v8.2', list, ref('img:arm64')], d.docker)).code).toBe(0);
      const theirs = await docker(['manifest', 'push', '--insecure', list], d.docker);
      expect(pushedDigest(theirs.stdout)).toBe(pushed.digest);
    } finally {
      await client.close();
    }
  });

  it("errors in docker's words", async () => {
    const d = await configs();
    const list = ref('errors:v1');
    const create = ['create', list, ref('img:amd64')];
    await both(create, d, insecure(create));
    const cases: { args: string[]; exit: number }[] = [
      { args: ['create', list, ref('img:arm64')], exit: 2 },
      { args: ['create', ref('other:v1'), `${host}/demo/multi:v1`], exit: 1 },
      { args: ['create', ref('other:v1'), ref('img:nope')], exit: 4 },
      { args: ['create', ref('other:v1'), `${host}/${ns}/nope:v1`], exit: 4 },
      { args: ['annotate', list, ref('img:arm64'), '--arch', 'arm'], exit: 4 },
      { args: ['annotate', list, ref('img:amd64'), '--arch', 'loong64'], exit: 2 },
      { args: ['annotate', list, ref('img:amd64'), '--os', 'plan10'], exit: 2 },
      { args: ['push', ref('nothing:v1')], exit: 4 },
      { args: ['rm', ref('nothing:v1'), ref('nothing:v2')], exit: 4 },
    ];
    for (const { args, exit } of cases) {
      const dockerArgs = args[0] === 'create' || args[0] === 'push' ? insecure(args) : args;
      const { ours, theirs } = await both(args, d, dockerArgs);
      expect(theirs.code, theirs.stdout).toBe(1);
      expect({ args, code: ours.code, stderr: ours.stderr }).toEqual({ args, code: exit, stderr: `Error: ${theirs.stderr}` });
    }
    // A create that fails on its second entry: docker keeps the first, regctl writes nothing.
    const partial = ['create', ref('partial:v1'), ref('img:amd64'), ref('img:nope')];
    const failed = await both(partial, d, insecure(partial));
    expect(failed.ours.stderr).toBe(`Error: ${failed.theirs.stderr}`);
    const safe = (name: string) => name.replaceAll(':', '-').replaceAll('/', '_');
    expect(await fs.readdir(path.join(d.ours, 'manifests'))).toEqual([safe(list)]);
    expect((await fs.readdir(path.join(d.docker, 'manifests'))).sort()).toEqual([safe(list), safe(ref('partial:v1'))].sort());
  });

  it('an entry from another registry cannot be pushed (both tools, same words)', async () => {
    const d = await configs();
    const list = ref('cross:v1');
    const create = ['create', list, ref('img:amd64')];
    await both(create, d, insecure(create));
    // Pretend the entry came from another registry: its Ref names another host.
    for (const dir of [d.ours, d.docker]) {
      const files = await entryFiles(dir, list);
      const [name, text] = Object.entries(files)[0]!;
      const listDir = path.join(dir, 'manifests', list.replaceAll(':', '-').replaceAll('/', '_'));
      await fs.writeFile(path.join(listDir, name), text.replace(`"Ref":"${host}/`, '"Ref":"registry.example.com:5000/'));
    }
    const { ours, theirs } = await both(['push', list], d, ['push', '--insecure', list]);
    expect(theirs.stderr).toBe(`cannot use source images from a different registry than the target image: registry.example.com:5000 != ${host}\n`);
    expect(ours).toMatchObject({ code: 1, stderr: `Error: ${theirs.stderr}` });
    const inspected = await both(['inspect', list], d);
    expect(inspected.ours.stderr).toBe(`Error: ${inspected.theirs.stderr}`);
  });
});
