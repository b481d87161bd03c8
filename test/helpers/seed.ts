// Pushes OCI layouts into a test registry with `skopeo copy` (async spawn only:
// the token server may be running in this very process).
import { run, type RunResult } from './run-process.js';

export interface SeedTarget {
  /** `127.0.0.1:PORT` */
  host: string;
  /** 'https' needs certDir (a dir holding ca.crt) or it fails verification. */
  scheme: 'http' | 'https';
  certDir?: string;
  /** `user:password`, for htpasswd and token registries. */
  creds?: string;
}

export interface SeedImage {
  layoutDir: string;
  /** The tag inside the layout (its org.opencontainers.image.ref.name). */
  layoutTag: string;
  /** `repository:tag` in the registry. */
  destination: string;
  /** Copy an index with all its platforms (skopeo --all). */
  all?: boolean;
  /** e.g. 'v2s2' to store Docker schema 2 media types instead of OCI. */
  format?: 'oci' | 'v2s2';
}

export function skopeoDestArgs(target: SeedTarget): string[] {
  const args = target.scheme === 'http' ? ['--dest-tls-verify=false'] : [];
  if (target.certDir) args.push('--dest-cert-dir', target.certDir);
  if (target.creds) args.push('--dest-creds', target.creds);
  else args.push('--dest-no-creds');
  return args;
}

export async function seedImage(target: SeedTarget, image: SeedImage): Promise<RunResult> {
  const args = [
    '--insecure-policy', // no signature policy needed for test data (and no /etc/containers/policy.json dependency)
    'copy',
    '--quiet',
    ...(image.all ? ['--all'] : []),
    ...(image.format ? ['--format', image.format] : []),
    ...skopeoDestArgs(target),
    `oci:${image.layoutDir}:${image.layoutTag}`,
    `docker://${target.host}/${image.destination}`,
  ];
  return run('skopeo', args, { timeoutMs: 30_000 });
}

/** Seeds several images into one registry, at most `concurrency` skopeo processes at a time. */
export async function seedImages(target: SeedTarget, images: readonly SeedImage[], concurrency = 3): Promise<void> {
  const queue = [...images];
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) await seedImage(target, image);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, images.length) }, worker));
}
