// `regctl artifact ...` without a registry: the help, and bad input refused with one error line
// and the documented exit code (2 usage, 6 local file) before anything is sent. The registry
// named here does not answer, so an attempt to reach it would show as exit 5.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const NOWHERE = '127.0.0.1:1/team/art:1';
let tmp: string;
let file: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'regctl-artifact-cli-'));
  file = path.join(tmp, 'a.txt');
  await writeFile(file, 'a');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--config', tmp, ...args]);

/** One `Error:` line (commander's usage errors add docker's "See '... --help'." after it). */
function oneError(stderr: string): string {
  const errors = stderr.split('\n').filter((l) => l.startsWith('Error') || l.startsWith('error'));
  expect(errors, stderr).toHaveLength(1);
  return errors[0]!;
}

describe('regctl artifact', () => {
  it('lists push, pull, attach and list in its help', async () => {
    const r = await cli(['artifact', '--help']);
    expect(r.code).toBe(0);
    for (const sub of ['push', 'pull', 'attach', 'list']) expect(r.stdout).toMatch(new RegExp(`^  ${sub} `, 'm'));
    const push = await cli(['artifact', 'push', '--help']);
    expect(push.stdout).toContain('--artifact-type <type>');
    expect(push.stdout).toContain('--subject <ref>');
  });

  it.each([
    ['an annotation without =', ['artifact', 'push', NOWHERE, 'FILE', '-a', 'novalue'], /annotation value doesn't match the required format "KEY=VALUE": "novalue"/],
    ['an annotation with no key', ['artifact', 'push', NOWHERE, 'FILE', '--annotation', '=v'], /required format/],
    ['an annotation given twice', ['artifact', 'push', NOWHERE, 'FILE', '-a', 'k=1', '-a', 'k=2'], /duplicate annotation key "k"/],
    ['a file argument with no path', ['artifact', 'push', NOWHERE, ':text/plain'], /found empty file path in ":text\/plain"/],
    ['an invalid reference', ['artifact', 'push', 'team//art', 'FILE'], /invalid reference format/],
    ['a bad created annotation', ['artifact', 'push', NOWHERE, 'FILE', '-a', 'org.opencontainers.image.created=today'], /invalid date and time format/],
    ['attach without --artifact-type', ['artifact', 'attach', NOWHERE, 'FILE'], /--artifact-type/],
    ['attach with neither files nor annotations', ['artifact', 'attach', '--artifact-type', 'x/y', NOWHERE], /no blob or manifest annotation are provided/],
    ['list with an unknown format', ['artifact', 'list', '--format', 'yaml', NOWHERE], /yaml/],
    ['a subject in another repository', ['artifact', 'push', '--subject', '127.0.0.1:1/other/repo:1', NOWHERE, 'FILE'], /not in 127\.0\.0\.1:1\/team\/art: referrers are listed per repository/],
  ])('refuses %s: exit 2, one line', async (_what, args, message) => {
    const r = await cli(args.map((a) => (a === 'FILE' ? file : a)));
    expect(r.code, r.stderr).toBe(2);
    expect(oneError(r.stderr)).toMatch(message);
  });

  it('refuses a missing file and a config that is a directory: exit 6, before the registry is asked', async () => {
    const missing = await cli(['artifact', 'push', NOWHERE, file, path.join(tmp, 'nope.txt')]);
    expect(missing.code, missing.stderr).toBe(6);
    expect(oneError(missing.stderr)).toContain(`${path.join(tmp, 'nope.txt')}: no such file or directory`);
    const config = await cli(['artifact', 'push', '--manifest-config', tmp, NOWHERE, file]);
    expect(config.code, config.stderr).toBe(6);
    expect(oneError(config.stderr)).toContain('is not a regular file');
  });

  it('refuses two files of one name: exit 2', async () => {
    const r = await cli(['artifact', 'push', NOWHERE, file, `${tmp}/./a.txt`]);
    expect(r.code, r.stderr).toBe(2);
    expect(oneError(r.stderr)).toContain('a.txt: duplicate name');
  });
});
