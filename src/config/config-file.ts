// config.json as docker reads and writes it, kept as the whole parsed object so that every key
// regctl does not know (HttpHeaders, proxies, plugins, other tools' settings) survives a rewrite.
// A file that could not be read or parsed never becomes a ConfigFile, so it can never be saved
// over (docker/cli#5075 overwrites a malformed file).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { resolveWriteTarget, writeFileAtomic } from '../util/atomic-write.js';
import { withFileLock, type FileLockOptions } from '../util/file-lock.js';
import { describeFsError, describeJsonError, errnoCode } from '../util/fs-errors.js';

/** One `auths` entry as stored on disk (base64 `auth`, tokens, legacy `email`, anything else). */
export interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
  username?: string;
  password?: string;
  [key: string]: unknown;
}

type JsonObject = Record<string, unknown>;

const STRING_AUTH_FIELDS = ['auth', 'identitytoken', 'registrytoken', 'email', 'username', 'password'];

export class ConfigFile {
  readonly path: string;
  #data: JsonObject;
  #existed: boolean;

  private constructor(file: string, data: JsonObject, existed: boolean) {
    this.path = file;
    this.#data = data;
    this.#existed = existed;
  }

  /** Reads `file`; a missing file is an empty config. Throws ConfigError for anything unreadable. */
  static async load(file: string): Promise<ConfigFile> {
    const absolute = path.resolve(file);
    const { data, existed } = await readConfig(absolute);
    return new ConfigFile(absolute, data, existed);
  }

  /** Whether the file existed when it was last read. */
  get exists(): boolean {
    return this.#existed;
  }

  /** The whole parsed document (live object: edits are saved by save()). */
  get data(): JsonObject {
    return this.#data;
  }

  get auths(): Readonly<Record<string, AuthEntry>> {
    return (this.#data.auths as Record<string, AuthEntry> | null | undefined) ?? {};
  }

  authEntry(key: string): AuthEntry | undefined {
    return Object.hasOwn(this.auths, key) ? this.auths[key] : undefined;
  }

  setAuthEntry(key: string, entry: AuthEntry): void {
    const auths = (this.#data.auths as Record<string, AuthEntry> | null | undefined) ?? {};
    auths[key] = entry;
    this.#data.auths = auths;
  }

  /** Returns whether the key was present. */
  deleteAuthEntry(key: string): boolean {
    const auths = this.#data.auths as Record<string, AuthEntry> | null | undefined;
    if (!auths || !Object.hasOwn(auths, key)) return false;
    delete auths[key];
    return true;
  }

  get credsStore(): string | undefined {
    const value = this.#data.credsStore;
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  set credsStore(name: string | undefined) {
    if (name) this.#data.credsStore = name;
    else delete this.#data.credsStore;
  }

  get credHelpers(): Readonly<Record<string, string>> {
    return (this.#data.credHelpers as Record<string, string> | null | undefined) ?? {};
  }

  /** The bytes save() writes: tab-indented like docker's json.MarshalIndent. */
  serialize(): string {
    return JSON.stringify(this.#data, null, '\t');
  }

  /** Atomic write (temp file, fsync, rename), file 0600, directory 0700, symlinks followed. */
  async save(): Promise<void> {
    try {
      await writeFileAtomic(this.path, this.serialize());
    } catch (err) {
      throw new ConfigError(`cannot write ${this.path}: ${describeFsError(err)}`, { file: this.path, cause: err });
    }
    this.#existed = true;
  }

  /** Replaces the in-memory document with what is on disk now. */
  async reload(): Promise<void> {
    const { data, existed } = await readConfig(this.path);
    this.#data = data;
    this.#existed = existed;
  }

  /**
   * Read-modify-write under `config.json.lock`: re-reads the file right before `fn` runs, so a
   * concurrent regctl's change is kept. Nothing is written when `fn` leaves the document as it was.
   */
  async update<T>(fn: (config: ConfigFile) => T | Promise<T>, options: FileLockOptions = {}): Promise<T> {
    let lockPath: string;
    try {
      await fs.mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
      const target = await resolveWriteTarget(this.path);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      lockPath = `${target}.lock`;
    } catch (err) {
      throw new ConfigError(`cannot write ${this.path}: ${describeFsError(err)}`, { file: this.path, cause: err });
    }
    return withFileLock(
      lockPath,
      this.path,
      async () => {
        await this.reload();
        const before = this.serialize();
        const result = await fn(this);
        if (this.serialize() !== before) await this.save();
        return result;
      },
      options,
    );
  }
}

async function readConfig(file: string): Promise<{ data: JsonObject; existed: boolean }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    // A dangling symlink reads as ENOENT too: like docker, that is an empty config (save creates the target).
    if (errnoCode(err) === 'ENOENT') return { data: { auths: {} }, existed: false };
    throw new ConfigError(`cannot read ${file}: ${describeFsError(err)}`, { file, cause: err });
  }
  return { data: parseConfigText(text, file), existed: true };
}

/** Parses config.json text; exported for DOCKER_CONFIG-free callers and tests. */
export function parseConfigText(text: string, file: string): JsonObject {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows add a BOM
  if (body.trim() === '') return { auths: {} }; // docker accepts an empty file
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new ConfigError(`cannot parse ${file}: ${describeJsonError(err, body)}`, { file });
  }
  const problem = shapeProblem(parsed);
  if (problem) throw new ConfigError(`cannot parse ${file}: ${problem}`, { file });
  return parsed as JsonObject;
}

/** The checks docker's typed decoding would fail on, for the keys regctl reads. */
function shapeProblem(parsed: unknown): string | undefined {
  if (!isObject(parsed)) return `expected a JSON object, got ${describeType(parsed)}`;
  const { auths, credsStore, credHelpers } = parsed;
  if (auths != null) {
    if (!isObject(auths)) return `"auths" must be an object, got ${describeType(auths)}`;
    for (const [key, entry] of Object.entries(auths)) {
      if (entry === null) continue;
      if (!isObject(entry)) return `"auths.${key}" must be an object, got ${describeType(entry)}`;
      for (const field of STRING_AUTH_FIELDS) {
        if (entry[field] != null && typeof entry[field] !== 'string') return `"auths.${key}.${field}" must be a string`;
      }
    }
  }
  if (credsStore != null && typeof credsStore !== 'string') return `"credsStore" must be a string, got ${describeType(credsStore)}`;
  if (credHelpers != null) {
    if (!isObject(credHelpers)) return `"credHelpers" must be an object, got ${describeType(credHelpers)}`;
    for (const [key, helper] of Object.entries(credHelpers)) {
      if (typeof helper !== 'string') return `"credHelpers.${key}" must be a string, got ${describeType(helper)}`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
