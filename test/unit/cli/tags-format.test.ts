// `tags --digests` / `--format`: the shared Go-template subset over {Repository, Tag, Digest},
// digests from HEAD requests only.
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf, manifest, sendJson } from '../../helpers/edge-routes.js';
import { startEdgeServer, type EdgeServer } from '../../helpers/edge-server.js';
import { runCli } from '../../helpers/run-cli.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const bodies: Record<string, string> = { v1: '{"schemaVersion":2,"n":1}', v2: '{"schemaVersion":2,"n":2}' };
let edge: EdgeServer | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

async function registry(): Promise<EdgeServer> {
  edge = await startEdgeServer();
  edge.on('GET', '/v2/', (_req, res) => sendJson(res, 200, {}));
  edge.on('GET', '/v2/team/app/tags/list', (_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['v1', 'v2'] }));
  edge.on('HEAD', /^\/v2\/team\/app\/manifests\/(v1|v2)$/, (req, res) => manifest(bodies[req.match![1]!]!, OCI)(req, res));
  return edge;
}

describe('tags --digests / --format', () => {
  it('--digests prints a TAG DIGEST table from HEAD requests only', async () => {
    const e = await registry();
    const r = await runCli(['--config', '/nonexistent-regctl-cfg', 'tags', '--digests', `${e.host}/team/app`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`TAG       DIGEST\nv1        ${digestOf(bodies.v1!)}\nv2        ${digestOf(bodies.v2!)}\n`);
    expect(e.requests.filter((q) => q.method === 'GET' && q.url.includes('/manifests/'))).toHaveLength(0);
  });

  it('renders templates and json without fetching digests it does not need', async () => {
    const e = await registry();
    const plain = await runCli(['--config', '/nonexistent-regctl-cfg', 'tags', '--format', '{{.Repository}}:{{.Tag}}', `${e.host}/team/app`]);
    expect(plain.stdout).toBe(`${e.host}/team/app:v1\n${e.host}/team/app:v2\n`);
    expect(e.requests.filter((q) => q.url.includes('/manifests/'))).toHaveLength(0);
    const json = await runCli(['--config', '/nonexistent-regctl-cfg', 'tags', '--format', 'json', `${e.host}/team/app`]);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { Tag: string; Digest: string })).toEqual([
      { Digest: digestOf(bodies.v1!), Repository: `${e.host}/team/app`, Tag: 'v1' },
      { Digest: digestOf(bodies.v2!), Repository: `${e.host}/team/app`, Tag: 'v2' },
    ]);
  });

  it('rejects an unknown field with exit 2', async () => {
    const e = await registry();
    const r = await runCli(['--config', '/nonexistent-regctl-cfg', 'tags', '--format', '{{.Nope}}', `${e.host}/team/app`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("can't evaluate field Nope");
  });
});
