// The next page of a listing, from its `Link: <...>; rel="next"` header. The link is resolved
// against the page's URL (RFC 8288) and followed only when it stays on the registry's origin:
// a page on another host would merge a stranger's names into this registry's list, and a
// `file:` or other non-HTTP link is no page at all. Both are the registry's fault, so they end
// the listing with one error that says so. (docker/distribution's client and ggcr follow any
// origin; regctl is stricter on purpose.)
import { RegctlError } from '../../errors.js';
import { redactUrl } from '../../util/redact.js';

/** Parses an RFC 8288 Link header and returns the target of rel="next", if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

/**
 * The absolute URL of the next page: `link` resolved against `pageUrl`, which must stay on
 * `origin` (the registry's scheme, host and port). `what` names the listing in the error.
 */
export function resolveNextLink(link: string, pageUrl: string, origin: string, what: string): string {
  const refuse = (why: string) =>
    new RegctlError('REGCTL_REGISTRY', `${what}: the registry sent a next-page link ${why}: ${redactUrl(link).slice(0, 200)}`);
  let next: URL;
  try {
    next = new URL(link, pageUrl);
  } catch {
    throw refuse('that is not a URL');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw refuse('that is not http(s)');
  if (next.origin !== origin) throw refuse(`to another origin than ${origin} (not followed)`);
  return next.toString();
}
