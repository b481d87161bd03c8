// Who may do what on the token-auth test registry. Like distribution's token
// servers, a request for more than allowed is not an error: the token simply
// carries the allowed subset (possibly nothing), and the registry then answers
// 401 insufficient_scope.
import { USERS } from './users.js';

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** account is undefined for anonymous requests. */
export type Policy = (account: string | undefined, requested: AccessEntry) => string[];

/**
 * alice: everything, including registry:catalog:*.
 * bob: pull on every repository, push (and delete) only under bob/, no catalog.
 * carol: everything under carol/, nothing elsewhere (not even pull: a mount from another
 *   repository is refused, so a push must fall back to uploading).
 * anonymous: pull only under public/.
 */
export const defaultPolicy: Policy = (account, { type, name, actions }) => {
  if (account === USERS.alice.username) return actions;
  if (type !== 'repository') return [];
  if (account === USERS.bob.username) {
    return name.startsWith('bob/') ? actions : actions.filter((a) => a === 'pull');
  }
  if (account === USERS.carol.username) return name.startsWith('carol/') ? actions : [];
  return name.startsWith('public/') ? actions.filter((a) => a === 'pull') : [];
};

/** Parses `repository:demo/hello:pull,push` (the name may itself contain ':'). */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = scope.slice(last + 1).split(',').filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** Applies the policy to every requested scope; merges repeated resources. */
export function grant(policy: Policy, account: string | undefined, scopes: readonly string[]): AccessEntry[] {
  const granted = new Map<string, AccessEntry>();
  for (const scope of scopes) {
    const requested = parseScope(scope);
    if (!requested) continue;
    const actions = policy(account, requested);
    if (actions.length === 0) continue;
    const key = `${requested.type}:${requested.name}`;
    const entry = granted.get(key) ?? { type: requested.type, name: requested.name, actions: [] };
    for (const action of actions) if (!entry.actions.includes(action)) entry.actions.push(action);
    granted.set(key, entry);
  }
  return [...granted.values()];
}
