import { describe, expect, it } from 'vitest';
import { findChallenge, parseChallenges, type Challenge } from '../../../src/transport/challenge.js';

const HUB =
  'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
// distribution 2.8 token auth, after a token whose scope did not cover the request.
const INSUFFICIENT =
  'Bearer realm="https://127.0.0.1:5001/auth",service="Docker registry",scope="repository:private/app:push,pull",error="insufficient_scope"';

const cases: { name: string; header: string | string[] | undefined; want: Challenge[] }[] = [
  {
    name: 'Docker Hub bearer challenge',
    header: HUB,
    want: [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ],
  },
  {
    name: 'distribution insufficient_scope with error=',
    header: INSUFFICIENT,
    want: [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://127.0.0.1:5001/auth',
          service: 'Docker registry',
          scope: 'repository:private/app:push,pull',
          error: 'insufficient_scope',
        },
      },
    ],
  },
  { name: 'basic realm', header: 'Basic realm="test-realm"', want: [{ scheme: 'basic', params: { realm: 'test-realm' } }] },
  {
    name: 'two challenges in one header',
    header: 'Basic realm="a", Bearer realm="b",service="c"',
    want: [
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'b', service: 'c' } },
    ],
  },
  {
    name: 'several header values',
    header: ['Basic realm="a"', HUB],
    want: [
      { scheme: 'basic', params: { realm: 'a' } },
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ],
  },
  {
    name: 'quoted string with comma, = and escapes',
    header: 'Bearer realm="a,b=c \\"q\\" \\\\ end",service=svc',
    want: [{ scheme: 'bearer', params: { realm: 'a,b=c "q" \\ end', service: 'svc' } }],
  },
  {
    name: 'case-insensitive scheme and names, values kept',
    header: 'BEARER Realm="https://Auth/Token", SERVICE="Reg"',
    want: [{ scheme: 'bearer', params: { realm: 'https://Auth/Token', service: 'Reg' } }],
  },
  {
    name: 'extra whitespace, BWS around =, empty list items',
    header: '  ,  Bearer   realm = "r" ,  , service\t=\t"s"  ,',
    want: [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }],
  },
  {
    name: 'unquoted token values and an unquoted URL',
    header: 'Bearer realm=https://auth.example.com/token,service=example,charset=UTF-8',
    want: [{ scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'example', charset: 'UTF-8' } }],
  },
  {
    name: 'token68 forms',
    header: 'Negotiate YIIBhgYGKwYBBQUCoII=, NTLM, Basic realm="x"',
    want: [
      { scheme: 'negotiate', params: { '': 'YIIBhgYGKwYBBQUCoII=' } },
      { scheme: 'ntlm', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ],
  },
  {
    name: 'scheme without params followed by another',
    header: 'Basic, Bearer realm="b"',
    want: [
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'b' } },
    ],
  },
  {
    name: 'empty quoted value',
    header: 'Bearer realm="",service="s"',
    want: [{ scheme: 'bearer', params: { realm: '', service: 's' } }],
  },
  {
    name: 'duplicate parameter: first wins',
    header: 'Bearer realm="first", realm="second"',
    want: [{ scheme: 'bearer', params: { realm: 'first' } }],
  },
  {
    name: 'missing comma between params is tolerated',
    header: 'Bearer realm="a" service="b"',
    want: [{ scheme: 'bearer', params: { realm: 'a', service: 'b' } }],
  },
  { name: 'undefined', header: undefined, want: [] },
  { name: 'empty string', header: '', want: [] },
  { name: 'empty array', header: [], want: [] },
];

describe('parseChallenges', () => {
  it.each(cases)('$name', ({ header, want }) => {
    expect(parseChallenges(header)).toEqual(want);
  });

  const junk: { name: string; header: string; want: Challenge[] }[] = [
    { name: 'only punctuation', header: '=,;"', want: [] },
    { name: 'param without scheme', header: 'realm="x"', want: [] },
    {
      name: 'junk param skipped, the rest kept',
      header: 'Bearer "oops", realm="r", =x, service="s"',
      want: [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }],
    },
    {
      name: 'unterminated quote drops that param only',
      header: 'Bearer service="s", realm="never closed',
      want: [{ scheme: 'bearer', params: { service: 's' } }],
    },
    {
      name: 'name without value',
      header: 'Bearer realm=, service="s"',
      want: [{ scheme: 'bearer', params: { service: 's' } }],
    },
    {
      name: 'junk before a valid challenge',
      header: '@@@, Basic realm="ok"',
      want: [{ scheme: 'basic', params: { realm: 'ok' } }],
    },
    { name: 'scheme glued to =', header: 'Bearer="x", Basic realm="y"', want: [{ scheme: 'basic', params: { realm: 'y' } }] },
  ];
  it.each(junk)('never throws on junk: $name', ({ header, want }) => {
    expect(parseChallenges(header)).toEqual(want);
  });

  it('keeps __proto__ and constructor as ordinary parameters', () => {
    const [ch] = parseChallenges('Bearer __proto__="x", constructor="y", realm="r"');
    expect(Object.getPrototypeOf(ch!.params)).toBe(Object.prototype);
    expect(Object.hasOwn(ch!.params, '__proto__')).toBe(true);
    expect(ch!.params['constructor']).toBe('y');
    expect(ch!.params['realm']).toBe('r');
  });

  it('survives arbitrary bytes without throwing', () => {
    let seed = 7;
    const alphabet = 'ab=," \\\t,Bearer realm';
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let j = 0; j < 40; j++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        s += alphabet[seed % alphabet.length];
      }
      expect(() => parseChallenges(s)).not.toThrow();
    }
  });
});

describe('findChallenge', () => {
  const challenges = parseChallenges('Basic realm="a", Bearer realm="b"');
  it('finds by scheme, case-insensitively', () => {
    expect(findChallenge(challenges, 'Bearer')?.params['realm']).toBe('b');
    expect(findChallenge(challenges, 'basic')?.params['realm']).toBe('a');
  });
  it('returns undefined when absent', () => {
    expect(findChallenge(challenges, 'digest')).toBeUndefined();
    expect(findChallenge([], 'bearer')).toBeUndefined();
  });
});
