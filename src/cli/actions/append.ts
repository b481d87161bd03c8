// What `regctl append` does once its flags are parsed (the registration is commands/append.ts):
// every flag value checked first (a bad one is exit 2, nothing read or written), then the op,
// reported as `push` reports (rewrite-report.ts), `-q` printing the result as REF@DIGEST.
import { UsageError } from '../../errors.js';
import { parsePlatform } from '../../oci/platform.js';
import { append, parseLayerFlag, type AppendOptions } from '../../ops/append.js';
import { rewriteTarget } from '../../ops/image-rewrite.js';
import { parseSourceDateEpoch } from '../../ops/mutate/flag-values.js';
import type { LocationContext } from '../../ops/open-location.js';
import { formatLocation, parseLocation } from '../../reference/location.js';
import type { CliContext } from '../context.js';
import { rewriteReport } from '../rewrite-report.js';

export interface AppendFlags {
  layer: string[];
  chown?: string;
  platform?: string;
  quiet?: boolean;
  progress?: string;
}

const ID_MAX = 2 ** 31 - 1;

/** `--chown UID[:GID]`, numeric only: there is no /etc/passwd to look names up in. */
export function parseChown(value: string): { uid: number; gid: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(value.trim());
  const uid = m ? Number(m[1]) : NaN;
  const gid = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || uid > ID_MAX || gid > ID_MAX) throw new UsageError(`invalid --chown value ${JSON.stringify(value)}: expected UID[:GID], numbers (names cannot be looked up without the image's /etc/passwd)`);
  return { uid, gid };
}

/** The flags and SOURCE_DATE_EPOCH as the op's options; throws UsageError (exit 2) for the first bad value. */
export function appendOptionsOf(flags: AppendFlags, env: NodeJS.ProcessEnv): AppendOptions {
  const epoch = env.SOURCE_DATE_EPOCH;
  return {
    layers: flags.layer.map(parseLayerFlag),
    ...(flags.chown !== undefined ? { owner: parseChown(flags.chown) } : {}),
    ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
    ...(epoch !== undefined && epoch !== '' ? { timestamp: new Date(parseSourceDateEpoch(epoch)) } : {}),
  };
}

export async function runAppend(ctx: CliContext, base: string, target: string, flags: AppendFlags): Promise<void> {
  const from = parseLocation(base);
  const to = parseLocation(target);
  const opts = appendOptionsOf(flags, ctx.io.env);
  const report = rewriteReport(ctx, rewriteTarget('append', from, to), flags);
  const locations: LocationContext = { remote: () => ctx.remote(), store: () => ctx.store(), signal: ctx.signal };
  const result = await append(locations, from, to, { ...opts, signal: ctx.signal, onProgress: report.onProgress });
  report.done(result, `appended ${result.layers.length} layer(s) to ${formatLocation(from)} (${result.sourceDigest})`);
}
