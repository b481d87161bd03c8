// vitest global setup for the integration project: test PKI, the in-process token
// server, four docker-registry processes (open, htpasswd, token, tls) and seeded
// images, all on 127.0.0.1 with ephemeral ports. Tests read everything with
// inject() (see provided.ts). Missing binaries fail the run under CI and skip
// the integration tests elsewhere.
import { rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateCerts, type TestCerts } from './certs.js';
import { embeddedOpenRequested, startEmbeddedRegistry } from './embedded-registry.js';
import { buildOciLayout, type BuiltImage } from './oci-builder.js';
import type { ProvidedContext } from 'vitest';
import type { HarnessFiles, RegistryEndpoint, SeededImages } from './provided.js';
import { DEFAULT_HTPASSWD, startRegistry, type RunningRegistry, type StartRegistryOptions } from './registry-process.js';
import { which } from './run-process.js';
import { seedImages, type SeedTarget } from './seed.js';
import { startTokenServer, type TokenServer } from './token-server.js';
import { USERS } from './users.js';

const SEEDS = [
  { repository: 'library/busybox', tag: 'latest' },
  { repository: 'public/hello', tag: 'v1' },
  { repository: 'private/hello', tag: 'v1' },
  { repository: 'demo/hello', tag: 'v1' },
  { repository: 'demo/multi', tag: 'v1', multiPlatform: true },
  { repository: 'bob/hello', tag: 'v1' },
] as const;
const ALICE = `${USERS.alice.username}:${USERS.alice.password}`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const missing = await missingBinaries(['docker-registry', 'skopeo', 'openssl']);
  if (missing.length > 0) {
    const reason = `integration tests skipped: ${missing.join(', ')} not on PATH (apt-get install docker-registry skopeo openssl, or run .ci/run)`;
    if (isCi()) throw new Error(`CI is set and ${reason}`);
    console.warn(`[harness] ${reason}`);
    provideAll(project, placeholders(reason));
    return async () => {};
  }

  const workDir = await mkdtemp(path.join(tmpdir(), 'regctl-harness-'));
  const registries: RunningRegistry[] = [];
  let tokenServer: TokenServer | undefined;
  // Interrupted runs skip teardown: the registries die with us (registry-process.ts), and this removes the files.
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);
  const teardown = async () => {
    await Promise.allSettled(registries.map((r) => r.stop()));
    await tokenServer?.close();
    await rm(workDir, { recursive: true, force: true });
    process.off('exit', removeWorkDir);
  };
  const timed = async <T>(name: string, work: Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await work;
    timings[name] = Math.round(performance.now() - started);
    return value;
  };

  try {
    const certsP = timed('certs', generateCerts(path.join(workDir, 'certs')));
    const layoutsP = timed('layouts', buildLayouts(path.join(workDir, 'layouts')));
    const launch = async (options: StartRegistryOptions) => {
      const registry = await startRegistry({ ...options, parentDir: workDir });
      registries.push(registry);
      timings[`start:${registry.mode}`] = Math.round(registry.startMs);
      return registry;
    };
    // Each registry is seeded as soon as it and the layouts are ready.
    const seed = async (registry: RunningRegistry, target: Omit<SeedTarget, 'host'>) => {
      const images = (await layoutsP).map((built, i) => ({
        layoutDir: built.layoutDir, layoutTag: built.tag, destination: `${SEEDS[i]!.repository}:${SEEDS[i]!.tag}`, all: built.manifests.length > 1,
      }));
      await timed(`seed:${registry.mode}`, seedImages({ host: registry.host, ...target }, images, SEEDS.length));
      return registry;
    };
    // REGCTL_TEST_OPEN=embedded: the 'open' registry is regctl's own (`registry serve`), in this process.
    const openRegistry = embeddedOpenRequested()
      ? startEmbeddedRegistry(workDir).then((r) => (registries.push(r), (timings['start:embedded'] = Math.round(r.startMs)), r))
      : launch({ mode: 'open' });
    const openP = openRegistry.then((r) => seed(r, { scheme: 'http' }));
    const htpasswdP = launch({ mode: 'htpasswd' }).then((r) => seed(r, { scheme: 'http', creds: ALICE }));
    const tokenP = certsP.then(async (certs) => {
      tokenServer = await startTokenServer({ keyPath: certs.tokenKeyPath, kid: certs.tokenKid });
      const registry = await launch({ mode: 'token', token: { realm: tokenServer.realm, certPath: certs.tokenCertPath } });
      return seed(registry, { scheme: 'http', creds: ALICE });
    });
    const certsDir = path.join(workDir, 'certs.d');
    const tlsP = certsP.then(async (certs) => {
      const registry = await launch({ mode: 'tls', tls: { certPath: certs.serverCertPath, keyPath: certs.serverKeyPath } });
      return seed(registry, { scheme: 'https', certDir: await addCertsDirHost(certsDir, certs.caCertPath, registry.port) });
    });
    // allSettled: on a failure, wait for every start to finish so teardown sees (and stops) all of them.
    const [certs, layouts, open, htpasswd, token, tls] = await allOrFirstError([certsP, layoutsP, openP, htpasswdP, tokenP, tlsP] as const);

    const endpoint = (r: RunningRegistry): RegistryEndpoint => ({ mode: r.mode, url: r.url, host: r.host, port: r.port });
    provideAll(project, {
      registriesAvailable: true,
      registriesSkipReason: '',
      registries: { open: endpoint(open), htpasswd: endpoint(htpasswd), token: endpoint(token), tls: endpoint(tls) },
      caPath: certs.caCertPath,
      certsDir,
      tokenServer: { url: tokenServer!.url, realm: tokenServer!.realm, logUrl: tokenServer!.logUrl, service: tokenServer!.service, issuer: tokenServer!.issuer },
      seeded: seededInfo(layouts),
      files: { ...fileInfo(certs), htpasswdPath: DEFAULT_HTPASSWD, workDir },
    });
    timings.total = Math.round(performance.now() - t0);
    if (process.env.HARNESS_TIMINGS) console.log(`[harness] ready ${JSON.stringify(timings)}`);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Provides every key; the ProvidedContext type (provided.ts) makes a missing key a type error. */
function provideAll(project: TestProject, values: ProvidedContext): void {
  for (const key of Object.keys(values) as (keyof ProvidedContext)[]) project.provide(key, values[key]);
}

async function allOrFirstError<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

async function missingBinaries(names: string[]): Promise<string[]> {
  const found = await Promise.all(names.map(which));
  return names.filter((_, i) => !found[i]);
}

async function buildLayouts(dir: string): Promise<BuiltImage[]> {
  return Promise.all(SEEDS.map((seed) => buildOciLayout(path.join(dir, seed.repository.replace('/', '_')), {
    tag: seed.tag,
    salt: seed.repository,
    multiPlatform: 'multiPlatform' in seed && seed.multiPlatform,
  })));
}

/** `<dir>/<host:port>/ca.crt`, the layout docker and podman read from /etc/docker/certs.d. Returns the 127.0.0.1 one. */
async function addCertsDirHost(dir: string, caCertPath: string, port: number): Promise<string> {
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
    await mkdir(path.join(dir, host), { recursive: true });
    await copyFile(caCertPath, path.join(dir, host, 'ca.crt'));
  }
  return path.join(dir, `127.0.0.1:${port}`);
}

