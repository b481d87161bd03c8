// RegistryClient's local behaviour (no registry needed): credentials from the configured
// config.json directory, typed errors, and the fallback to anonymous access when config.json is broken.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, createClient } from '../../src/client.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/transport/http.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-client-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function configDir(name: string, text: string): Promise<string> {
  const d = path.join(dir, name);
  await fs.mkdir(d, { recursive: true });
  await fs.writeFile(path.join(d, 'config.json'), text);
  return d;
}

/** Records what the transport sends: /v2/ asks for Basic auth, everything else answers a tag list. */
class RecordingHttp implements HttpClient {
  requests: HttpRequest[] = [];
  async send(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const { Readable } = await import('node:stream');
    const basic = req.headers?.authorization?.startsWith('Basic ');
    const status = req.url.endsWith('/v2/') && !basic ? 401 : 200;
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Basic realm="test"' } : { 'content-type': 'application/json' };
    const body = status === 200 ? JSON.stringify({ name: 'team/app', tags: ['1.0'] }) : '';
    return {
      status,
      statusText: status === 200 ? 'OK' : 'Unauthorized',
      url: req.url,
      headers: { get: (n) => headers[n.toLowerCase()], getAll: (n) => (headers[n.toLowerCase()] ? [headers[n.toLowerCase()]!] : []), entries: () => Object.entries(headers) },
      body: Readable.from([Buffer.from(body)]),
      text: async () => body,
      bytes: async () => Buffer.from(body),
      dump: async () => undefined,
    };
  }
  async close(): Promise<void> {}
}

describe('RegistryClient', () => {
  it('resolves credentials from the configured config.json directory', async () => {
    const auth = Buffer.from('alice:client-test-pw').toString('base64');
    const client = createClient({ configDir: await configDir('good', JSON.stringify({ auths: { 'reg.example:5000': { auth } } })), env: { HOME: dir } });
    expect(await client.resolveCredentials('reg.example:5000')).toMatchObject({ username: 'alice', password: 'client-test-pw' });
    expect(await client.resolveCredentials('other.example')).toBeUndefined();
  });

  it('sends the stored credentials with its requests', async () => {
    const auth = Buffer.from('alice:client-test-pw').toString('base64');
    const http = new RecordingHttp();
    const client = new RegistryClient({ configDir: await configDir('good2', JSON.stringify({ auths: { 'localhost:5999': { auth } } })), env: { HOME: dir }, http });
    expect(await client.listTags('localhost:5999/team/app')).toEqual(['1.0']);
    const sent = http.requests.find((r) => r.url.endsWith('/tags/list'));
    expect(sent?.headers?.authorization).toBe(`Basic ${auth}`);
  });

  it('with a broken config.json: resolveCredentials throws REGCTL_CONFIG, requests go anonymous with a warning', async () => {
    const warnings: string[] = [];
    const http = new RecordingHttp();
    const client = new RegistryClient({ configDir: await configDir('broken', '{not json'), env: { HOME: dir }, http, onWarning: (m) => warnings.push(m) });
    await expect(client.resolveCredentials('localhost:5999')).rejects.toMatchObject({ code: 'REGCTL_CONFIG' });
    expect(await client.listTags('localhost:5999/team/app')).toEqual(['1.0']);
    expect(http.requests.every((r) => !r.headers?.authorization)).toBe(true);
    expect(warnings.some((w) => w.startsWith('Error loading config file'))).toBe(true);
  });

  it('credentials: false never reads config.json', async () => {
    const http = new RecordingHttp();
    const client = new RegistryClient({ configDir: await configDir('broken2', '{not json'), credentials: false, env: { HOME: dir }, http, onWarning: () => expect.fail('no warning expected') });
    await client.listTags('localhost:5999/team/app').catch(() => undefined);
    expect(http.requests.every((r) => !r.headers?.authorization)).toBe(true);
  });

  it('throws typed errors for bad input', async () => {
    const client = new RegistryClient({ credentials: false });
    expect(() => RegistryClient.parseReference('bad::ref')).toThrow(expect.objectContaining({ code: 'REGCTL_INVALID_REFERENCE' }));
    // Asynchronous methods reject, they never throw synchronously.
    const pending = client.getManifest('bad::ref');
    await expect(pending).rejects.toMatchObject({ code: 'REGCTL_INVALID_REFERENCE' });
    await expect(client.putBlob('localhost:5999/a', new Uint8Array([1]))).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
    await expect(client.login('localhost:5999', { username: 'u', password: '' })).rejects.toMatchObject({ code: 'REGCTL_USAGE' });
  });
});
