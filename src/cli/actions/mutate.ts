// What `regctl mutate` does once its flags are parsed (the registration is commands/mutate.ts):
// every flag value checked first (a bad one is exit 2, nothing read or written), then the op,
// reported as `push` reports (rewrite-report.ts: the layers "already exist" or are mounted, the
// config is pushed), `-q` printing the result as REF@DIGEST.
import { parsePlatform } from '../../oci/platform.js';
import { mutate, type MutateOptions } from '../../ops/mutate.js';
import { parseCommandForm } from '../../ops/mutate/command-form.js';
import { parseCreated, parseExposedPort, parseKeyChanges, parseSourceDateEpoch } from '../../ops/mutate/flag-values.js';
import { mutateTarget } from '../../ops/mutate.js';
import { changesConfig } from '../../ops/mutate/config-edit.js';
import type { LocationContext } from '../../ops/open-location.js';
import { formatLocation, parseLocation } from '../../reference/location.js';
import type { CliContext } from '../context.js';
import { rewriteReport } from '../rewrite-report.js';

export interface MutateFlags {
  entrypoint?: string;
  cmd?: string;
  env?: string[];
  label?: string[];
  annotation?: string[];
  workdir?: string;
  user?: string;
  expose?: string[];
  created?: string;
  platform?: string;
  quiet?: boolean;
  progress?: string;
}

/** The flags as the op's options; throws UsageError (exit 2) for the first bad value. */
export function mutateOptionsOf(flags: MutateFlags, env: NodeJS.ProcessEnv): MutateOptions {
  const opts: MutateOptions = {
    ...(flags.entrypoint !== undefined ? { entrypoint: parseCommandForm(flags.entrypoint, '--entrypoint') } : {}),
    ...(flags.cmd !== undefined ? { cmd: parseCommandForm(flags.cmd, '--cmd') } : {}),
    ...(flags.env ? { env: parseKeyChanges(flags.env, '--env') } : {}),
    ...(flags.label ? { labels: parseKeyChanges(flags.label, '--label') } : {}),
    ...(flags.annotation ? { annotations: parseKeyChanges(flags.annotation, '--annotation') } : {}),
    ...(flags.workdir !== undefined ? { workdir: flags.workdir } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.expose ? { exposedPorts: flags.expose.map(parseExposedPort) } : {}),
    ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
  };
  if (flags.created !== undefined) return { ...opts, created: parseCreated(flags.created) };
  // Without --created, SOURCE_DATE_EPOCH (as append takes it) dates a config change; it makes
  // none of its own (an annotation-only mutate keeps the config byte for byte).
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return opts;
  const created = parseSourceDateEpoch(epoch);
  return changesConfig(opts) ? { ...opts, created } : opts;
}

export async function runMutate(ctx: CliContext, source: string, target: string | undefined, flags: MutateFlags): Promise<void> {
  const from = parseLocation(source);
  const to = target === undefined ? undefined : parseLocation(target);
  const opts = mutateOptionsOf(flags, ctx.io.env);
  const report = rewriteReport(ctx, mutateTarget(from, to), flags);
  const locations: LocationContext = { remote: () => ctx.remote(), store: () => ctx.store(), signal: ctx.signal };
  const result = await mutate(locations, from, to, { ...opts, signal: ctx.signal, onProgress: report.onProgress });
  report.done(result, `mutated ${formatLocation(from)} (${result.sourceDigest})`);
}
