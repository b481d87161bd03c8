// The image config edit behind `mutate`: the runtime settings (Entrypoint, Cmd, Env, Labels,
// WorkingDir, User, ExposedPorts), `created`, and one history entry saying what changed. The
// config is edited as parsed JSON, so every field regctl does not know (and the order of all
// fields) stays as it was; only what is asked changes. The bytes are then written as Go's
// json.Marshal writes them (compact, HTML-escaped: oci/go-json.ts), so the same config and the
// same changes always give the same digest. Pure: no I/O.
import { RegctlError } from '../../errors.js';
import { goMarshal } from '../../oci/go-json.js';
import { commandArgs, type CommandForm } from './command-form.js';
import type { KeyChanges } from './flag-values.js';

export interface ConfigChanges {
  /** Exec form (argv), shell form (a string: `/bin/sh -c STRING`), or null to remove. Without `cmd`, Cmd is removed too (docker's ENTRYPOINT rule). */
  entrypoint?: CommandForm;
  cmd?: CommandForm;
  /** Set (a value) or remove (null) environment variables; an existing one keeps its place. */
  env?: KeyChanges;
  labels?: KeyChanges;
  /** An empty string removes the setting. */
  workdir?: string;
  user?: string;
  /** ExposedPorts keys to add, as `PORT/PROTO` (parseExposedPort). */
  exposedPorts?: readonly string[];
  /** RFC 3339: the config's `created` and the history entry's. */
  created?: string;
}

/** Whether `changes` asks for any config change at all (else the config blob is kept as it is). */
export function changesConfig(c: ConfigChanges): boolean {
  return (
    c.entrypoint !== undefined ||
    c.cmd !== undefined ||
    Object.keys(c.env ?? {}).length > 0 ||
    Object.keys(c.labels ?? {}).length > 0 ||
    c.workdir !== undefined ||
    c.user !== undefined ||
    (c.exposedPorts ?? []).length > 0 ||
    c.created !== undefined
  );
}

const formText = (f: CommandForm) => (f === null ? '""' : typeof f === 'string' ? JSON.stringify(f) : JSON.stringify(f));
const keysText = (flag: string, changes: KeyChanges | undefined) =>
  Object.entries(changes ?? {}).map(([k, v]) => (v === null ? `${flag} ${k}-` : `${flag} ${k}=${v}`));

/** The history entry's created_by: the change as mutate flags, in a fixed order. */
export function describeChanges(c: ConfigChanges): string {
  const parts = ['regctl mutate'];
  if (c.entrypoint !== undefined) parts.push(`--entrypoint ${formText(c.entrypoint)}`);
  if (c.cmd !== undefined) parts.push(`--cmd ${formText(c.cmd)}`);
  parts.push(...keysText('--env', c.env), ...keysText('--label', c.labels));
  if (c.workdir !== undefined) parts.push(`--workdir ${JSON.stringify(c.workdir)}`);
  if (c.user !== undefined) parts.push(`--user ${JSON.stringify(c.user)}`);
  for (const p of c.exposedPorts ?? []) parts.push(`--expose ${p}`);
  if (c.created !== undefined) parts.push(`--created ${c.created}`);
  return parts.join(' ');
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function setOrDelete(obj: Json, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function editEnv(current: unknown, changes: KeyChanges): string[] {
  const env = Array.isArray(current) ? current.filter((e): e is string => typeof e === 'string') : [];
  const pending = new Map(Object.entries(changes));
  const out: string[] = [];
  for (const entry of env) {
    const key = entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : entry;
    if (!pending.has(key)) {
      out.push(entry);
      continue;
    }
    const value = pending.get(key)!;
    pending.delete(key);
    if (value !== null) out.push(`${key}=${value}`);
  }
  for (const [key, value] of pending) if (value !== null) out.push(`${key}=${value}`);
  return out;
}

function editMap(current: unknown, changes: KeyChanges): Json {
  const map: Json = isObject(current) ? { ...current } : {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete map[key];
    else map[key] = value;
  }
  return map;
}

/** An image config as a JSON object to edit; REGCTL_INVALID_CONFIG when it is not one. */
export function parseConfigObject(bytes: Uint8Array): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new RegctlError('REGCTL_INVALID_CONFIG', 'invalid image config: not valid JSON');
  }
  if (!isObject(doc)) throw new RegctlError('REGCTL_INVALID_CONFIG', 'invalid image config: not a JSON object');
  return doc;
}

export interface EditedConfig {
  bytes: Buffer;
  /** The history entry appended (undefined when the config has no history to append to). */
  history?: Json;
}

/**
 * The config `bytes` with `changes` applied. A history entry (empty_layer: true, created_by
 * `describeChanges`) is appended when the config keeps a history, as docker and buildah record
 * a config-only instruction. Throws REGCTL_INVALID_CONFIG when the bytes are not a JSON object.
 */
export function editConfig(bytes: Uint8Array, changes: ConfigChanges): EditedConfig {
  const doc = parseConfigObject(bytes);
  const os = typeof doc.os === 'string' ? doc.os : undefined;
  const config: Json = isObject(doc.config) ? { ...doc.config } : {};
  const argv = (f: CommandForm) => (f === null ? undefined : commandArgs(f, os));
  if (changes.entrypoint !== undefined) {
    setOrDelete(config, 'Entrypoint', argv(changes.entrypoint));
    // docker: an ENTRYPOINT resets the CMD inherited from the base (crane mutate does the same).
    if (changes.cmd === undefined) delete config.Cmd;
  }
  if (changes.cmd !== undefined) setOrDelete(config, 'Cmd', argv(changes.cmd));
  if (changes.env && Object.keys(changes.env).length > 0) config.Env = editEnv(config.Env, changes.env);
  if (changes.labels && Object.keys(changes.labels).length > 0) config.Labels = editMap(config.Labels, changes.labels);
  if (changes.workdir !== undefined) setOrDelete(config, 'WorkingDir', changes.workdir === '' ? undefined : changes.workdir);
  if (changes.user !== undefined) setOrDelete(config, 'User', changes.user === '' ? undefined : changes.user);
  if (changes.exposedPorts && changes.exposedPorts.length > 0) {
    const ports: Json = isObject(config.ExposedPorts) ? { ...config.ExposedPorts } : {};
    for (const p of changes.exposedPorts) ports[p] ??= {};
    config.ExposedPorts = ports;
  }
  // A config without runtime settings gains a `config` object only when one is set.
  const out: Json = Object.keys(config).length > 0 || isObject(doc.config) ? { ...doc, config } : { ...doc };
  if (changes.created !== undefined) out.created = changes.created;
  let history: Json | undefined;
  if (Array.isArray(doc.history)) {
    history = { ...(changes.created !== undefined ? { created: changes.created } : {}), created_by: describeChanges(changes), empty_layer: true };
    out.history = [...doc.history, history];
  }
  return { bytes: Buffer.from(goMarshal(out)), ...(history ? { history } : {}) };
}
