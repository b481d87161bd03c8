import { describe, expect, it } from 'vitest';
import { commandArgs, parseCommandForm } from '../../../../src/ops/mutate/command-form.js';
import { formatCreated, parseCreated, parseExposedPort, parseKeyChanges, parseSourceDateEpoch } from '../../../../src/ops/mutate/flag-values.js';
import { mutateOptionsOf } from '../../../../src/cli/actions/mutate.js';

const usage = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as { code: string; message: string }).code + ': ' + (err as Error).message;
  }
  throw new Error('no error');
};

describe('--entrypoint / --cmd forms', () => {
  it('reads a JSON array as the exec form and anything else as the shell form', () => {
    expect(parseCommandForm('["node","server.js"]', '--cmd')).toEqual(['node', 'server.js']);
    expect(parseCommandForm(' [ "a b" ] ', '--cmd')).toEqual(['a b']);
    expect(parseCommandForm('npm start', '--cmd')).toBe('npm start');
    expect(parseCommandForm('', '--cmd')).toBeNull();
    expect(commandArgs('npm start', 'linux')).toEqual(['/bin/sh', '-c', 'npm start']);
    expect(commandArgs('app.exe', 'windows')).toEqual(['cmd', '/S', '/C', 'app.exe']);
    expect(commandArgs(['x'], 'linux')).toEqual(['x']);
  });

  it('refuses a bad JSON array with a usage error', () => {
    expect(usage(() => parseCommandForm('["node",', '--cmd'))).toMatch(/^REGCTL_USAGE: invalid --cmd value .*not a valid JSON array/);
    expect(usage(() => parseCommandForm('[1,2]', '--entrypoint'))).toMatch(/^REGCTL_USAGE: invalid --entrypoint value .*JSON array of strings/);
  });
});

describe('KEY=VALUE flags', () => {
  it('sets, removes with KEY-, keeps = in values, later flags win', () => {
    expect(parseKeyChanges(['A=1', 'B=x=y', 'C=', 'D-', 'A=2'], '--env')).toEqual({ B: 'x=y', C: '', D: null, A: '2' });
  });
  it('refuses a value without =', () => {
    expect(usage(() => parseKeyChanges(['NOEQUALS'], '--env'))).toMatch(/^REGCTL_USAGE: invalid --env value "NOEQUALS": expected KEY=VALUE/);
    expect(usage(() => parseKeyChanges(['=v'], '--label'))).toMatch(/^REGCTL_USAGE/);
  });
});

describe('--expose and --created', () => {
  it('normalizes ports to PORT/PROTO, tcp by default', () => {
    expect(parseExposedPort('8080')).toBe('8080/tcp');
    expect(parseExposedPort('53/UDP')).toBe('53/udp');
    for (const bad of ['0', '65536', 'http', '80/icmp', '80/']) expect(usage(() => parseExposedPort(bad))).toMatch(/^REGCTL_USAGE: invalid --expose/);
  });
  it('takes RFC 3339 (stored in UTC, Go style) or now', () => {
    expect(parseCreated('2024-01-02T03:04:05+02:00')).toBe('2024-01-02T01:04:05Z');
    expect(parseCreated('2024-01-02T03:04:05.120Z')).toBe('2024-01-02T03:04:05.12Z');
    expect(parseCreated('now', () => new Date(Date.UTC(2025, 0, 1)))).toBe('2025-01-01T00:00:00Z');
    for (const bad of ['yesterday', '2024-01-02', '2024-13-02T00:00:00Z']) expect(usage(() => parseCreated(bad))).toMatch(/^REGCTL_USAGE: invalid --created/);
    expect(formatCreated(new Date(0))).toBe('1970-01-01T00:00:00Z');
  });
  it('reads SOURCE_DATE_EPOCH as whole seconds', () => {
    expect(parseSourceDateEpoch('1700000000')).toBe('2023-11-14T22:13:20Z');
    expect(usage(() => parseSourceDateEpoch('1.5'))).toMatch(/^REGCTL_USAGE: invalid SOURCE_DATE_EPOCH/);
  });
});

describe('mutate flags as options', () => {
  it('--created wins over SOURCE_DATE_EPOCH, which is used without it', () => {
    expect(mutateOptionsOf({ env: ['A=1'] }, { SOURCE_DATE_EPOCH: '0' }).created).toBe('1970-01-01T00:00:00Z');
    expect(mutateOptionsOf({ created: '2024-01-01T00:00:00Z' }, { SOURCE_DATE_EPOCH: '0' }).created).toBe('2024-01-01T00:00:00Z');
    expect(mutateOptionsOf({ env: ['A=1'] }, {}).created).toBeUndefined();
    // It dates a config change but makes none: an annotation-only mutate keeps the config.
    expect(mutateOptionsOf({ annotation: ['a=b'] }, { SOURCE_DATE_EPOCH: '0' })).toEqual({ annotations: { a: 'b' } });
    expect(() => mutateOptionsOf({ env: ['A=1'] }, { SOURCE_DATE_EPOCH: 'soon' })).toThrow(/SOURCE_DATE_EPOCH/);
  });
  it('maps every flag', () => {
    expect(mutateOptionsOf({ entrypoint: '["/app"]', cmd: 'serve', label: ['a=b'], annotation: ['x-'], workdir: '/srv', user: '1000', expose: ['80'] }, {})).toEqual({
      entrypoint: ['/app'], cmd: 'serve', labels: { a: 'b' }, annotations: { x: null }, workdir: '/srv', user: '1000', exposedPorts: ['80/tcp'],
    });
  });
});
