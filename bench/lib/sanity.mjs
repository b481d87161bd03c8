// Yardsticks of the machine itself, recorded once per run and never gated (performance.md §4.10):
// loopback download with curl, sha256 with OpenSSL, and a 1 GiB write with fsync. If these move
// between runs, the ratios moved for reasons that have nothing to do with regctl.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { measure } from './measure.mjs';

export async function sanityFigures({ work, source, images }) {
  const lines = [];
  const big = images.big;
  if (spawnSync('curl', ['--version']).status === 0) {
    const args = ['-s', '--fail'];
    for (const b of big.blobs) args.push('-o', '/dev/null', `${source.url}/v2/bench/big/blobs/${b.digest}`);
    await measure('curl', args, { tmpDir: work }); // warm
    const r = await measure('curl', args, { tmpDir: work, registries: [source] });
    if (r.code === 0) lines.push(`curl GET of the big image's blobs, one after another: ${r.wall.toFixed(3)} s, ${(big.blobBytes / 1e9 / r.wall).toFixed(2)} GB/s (curl CPU ${r.cpu.toFixed(2)} s, registry CPU ${r.regCpu.toFixed(2)} s)`);
  }
  const ssl = spawnSync('openssl', ['speed', '-seconds', '1', '-bytes', '1048576', '-evp', 'sha256'], { encoding: 'utf8' });
  const speed = /^sha256\s+([\d.]+)k\s*$/m.exec(ssl.stdout ?? '');
  if (speed) lines.push(`openssl speed -evp sha256, 1 MiB blocks: ${(Number(speed[1]) * 1000 / 1e9).toFixed(2)} GB/s`);
  const file = path.join(work, 'dd.tmp');
  const dd = await measure('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=1024', 'conv=fsync', 'status=none'], { tmpDir: work });
  await rm(file, { force: true });
  if (dd.code === 0) lines.push(`dd 1 GiB of zeros, conv=fsync: ${dd.wall.toFixed(3)} s, ${(2 ** 30 / 1e9 / dd.wall).toFixed(2)} GB/s`);
  return lines;
}
