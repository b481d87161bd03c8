// Plain HTTP against an in-process embedded registry (the server `regctl registry serve` runs),
// for the registry tests that check the wire: uploads, manifest PUTs, referrers listings.
import { afterAll } from 'vitest';
import { startRegistryServer, type RunningRegistryServer } from '../../src/registry-server/server.js';
import { rawRequest, type RawResponse } from './raw-http.js';
import { makeTempDir, removeTempDirs, sha256 } from '../unit/store/layout/support.js';

export { sha256 };
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const EMPTY_JSON = Buffer.from('{}');

export interface WireDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: WireDescriptor[];
}

const servers: RunningRegistryServer[] = [];

/** Registers the teardown; call once at the top of a test file. */
export function useRegistries(): void {
  afterAll(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await removeTempDirs();
  });
}

export async function serve(opts: { dir?: string; referrersPageBytes?: number } = {}): Promise<RunningRegistryServer & { dir: string }> {
  const dir = opts.dir ?? (await makeTempDir('regctl-registry-'));
  const server = await startRegistryServer('127.0.0.1:0', { dir, referrersPageBytes: opts.referrersPageBytes });
  servers.push(server);
  return Object.assign(server, { dir });
}

/** Monolithic upload, as the conformance suite's pushBlob does it (POST, then PUT with the body). */
export async function pushBlob(url: string, repo: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const start = await rawRequest(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${start.text()}`);
  const loc = new URL(String(start.headers.location), url);
  loc.searchParams.set('digest', digest);
  const put = await rawRequest(loc.toString(), { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`PUT upload: ${put.status} ${put.text()}`);
  return digest;
}

export function putManifest(url: string, repo: string, reference: string, body: Buffer, mediaType = OCI_MANIFEST): Promise<RawResponse> {
  return rawRequest(`${url}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body, headers: { 'content-type': mediaType } });
}

export function getReferrers(url: string, repo: string, subject: string, artifactType?: string): Promise<RawResponse> {
  const q = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  return rawRequest(`${url}/v2/${repo}/referrers/${subject}${q}`);
}

/** Bytes and digest of a JSON document, tab-indented as Go's json.MarshalIndent in the suite. */
export function doc(value: unknown): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify(value, null, '\t'));
  return { bytes, digest: sha256(bytes) };
}

export function errorCode(r: RawResponse): string | undefined {
  return (r.json() as { errors?: { code: string }[] }).errors?.[0]?.code;
}
