// The image-reference grammar of docker's distribution/reference (regexp.go), rebuilt from
// named pieces so each rule can be read and tested on its own:
//
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [ domain "/" ] path
//   domain     := host [ ":" port ]          host := domain-name | "[" IPv6 "]"
//   path       := path-component [ "/" path-component ]*
//
// Every piece is matched separately (never as one big expression), so no input can make the
// regex engine backtrack across pieces.

/** Lowercase letters and digits: the atoms of a path component. */
export const ALPHANUMERIC = '[a-z0-9]+';

/** One period, one or two underscores, or any number of dashes, between atoms. */
export const SEPARATOR = '(?:[._]|__|[-]+)';

/** A path component starts and ends with an atom: `library`, `my-app`, `a__b`. */
export const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;

/** The repository path: components joined by single slashes (`library/busybox`). */
export const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;

/** One DNS label; unlike the path, the domain may contain uppercase letters. */
export const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';

/** Dotted labels; also covers decimal IPv4 addresses. */
export const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;

/** IPv6 in brackets; zone ids (`%eth0`) and IPv4-in-IPv6 forms are deliberately excluded. */
export const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';

export const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;

export const OPTIONAL_PORT = '(?::[0-9]+)?';

/** Registry host with an optional port: `docker.io`, `localhost:5000`, `[::1]:5000`. */
export const DOMAIN_AND_PORT = `${HOST}${OPTIONAL_PORT}`;

/** Tag: a word character then up to 127 of `[\w.-]` (128 characters in all). */
export const TAG = '[\\w][\\w.-]{0,127}';

/**
 * Digest shape accepted by the reference grammar (algorithm, colon, at least 32 hex digits).
 * Whether the algorithm is supported and the length right is checked afterwards by the
 * digest parser, exactly as docker does with go-digest.
 */
export const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

/** A bare 64-hex image ID, which docker refuses as a repository name. */
export const IDENTIFIER = '[a-f0-9]{64}';

/** Longest repository path docker accepts (RepositoryNameTotalLengthMax). */
export const NAME_MAX_LENGTH = 255;

/** Longest tag docker accepts. */
export const TAG_MAX_LENGTH = 128;

const anchored = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

export const ANCHORED_PATH = anchored(PATH);
export const ANCHORED_DOMAIN = anchored(DOMAIN_AND_PORT);
export const ANCHORED_TAG = anchored(TAG);
export const ANCHORED_DIGEST = anchored(DIGEST);
export const ANCHORED_IDENTIFIER = anchored(IDENTIFIER);

export function isValidPath(path: string): boolean {
  return ANCHORED_PATH.test(path);
}

export function isValidDomain(domain: string): boolean {
  return ANCHORED_DOMAIN.test(domain);
}

export function isValidTag(tag: string): boolean {
  return ANCHORED_TAG.test(tag);
}

/** True when `s` has the grammar's digest shape (support and length are not checked). */
export function isDigestShaped(s: string): boolean {
  return ANCHORED_DIGEST.test(s);
}

export function isIdentifier(s: string): boolean {
  return ANCHORED_IDENTIFIER.test(s);
}
