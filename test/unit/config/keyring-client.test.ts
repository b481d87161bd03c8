// The OS keyring client: protocol semantics on an in-memory binding, clear errors when the binding
// or the Secret Service is missing, and the real Secret Service (gnome-keyring on a private bus).
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYRING_SERVICE, KeyringClient, type KeyringBinding } from '../../../src/config/credentials/keyring-client.js';
import { privateKeyringUnavailable, startPrivateKeyring, type PrivateKeyring } from '../../helpers/private-keyring.js';

/** An in-memory stand-in for @napi-rs/keyring, recording the options entries are made with. */
function memoryBinding(fail?: (op: string) => Error | undefined) {
  const items = new Map<string, string>();
  const options: unknown[] = [];
  const check = (op: string) => {
    const err = fail?.(op);
    if (err) throw err;
  };
  const binding: KeyringBinding = {
    AsyncEntry: class {
      constructor(
        private readonly service: string,
        private readonly account: string,
        opts?: unknown,
      ) {
        options.push(opts);
      }
      async setPassword(password: string) {
        check('set');
        items.set(`${this.service}\u0000${this.account}`, password);
      }
      async getPassword() {
        check('get');
        return items.get(`${this.service}\u0000${this.account}`) ?? null;
      }
      async deleteCredential() {
        check('delete');
        return items.delete(`${this.service}\u0000${this.account}`);
      }
    },
    async findCredentialsAsync(service: string) {
      check('find');
      return [...items].filter(([k]) => k.startsWith(`${service}\u0000`)).map(([k, password]) => ({ account: k.split('\u0000')[1]!, password }));
    },
  };
  return { binding, items, options };
}

describe('KeyringClient (in-memory binding)', () => {
  it('stores, gets, lists and erases items under the docker-credential-regctl service', async () => {
    const { binding, items } = memoryBinding();
    const client = new KeyringClient({ load: async () => binding });
    expect(await client.get('quay.io')).toBeUndefined();
    await client.store('quay.io', 'alice', 's3cret:with:colons');
    await client.store('https://index.docker.io/v1/', '<token>', 'refresh-token');
    expect(items.get(`${KEYRING_SERVICE}\u0000quay.io`)).toBe('{"Username":"alice","Secret":"s3cret:with:colons"}');
    expect(await client.get('quay.io')).toEqual({ username: 'alice', secret: 's3cret:with:colons' });
    expect(await client.list()).toEqual({ 'quay.io': 'alice', 'https://index.docker.io/v1/': '<token>' });
    await client.erase('quay.io');
    await client.erase('never-stored.example'); // erasing nothing succeeds
    expect(await client.list()).toEqual({ 'https://index.docker.io/v1/': '<token>' });
  });

  it('skips items it did not write when listing, and refuses to read them as credentials', async () => {
    const { binding, items } = memoryBinding();
    items.set(`${KEYRING_SERVICE}\u0000foreign`, 'not json');
    const client = new KeyringClient({ load: async () => binding });
    expect(await client.list()).toEqual({});
    await expect(client.get('foreign')).rejects.toMatchObject({ code: 'REGCTL_CRED_HELPER', message: expect.stringContaining('not a docker-credential-regctl item') });
  });

  it('refuses an empty server URL or user name with the protocol texts', async () => {
    const client = new KeyringClient({ load: async () => memoryBinding().binding });
    await expect(client.store('', 'u', 's')).rejects.toMatchObject({ reason: 'no credentials server URL' });
    await expect(client.store('quay.io', '', 's')).rejects.toMatchObject({ reason: 'no credentials username' });
  });

  it.runIf(process.platform === 'linux')('pins Linux to the Secret Service (the kernel keyring forgets at logout)', async () => {
    const { binding, options } = memoryBinding();
    await new KeyringClient({ load: async () => binding }).get('quay.io');
    expect(options).toEqual([{ linux: { store: 'secret-service' } }]);
  });

  it('explains a missing optional dependency, as a "missing helper" error', async () => {
    const client = new KeyringClient({ load: () => Promise.reject(new Error("Cannot find package '@napi-rs/keyring' imported from x")) });
    const err = await client.store('quay.io', 'alice', 'pw').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'REGCTL_CRED_HELPER',
      missing: true,
      message: "error storing credentials - err: the OS keyring is not available: cannot load the optional dependency @napi-rs/keyring (Cannot find package '@napi-rs/keyring' imported from x)",
      hint: expect.stringContaining('--include=optional'),
    });
  });

  it('explains a missing Secret Service and never repeats the secret', async () => {
    const { binding } = memoryBinding(() => new Error('Platform failure: DBus error: set your DBUS_SESSION_BUS_ADDRESS instead (pw-in-error)'));
    const err = await new KeyringClient({ load: async () => binding }).store('quay.io', 'alice', 'pw-in-error').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REGCTL_CRED_HELPER', missing: true, hint: expect.stringContaining('Secret Service') });
    expect((err as Error).message).toBe('error storing credentials - err: the OS keyring is not available: Platform failure: DBus error: set your DBUS_SESSION_BUS_ADDRESS instead (<redacted>)');
  });
});

const unavailable = await privateKeyringUnavailable();
if (unavailable && !process.env.CI) console.warn(`skipping Secret Service keyring tests: ${unavailable}`);

describe.runIf(unavailable && process.env.CI)('Secret Service availability', () => {
  it('is installed in CI', () => expect.fail(`keyring tests cannot run in CI: ${unavailable}`));
});

describe.skipIf(unavailable)('KeyringClient (real Secret Service: gnome-keyring on a private bus)', () => {
  let keyring: PrivateKeyring;
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;

  beforeAll(async () => {
    keyring = await startPrivateKeyring();
    // The binding reads the process environment, not an env object.
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    await keyring?.stop();
  });

  it('round-trips through @napi-rs/keyring and gnome-keyring', async () => {
    const client = new KeyringClient();
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const result = await fn();
      timings[name] = Math.round((performance.now() - start) * 10) / 10;
      return result;
    };
    await timed('store', () => client.store('127.0.0.1:5000', 'alice', 'keyring-secret'));
    expect(await timed('get', () => client.get('127.0.0.1:5000'))).toEqual({ username: 'alice', secret: 'keyring-secret' });
    expect(await timed('list', () => client.list())).toEqual({ '127.0.0.1:5000': 'alice' });
    expect(await fs.readFile(keyring.keyringFile, 'utf8')).toContain('secret={"Username":"alice","Secret":"keyring-secret"}');
    await timed('erase', () => client.erase('127.0.0.1:5000'));
    expect(await timed('get-missing', () => client.get('127.0.0.1:5000'))).toBeUndefined();
    if (process.env.KEYRING_TIMINGS) console.log(`[keyring] in-process ms ${JSON.stringify(timings)}`);
  });
});
