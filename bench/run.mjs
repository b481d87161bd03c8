#!/usr/bin/env node
// `npm run bench`: regctl against skopeo (and a bare-minimum Node script) on the same images,
// same registries, same run, alternating tools in every round. Never part of `npm test`.
//
// Environment knobs:
//   BENCH_PAIRS=5 BENCH_WARMUP=1            rounds per operation, after warm-up rounds
//   BENCH_START_PAIRS=20 BENCH_START_WARMUP=3   `regctl --version` vs `node -e 0`
//   BENCH_ONLY=pull-big,pull-small,start    run only these operations (ids as in the table; also `sanity`)
//   BENCH_SANITY=0                          skip the curl / openssl / dd sanity figures
//   BENCH_VARIANTS=name=path/to/bin.js,...  extra regctl builds timed in the same rounds (lever experiments;
//                                           one named `baseline` gets a regctl / baseline table: "no slower")
//   BENCH_RESULTS=bench/results.md          where to write the markdown table
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAppendDir, ensureImages } from './lib/images.mjs';
import { loadAverage, machineInfo } from './lib/machine.mjs';
import { assertOk, haveGnuTime, INSTALL_TIME_HINT, measure } from './lib/measure.mjs';
import { defineOps } from './lib/ops.mjs';
import { startRegistry } from './lib/registry.mjs';
import { renderReport } from './lib/report.mjs';
import { sanityFigures } from './lib/sanity.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = path.join(ROOT, 'bench', 'work');
const int = (name, fallback) => (process.env[name] ? Number.parseInt(process.env[name], 10) : fallback);
const config = {
  pairs: int('BENCH_PAIRS', 5),
  warmup: int('BENCH_WARMUP', 1),
  startPairs: int('BENCH_START_PAIRS', 20),
  startWarmup: int('BENCH_START_WARMUP', 3),
  only: process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined,
  bareConcurrency: 4,
};
const wanted = (id) => !config.only || config.only.has(id);
const log = (...args) => console.error(...args);
const started = performance.now();
process.once('SIGINT', () => process.exit(130)); // runs the registries' exit handler

function preflight() {
  for (const [cmd, pkg] of [['docker-registry', 'docker-registry'], ['skopeo', 'skopeo']]) {
    if (spawnSync(cmd, ['--version']).status !== 0) throw new Error(`${cmd} not found: apt-get install -y --no-install-recommends ${pkg}`);
  }
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)');
  if (!haveGnuTime()) log(`warning: GNU time not found, CPU and peak RSS will be n/a. Install it: ${INSTALL_TIME_HINT}`);
}

function regctlHas(command, env) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/regctl.js'), command, '--help'], { encoding: 'utf8', env });
  // An unknown command prints the root help with exit 0, so look for the command's own usage line.
  const ok = r.status === 0 && r.stdout.includes(`Usage: regctl ${command}`);
  return { ok, quiet: ok && /-q, --quiet/.test(r.stdout) };
}

async function runOp(op, registries, results) {
  const rounds = (op.startup ? config.startWarmup + config.startPairs : config.warmup + config.pairs);
  const warm = op.startup ? config.startWarmup : config.warmup;
  results[op.id] = Object.fromEntries(op.tools.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    const line = [];
    for (const tool of op.tools) {
      await tool.prep();
      const r = assertOk(await measure(tool.cmd, tool.args, { env: tool.env, cwd: ROOT, tmpDir: WORK, registries }), `${op.id} ${tool.name}`);
      if (round >= warm) results[op.id][tool.name].push({ wall: r.wall, cpu: r.cpu, rssMiB: r.rssMiB, regCpu: r.regCpu });
      line.push(`${tool.name} ${r.wall.toFixed(3)}s`);
    }
    if (!op.startup || round === rounds - 1) log(`  ${op.id} round ${round + 1}/${rounds}${round < warm ? ' (warm-up)' : ''}: ${line.join(', ')}`);
  }
}

/** Runs regctl with --debug and counts the request lines that match `pattern` (blob bytes moved). */
async function countRequests(args, env, pattern) {
  const r = assertOk(await measure(process.execPath, [path.join(ROOT, 'bin/regctl.js'), '--debug', ...args], { env, cwd: ROOT, tmpDir: WORK }), `regctl ${args.join(' ')}`);
  return r.stderr.split('\n').filter((l) => pattern.test(l)).length;
}

