// Runs one command and measures it as a whole process tree:
// - wall: Node's monotonic clock from spawn to exit (the same clock for every tool);
// - CPU (user+sys) and peak RSS: GNU time (`/usr/bin/time -f '%e %U %S %M' -o FILE`, Debian
//   package `time`), which reads wait4()'s rusage. user/sys include every waited-for descendant;
//   %M (max RSS) is the largest single process in the tree, in KiB.
// Without /usr/bin/time, CPU and RSS are reported as n/a and wall time is still measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const INSTALL_TIME_HINT = 'apt-get install -y --no-install-recommends time   # GNU time, for CPU and peak RSS';

export function haveGnuTime() {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/m.test(probe.stderr);
}

let timeAvailable;
let counter = 0;

/**
 * Runs `cmd args`; resolves { wall, user, sys, cpu, rssMiB, code, stdout, stderr }.
 * `registries` (objects with cpuSeconds()) are sampled before and after for regCpu.
 */
export async function measure(cmd, args, { env, cwd, tmpDir, registries = [], quietOutput = true } = {}) {
  timeAvailable ??= haveGnuTime();
  const timeFile = path.join(tmpDir ?? '/tmp', `bench-time-${process.pid}-${counter++}.txt`);
  const [file, argv] = timeAvailable ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const reg0 = registries.reduce((s, r) => s + r.cpuSeconds(), 0);
  const start = performance.now();
  const child = spawn(file, argv, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { if (!quietOutput || stdout.length < 65_536) stdout += c; });
  child.stderr.on('data', (c) => { if (!quietOutput || stderr.length < 262_144) stderr += c; });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? signal));
  });
  const wall = (performance.now() - start) / 1000;
  const regCpu = registries.reduce((s, r) => s + r.cpuSeconds(), 0) - reg0;
  let user = NaN;
  let sys = NaN;
  let rssMiB = NaN;
  if (timeAvailable && existsSync(timeFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figures when it fails.
    const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
    const [, u, s, m] = line.split(/\s+/).map(Number);
    user = u; sys = s; rssMiB = m / 1024;
    rmSync(timeFile, { force: true });
  }
  return { wall, user, sys, cpu: user + sys, rssMiB, regCpu, code, stdout, stderr };
}

/** Throws with the command's output when it failed: a benchmark of a failing command is meaningless. */
export function assertOk(result, label) {
  if (result.code !== 0) {
    throw new Error(`${label} failed (exit ${result.code})\n--- stdout\n${result.stdout.slice(-2000)}\n--- stderr\n${result.stderr.slice(-4000)}`);
  }
  return result;
}
