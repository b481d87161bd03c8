// docker-credential-regctl: the docker-credential-helpers protocol (store, get, erase, list,
// version) over the OS keyring, so that `"credsStore": "regctl"` works for docker too. Requests
// on stdin, answers on stdout; failures are a message on stdout and exit 1, as docker expects.
// The command line is handled as credentials.Serve / HandleCommand do in docker-credential-helpers
// (0.8+), so scripts that probe helpers get the same answers from every one of them.
import type { Readable } from 'node:stream';
import { KEYRING_SERVICE, KeyringClient } from '../config/credentials/keyring-client.js';
import type { OutputStream } from './io.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export interface HelperMainIO {
  stdin: Readable;
  stdout: OutputStream;
  stderr: OutputStream;
}

type Keyring = Pick<KeyringClient, 'get' | 'store' | 'erase' | 'list'>;

const NOT_FOUND = 'credentials not found in native keychain';
const NO_SERVER = 'no credentials server URL';
const USAGE = `Usage: ${KEYRING_SERVICE} <store|get|erase|list|version>`;
const VERSION_LINE = `${KEYRING_SERVICE} (${PACKAGE_NAME}) ${VERSION}`;

class ProtocolError extends Error {}

export async function credentialHelperMain(argv: string[], io: HelperMainIO = processIO(), keyring: Keyring = new KeyringClient()): Promise<number> {
  // Serve: exactly one argument, else the usage and exit 1; the two flags answer before any action.
  if (argv.length !== 1) return fail(io, USAGE);
  const action = argv[0] ?? '';
  if (action === '--version' || action === '-v') return done(io, VERSION_LINE);
  if (action === '--help' || action === '-h') return done(io, USAGE);
  try {
    const output = await run(action, io, keyring);
    if (output !== undefined) io.stdout.write(`${output}\n`);
    return 0;
  } catch (err) {
    const shaped = err as { reason?: unknown; hint?: unknown; message?: unknown };
    const reason = typeof shaped.reason === 'string' ? shaped.reason : String(shaped.message ?? err);
    io.stdout.write(`${reason}\n`);
    // docker passes the helper's stderr through: the place for advice.
    if (typeof shaped.hint === 'string') io.stderr.write(`hint: ${shaped.hint}\n`);
    return 1;
  }
}

async function run(action: string, io: HelperMainIO, keyring: Keyring): Promise<string | undefined> {
  switch (action) {
    case 'store': {
      const creds = parseStoreRequest(await readAll(io.stdin));
      await keyring.store(creds.serverURL, creds.username, creds.secret);
      return undefined;
    }
    case 'get': {
      const serverURL = await readServerURL(io.stdin);
      const found = await keyring.get(serverURL);
      if (!found) throw new ProtocolError(NOT_FOUND);
      return JSON.stringify({ ServerURL: serverURL, Username: found.username, Secret: found.secret });
    }
    case 'erase':
      await keyring.erase(await readServerURL(io.stdin));
      return undefined;
    case 'list':
      return JSON.stringify(await keyring.list());
    case 'version':
      return VERSION_LINE;
    default:
      throw new ProtocolError(`${KEYRING_SERVICE}: unknown action: ${action}`);
  }
}

function done(io: HelperMainIO, line: string): number {
  io.stdout.write(`${line}\n`);
  return 0;
}

function fail(io: HelperMainIO, line: string): number {
  io.stdout.write(`${line}\n`);
  return 1;
}

function parseStoreRequest(text: string): { serverURL: string; username: string; secret: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The text holds a secret: never echo it.
    throw new ProtocolError('invalid credentials JSON on stdin');
  }
  const { ServerURL, Username, Secret } = (parsed ?? {}) as Record<string, unknown>;
  const serverURL = typeof ServerURL === 'string' ? ServerURL.trim() : '';
  if (serverURL === '') throw new ProtocolError(NO_SERVER);
  const username = typeof Username === 'string' ? Username : '';
  if (username === '') throw new ProtocolError('no credentials username');
  return { serverURL, username, secret: typeof Secret === 'string' ? Secret : '' };
}

async function readServerURL(stdin: Readable): Promise<string> {
  const serverURL = (await readAll(stdin)).trim();
  if (serverURL === '') throw new ProtocolError(NO_SERVER);
  return serverURL;
}

async function readAll(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function processIO(): HelperMainIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
