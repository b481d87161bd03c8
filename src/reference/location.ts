// Where an image is: skopeo's transport syntax (containers-transports(5)) plus regctl's own
// store. `docker://REF` and a bare REF are registry references with docker's defaults;
// `store:NAME` is an image of the local store (a name or an image ID, as push finds it);
// `oci:DIR[:REF]`, `oci-archive:FILE[:REF]` and `docker-archive:FILE[:REF]` are a directory or
// a tar on disk. As in containers/image, the path ends at the first colon: what follows is the
// image's name inside the layout (any string, `v1` or a full reference) or, for docker-archive,
// a docker reference or `@N` (the N-th image of the archive's manifest.json).
import { InvalidReferenceError, UsageError } from '../errors.js';
import { parseReference, type Reference } from './parse.js';

export type Location =
  | { transport: 'docker'; ref: Reference }
  | { transport: 'store'; name: string }
  | { transport: 'oci'; path: string; ref: string | undefined }
  | { transport: 'oci-archive'; path: string; ref: string | undefined }
  | { transport: 'docker-archive'; path: string; ref: string | undefined };

export type Transport = Location['transport'];
export type FileTransport = 'oci' | 'oci-archive' | 'docker-archive';

export const SUPPORTED_TRANSPORTS: readonly string[] = ['docker://', 'store:', 'oci:', 'oci-archive:', 'docker-archive:'];

/** skopeo's other transports: recognised only to say what regctl supports instead. */
const OTHER_TRANSPORTS = ['dir', 'containers-storage', 'docker-daemon', 'ostree', 'sif', 'tarball'];

const FILE_TRANSPORTS: readonly FileTransport[] = ['oci-archive', 'docker-archive', 'oci'];

function supportedHint(): string {
  return `supported transports: ${SUPPORTED_TRANSPORTS.join(', ')} (or a bare registry reference)`;
}

/** Parses a location; a bad one throws REGCTL_INVALID_REFERENCE / REGCTL_USAGE with a hint. */
export function parseLocation(input: string): Location {
  if (input.startsWith('docker://')) return { transport: 'docker', ref: parseRegistryReference(input.slice('docker://'.length), input) };
  if (input.startsWith('store:')) {
    const name = input.slice('store:'.length);
    if (name === '') throw new UsageError(`invalid location "${input}": store: needs an image name or ID`);
    return { transport: 'store', name };
  }
  for (const transport of FILE_TRANSPORTS) {
    if (input.startsWith(`${transport}:`)) return fileLocation(transport, input.slice(transport.length + 1), input);
  }
  const colon = input.indexOf(':');
  const prefix = colon > 0 ? input.slice(0, colon) : '';
  if (OTHER_TRANSPORTS.includes(prefix)) {
    throw new UsageError(`transport "${prefix}:" is not supported by regctl`, { hint: supportedHint() });
  }
  if (prefix === 'docker') {
    throw new UsageError(`invalid location "${input}": the docker transport is written docker://REFERENCE`, { hint: supportedHint() });
  }
  return { transport: 'docker', ref: parseRegistryReference(input, input) };
}

function parseRegistryReference(text: string, input: string): Reference {
  try {
    return parseReference(text);
  } catch (err) {
    if ((err as InvalidReferenceError).code !== 'REGCTL_INVALID_REFERENCE') throw err;
    // A path-looking argument is most likely a layout or an archive without its transport.
    const looksLikePath = /^[./~]/.test(text) || text.endsWith('.tar');
    throw new InvalidReferenceError(`${(err as Error).message}: "${input}"`, {
      hint: looksLikePath ? `${supportedHint()}; e.g. oci:${text} or docker-archive:${text}` : supportedHint(),
    });
  }
}

function fileLocation(transport: FileTransport, rest: string, input: string): Location {
  const colon = rest.indexOf(':');
  const path = colon >= 0 ? rest.slice(0, colon) : rest;
  const ref = colon >= 0 ? rest.slice(colon + 1) : undefined;
  if (path === '') throw new UsageError(`invalid location "${input}": ${transport}: needs a path`);
  if (ref === '') throw new UsageError(`invalid location "${input}": empty image name after the path`);
  if (ref !== undefined && transport === 'docker-archive' && !/^@\d+$/.test(ref)) parseDockerArchiveName(ref, input);
  return { transport, path, ref };
}

/** docker-archive names are docker references with a tag (manifest.json RepoTags), never a digest. */
export function parseDockerArchiveName(ref: string, input = ref): Reference {
  const parsed = parseRegistryReference(ref, input);
  if (parsed.digest) throw new UsageError(`invalid location "${input}": a docker-archive name cannot carry a digest`);
  return parsed;
}

/** The location as the user would write it (for messages). */
export function formatLocation(location: Location): string {
  switch (location.transport) {
    case 'docker':
      return location.ref.toString();
    case 'store':
      return `store:${location.name}`;
    default:
      return `${location.transport}:${location.path}${location.ref === undefined ? '' : `:${location.ref}`}`;
  }
}
