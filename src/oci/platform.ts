// Platforms (`os/arch[/variant]`) and picking an index child the way docker does (containerd's
// platforms.Normalize + platforms.Only): aliases such as x86_64/aarch64 are mapped, arm64's
// default variant is v8, plain `arm` means arm/v7, and when the exact platform is missing the
// closest compatible one is taken (arm/v7 -> v6 -> v5, arm64 -> 32-bit arm, amd64 -> 386).

import { endianness } from 'node:os';
import { UsageError } from '../errors.js';
import type { Descriptor, ImageIndex, Platform } from './manifest.js';
import { KNOWN_ARCH, KNOWN_OS } from './platform-names.js';

interface Normalized {
  os: string;
  architecture: string;
  variant: string;
}

/** containerd's normalizeArch: one spelling per architecture, default variants made explicit. */
function normalizeArch(architecture: string, variant: string): { architecture: string; variant: string } {
  const a = architecture.toLowerCase();
  const v = variant.toLowerCase();
  switch (a) {
    case 'i386':
      return { architecture: '386', variant: '' };
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return { architecture: 'amd64', variant: v === 'v1' ? '' : v };
    case 'aarch64':
    case 'arm64':
      // v8 is what every arm64 machine implements; an image without a variant means v8.
      return { architecture: 'arm64', variant: v === '' || v === '8' ? 'v8' : v };
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      if (v === '' || v === '7') return { architecture: 'arm', variant: 'v7' };
      return { architecture: 'arm', variant: ['5', '6', '8'].includes(v) ? `v${v}` : v };
    default:
      return { architecture: a, variant: v };
  }
}

function normalize(p: Platform): Normalized {
  const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase();
  return { os, ...normalizeArch(p.architecture, p.variant ?? '') };
}

/**
 * docker's one-word `--platform` (containerd's platforms.Parse): a known OS takes this
 * machine's architecture (`linux`), a known architecture this machine's OS (`arm64`).
 */
function parseOneWord(word: string, s: string): Platform {
  const os = word.toLowerCase() === 'macos' ? 'darwin' : word.toLowerCase();
  const host = hostPlatform();
  if (KNOWN_OS.has(os)) {
    const keepVariant = host.architecture === 'arm' && host.variant !== undefined && host.variant !== 'v7';
    return Object.freeze({ os, architecture: host.architecture, ...(keepVariant ? { variant: host.variant } : {}) });
  }
  const arch = normalizeArch(word, '');
  if (KNOWN_ARCH.has(arch.architecture)) {
    const implied = /^(armhf|armel)$/i.test(word);
    return Object.freeze({ os: host.os, architecture: arch.architecture, ...(implied ? { variant: arch.variant } : {}) });
  }
  throw new UsageError(`invalid platform "${s}": unknown operating system or architecture (expected os/arch[/variant], e.g. linux/amd64, or one of them)`);
}

