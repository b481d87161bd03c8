// Which manifest.json entry a docker-archive location names, as containers/image's
// ChooseManifestItem picks it: REF is a docker reference matched against each entry's RepoTags
// as full names (the first entry holding it wins), `@N` is the N-th entry (0-based), and no REF
// means the archive's only image. Anything else is REGCTL_NOT_FOUND listing what is there.
import { RegctlError } from '../../errors.js';
import { parseDockerArchiveName } from '../../reference/location.js';
import { parseReference } from '../../reference/parse.js';
import { invalid, type DockerManifestEntry } from './archive-names.js';

function rawTags(entry: DockerManifestEntry): string[] {
  return Array.isArray(entry.RepoTags) ? entry.RepoTags.map(String) : [];
}

function listing(entries: readonly DockerManifestEntry[]): string {
  if (entries.length === 0) return ' (it holds no image)';
  return `; it holds: ${entries.map((e, i) => `@${i} ${rawTags(e).join(' ') || '(untagged)'}`).join(', ')}`;
}

export function chooseDockerArchiveEntry(entries: readonly DockerManifestEntry[], ref: string | undefined, location: string): DockerManifestEntry {
  if (ref === undefined) {
    if (entries.length === 1) return entries[0]!;
    if (entries.length === 0) throw new RegctlError('REGCTL_NOT_FOUND', `${location} holds no image`);
    throw new RegctlError('REGCTL_NOT_FOUND', `${location} holds ${entries.length} images: name one as ${location}:NAME:TAG or ${location}:@N${listing(entries)}`);
  }
  const index = /^@(\d+)$/.exec(ref);
  if (index) {
    const entry = entries[Number(index[1])];
    if (!entry) throw new RegctlError('REGCTL_NOT_FOUND', `no image ${ref} in ${location}: it holds ${entries.length}${listing(entries)}`);
    return entry;
  }
  const wanted = parseDockerArchiveName(ref, `${location}`).toString();
  for (const [i, entry] of entries.entries()) {
    for (const tag of rawTags(entry)) {
      let full: string;
      try {
        full = parseReference(tag).toString();
      } catch {
        throw invalid(`manifest.json in ${location} names an invalid reference at @${i}: ${tag}`);
      }
      if (full === wanted) return entry;
    }
  }
  throw new RegctlError('REGCTL_NOT_FOUND', `no image tagged ${ref} in ${location}${listing(entries)}`);
}
