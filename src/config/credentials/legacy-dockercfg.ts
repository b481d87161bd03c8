// ~/.dockercfg, written by docker before 1.7. Three historic shapes are read:
//   {"https://index.docker.io/v1/": {"auth": "…", "email": "…"}}   (the common one)
//   {"auths": {…}}                                                   (config.json copied over it)
//   auth = <base64>\nemail = <email>                                  (the very first, Hub only)
// The last one is read as docker's LegacyLoadFromReader did: the first line is `KEY = <base64>`
// whatever KEY says (docker's own test writes `username = …`), and the rest is ignored.
import { promises as fs } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { describeFsError, describeJsonError, errnoCode } from '../../util/fs-errors.js';
import { decodeAuth } from './auth-encoding.js';
import { DOCKER_HUB_KEY } from './keys.js';
import type { AuthConfig } from './types.js';

/** key -> credentials; undefined when the file does not exist. Throws ConfigError when unusable. */
export async function loadLegacyDockercfg(file: string): Promise<Map<string, AuthConfig> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${file}: ${describeFsError(err)}`, { file, cause: err });
  }
  return parseLegacyDockercfg(text, file);
}

export function parseLegacyDockercfg(text: string, file: string): Map<string, AuthConfig> {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return parseKeyValueForm(trimmed, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (err) {
    throw new ConfigError(`cannot parse ${file}: ${describeJsonError(err, trimmed)}`, { file });
  }
  if (!isObject(parsed)) throw new ConfigError(`cannot parse ${file}: expected a JSON object`, { file });
  const root = parsed;
  const entries = isObject(root.auths) ? root.auths : root;
  const result = new Map<string, AuthConfig>();
  for (const [key, entry] of Object.entries(entries)) {
    if (!isObject(entry) || typeof entry.auth !== 'string' || entry.auth === '') continue;
    const decoded = decodeAuth(entry.auth);
    if (!decoded) throw new ConfigError(`cannot parse ${file}: invalid "auth" value for "${key}"`, { file });
    result.set(key, { ...decoded, serverAddress: key });
  }
  return result;
}

function parseKeyValueForm(text: string, file: string): Map<string, AuthConfig> {
  const firstLine = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  // docker split on " = " and wanted exactly two parts. A one-line file is accepted here (docker
  // called it "empty" only because it looked for a second line it then never read).
  const parts = firstLine.split(' = ');
  const decoded = parts.length === 2 ? decodeAuth((parts[1] ?? '').trim()) : undefined;
  // The value is a password: the message never quotes the line.
  if (!decoded) throw new ConfigError(`cannot parse ${file}: expected JSON or a first line "KEY = <base64 user:password>"`, { file });
  return new Map([[DOCKER_HUB_KEY, { ...decoded, serverAddress: DOCKER_HUB_KEY }]]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
