// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) spoken
// to with the docker-credential-helpers data model, so that `regctl` in-process and the
// `docker-credential-regctl` binary (which docker spawns for `"credsStore": "regctl"`) read and
// write the very same items: one generic secret per server URL, service `docker-credential-regctl`,
// account = server URL, secret = JSON {"Username","Secret"} (so `list` can name the user).
//
// @napi-rs/keyring is an optional dependency loaded on first use: a machine without it (or without
// a Secret Service) loses only this store, with a clear error when the store is actually selected.
import { RegctlError } from '../../errors.js';
import type { HelperAction, HelperSecret } from './helper-process.js';
import { HELPER_PREFIX, scrub } from './helper-process.js';

export const KEYRING_HELPER_NAME = 'regctl';
/** The keyring "service" every item is filed under (also the helper program's name). */
export const KEYRING_SERVICE = `${HELPER_PREFIX}${KEYRING_HELPER_NAME}`;
const BINDING = '@napi-rs/keyring';
const VERBS: Record<HelperAction, string> = { get: 'getting', store: 'storing', erase: 'erasing', list: 'listing' };

/** The part of @napi-rs/keyring used here (its async API: a locked keyring may wait for the user). */
export interface KeyringBinding {
  AsyncEntry: new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => {
    setPassword(password: string, signal?: AbortSignal): Promise<void>;
    getPassword(signal?: AbortSignal): Promise<string | null>;
    deleteCredential(signal?: AbortSignal): Promise<boolean>;
  };
  findCredentialsAsync(service: string, target?: string | null, signal?: AbortSignal): Promise<{ account: string; password: string }[]>;
}

export interface KeyringClientOptions {
  /** Loads the binding (tests inject a fake or a failing loader). */
  load?: () => Promise<KeyringBinding>;
  /** Give up after this long (default 60 s: an unlock dialog may be waiting for the user). */
  timeoutMs?: number;
}

/** Same shape as CredentialHelperError (code, helper, action, missing), plus the bare reason for the helper binary. */
export class KeyringError extends RegctlError {
  readonly helper = KEYRING_SERVICE;
  readonly action: HelperAction;
  /** True when the keyring cannot be used at all (binding absent, no Secret Service). */
  readonly missing: boolean;
  /** The reason without docker's "error ... credentials - err:" wrapping. */
  readonly reason: string;

  constructor(action: HelperAction, reason: string, options: { missing?: boolean; hint?: string; cause?: unknown } = {}) {
    super('REGCTL_CRED_HELPER', `error ${VERBS[action]} credentials - err: ${reason}`, { hint: options.hint, cause: options.cause });
    this.name = 'KeyringError';
    this.action = action;
    this.reason = reason;
    this.missing = options.missing ?? false;
  }
}

let sharedBinding: Promise<KeyringBinding> | undefined;

async function loadBinding(): Promise<KeyringBinding> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier: string = BINDING;
  return (await import(specifier)) as KeyringBinding;
}

export class KeyringClient {
  /** What docker would run for this store; used in messages. */
  readonly program = KEYRING_SERVICE;
  readonly #load: () => Promise<KeyringBinding>;
  readonly #timeoutMs: number;
  #binding: Promise<KeyringBinding> | undefined;

  constructor(options: KeyringClientOptions = {}) {
    this.#load =
      options.load ??
      (() =>
        (sharedBinding ??= loadBinding().catch((err: unknown) => {
          sharedBinding = undefined; // installed meanwhile? the next client tries again
          throw err;
        })));
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** undefined when the keyring holds nothing for that server URL. */
  async get(serverURL: string): Promise<HelperSecret | undefined> {
    const text = await this.#call('get', [], (kr, signal) => entry(kr, serverURL).getPassword(signal));
    if (text === null) return undefined;
    const parsed = parseItem(text);
    if (!parsed) throw new KeyringError('get', `the keyring item for ${serverURL} is not a docker-credential-regctl item`);
    return parsed.username === '' && parsed.secret === '' ? undefined : parsed;
  }

  async store(serverURL: string, username: string, secret: string): Promise<void> {
    if (serverURL === '') throw new KeyringError('store', 'no credentials server URL');
    if (username === '') throw new KeyringError('store', 'no credentials username');
    const item = JSON.stringify({ Username: username, Secret: secret });
    await this.#call('store', [secret, item], (kr, signal) => entry(kr, serverURL).setPassword(item, signal));
  }

  /** Erasing what is not there succeeds (like docker-credential-secretservice). */
  async erase(serverURL: string): Promise<void> {
    await this.#call('erase', [], (kr, signal) => entry(kr, serverURL).deleteCredential(signal));
  }

  /** Server URL -> user name ('<token>' for identity tokens). */
  async list(): Promise<Record<string, string>> {
    const items = await this.#call('list', [], (kr, signal) => kr.findCredentialsAsync(KEYRING_SERVICE, null, signal));
    const listed: Record<string, string> = {};
    for (const { account, password } of items) {
      const parsed = parseItem(password);
      if (parsed) listed[account] = parsed.username; // items of other programs under our service are skipped
    }
    return listed;
  }

  async #call<T>(action: HelperAction, secrets: string[], fn: (kr: KeyringBinding, signal: AbortSignal) => Promise<T>): Promise<T> {
    let binding: KeyringBinding;
    try {
      binding = await (this.#binding ??= this.#load());
    } catch (err) {
      this.#binding = undefined;
      throw new KeyringError(action, `the OS keyring is not available: cannot load the optional dependency ${BINDING} (${firstLine(err)})`, {
        missing: true,
        cause: err,
        hint: `reinstall regctl with optional dependencies (npm install -g regctl-cli --include=optional), or choose another credsStore`,
      });
    }
    try {
      return await fn(binding, AbortSignal.timeout(this.#timeoutMs));
    } catch (err) {
      const reason = scrub(firstLine(err), secrets);
      const unavailable = /dbus|platform|no such file|connect|secret service|not supported|access denied/i.test(reason);
      throw new KeyringError(action, unavailable ? `the OS keyring is not available: ${reason}` : reason, {
        missing: unavailable,
        cause: err,
        ...(unavailable ? { hint: keyringHint() } : {}),
      });
    }
  }
}

function entry(kr: KeyringBinding, serverURL: string): InstanceType<KeyringBinding['AsyncEntry']> {
  // Linux: Secret Service only. The binding's fallback, the kernel keyring, forgets everything at
  // logout and reboot, which would make a "stored" login silently vanish.
  return new kr.AsyncEntry(KEYRING_SERVICE, serverURL, process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);
}

function parseItem(text: string): HelperSecret | undefined {
  try {
    const { Username, Secret } = JSON.parse(text) as { Username?: unknown; Secret?: unknown };
    if (typeof Username !== 'string' || typeof Secret !== 'string') return undefined;
    return { username: Username, secret: Secret };
  } catch {
    return undefined;
  }
}

function keyringHint(): string {
  if (process.platform === 'linux') {
    return 'the "regctl" credential store needs a Secret Service (gnome-keyring, KeePassXC) on the D-Bus session bus (DBUS_SESSION_BUS_ADDRESS); use another credsStore or remove it to keep credentials in config.json';
  }
  return 'the "regctl" credential store needs the OS keychain; use another credsStore or remove it to keep credentials in config.json';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
