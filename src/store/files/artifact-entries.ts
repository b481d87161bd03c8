// Which layers of an artifact become files, and where: as `oras pull` decides (cmd/oras/root
// pull.go with oras-go's file store), a layer titled org.opencontainers.image.title is written
// under its title, one marked io.deis.oras.content.unpack=true is a directory unpacked there,
// and untitled layers (the empty layer of a files-less artifact, an image's layers) and the
// config are skipped. Two layers of one title, and titles that would land outside the output
// directory, are refused before anything is fetched.
import { RegctlError } from '../../errors.js';
import { ANNOTATION_TITLE, ORAS_CONTENT_DIGEST, ORAS_CONTENT_UNPACK } from '../../oci/artifact-manifest.js';
import type { Descriptor } from '../../oci/manifest.js';
import { relativeName } from './safe-path.js';

export interface ArtifactEntry {
  /** The title as the artifact has it (the tar prefix of a directory). */
  title: string;
  /** Where it goes, relative to the output directory. */
  rel: string;
  descriptor: Descriptor;
  /** A packed directory to unpack (its tar digest in `tarDigest`, when it has one). */
  unpack: boolean;
  tarDigest?: string;
}

export interface ArtifactEntries {
  entries: ArtifactEntry[];
  /** Layers without a title, not written (oras: "Skipped pulling layers without file name"). */
  skipped: Descriptor[];
}

export function artifactEntries(layers: readonly Descriptor[], where: string): ArtifactEntries {
  const entries: ArtifactEntry[] = [];
  const skipped: Descriptor[] = [];
  const seen = new Set<string>();
  for (const d of layers) {
    const title = d.annotations?.[ANNOTATION_TITLE];
    if (!title) {
      skipped.push(d);
      continue;
    }
    const rel = relativeName(title, where);
    if (seen.has(rel)) throw new RegctlError('REGCTL_INVALID_MANIFEST', `the artifact has two layers named ${JSON.stringify(title)}`);
    seen.add(rel);
    const unpack = d.annotations?.[ORAS_CONTENT_UNPACK] === 'true';
    const tarDigest = d.annotations?.[ORAS_CONTENT_DIGEST];
    entries.push({ title, rel, descriptor: d, unpack, ...(unpack && tarDigest ? { tarDigest } : {}) });
  }
  return { entries, skipped };
}
