// `inspect`: the object `docker image inspect` prints, from our store: same keys, same order,
// same omissions (Docker Engine 28 shape, without GraphDriver since there is no daemon).
import type { ContainerConfig, ImageConfig } from '../oci/manifest.js';
import type { LayoutStore } from '../store/layout/layout-store.js';
import { summarizeImages } from './image-summary.js';
import { listLocalImages, resolveLocalImage, type LocalImage } from './local-image.js';
import { LAST_TAG_TIME_ANNOTATION } from './tag-image.js';

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created?: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  RootFS: { Type?: string; Layers?: string[] };
  Metadata: { LastTagTime: string };
  Descriptor: { mediaType: string; digest: string; size: number };
}

/** Go's zero time, which docker shows for an image never tagged locally. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's time.RFC3339Nano rendering of an RFC 3339 timestamp: fraction without trailing zeros, `Z` for UTC. */
export function rfc3339Nano(text: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return text;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  const zone = m[3]!.toUpperCase() === 'Z' || m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3]!;
  return `${m[1]}${fraction ? `.${fraction}` : ''}${zone}`;
}

// Go marshals DockerOCIImageConfig's fields in this order, each omitted when empty.
const CONFIG_KEYS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped', 'Healthcheck', 'OnBuild', 'Shell'];
const SORTED_MAPS = new Set(['ExposedPorts', 'Volumes', 'Labels']);

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function sortKeys(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]));
}

function dockerConfig(config: ContainerConfig | undefined): Record<string, unknown> {
  const source = (config ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const v = source[key];
    if (isEmpty(v)) continue;
    out[key] = SORTED_MAPS.has(key) && typeof v === 'object' ? sortKeys(v as Record<string, unknown>) : v;
  }
  return out;
}

/** docker's Comment: the config's own, else the last history entry's (buildkit.dockerfile.v0). */
function comment(config: ImageConfig | undefined): string {
  const own = (config as { comment?: unknown } | undefined)?.comment;
  if (typeof own === 'string' && own !== '') return own;
  return config?.history?.at(-1)?.comment ?? '';
}

export function describeForInspect(target: LocalImage, all: readonly LocalImage[]): ImageInspect {
  const siblings = all.filter((i) => i.id === target.id);
  const summary = summarizeImages(siblings)[0];
  const c = target.config;
  const extra = (c ?? {}) as { docker_version?: unknown };
  const tagTimes = siblings.map((s) => s.descriptor.annotations?.[LAST_TAG_TIME_ANNOTATION]).filter((t): t is string => !!t);
  const diffIds = c?.rootfs.diff_ids ?? [];
  return {
    Id: target.id,
    RepoTags: summary?.repoTags ?? [],
    RepoDigests: summary?.repoDigests ?? [],
    Parent: '',
    Comment: comment(c),
    ...(c?.created ? { Created: rfc3339Nano(c.created) } : {}),
    DockerVersion: typeof extra.docker_version === 'string' ? extra.docker_version : '',
    Author: c?.author ?? '',
    Config: dockerConfig(c?.config),
    Architecture: c?.architecture ?? '',
    ...(c?.variant ? { Variant: c.variant } : {}),
    Os: c?.os ?? '',
    ...(c?.['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: target.size,
    RootFS: { ...(c?.rootfs.type ? { Type: c.rootfs.type } : {}), ...(diffIds.length > 0 ? { Layers: [...diffIds] } : {}) },
    Metadata: { LastTagTime: tagTimes.length > 0 ? rfc3339Nano(tagTimes.sort().at(-1)!) : ZERO_TIME },
    Descriptor: { mediaType: target.descriptor.mediaType, digest: target.descriptor.digest, size: target.descriptor.size },
  };
}

/** The inspect object of the image `input` names (reference or ID prefix); REGCTL_NOT_FOUND when absent. */
export async function inspectLocalImage(store: LayoutStore, input: string, images?: LocalImage[]): Promise<ImageInspect> {
  const all = images ?? (await listLocalImages(store));
  return describeForInspect(await resolveLocalImage(store, input, all), all);
}