async function main() {
  preflight();
  const loadBefore = loadAverage();
  const machine = machineInfo(ROOT);
  await mkdir(WORK, { recursive: true });
  const images = await ensureImages(WORK, log);
  const env = { ...process.env, DOCKER_CONFIG: path.join(WORK, 'docker-config'), REGCTL_STORE: path.join(WORK, 'default-store') };
  await mkdir(env.DOCKER_CONFIG, { recursive: true });
  const source = await startRegistry({ name: 'source', dir: WORK, storageDir: path.join(WORK, 'registry-source') });
  const target = await startRegistry({ name: 'target', dir: WORK, storageDir: path.join(WORK, 'registry-target') });
  const notes = [];
  const checks = {};
  const results = {};
  const sanity = [];
  try {
    log(`registries: source ${source.host}, target ${target.host}`);
    for (const img of Object.keys(images)) {
      assertOk(await measure('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${images[img].dir}:latest`, `docker://${source.host}/bench/${img}:latest`], { tmpDir: WORK }), `seed ${img}`);
    }
    const push = regctlHas('push', env);
    const copy = regctlHas('copy', env);
    if (!push.ok) notes.push('`regctl push` does not exist yet: push rows show skopeo and the bare Node script only.');
    if (!copy.ok) notes.push('`regctl copy` does not exist yet (issue 7): copy operations were skipped.');
    const variants = (process.env.BENCH_VARIANTS ?? '').split(',').filter(Boolean).map((spec) => {
      const [name, bin] = spec.split('=');
      return { name, bin: path.resolve(ROOT, bin) };
    });
    const regctl = [{ name: 'regctl', bin: path.join(ROOT, 'bin/regctl.js') }, ...variants];
    const pushStore = path.join(WORK, 'push-store');
    const save = regctlHas('save', env);
    const saveArchive = path.join(WORK, 'saved-big.tar');
    const appendDir = regctlHas('append', env).ok && wanted('append-big') ? await ensureAppendDir(WORK) : undefined;
    const buildah = spawnSync('buildah', ['--version']).status === 0;
    if (appendDir && !buildah) notes.push('buildah not found (`apt-get install -y buildah`): the append row has no buildah yardstick.');
    const ops = defineOps({ root: ROOT, work: WORK, images, source, target, env, regctl, pushStore, saveArchive, appendDir, bareConcurrency: config.bareConcurrency, capabilities: { push: push.ok, pushQuiet: push.quiet, copy: copy.ok, copyQuiet: copy.quiet, save: save.ok, buildah } });
    const fromPushStore = ops.some((op) => ['push', 'save', 'load'].includes(op.kind) && wanted(op.id));
    if (push.ok && fromPushStore) {
      for (const img of Object.keys(images)) { // regctl pushes from its store: pull once, tag for the target (untimed)
        const src = `${source.host}/bench/${img}:latest`;
        assertOk(await measure(process.execPath, ['bin/regctl.js', '--store', pushStore, 'pull', '-q', src], { env, cwd: ROOT }), `push-store pull ${img}`);
        assertOk(await measure(process.execPath, ['bin/regctl.js', '--store', pushStore, 'tag', src, `${target.host}/bench/${img}:latest`], { env, cwd: ROOT }), `push-store tag ${img}`);
      }
      // load's input (untimed): the big image as regctl save writes it.
      if (save.ok) assertOk(await measure(process.execPath, ['bin/regctl.js', '--store', pushStore, 'save', '-o', saveArchive, `${source.host}/bench/big:latest`], { env, cwd: ROOT }), 'save archive for load');
    }
    for (const op of ops) {
      if (!wanted(op.id)) continue;
      if (op.kind === 'copy' && op.skipped) { log(`${op.id}: skipped (${op.skipped})`); continue; }
      if (op.skipped) log(`${op.id}: note: ${op.skipped}; timing the other tools`);
      log(`${op.id}: ${op.tools.map((t) => t.name).join(' / ')}`);
      await runOp(op, [source, target], results);
      if (op.id === 'pull-big' && results[op.id].regctl) {
        checks.repull = await countRequests(['--store', path.join(WORK, 'out', 'regctl'), 'pull', '-q', `${source.host}/bench/big:latest`], env, /^DEBUG: GET \S+\/blobs\/sha256:/);
      }
      if (op.id === 'push-big' && push.ok) {
        checks.repush = await countRequests(['--store', pushStore, 'push', `${target.host}/bench/big:latest`], env, /^DEBUG: (POST|PATCH|PUT) \S+\/blobs\/uploads\//);
      }
      if (op.id === 'append-big' && results[op.id].regctl) {
        await rm(path.join(source.storageDir, 'docker', 'registry', 'v2', 'repositories', 'bench', 'appended'), { recursive: true, force: true });
        checks.appendGets = await countRequests(['append', '-q', `${source.host}/bench/big:latest`, `${source.host}/bench/appended:latest`, '--layer', `${appendDir}:/app`], env, /^DEBUG: GET \S+\/blobs\/sha256:/);
      }
      await op.cleanup?.();
    }
    if (process.env.BENCH_SANITY !== '0' && wanted('sanity')) sanity.push(...(await sanityFigures({ work: WORK, source, images })));
    const report = renderReport({
      machine, load: { before: loadBefore, after: loadAverage() }, config, ops, results, checks, notes, sanity,
      main: 'regctl', elapsedS: (performance.now() - started) / 1000,
    });
    const out = path.resolve(ROOT, process.env.BENCH_RESULTS ?? 'bench/results.md');
    await writeFile(out, report);
    await writeFile(path.join(WORK, `results-${machine.date.replace(/[:.]/g, '-')}.json`), JSON.stringify({ machine, config: { ...config, only: config.only && [...config.only] }, results, checks }, null, 2));
    process.stdout.write(report);
    log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    await Promise.all([source.stop(), target.stop()]);
    await rm(path.join(WORK, 'out'), { recursive: true, force: true });
  }
}

main().catch((err) => {
  log(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
