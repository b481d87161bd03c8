// DOCKER_AUTH_CONFIG: credentials handed in through the environment (CI systems), shaped like
// config.json's `auths` with a base64 `auth` per registry. It overlays every file-based store.
import { ConfigError } from '../../errors.js';
import { describeJsonError } from '../../util/fs-errors.js';
import { decodeAuth } from './auth-encoding.js';
import type { AuthConfig } from './types.js';

export const ENV_AUTH_CONFIG = 'DOCKER_AUTH_CONFIG';

/** key -> credentials; undefined when the variable is unset or empty. Throws ConfigError when invalid. */
export function parseEnvAuthConfig(env: NodeJS.ProcessEnv): Map<string, AuthConfig> | undefined {
  const value = env[ENV_AUTH_CONFIG];
  if (value === undefined || value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw invalid(describeJsonError(err, value));
  }
  if (!isObject(parsed)) throw invalid('expected a JSON object with "auths"');
  // Only `auths` is meaningful here; anything else is a mistake worth reporting (docker agrees).
  const extra = Object.keys(parsed).filter((key) => key !== 'auths');
  if (extra.length > 0) throw invalid(`unknown field "${extra[0]}"`);
  const auths = parsed.auths ?? {};
  if (!isObject(auths)) throw invalid('"auths" must be an object');
  const result = new Map<string, AuthConfig>();
  for (const [key, entry] of Object.entries(auths)) {
    if (!isObject(entry)) throw invalid(`"auths.${key}" must be an object`);
    const unknown = Object.keys(entry).find((field) => field !== 'auth');
    if (unknown !== undefined) throw invalid(`unknown field "${unknown}" for ${key} (only "auth" is supported)`);
    const auth = entry.auth;
    if (typeof auth !== 'string' || auth === '') throw invalid(`missing "auth" for ${key}`);
    const decoded = decodeAuth(auth);
    if (!decoded) throw invalid(`invalid "auth" value for ${key}`);
    result.set(key, { username: decoded.username, password: decoded.password, serverAddress: key });
  }
  return result;
}

function invalid(reason: string): ConfigError {
  return new ConfigError(`invalid ${ENV_AUTH_CONFIG} environment variable: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
