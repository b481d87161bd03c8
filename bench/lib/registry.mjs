// Starts Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1 port 0 with a given
// storage dir, finds the bound port in its `listening on` log line (info level is needed for
// that line; the access log is off so that per-request logging costs nothing), and reads the
// registry's own CPU time from /proc so a run can report what the server spent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these ticks.
const live = new Set();
process.once('exit', () => { for (const child of live) child.kill('SIGKILL'); });

function configYaml(storageDir) {
  return [
    'version: 0.1',
    'log:',
    '  level: info            # the bound port is only printed at info level',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: regctl-bench-only-secret',
    '',
  ].join('\n');
}

/** user+sys CPU seconds the process has used so far (0 once it is gone). */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

export async function startRegistry({ name, dir, storageDir }) {
  await mkdir(storageDir, { recursive: true });
  const configPath = path.join(dir, `${name}.yml`);
  await writeFile(configPath, configYaml(storageDir));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  env.REGISTRY_HTTP_ADDR = '127.0.0.1:0';
  const child = spawn('docker-registry', ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let log = '';
  const exited = new Promise((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no `listening on` line within 10 s')), 10_000);
    const onData = (chunk) => {
      log = (log + chunk.toString()).slice(-16_384);
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match) { clearTimeout(timer); resolve(Number(match[1])); }
    };
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`docker-registry ${name} did not start: ${error.message}\n${log}`));
    }
    // Keep draining both pipes for the registry's whole life, or it blocks on a full pipe.
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`exited with ${code ?? signal}`)));
  });
  return {
    name,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    storageDir,
    cpuSeconds: () => processCpuSeconds(child.pid),
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
