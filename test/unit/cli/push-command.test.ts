// `regctl push` through the CLI against the in-memory registry (no harness): usage errors,
// the missing-image message, docker's plain output, --progress json and -q.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../src/cli/progress/push-words.js';
import { LayoutStore } from '../../../src/store/layout/layout-store.js';
import { runCli } from '../../helpers/run-cli.js';
import { pushId, putGeneratedImage } from '../../helpers/store-image.js';
import { startUploadRegistry } from '../../helpers/upload-registry.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function setup() {
  const dir = await mkdtemp(path.join(tmpdir(), 'regctl-push-cli-'));
  const reg = await startUploadRegistry();
  cleanup.push(() => reg.close(), () => rm(dir, { recursive: true, force: true }));
  const cli = (args: string[]) => runCli(['--config', dir, '--store', path.join(dir, 'store'), ...args]);
  return { dir, reg, cli, store: () => LayoutStore.open(path.join(dir, 'store')) };
}

describe('regctl push', () => {
  it('refuses digests, -a with a tag and a bad --chunk-size (exit 2)', async () => {
    const { cli } = await setup();
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(await cli(['push', `127.0.0.1:1/x@${digest}`])).toMatchObject({ code: 2, stderr: 'Error: cannot push a digest reference\n' });
    expect(await cli(['push', '-a', '127.0.0.1:1/x:v1'])).toMatchObject({ code: 2, stderr: "Error: tag can't be used with --all-tags/-a\n" });
    expect((await cli(['push', '--chunk-size', '0', '127.0.0.1:1/x'])).code).toBe(2);
  });

  it('reports an image that is not in the store like docker, exit 4, without touching the registry', async () => {
    const { reg, cli } = await setup();
    const r = await cli(['push', `${reg.host}/team/app`]);
    expect(r).toEqual({
      code: 4,
      stdout: `Using default tag: latest\nThe push refers to repository [${reg.host}/team/app]\n`,
      stderr: `Error: An image does not exist locally with the tag: ${reg.host}/team/app\n`,
    });
    expect(reg.requests).toEqual([]);
  });

  it('prints docker\'s lines, and the manifest digest and size last', async () => {
    const { reg, cli, store } = await setup();
    const name = `${reg.host}/team/app:1.0`;
    const image = await putGeneratedImage(await store(), name, { layerSizes: [1000] });
    const id = pushId(image.manifests[0]!.layers[0]!);
    const r = await cli(['push', name]);
    expect(r).toEqual({
      code: 0,
      stdout: [`The push refers to repository [${reg.host}/team/app]`, `${id}: Preparing`, `${id}: Pushed`, `1.0: digest: ${image.digest} size: ${image.size}`, ''].join('\n'),
      stderr: '',
    });
  });

  it('--progress json prints only events; -q prints only the reference', async () => {
    const { reg, cli, store } = await setup();
    const name = `${reg.host}/team/app:latest`;
    const image = await putGeneratedImage(await store(), name);
    const json = await cli(['push', '--progress', 'json', `${reg.host}/team/app`]);
    expect(json.code, json.stderr).toBe(0);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as PushEvent);
    expect(events[0]).toEqual({ type: 'pushing', ref: name, repository: `${reg.host}/team/app`, tag: 'latest' });
    expect(events.at(-1)).toEqual({ type: 'done', ref: name, tag: 'latest', digest: image.digest, size: image.size });
    expect(await cli(['push', '-q', `${reg.host}/team/app`])).toEqual({ code: 0, stdout: `${name}\n`, stderr: '' });
  });
});
