import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/cli/version.js';
import { runCli } from '../../helpers/run-cli.js';

describe('regctl CLI basics', () => {
  it('prints the version with --version or a leading -v', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `regctl version ${VERSION}\n` });
    expect(await runCli(['-v'])).toMatchObject({ code: 0, stdout: `regctl version ${VERSION}\n` });
  });

  it('lists the commands and exit codes in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('manifest');
    expect(r.stdout).toContain('tags');
    expect(r.stdout).toContain('--insecure-registry');
    expect(r.stdout).toContain('Exit codes');
  });

  it('shows examples in command help', async () => {
    const r = await runCli(['manifest', 'inspect', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('regctl manifest inspect busybox');
  });

  it('rejects an invalid reference with docker\'s message and exit code 2', async () => {
    const r = await runCli(['manifest', 'inspect', 'Foo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: invalid reference format: repository name (library/Foo) must be lowercase\n');
    expect(r.stdout).toBe('');
  });

  it('rejects a tag where a repository is expected', async () => {
    const r = await runCli(['tags', 'busybox:latest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .+\n$/);
  });

  it('rejects a bad --page-size', async () => {
    const r = await runCli(['tags', '--page-size', 'x', 'busybox']);
    expect(r).toMatchObject({ code: 2, stderr: 'Error: invalid --page-size "x": must be a positive integer\n' });
  });

  it('exits 2 on an unknown command or a missing argument', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const missing = await runCli(['manifest', 'inspect']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'ref'");
  });

  it('accepts global flags after the command name', async () => {
    const r = await runCli(['manifest', 'inspect', '--debug', '--insecure-registry', '10.0.0.0/8', 'Foo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be lowercase');
  });
});