function seededInfo(layouts: BuiltImage[]): SeededImages {
  const seeded: SeededImages = {};
  layouts.forEach((built, i) => {
    const { repository, tag } = SEEDS[i]!;
    seeded[`${repository}:${tag}`] = {
      repository, tag, digest: built.digest, size: built.size, mediaType: built.mediaType,
      layoutDir: built.layoutDir, layoutTag: built.tag,
      manifests: built.manifests.map((m) => ({
        platform: m.platform, digest: m.digest, size: m.size, configDigest: m.config.digest, layerDigests: m.layers.map((l) => l.digest),
      })),
    };
  });
  return seeded;
}

function fileInfo(c: TestCerts): Omit<HarnessFiles, 'htpasswdPath' | 'workDir'> {
  return {
    caCertPath: c.caCertPath, serverCertPath: c.serverCertPath, serverKeyPath: c.serverKeyPath,
    clientCertPath: c.clientCertPath, clientKeyPath: c.clientKeyPath,
    tokenCertPath: c.tokenCertPath, tokenKeyPath: c.tokenKeyPath, tokenKid: c.tokenKid,
  };
}

function placeholders(reason: string): ProvidedContext {
  const none = (mode: RegistryEndpoint['mode']): RegistryEndpoint => ({ mode, url: '', host: '', port: 0 });
  return {
    registriesAvailable: false,
    registriesSkipReason: reason,
    registries: { open: none('open'), htpasswd: none('htpasswd'), token: none('token'), tls: none('tls') },
    caPath: '', certsDir: '',
    tokenServer: { url: '', realm: '', logUrl: '', service: '', issuer: '' },
    seeded: {},
    files: { caCertPath: '', serverCertPath: '', serverKeyPath: '', clientCertPath: '', clientKeyPath: '', tokenCertPath: '', tokenKeyPath: '', tokenKid: '', htpasswdPath: '', workDir: '' },
  };
}

function isCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}
