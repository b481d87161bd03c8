// Subjects and referrers for the referrers tests, built with registry-wire's plain-HTTP pushes
// (monolithic blob upload, manifest PUT), which any registry takes: distribution 2.8, `regctl
// registry serve`. Every document gets a random annotation, so no two tests share a digest.
import { randomBytes } from 'node:crypto';
import { EMPTY_JSON, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, doc, putManifest, pushBlob, sha256 } from './registry-wire.js';

export { OCI_INDEX, OCI_MANIFEST, OCI_EMPTY };

export interface Doc {
  bytes: Buffer;
  digest: string;
}

export const emptyConfig = { mediaType: OCI_EMPTY, size: EMPTY_JSON.length, digest: sha256(EMPTY_JSON) };

/** The descriptor of a pushed manifest (as `subject` or an index entry names it). */
export const descriptorOf = (m: Doc, mediaType = OCI_MANIFEST) => ({ mediaType, digest: m.digest, size: m.bytes.length });

/** An image manifest with the empty config and no layers, unique by its annotation. */
export function subjectDoc(): Doc {
  return doc({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: emptyConfig, layers: [], annotations: { 'test.nonce': randomBytes(8).toString('hex') } });
}

export interface ReferrerSpec {
  artifactType?: string;
  /** Config media type (what the referrers list shows when there is no artifactType). */
  configMediaType?: string;
  annotations?: Record<string, string>;
}

/** An artifact manifest whose subject is `subject`. */
export function referrerDoc(subject: Doc, spec: ReferrerSpec = {}): Doc {
  return doc({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(spec.artifactType ? { artifactType: spec.artifactType } : {}),
    config: { ...emptyConfig, ...(spec.configMediaType ? { mediaType: spec.configMediaType } : {}) },
    layers: [emptyConfig],
    subject: descriptorOf(subject),
    annotations: { 'test.nonce': randomBytes(8).toString('hex'), ...spec.annotations },
  });
}

/** Pushes the empty blob and the subject into `repo`; returns the subject. */
export async function pushSubject(url: string, repo: string): Promise<Doc> {
  await pushBlob(url, repo, EMPTY_JSON);
  const subject = subjectDoc();
  await putDoc(url, repo, subject, 'v1');
  return subject;
}

/** PUT by digest (or `reference`), failing the test on anything but 201. */
export async function putDoc(url: string, repo: string, m: Doc, reference = m.digest, mediaType = OCI_MANIFEST): Promise<Record<string, string | string[] | undefined>> {
  const res = await putManifest(url, repo, reference, m.bytes, mediaType);
  if (res.status !== 201) throw new Error(`PUT ${repo}:${reference}: ${res.status} ${res.text()}`);
  return res.headers;
}