/**
 * Parse `os/arch[/variant]` (`linux/arm64/v8`, `linux/amd64`), or docker's one word (`arm64`,
 * `linux`). Case and architecture aliases are normalised (`Linux/x86_64` -> linux/amd64); a
 * given variant is kept.
 */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new UsageError(`invalid platform "${s}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  if (parts.length === 1) return parseOneWord(parts[0]!, s);
  const [os = '', architecture = '', variant = ''] = parts;
  const arch = normalizeArch(architecture, variant);
  // Keep the user's choice of writing a variant or not (`linux/arm64` stays without v8), except
  // for aliases that name one (armhf = arm/v7) and plain `arm`, whose v7 docker always shows.
  const implied = /^(armhf|armel|arm)$/i.test(architecture);
  const platform: Platform = { os: os.toLowerCase(), architecture: arch.architecture };
  return Object.freeze(arch.variant !== '' && (variant !== '' || implied) ? { ...platform, variant: arch.variant } : platform);
}

/** `linux/arm64/v8`, `linux/amd64`. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

const NODE_ARCH: Readonly<Record<string, Pick<Platform, 'architecture' | 'variant'>>> = {
  x64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  ia32: { architecture: '386' },
  ppc64: { architecture: endianness() === 'LE' ? 'ppc64le' : 'ppc64' },
  mips64el: { architecture: 'mips64le' },
  mipsel: { architecture: 'mipsle' },
};

/**
 * Map Node's `process.platform` / `process.arch` to an OCI platform. Containers run Linux
 * everywhere except on Windows hosts (Docker Desktop on macOS runs a Linux VM), so only win32
 * maps to `windows`. `armVersion` is Node's build-time ARM level ("6" or "7").
 */
export function platformFromNode(nodePlatform: string, nodeArch: string, armVersion = '7'): Platform {
  const os = nodePlatform === 'win32' ? 'windows' : 'linux';
  if (nodeArch === 'arm') return Object.freeze({ os, architecture: 'arm', variant: `v${armVersion}` });
  return Object.freeze({ os, ...(NODE_ARCH[nodeArch] ?? { architecture: nodeArch }) });
}

/** The platform images are pulled for by default: this machine's. */
export function hostPlatform(): Platform {
  const armVersion = (process.config.variables as Record<string, unknown>).arm_version;
  return platformFromNode(process.platform, process.arch, armVersion === undefined ? undefined : String(armVersion));
}

const same = (a: Normalized, b: Normalized): boolean =>
  a.os === b.os && a.architecture === b.architecture && a.variant === b.variant;

/** Same platform once both sides are normalised (linux/arm64 == linux/arm64/v8, arm == arm/v7). */
export function platformMatches(want: Platform, have: Platform): boolean {
  return same(normalize(want), normalize(have));
}

const version = (variant: string): RegExpExecArray | null => /^v(\d+)(?:\.(\d))?$/.exec(variant);

/** Lower arm64 levels a CPU at `variant` also runs: v8.2 -> v8.1, v8; v9.1 -> v9, v8.6 ... v8. */
function lowerArm64Variants(variant: string): string[] {
  const m = version(variant);
  if (!m || Number(m[1]) < 8) return [];
  let major = Number(m[1]);
  let minor = Number(m[2] ?? 0);
  const out: string[] = [];
  const push = (from: number) => {
    for (let n = from; n >= 0; n--) out.push(n === 0 ? `v${major}` : `v${major}.${n}`);
  };
  if (major === 9) {
    push(minor - 1);
    // v9.0 branched from v8.5, so v9.x runs v8.(x+5).
    minor += 5;
    major = 8;
    out.push(`v8.${minor}`);
  }
  push(minor - 1);
  return out;
}

/** Platforms accepted for `want`, best first (containerd's platformVector for platforms.Only). */
function candidates(want: Normalized): Normalized[] {
  const list: Normalized[] = [want];
  const level = Number.parseInt(want.variant.replace(/^v/, ''), 10);
  if (want.architecture === 'amd64') {
    for (let l = Number.isNaN(level) ? 0 : level - 1; l >= 1; l--) {
      list.push({ ...want, variant: l === 1 ? '' : `v${l}` });
    }
    list.push({ ...want, architecture: '386', variant: '' });
  } else if (want.architecture === 'arm' && !Number.isNaN(level)) {
    for (let l = level - 1; l >= 5; l--) list.push({ ...want, variant: `v${l}` });
  } else if (want.architecture === 'arm64') {
    for (const variant of lowerArm64Variants(want.variant)) list.push({ ...want, variant });
    // 64-bit ARM runs 32-bit arm images too, from its own level down to v5.
    const armVariant = /^v[89]\./.test(want.variant) ? 'v8' : want.variant;
    list.push(...candidates({ ...want, architecture: 'arm', variant: armVariant }));
  }
  return list;
}

/**
 * The index entry to pull for `want`: an exact match if there is one, else the closest
 * compatible platform, else undefined. Entries without a platform (attestations) never match.
 */
export function selectManifest(index: ImageIndex, want: Platform): Descriptor | undefined {
  const withPlatform = index.manifests.filter((d): d is Descriptor & { platform: Platform } => d.platform !== undefined);
  for (const candidate of candidates(normalize(want))) {
    const hit = withPlatform.find((d) => same(normalize(d.platform), candidate));
    if (hit) return hit;
  }
  return undefined;
}
