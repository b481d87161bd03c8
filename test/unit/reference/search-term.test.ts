import { describe, expect, it } from 'vitest';
import { hubSearchUrl, parseSearchTerm, v1SearchPath } from '../../../src/reference/search-term.js';

describe('parseSearchTerm (docker splitReposSearchTerm)', () => {
  it.each([
    ['nginx', 'docker.io', 'nginx'],
    ['library/nginx', 'docker.io', 'nginx'],
    ['bitnami/nginx', 'docker.io', 'bitnami/nginx'],
    // Only `.`, `:` or `localhost` make a host; uppercase does not (unlike image references).
    ['Team/app', 'docker.io', 'Team/app'],
    ['docker.io/library/nginx', 'docker.io', 'nginx'],
    ['index.docker.io/bitnami/nginx', 'docker.io', 'bitnami/nginx'],
    ['registry-1.docker.io/library/redis', 'docker.io', 'redis'],
    ['localhost/app', 'localhost', 'app'],
    ['localhost:5000/team/app', 'localhost:5000', 'team/app'],
    ['quay.io/prometheus', 'quay.io', 'prometheus'],
    // Only Docker Hub drops library/.
    ['quay.io/library/app', 'quay.io', 'library/app'],
    ['127.0.0.1:5000/', '127.0.0.1:5000', ''],
    // No slash: the whole term is a Hub query, even when it looks like a host.
    ['localhost:5000', 'docker.io', 'localhost:5000'],
  ])('%s -> %s, %j', (term, registry, query) => {
    expect(parseSearchTerm(term)).toEqual({ registry, query });
  });

  it("rejects a scheme with docker's message", () => {
    expect(() => parseSearchTerm('https://quay.io/app')).toThrow(
      'invalid repository name: repository name (https://quay.io/app) should not have a scheme',
    );
  });

  it('rejects an invalid host', () => {
    expect(() => parseSearchTerm('bad_host.example:x/app')).toThrow(/invalid registry address/);
  });
});

describe('v1 search URLs', () => {
  it('sends a bare term to https://index.docker.io/v1/search with q and n', () => {
    const { registry, query } = parseSearchTerm('library/nginx');
    expect(registry).toBe('docker.io');
    expect(hubSearchUrl(query, 25)).toBe('https://index.docker.io/v1/search?q=nginx&n=25');
  });

  it('escapes the query as Go url.QueryEscape does (space as +, / as %2F)', () => {
    expect(v1SearchPath('team/my app', 7)).toBe('/v1/search?q=team%2Fmy+app&n=7');
  });
});
