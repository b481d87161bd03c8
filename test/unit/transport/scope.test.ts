import { describe, expect, it } from 'vitest';
import {
  CATALOG_SCOPE,
  formatScope,
  mergeScopes,
  parseScope,
  repositoryScope,
  scopeCovers,
  scopeKey,
} from '../../../src/transport/scope.js';

describe('repositoryScope', () => {
  it.each([
    ['library/busybox', ['pull'], 'repository:library/busybox:pull'],
    ['samalba/my-app', ['pull', 'push'], 'repository:samalba/my-app:pull,push'],
    ['a/b', ['pull', 'push', 'pull'], 'repository:a/b:pull,push'],
    ['a/b', ['*'], 'repository:a/b:*'],
  ])('%s %j -> %s', (repo, actions, want) => {
    expect(repositoryScope(repo, actions)).toBe(want);
  });

  it('rejects an empty action list or repository (a programming error)', () => {
    expect(() => repositoryScope('a/b', [])).toThrow(expect.objectContaining({ code: 'REGCTL_INTERNAL' }));
    expect(() => repositoryScope('', ['pull'])).toThrow(expect.objectContaining({ code: 'REGCTL_INTERNAL' }));
  });

  it('CATALOG_SCOPE is the registry catalog scope', () => {
    expect(CATALOG_SCOPE).toBe('registry:catalog:*');
  });
});

describe('parseScope', () => {
  it.each([
    ['repository:library/busybox:pull', { type: 'repository', name: 'library/busybox', actions: ['pull'] }],
    ['repository:localhost:5000/foo:pull', { type: 'repository', name: 'localhost:5000/foo', actions: ['pull'] }],
    ['repository:a/b:push,pull,push', { type: 'repository', name: 'a/b', actions: ['push', 'pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    [
      'repository(plugin):vieux/sshfs:pull',
      { type: 'repository', resourceClass: 'plugin', name: 'vieux/sshfs', actions: ['pull'] },
    ],
  ])('%s', (s, want) => {
    expect(parseScope(s)).toEqual(want);
  });

  it.each(['', 'pull', 'repository:a', 'repository::pull', ':a:pull', 'repository:a:', 'repository:a:,', 'bad type:a:pull'])(
    'rejects %j',
    (s) => {
      expect(parseScope(s)).toBeUndefined();
    },
  );

  it('formatScope round-trips', () => {
    for (const s of ['repository:localhost:5000/foo:pull,push', 'repository(plugin):x/y:pull', CATALOG_SCOPE]) {
      expect(formatScope(parseScope(s)!)).toBe(s);
    }
  });
});

describe('mergeScopes', () => {
  it.each<[string, string[], string[], string[]]>([
    ['union of actions on one repository', ['repository:a/b:pull'], ['repository:a/b:push'], ['repository:a/b:pull,push']],
    [
      'keeps resources apart, first-appearance order',
      ['repository:dst:pull,push'],
      ['repository:src:pull', 'repository:dst:pull'],
      ['repository:dst:pull,push', 'repository:src:pull'],
    ],
    ['dedups identical scopes', ['repository:a:pull', 'repository:a:pull'], ['repository:a:pull'], ['repository:a:pull']],
    [
      'names with a port are one resource',
      ['repository:localhost:5000/foo:pull'],
      ['repository:localhost:5000/foo:push'],
      ['repository:localhost:5000/foo:pull,push'],
    ],
    ['does not collapse into *', ['repository:a:*'], ['repository:a:pull'], ['repository:a:*,pull']],
    ['keeps unparseable scopes verbatim, once', ['weird'], ['weird', CATALOG_SCOPE], ['weird', CATALOG_SCOPE]],
    ['empty', [], [], []],
  ])('%s', (_name, a, b, want) => {
    expect(mergeScopes(a, b)).toEqual(want);
  });
});

describe('scopeCovers', () => {
  it.each<[string, string[], string[], boolean]>([
    ['same scope', ['repository:a:pull'], ['repository:a:pull'], true],
    ['superset of actions', ['repository:a:pull,push'], ['repository:a:push'], true],
    ['split across entries', ['repository:a:pull', 'repository:a:push'], ['repository:a:pull,push'], true],
    ['missing action', ['repository:a:pull'], ['repository:a:pull,push'], false],
    ['other repository', ['repository:a:pull'], ['repository:b:pull'], false],
    ['* grants all', ['repository:a:*'], ['repository:a:pull,push,delete'], true],
    ['catalog', [CATALOG_SCOPE], [CATALOG_SCOPE], true],
    ['nothing wanted', [], [], true],
    ['nothing granted', [], ['repository:a:pull'], false],
    ['port in name', ['repository:localhost:5000/a:pull'], ['repository:localhost:5000/a:pull'], true],
    ['verbatim unparseable scope', ['weird'], ['weird'], true],
  ])('%s', (_name, granted, wanted, want) => {
    expect(scopeCovers(granted, wanted)).toBe(want);
  });
});

describe('scopeKey', () => {
  it('does not depend on order or duplicates', () => {
    const k1 = scopeKey(['repository:b:push,pull', 'repository:a:pull']);
    const k2 = scopeKey(['repository:a:pull', 'repository:b:pull', 'repository:b:push', 'repository:a:pull']);
    expect(k1).toBe(k2);
    expect(k1).toBe('repository:a:pull repository:b:pull,push');
  });

  it('differs for different scope sets', () => {
    expect(scopeKey(['repository:a:pull'])).not.toBe(scopeKey(['repository:a:pull,push']));
    expect(scopeKey(['repository:a:pull'])).not.toBe(scopeKey(['repository:b:pull']));
  });

  it('is empty for no scopes', () => {
    expect(scopeKey([])).toBe('');
  });
});
