// DOCKER_AUTH_CONFIG: credentials handed in through the environment (CI systems), shaped like
// config.json's `auths` with a base64 `auth` per registry. It overlays every file-based store.
// Strict like docker's parseEnvConfig (one JSON object, no unknown field, an `auth` per entry),
// and like docker's GetCredentialsStore an invalid value is reported and then ignored: it must
// not hide the credentials of config.json and the helpers.
import { ConfigError } from '../../errors.js';
import { describeJsonError } from '../../util/fs-errors.js';
import { decodeAuth } from './auth-encoding.js';
import type { AuthConfig } from './types.js';

export const ENV_AUTH_CONFIG = 'DOCKER_AUTH_CONFIG';

/** Why the value cannot be used; never quotes it (it holds passwords). */
class InvalidValue extends Error {}

/** key -> credentials; undefined when the variable is unset or empty. Throws ConfigError when invalid. */
export function parseEnvAuthConfig(env: NodeJS.ProcessEnv): Map<string, AuthConfig> | undefined {
  try {
    return parseValue(env[ENV_AUTH_CONFIG]);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    throw new ConfigError(`invalid ${ENV_AUTH_CONFIG} environment variable: ${err.message}`);
  }
}

/**
 * What the credential resolver uses: like parseEnvAuthConfig, but an invalid value is passed to
 * `onInvalid` (in docker's words, which docker prints on stderr) and treated as unset.
 */
export function readEnvAuthConfig(env: NodeJS.ProcessEnv, onInvalid: (message: string) => void): Map<string, AuthConfig> | undefined {
  try {
    return parseValue(env[ENV_AUTH_CONFIG]);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    onInvalid(`Failed to create credential store from ${ENV_AUTH_CONFIG}: ${err.message}; using config.json and the credential helpers instead`);
    return undefined;
  }
}

function parseValue(value: string | undefined): Map<string, AuthConfig> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    // docker's decoder reads one value and then checks decoder.More().
    const message = err instanceof Error ? err.message : '';
    if (message.startsWith('Unexpected non-whitespace character after JSON')) throw new InvalidValue('does not support more than one JSON object');
    throw new InvalidValue(describeJsonError(err, value));
  }
  if (!isObject(parsed)) throw new InvalidValue('expected a JSON object with "auths"');
  // Only `auths` is meaningful here; anything else is a mistake worth reporting (docker agrees).
  const extra = Object.keys(parsed).filter((key) => key !== 'auths');
  if (extra.length > 0) throw new InvalidValue(`unknown field "${extra[0]}"`);
  const auths = parsed.auths ?? {};
  if (!isObject(auths)) throw new InvalidValue('"auths" must be an object');
  const result = new Map<string, AuthConfig>();
  for (const [key, entry] of Object.entries(auths)) {
    if (!isObject(entry)) throw new InvalidValue(`"auths.${key}" must be an object`);
    const unknown = Object.keys(entry).find((field) => field !== 'auth');
    if (unknown !== undefined) throw new InvalidValue(`unknown field "${unknown}" for ${key} (only "auth" is supported)`);
    const auth = entry.auth;
    if (typeof auth !== 'string' || auth === '') throw new InvalidValue(`missing "auth" for ${key}`);
    const decoded = decodeAuth(auth);
    if (!decoded) throw new InvalidValue(`invalid "auth" value for ${key}`);
    result.set(key, { username: decoded.username, password: decoded.password, serverAddress: key });
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
