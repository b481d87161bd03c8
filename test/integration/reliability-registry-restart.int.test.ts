// A registry killed (SIGKILL by PID) in the middle of a push and restarted on the same port and
// storage: the push fails cleanly, the re-run completes, and it uploads only what the registry
// lacks (counted at a proxy); skopeo reads back the pushed image with every digest right.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LayoutStore } from '../../src/store/layout/layout-store.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process.js';
import { sha256, startRegctl } from '../helpers/reliability.js';
import { run } from '../helpers/run-process.js';
import { runCli } from '../helpers/run-cli.js';
import { putGeneratedImage } from '../helpers/store-image.js';
import { transpilePackage, type TranspiledPackage } from '../helpers/transpiled-dist.js';

const available = inject('registriesAvailable');
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

async function until(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!available)('reliability: registry restarted mid-push', () => {
  it('the re-run completes and uploads only the missing blobs', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'regctl-rel-restart-'));
    cleanup.push(() => rm(tmp, { recursive: true, force: true }));
    const pkg: TranspiledPackage = await transpilePackage();
    cleanup.push(() => pkg.remove());
    let registry: RunningRegistry = await startRegistry({ mode: 'open', parentDir: tmp });
    cleanup.push(() => registry.stop());
    const storageDir = registry.storageDir;
    const proxy: FaultProxy = await startFaultProxy(registry.url);
    cleanup.push(() => proxy.close());

    const store = await mkdtemp(path.join(tmp, 'store-'));
    const cfg = await mkdtemp(path.join(tmp, 'cfg-'));
    const ref = `${proxy.host}/restart/app:v1`;
    const image = await putGeneratedImage(await LayoutStore.open(store), ref, { layerSizes: [100_000, 3 * 1024 * 1024] });
    const small = image.manifests[0]!.layers[0]!;
    const big = image.manifests[0]!.layers[1]!;

    proxy.throttleUploads(1024 * 1024);
    const push = startRegctl(pkg.binDir, ['--config', cfg, '--store', store, 'push', ref]);
    // Kill once the small layer is committed and the big one is on its way.
    const committed = (digest: string) => proxy.requests.some((r) => r.method === 'PUT' && r.url.includes(`digest=${encodeURIComponent(digest)}`) && r.status === 201);
    const bigSent = () => proxy.requests.filter((r) => r.url.includes('/blobs/uploads/') && r.sent > 0).reduce((a, r) => Math.max(a, r.sent), 0);
    await until('the small layer committed and 300 KB of the big one sent', () => committed(small.digest) && bigSent() > 300_000);
    process.kill(registry.pid, 'SIGKILL');
    const failed = await push.exit;
    expect(failed.code, failed.stdout + failed.stderr).not.toBe(0);
    expect(failed.stderr).toMatch(/^Error: /m);
    expect(failed.stderr).not.toContain('internal error');
    expect(committed(big.digest)).toBe(false);

    registry = await startRegistry({ mode: 'open', parentDir: tmp, port: registry.port, storageDir });
    proxy.throttleUploads(undefined);
    const mark = proxy.requests.length;
    const r = await runCli(['--config', cfg, '--store', store, 'push', ref]);
    expect(r.code, r.stderr).toBe(0);
    const again = proxy.requests.slice(mark);
    const uploaded = again.filter((q) => q.url.includes('/blobs/uploads/')).reduce((a, q) => a + q.sent, 0);
    // The big layer and the config (a few hundred bytes); not the small layer again.
    expect(uploaded).toBeGreaterThanOrEqual(big.size);
    expect(uploaded).toBeLessThan(big.size + 10_000);
    expect(r.stdout).toContain('Layer already exists');

    const out = await mkdtemp(path.join(tmp, 'oci-'));
    await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', '--src-no-creds', `docker://${ref}`, `oci:${out}:x`]);
    for (const d of [small.digest, big.digest, image.manifests[0]!.configDigest, image.digest]) {
      expect(sha256(await readFile(path.join(out, 'blobs/sha256', d.slice(7))))).toBe(d);
    }
  }, 60_000);
});
