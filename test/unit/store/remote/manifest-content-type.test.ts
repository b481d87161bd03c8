// A Content-Type naming another manifest type than the body's own mediaType: the body wins and
// the disagreement reaches the caller's debug callback (the CLI's --debug), never stdout/stderr.
// Generic types (application/json) and an agreeing header say nothing.
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../../src/reference/parse.js';
import { contentTypeDisagreement, getManifest } from '../../../../src/store/remote/manifest.js';
import { digestOf, manifest } from '../../../helpers/edge-routes.js';
import { useOpenEdgeRegistry } from '../../../helpers/edge-registry.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf('{}'), size: 2 }, layers: [] }));

const lines: string[] = [];
const setup = useOpenEdgeRegistry({ debug: (line) => lines.push(line) });

describe('manifest Content-Type against the body', () => {
  it('logs a contradicting Content-Type under debug and keeps the body\'s mediaType', async () => {
    const { s, remote } = await setup();
    lines.length = 0;
    s.on('GET', '/v2/demo/app/manifests/v1', manifest(body, `${DOCKER_LIST}; charset=utf-8`));
    const m = await getManifest(remote, parseReference(`${s.host}/demo/app:v1`));
    expect(m.mediaType).toBe(OCI);
    expect(lines.filter((l) => l.includes('contradicts'))).toEqual([
      `manifest ${s.host}/demo/app:v1: Content-Type ${DOCKER_LIST} contradicts the body's mediaType ${OCI}; using ${OCI}`,
    ]);
  });

  it('says nothing for an agreeing or a generic Content-Type', async () => {
    const { s, remote } = await setup();
    lines.length = 0;
    s.on('GET', '/v2/demo/app/manifests/v1', manifest(body, OCI));
    s.on('GET', '/v2/demo/app/manifests/v2', manifest(body, 'application/json'));
    await getManifest(remote, parseReference(`${s.host}/demo/app:v1`));
    await getManifest(remote, parseReference(`${s.host}/demo/app:v2`));
    expect(lines.filter((l) => l.includes('contradicts'))).toEqual([]);
  });

  it.each([
    [OCI, DOCKER_LIST, true],
    [OCI, OCI.toUpperCase(), false],
    [OCI, 'text/plain', false],
    [OCI, undefined, false],
  ])('body %s, header %s: disagreement %s', (mediaType, header, expected) => {
    expect(contentTypeDisagreement(mediaType, header) !== undefined).toBe(expected);
  });
});
