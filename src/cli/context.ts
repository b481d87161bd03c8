// Everything a command needs, built once from the global flags: output, debug logging,
// cancellation, and (lazily, so local commands never load the HTTP stack) the session of
// src/session.ts with the registry client built on it.
import type { Session } from '../session.js';
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
  timeout?: string;
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

  private sessionPromise: Promise<Session> | undefined;

  /**
   * The machine's registry setup (session.ts, shared with RegistryClient), from the global flags
   * and this process's environment. Loaded on first use: `--version` and local commands that
   * never ask for it load none of it.
   */
  session(): Promise<Session> {
    this.sessionPromise ??= Promise.all([import('../session.js'), import('../transport/timeouts.js')]).then(
      ([{ Session }, { parseTimeout }]) =>
        new Session({
          configDir: this.globals.config,
          env: this.io.env,
          storeDir: this.globals.store,
          insecureRegistries: this.globals.insecureRegistry,
          mirrorFlags: this.globals.registryMirror,
          extraCertsDirs: this.globals.certsDir,
          resolver: { onHelperStderr: (text) => this.io.stderr.write(text) },
          onWarning: (message) => this.warnOnce(message),
          timeoutMs: this.globals.timeout === undefined ? undefined : parseTimeout(this.globals.timeout),
        }),
    );
    return this.sessionPromise;
  }

  /** Credentials for a registry from config.json and its helpers; an unusable config is a warning, then anonymous. */
  async credentials(registry: string): Promise<Credential | undefined> {
    return (await this.session()).credentials(registry);
  }

  /** The local OCI layout store (created on first use). */
  async store(opts: { create?: boolean } = {}): Promise<LayoutStore> {
    // The store module is fetched alongside the session's, in one round of module loading; the
    // session's own import of it then finds it loaded.
    const [session] = await Promise.all([this.session(), import('../store/layout/layout-store.js')]);
    return session.store(opts);
  }

  /** Transport settings from the global flags and daemon.json, without stored credentials (login adds its own). */
  async remoteOptions(): Promise<Omit<RemoteOptions, 'credentials'>> {
    return {
      ...(await this.session()).registrySettings(),
      debug: this.debug,
      onRetry: (registry, info) => {
        // A wait the user would notice (a server's Retry-After, a long backoff) is shown as docker's
        // "Retrying in N seconds"; short backoffs only with --debug.
        if (info.delayMs >= 1000 && !this.globals.debug) {
          const seconds = Math.ceil(info.delayMs / 1000);
          this.err(`${registry}: ${info.reason}: Retrying in ${seconds} second${seconds === 1 ? '' : 's'}`);
        } else this.debug(`${registry}: retrying in ${Math.round(info.delayMs)} ms (${info.reason})`);
      },
      onWaiting: (host) => this.waiting(host),
    };
  }

  /**
   * A registry slow to answer: `Waiting for HOST…` once per host on a terminal, so a silent
   * registry is not mistaken for a hung regctl; a --debug line elsewhere (logs stay quiet).
   */
  private waiting(host: string): void {
    if (this.io.stderr.isTTY) {
      if (!this.warned.has(`waiting:${host}`)) this.err(`Waiting for ${host}…`);
      this.warned.add(`waiting:${host}`);
    } else this.debug(`waiting for ${host} to answer`);
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
