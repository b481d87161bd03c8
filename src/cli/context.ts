// Everything a command needs, built once from the global flags: output, debug logging,
// cancellation, and (lazily, so local commands never load the HTTP stack) the registry client.
import type { LayoutStore } from '../store/layout/layout-store.js';
import type { RemoteOptions, RemoteRegistry } from '../store/remote/remote-registry.js';
import type { Credential } from '../transport/token.js';
import type { CliIO } from './io.js';

export interface GlobalOptions {
  debug?: boolean;
  config?: string;
  insecureRegistry?: string[];
  certsDir?: string[];
  store?: string;
  registryMirror?: string[];
}

export class CliContext {
  private remotePromise: Promise<RemoteRegistry> | undefined;
  private readonly warned = new Set<string>();

  constructor(
    readonly io: CliIO,
    readonly globals: GlobalOptions,
    readonly signal: AbortSignal,
  ) {}

  out(line: string): void {
    this.io.stdout.write(line + '\n');
  }

  err(line: string): void {
    this.io.stderr.write(line + '\n');
  }

  /** A warning is printed once per process, whatever asks for it. */
  warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.err(`WARNING: ${message}`);
  }

  debug = (line: string): void => {
    if (this.globals.debug) this.err(`DEBUG: ${line}`);
  };

  /** Credentials for a registry from config.json and its helpers (resolved lazily, once). */
  private credentialResolver: ((registry: string) => Promise<Credential | undefined>) | undefined;

  async credentials(registry: string): Promise<Credential | undefined> {
    if (!this.credentialResolver) {
      const { createCliCredentialResolver } = await import('./credentials.js');
      this.credentialResolver = createCliCredentialResolver(this);
    }
    return this.credentialResolver(registry);
  }

  private storePromise: Promise<LayoutStore> | undefined;

  /** The local OCI layout store (created on first use). */
  store(opts: { create?: boolean } = {}): Promise<LayoutStore> {
    this.storePromise ??= (async () => {
      const [{ defaultStorePath }, { LayoutStore }] = await Promise.all([import('../store/store-path.js'), import('../store/layout/layout-store.js')]);
      return LayoutStore.open(defaultStorePath({ flag: this.globals.store, env: this.io.env }), { create: opts.create ?? true });
    })();
    return this.storePromise;
  }

  /** Transport settings from the global flags and daemon.json, without stored credentials (login adds its own). */
  async remoteOptions(): Promise<Omit<RemoteOptions, 'credentials'>> {
    // Lazily, like the rest of the transport (tls.js loads node:tls: 3 ms at start-up), and in
    // one round of module loading.
    const [{ loadDaemonSettings }, { loadRegistriesSettings, mergeMirrors }, { defaultCertsDirs }] = await Promise.all([
      import('../config/daemon-json.js'),
      import('../config/registries-json.js'),
      import('../transport/tls.js'),
    ]);
    const [daemon, registries] = await Promise.all([loadDaemonSettings(this.io.env), loadRegistriesSettings(this.io.env)]);
    return {
      env: this.io.env,
      insecureRegistries: [...(this.globals.insecureRegistry ?? []), ...daemon.insecureRegistries, ...registries.insecureRegistries],
      mirrors: mergeMirrors(this.globals.registryMirror ?? [], daemon.registryMirrors, registries.mirrors),
      certsDirs: [...(this.globals.certsDir ?? []), ...defaultCertsDirs(this.io.env)],
      debug: this.debug,
      onRetry: (registry, info) => {
        // A wait the user would notice (a server's Retry-After, a long backoff) is shown as docker's
        // "Retrying in N seconds"; short backoffs only with --debug.
        if (info.delayMs >= 1000 && !this.globals.debug) {
          const seconds = Math.ceil(info.delayMs / 1000);
          this.err(`${registry}: ${info.reason}: Retrying in ${seconds} second${seconds === 1 ? '' : 's'}`);
        } else this.debug(`${registry}: retrying in ${Math.round(info.delayMs)} ms (${info.reason})`);
      },
    };
  }

  remote(): Promise<RemoteRegistry> {
    this.remotePromise ??= (async () => {
      const [{ RemoteRegistry }, options] = await Promise.all([import('../store/remote/remote-registry.js'), this.remoteOptions()]);
      return new RemoteRegistry({ ...options, credentials: (registry) => this.credentials(registry) });
    })();
    return this.remotePromise;
  }

  async close(): Promise<void> {
    if (this.remotePromise) await (await this.remotePromise).close();
  }
}
