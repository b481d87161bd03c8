// What the global setup hands to tests: `inject('registries')` etc. Values are
// plain JSON (they cross into the worker processes). When the registry binaries
// are missing outside CI, registriesAvailable is false and the other keys hold
// placeholders (empty strings, port 0) so that reading them never throws.
import type { RegistryMode } from './registry-process.js';

export interface RegistryEndpoint {
  mode: RegistryMode;
  /** `http://127.0.0.1:PORT` or `https://...` for tls. */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  port: number;
}

export type HarnessRegistries = Record<'open' | 'htpasswd' | 'token' | 'tls', RegistryEndpoint>;

export interface SeededPlatformManifest {
  platform: { os: string; architecture: string; variant?: string };
  digest: string;
  size: number;
  configDigest: string;
  layerDigests: string[];
}

export interface SeededImage {
  /** e.g. `demo/hello` */
  repository: string;
  tag: string;
  /** Digest of what the tag points at (the index for demo/multi). */
  digest: string;
  size: number;
  mediaType: string;
  /** One entry, or one per platform for an index. */
  manifests: SeededPlatformManifest[];
  /** OCI layout holding it (tag `layoutTag`), for tests that push or compare it. */
  layoutDir: string;
  layoutTag: string;
}

/** Keyed `repository:tag`, e.g. `seeded['demo/multi:v1'].digest`. */
export type SeededImages = Record<string, SeededImage>;

export interface HarnessFiles {
  /** Test CA (PEM) that signed the TLS registry's certificate. */
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** A clientAuth certificate signed by the CA (for mutual-TLS tests). */
  clientCertPath: string;
  clientKeyPath: string;
  tokenCertPath: string;
  tokenKeyPath: string;
  tokenKid: string;
  htpasswdPath: string;
  /** The harness's temp root; tests should still mkdtemp their own dirs. */
  workDir: string;
}

export interface TokenServerInfo {
  url: string;
  /** `${url}/token`: the realm in the token registry's challenge. */
  realm: string;
  /** `${url}/_log`: GET (`?since=SEQ`) returns the request log as JSON, DELETE clears it. */
  logUrl: string;
  service: string;
  issuer: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    registriesAvailable: boolean;
    /** Why the integration tests are skipped ('' when available). */
    registriesSkipReason: string;
    registries: HarnessRegistries;
    /** Path of the test CA certificate (same as files.caCertPath). */
    caPath: string;
    /** docker-style certs.d root: `<certsDir>/127.0.0.1:PORT/ca.crt` (and localhost:PORT) for the TLS registry. */
    certsDir: string;
    tokenServer: TokenServerInfo;
    seeded: SeededImages;
    files: HarnessFiles;
  }
}
