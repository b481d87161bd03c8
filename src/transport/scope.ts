// Token scopes (distribution's token spec): `type[(class)]:name:action[,action]`.
// The name may itself contain a colon (`localhost:5000/foo`), so a scope is split at its
// FIRST colon (type) and its LAST colon (actions); whatever lies between is the name.

import { RegctlError } from '../errors.js';

export const CATALOG_SCOPE = 'registry:catalog:*';

export interface ParsedScope {
  /** 'repository' or 'registry' (any type is accepted). */
  type: string;
  /** The optional resource class, e.g. 'plugin' in `repository(plugin):name:pull`. */
  resourceClass?: string;
  name: string;
  /** Deduplicated, in order of appearance. */
  actions: string[];
}

function uniq(items: Iterable<string>): string[] {
  return [...new Set(items)];
}

/** `repository:NAME:pull,push` for one repository and its wanted actions (deduplicated). */
export function repositoryScope(repo: string, actions: readonly string[]): string {
  const list = uniq(actions.map((a) => a.trim()).filter((a) => a !== ''));
  if (repo === '' || list.length === 0) {
    throw new RegctlError('REGCTL_INTERNAL', `invalid scope request: repository "${repo}", actions [${actions.join(',')}]`);
  }
  return `repository:${repo}:${list.join(',')}`;
}

/** Parses a scope string; undefined when it is not `type:name:actions` with all three present. */
export function parseScope(s: string): ParsedScope | undefined {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const typePart = s.slice(0, first);
  const name = s.slice(first + 1, last);
  const actions = uniq(
    s
      .slice(last + 1)
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
  );
  const typeMatch = /^([a-z0-9]+)(?:\(([a-z0-9]+)\))?$/i.exec(typePart);
  if (!typeMatch || name === '' || actions.length === 0) return undefined;
  const parsed: ParsedScope = { type: typeMatch[1]!, name, actions };
  if (typeMatch[2] !== undefined) parsed.resourceClass = typeMatch[2];
  return parsed;
}

/** The resource part of a scope, `type[(class)]:name`, i.e. what actions are granted on. */
function resourceOf(p: ParsedScope): string {
  return `${p.type}${p.resourceClass === undefined ? '' : `(${p.resourceClass})`}:${p.name}`;
}

export function formatScope(p: ParsedScope): string {
  return `${resourceOf(p)}:${p.actions.join(',')}`;
}

/**
 * Resource -> actions, in first-appearance order. Unparseable scopes are kept verbatim (keyed
 * by themselves, no actions) so that nothing a caller asked for silently disappears.
 */
function collect(scopes: Iterable<string>): Map<string, { verbatim?: string; actions: string[] }> {
  const byResource = new Map<string, { verbatim?: string; actions: string[] }>();
  for (const s of scopes) {
    const p = parseScope(s);
    if (!p) {
      if (!byResource.has(`\0${s}`)) byResource.set(`\0${s}`, { verbatim: s, actions: [] });
      continue;
    }
    const key = resourceOf(p);
    const entry = byResource.get(key);
    if (entry) entry.actions = uniq([...entry.actions, ...p.actions]);
    else byResource.set(key, { actions: [...p.actions] });
  }
  return byResource;
}

/**
 * Union of two scope lists: one entry per resource with the union of its actions, in order of
 * first appearance. `*` is not collapsed: a token server may refuse `*` yet grant `pull`.
 */
export function mergeScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...collect([...a, ...b])].map(([resource, e]) => e.verbatim ?? `${resource}:${e.actions.join(',')}`);
}

/** True when the granted scopes include every wanted action (`*` grants all actions). */
export function scopeCovers(granted: readonly string[], wanted: readonly string[]): boolean {
  const have = collect(granted);
  for (const [resource, w] of collect(wanted)) {
    const g = have.get(resource);
    if (!g) return false;
    if (w.verbatim !== undefined) continue; // same verbatim key was found
    if (g.actions.includes('*')) continue;
    if (!w.actions.every((a) => g.actions.includes(a))) return false;
  }
  return true;
}

/** A cache key that does not depend on order or duplicates: resources and actions sorted. */
export function scopeKey(scopes: readonly string[]): string {
  return [...collect(scopes)]
    .map(([resource, e]) => e.verbatim ?? `${resource}:${[...e.actions].sort().join(',')}`)
    .sort()
    .join(' ');
}
