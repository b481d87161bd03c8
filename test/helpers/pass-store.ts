// An isolated password store for the real docker-credential-pass: a throw-away passphrase-less
// GPG key (ed25519: generated in milliseconds) in its own HOME/GNUPGHOME/PASSWORD_STORE_DIR.
// stop() kills the gpg-agent the key operations started (test-infrastructure.md §7).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, runUnchecked, which } from './run-process.js';

export interface PassStore {
  /** HOME, GNUPGHOME, PASSWORD_STORE_DIR (plus PATH) for the helper and anything that spawns it. */
  env: NodeJS.ProcessEnv;
  /** An environment whose password store was never initialised (`pass init` not run). */
  uninitialisedEnv: NodeJS.ProcessEnv;
  storeDir: string;
  stop(): Promise<void>;
}

const REQUIRED = ['docker-credential-pass', 'pass', 'gpg', 'gpgconf'];

/** Why the pass tests cannot run here, or undefined when they can. */
export async function passUnavailable(): Promise<string | undefined> {
  const missing = [];
  for (const name of REQUIRED) if (!(await which(name))) missing.push(name);
  return missing.length > 0 ? `needs ${missing.join(', ')} (apt-get install golang-docker-credential-helpers pass gnupg)` : undefined;
}

export async function startPassStore(): Promise<PassStore> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-pass-'));
  const gnupgHome = path.join(home, '.gnupg');
  await fs.mkdir(gnupgHome, { mode: 0o700 });
  const storeDir = path.join(home, '.password-store');
  const env = { PATH: process.env.PATH, HOME: home, GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: storeDir, LC_ALL: 'C.UTF-8' };
  await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', 'regctl test <regctl-test@example.invalid>', 'future-default', 'default', 'never'], { env });
  const keys = await run('gpg', ['--list-secret-keys', '--with-colons'], { env });
  const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(keys.stdout)?.[1];
  if (!fingerprint) throw new Error(`no key fingerprint in: ${keys.stdout}`);
  await run('pass', ['init', fingerprint], { env });
  return {
    env,
    uninitialisedEnv: { ...env, PASSWORD_STORE_DIR: path.join(home, 'never-initialised') },
    storeDir,
    stop: async () => {
      await runUnchecked('gpgconf', ['--homedir', gnupgHome, '--kill', 'gpg-agent'], { env });
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}
