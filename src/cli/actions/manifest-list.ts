// What `regctl manifest create|annotate|push|rm` do once their flags are parsed (the registration
// is commands/manifest.ts): docker's manifest list commands on docker's own local store, printing
// docker's lines (`Created manifest list ...`, `Pushed ref ...`, the list's digest last).
import { configDir } from '../../config/paths.js';
import { ManifestListStore } from '../../config/manifest-list-store.js';
import { annotateManifestList } from '../../ops/manifest-list/annotate.js';
import { createManifestList } from '../../ops/manifest-list/create.js';
import { pushManifestList } from '../../ops/manifest-list/push.js';
import { removeManifestLists } from '../../ops/manifest-list/remove.js';
import { parseReference } from '../../reference/parse.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';

export interface ManifestCreateFlags {
  amend?: boolean;
  insecure?: boolean;
}

export interface ManifestAnnotateFlags {
  os?: string;
  arch?: string;
  variant?: string;
  osVersion?: string;
  osFeatures?: string[];
}

export interface ManifestPushFlags {
  purge?: boolean;
  insecure?: boolean;
}

/** The store under the docker config dir: --config, else $DOCKER_CONFIG, else ~/.docker (as docker). */
export function manifestListStore(ctx: CliContext): ManifestListStore {
  return ManifestListStore.forConfigDir(configDir({ configDirFlag: ctx.globals.config, env: ctx.io.env }));
}

/** --insecure: the registries of these references, for this run only. */
function allowInsecure(ctx: CliContext, inputs: readonly string[]): void {
  const registries = inputs.flatMap((input) => {
    try {
      return [parseReference(input).registry];
    } catch {
      return []; // the operation reports the bad name in docker's words
    }
  });
  ctx.globals.insecureRegistry = [...(ctx.globals.insecureRegistry ?? []), ...registries];
}

export async function runManifestCreate(ctx: CliContext, list: string, manifests: string[], flags: ManifestCreateFlags): Promise<void> {
  if (flags.insecure) allowInsecure(ctx, [list, ...manifests]);
  await withErrorContext({ action: 'other' }, async () => {
    const created = await createManifestList({ store: manifestListStore(ctx), remote: () => ctx.remote() }, list, manifests, {
      amend: !!flags.amend,
      signal: ctx.signal,
    });
    ctx.out(`Created manifest list ${created.list}`);
  });
}

export async function runManifestAnnotate(ctx: CliContext, list: string, entry: string, flags: ManifestAnnotateFlags): Promise<void> {
  await withErrorContext({ action: 'other' }, async () => {
    await annotateManifestList(manifestListStore(ctx), list, entry, {
      ...(flags.os !== undefined ? { os: flags.os } : {}),
      ...(flags.arch !== undefined ? { arch: flags.arch } : {}),
      ...(flags.variant !== undefined ? { variant: flags.variant } : {}),
      ...(flags.osVersion !== undefined ? { osVersion: flags.osVersion } : {}),
      ...(flags.osFeatures !== undefined ? { osFeatures: flags.osFeatures } : {}),
    });
  });
}

export async function runManifestPush(ctx: CliContext, list: string, flags: ManifestPushFlags): Promise<void> {
  if (flags.insecure) allowInsecure(ctx, [list]);
  await withErrorContext({ action: 'other' }, async () => {
    const pushed = await pushManifestList(await ctx.remote(), manifestListStore(ctx), list, {
      purge: !!flags.purge,
      signal: ctx.signal,
      onManifestPushed: (m) => ctx.out(`Pushed ref ${m.ref} with digest: ${m.digest}`),
    });
    ctx.out(pushed.digest);
  });
}

export async function runManifestRm(ctx: CliContext, lists: string[]): Promise<void> {
  await withErrorContext({ action: 'other' }, () => removeManifestLists(manifestListStore(ctx), lists));
}
