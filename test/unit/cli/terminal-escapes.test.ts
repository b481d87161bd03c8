// What a hostile registry sends never reaches the terminal raw: tag and repository names and its
// error messages are printed with control characters escaped (no title-setting OSC, no screen
// clear, no forged second tag or `Error:` line).
import { afterEach, describe, expect, it } from 'vitest';
import { escapeControls } from '../../../src/cli/terminal-text.js';
import { manifest, sendJson } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';
import { runCli } from '../../helpers/run-cli.js';

const EVIL_TAG = 'v1\u001b]0;pwned\u0007\r\nv2-forged';
const EVIL_REPO = 'team/app\u001b[2J';
let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function hostile(): Promise<EdgeServer> {
  edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  edge.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { name: 'team/app', tags: [EVIL_TAG] }));
  edge.on('GET', '/v2/_catalog', (_req, res) => sendJson(res, 200, { repositories: [EVIL_REPO] }));
  edge.on('HEAD', /^\/v2\/team\/app\/manifests\//, manifest('{"schemaVersion":2}', 'application/vnd.oci.image.manifest.v1+json'));
  edge.on('GET', /^\/v2\/team\/app\/manifests\//, (_req, res) =>
    sendJson(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'unknown\u001b[2J\nError: forged second line' }] }),
  );
  return edge;
}

const cli = (args: string[]) => runCli(['--config', '/nonexistent-regctl-cfg', ...args]);
const hasControl = (s: string) => /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(s.replace(/\n$/, '').replaceAll('\n', ''));

describe('terminal escapes', () => {
  it('escapes every control character but tab, naming CR and LF', () => {
    expect(escapeControls('a\u001b[2Jb\r\nc\td\u009b')).toBe('a\\x1b[2Jb\\r\\nc\td\\x9b');
  });

  it('tags and catalog print a hostile name on one escaped line; a digest lookup refuses the tag', async () => {
    const e = await hostile();
    const tags = await cli(['tags', `${e.host}/team/app`]);
    expect(tags.stdout).toBe('v1\\x1b]0;pwned\\x07\\r\\nv2-forged\n');
    const table = await cli(['tags', '--format', '{{.Tag}}', `${e.host}/team/app`]);
    expect(table.stdout.split('\n')).toHaveLength(2);
    expect(hasControl(table.stdout)).toBe(false);
    // Digests need a HEAD by tag: a tag outside the tag grammar is refused, in one clean line.
    const json = await cli(['tags', '--format', 'json', `${e.host}/team/app`]);
    expect(json.code).not.toBe(0);
    expect(json.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasControl(json.stderr)).toBe(false);
    const catalog = await cli(['catalog', e.host]);
    expect(catalog.stdout).toBe('team/app\\x1b[2J\n');
  });

  it("a registry's error message cannot clear the screen or forge a second Error: line", async () => {
    const e = await hostile();
    const r = await cli(['manifest', 'inspect', `${e.host}/team/app:v1`]);
    expect(r.code).toBe(4);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1);
    expect(hasControl(r.stderr)).toBe(false);
  });
});
