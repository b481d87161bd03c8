// The operations the benchmark times. Each operation lists its tools (regctl, the skopeo
// yardstick, the bare Node floor, optional regctl variants); every tool has an untimed
// `prep` (empty output store / wiped target registry) and the command that is timed.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

export async function wipeRegistry(registry) {
  // The registry keeps no blob cache (none is configured), so an empty directory is an empty registry.
  await rm(path.join(registry.storageDir, 'docker'), { recursive: true, force: true });
}

/**
 * ctx: { root, work, images, source, target, regctl: [{name, bin}], bareConcurrency,
 *        capabilities: { push, pushQuiet, copy, copyQuiet, save }, pushStore, saveArchive, env }
 */
export function defineOps(ctx) {
  const { root, work, images, source, target, env } = ctx;
  const out = (tool) => path.join(work, 'out', tool);
  const srcRef = (img) => `${source.host}/bench/${img}:latest`;
  const dstRef = (img) => `${target.host}/bench/${img}:latest`;
  const node = (args) => ({ cmd: process.execPath, args, env });
  const ops = [];

  for (const img of ['big', 'many', 'small']) {
    const tools = ctx.regctl.map(({ name, bin }) => ({
      name,
      prep: () => rm(out(name), { recursive: true, force: true }),
      ...node([bin, '--store', out(name), 'pull', '-q', srcRef(img)]),
    }));
    tools.push({
      name: 'skopeo',
      prep: () => rm(out('skopeo'), { recursive: true, force: true }),
      cmd: 'skopeo', args: ['copy', '--src-tls-verify=false', `docker://${srcRef(img)}`, `oci:${out('skopeo')}:latest`], env,
    });
    tools.push({
      name: 'bare',
      prep: () => rm(out('bare'), { recursive: true, force: true }),
      ...node([path.join(root, 'bench/bare-pull.mjs'), source.url, `bench/${img}`, 'latest', out('bare'), String(ctx.bareConcurrency)]),
    });
    tools.push({
      name: 'bare-http',
      prep: () => rm(out('bare-http'), { recursive: true, force: true }),
      ...node([path.join(root, 'bench/bare-pull.mjs'), source.url, `bench/${img}`, 'latest', out('bare-http'), String(ctx.bareConcurrency), 'node']),
    });
    ops.push({ id: `pull-${img}`, kind: 'pull', image: img, bytes: images[img].blobBytes, tools,
      cleanup: () => rm(path.join(work, 'out'), { recursive: true, force: true }) });
  }

  for (const img of ['big', 'many', 'small']) {
    const wipe = () => wipeRegistry(target);
    const tools = [];
    if (ctx.capabilities.push) {
      for (const { name, bin } of ctx.regctl) {
        tools.push({ name, prep: wipe, ...node([bin, '--store', ctx.pushStore, 'push', ...(ctx.capabilities.pushQuiet ? ['-q'] : []), dstRef(img)]) });
      }
    }
    tools.push({ name: 'skopeo', prep: wipe, cmd: 'skopeo', args: ['copy', '--dest-tls-verify=false', `oci:${images[img].dir}:latest`, `docker://${dstRef(img)}`], env });
    tools.push({ name: 'bare', prep: wipe, ...node([path.join(root, 'bench/bare-push.mjs'), images[img].dir, 'latest', target.url, `bench/${img}`, String(ctx.bareConcurrency)]) });
    ops.push({ id: `push-${img}`, kind: 'push', image: img, bytes: images[img].blobBytes, tools, skipped: ctx.capabilities.push ? undefined : 'regctl push does not exist yet' });
  }

  for (const img of ['big', 'many', 'small']) {
    const wipe = () => wipeRegistry(target);
    const tools = [];
    if (ctx.capabilities.copy) {
      for (const { name, bin } of ctx.regctl) tools.push({ name, prep: wipe, ...node([bin, 'copy', ...(ctx.capabilities.copyQuiet ? ['-q'] : []), srcRef(img), dstRef(img)]) });
    }
    tools.push({ name: 'skopeo', prep: wipe, cmd: 'skopeo', args: ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${srcRef(img)}`, `docker://${dstRef(img)}`], env });
    ops.push({ id: `copy-${img}`, kind: 'copy', image: img, bytes: images[img].blobBytes, tools, skipped: ctx.capabilities.copy ? undefined : 'regctl copy does not exist yet (issue 7)' });
  }

  // The location seam's own path: an OCI layout directory straight to a registry, against regctl's
  // push of the same image from its store (issue 15: within 1.05x) and skopeo's oci: -> docker://.
  if (ctx.capabilities.copy && ctx.capabilities.push) {
    const wipe = () => wipeRegistry(target);
    const [main] = ctx.regctl;
    ops.push({
      id: 'oci-push-big', kind: 'push', image: 'big', bytes: images.big.blobBytes,
      tools: [
        { name: main.name, prep: wipe, ...node([main.bin, 'copy', '-q', `oci:${images.big.dir}:latest`, dstRef('big')]) },
        { name: 'skopeo', prep: wipe, cmd: 'skopeo', args: ['copy', '--dest-tls-verify=false', `oci:${images.big.dir}:latest`, `docker://${dstRef('big')}`], env },
        { name: 'push', prep: wipe, ...node([main.bin, '--store', ctx.pushStore, 'push', '-q', dstRef('big')]) },
      ],
    });
  }

  // save and load (issue 15: they run on the transfer engine too). skopeo's yardstick is the same
  // work in its terms: a layout's blobs into one tar (oci-archive), and a tar's blobs into a layout.
  // skopeo's docker-archive would decompress every layer, a different job.
  if (ctx.capabilities.save) {
    const tarOf = (tool) => path.join(work, 'out', `${tool}.tar`);
    const fresh = (tool) => async () => {
      await rm(tarOf(tool), { force: true });
      await mkdir(path.dirname(tarOf(tool)), { recursive: true });
    };
    const saveTools = ctx.regctl.map(({ name, bin }) => ({
      name,
      prep: fresh(name),
      ...node([bin, '--store', ctx.pushStore, 'save', '-o', tarOf(name), srcRef('big')]),
    }));
    saveTools.push({ name: 'skopeo', prep: fresh('skopeo'), cmd: 'skopeo', args: ['copy', `oci:${images.big.dir}:latest`, `oci-archive:${tarOf('skopeo')}:latest`], env });
    ops.push({ id: 'save-big', kind: 'save', image: 'big', bytes: images.big.blobBytes, tools: saveTools,
      cleanup: () => rm(path.join(work, 'out'), { recursive: true, force: true }) });

    const loadTools = ctx.regctl.map(({ name, bin }) => ({
      name,
      prep: () => rm(out(name), { recursive: true, force: true }),
      ...node([bin, '--store', out(name), 'load', '-q', '-i', ctx.saveArchive]),
    }));
    loadTools.push({ name: 'skopeo', prep: () => rm(out('skopeo'), { recursive: true, force: true }), cmd: 'skopeo', args: ['copy', `oci-archive:${ctx.saveArchive}:latest`, `oci:${out('skopeo')}:latest`], env });
    ops.push({ id: 'load-big', kind: 'load', image: 'big', bytes: images.big.blobBytes, tools: loadTools,
      cleanup: () => rm(path.join(work, 'out'), { recursive: true, force: true }) });
  }

  // append (issue 18): a 100 MiB directory onto the big base (4 x 256 MiB) on the same registry,
  // against buildah's daemonless build of the same thing (from + copy + commit + push, vfs driver,
  // fresh storage every round: buildah downloads the base, regctl mounts it). The target
  // repository is removed before each round so the new layer is uploaded every time.
  if (ctx.appendDir) {
    const appRepo = path.join(source.storageDir, 'docker', 'registry', 'v2', 'repositories', 'bench', 'appended');
    const wipeApp = () => rm(appRepo, { recursive: true, force: true });
    const appRef = `${source.host}/bench/appended:latest`;
    const tools = ctx.regctl.map(({ name, bin }) => ({ name, prep: wipeApp, ...node([bin, 'append', '-q', srcRef('big'), appRef, '--layer', `${ctx.appendDir}:/app`]) }));
    if (ctx.capabilities.buildah) {
      const root = path.join(work, 'out', 'buildah');
      const b = `buildah --storage-driver vfs --root ${root}/root --runroot ${root}/run`;
      const script = `set -e; c=$(${b} from -q --tls-verify=false docker://${srcRef('big')}); ${b} copy -q "$c" ${ctx.appendDir} /app; ${b} commit -q "$c" bench-appended >/dev/null; ${b} push -q --tls-verify=false bench-appended docker://${appRef}`;
      // buildah refuses a DOCKER_CONFIG without a config.json (the bench's is empty): its own default then.
      const { DOCKER_CONFIG: _unused, ...buildahEnv } = env;
      tools.push({ name: 'buildah', prep: async () => { await wipeApp(); await rm(root, { recursive: true, force: true }); }, cmd: 'sh', args: ['-c', script], env: buildahEnv });
    }
    ops.push({ id: 'append-big', kind: 'append', image: 'big', bytes: 100 * 1024 * 1024, tools,
      cleanup: () => rm(path.join(work, 'out'), { recursive: true, force: true }) });
  }

  const startup = [
    ...ctx.regctl.map(({ name, bin }) => ({ name, prep: async () => {}, ...node([bin, '--version']) })),
    { name: 'node -e 0', prep: async () => {}, ...node(['-e', '0']) },
  ];
  ops.push({ id: 'start', kind: 'start', tools: startup, startup: true });
  return ops;
}
