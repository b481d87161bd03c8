// What the numbers were measured on: they only mean something next to these facts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'n/a';
  }
}

export function loadAverage() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

export function machineInfo(root) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const flags = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(' ') ?? [];
  const undici = JSON.parse(readFileSync(new URL('../../node_modules/undici/package.json', import.meta.url), 'utf8')).version;
  const status = run('git', ['status', '--porcelain', '--untracked-files=no'], root);
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: `${model}${flags.includes('sha_ni') ? ' (SHA-NI)' : ''}`,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    kernel: os.release(),
    node: process.version,
    undici,
    skopeo: run('skopeo', ['--version']).replace(/^skopeo version /, ''),
    registry: `docker-registry ${run('docker-registry', ['--version']).split(/\s+/).pop()}`,
    commit: `${run('git', ['rev-parse', '--short', 'HEAD'], root)}${status && status !== 'n/a' ? ' (with uncommitted changes)' : ''}`,
  };
}
