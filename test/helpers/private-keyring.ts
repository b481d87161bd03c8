// A private D-Bus session bus with gnome-keyring's Secret Service behind it, for tests of the OS
// keyring store (test-infrastructure.md §7-8). The login keyring is pre-created unencrypted, so
// nothing prompts and tests can read the stored items from the file; gnome-keyring-daemon is
// started by D-Bus activation on first use and exits with the bus.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { which } from './run-process.js';

export interface PrivateKeyring {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  address: string;
  /** HOME, XDG_DATA_HOME and DBUS_SESSION_BUS_ADDRESS for child processes. */
  env: NodeJS.ProcessEnv;
  /** The unencrypted keyring file: stored secrets appear here in plain text. */
  keyringFile: string;
  stop(): Promise<void>;
}

/** Why the keyring tests cannot run here, or undefined when they can. */
export async function privateKeyringUnavailable(): Promise<string | undefined> {
  const missing = [];
  for (const program of ['dbus-daemon', 'gnome-keyring-daemon']) if (!(await which(program))) missing.push(program);
  return missing.length > 0 ? `needs ${missing.join(', ')} (apt-get install dbus-daemon gnome-keyring)` : undefined;
}

export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-keyring-'));
  const dataHome = path.join(home, '.local/share');
  const keyrings = path.join(dataHome, 'keyrings');
  await fs.mkdir(keyrings, { recursive: true, mode: 0o700 });
  const keyringFile = path.join(keyrings, 'login.keyring');
  await fs.writeFile(keyringFile, '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n', { mode: 0o600 });
  await fs.writeFile(path.join(keyrings, 'default'), 'login', { mode: 0o600 });
  const baseEnv = { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: dataHome, XDG_RUNTIME_DIR: home };
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const address = await readAddress(bus);
  return {
    address,
    env: { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address },
    keyringFile,
    stop: async () => {
      if (bus.exitCode === null) {
        const exited = new Promise((resolve) => bus.once('exit', resolve));
        bus.kill('SIGTERM');
        await exited;
      }
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

function readAddress(bus: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dbus-daemon printed no address: ${err}`)), 10_000);
    bus.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline).trim());
      }
    });
    // "Failed to set fd limit" is harmless; the rest helps when the bus does not start.
    bus.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    bus.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    bus.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-daemon exited ${code}: ${err}`));
    });
  });
}
