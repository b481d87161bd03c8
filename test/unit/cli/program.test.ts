// A run registers only the command it names (src/cli/program.ts). These tests hold it to the
// behaviour of the program with every command registered: same output, same errors and
// suggestions, same exit, for help, version, unknown commands and options, global options
// before, between and after the command.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext, type GlobalOptions } from '../../../src/cli/context.js';
import type { CliIO } from '../../../src/cli/io.js';
import { buildProgram, commandsFor } from '../../../src/cli/program.js';

interface Outcome {
  /** Commander's error code, 'ok', or the error an action threw. */
  end: string;
  stdout: string;
  stderr: string;
  commands: string[];
}

/** Parses `args` like main() does, on a program that registers `lazily` or every command. */
async function parse(args: string[], lazily: boolean): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (c: string | Uint8Array) => ((stdout += c.toString()), true), isTTY: false },
    stderr: { write: (c: string | Uint8Array) => ((stderr += c.toString()), true), isTTY: false },
    stdin: Readable.from([]),
    env: { ...process.env, REGCTL_STORE: storeDir, DOCKER_CONFIG: configDir },
  };
  const contexts: CliContext[] = [];
  const makeContext = (globals: GlobalOptions): CliContext => {
    contexts.push(new CliContext(io, globals, new AbortController().signal));
    return contexts.at(-1)!;
  };
  const program = buildProgram(io, makeContext, lazily ? args : undefined);
  let end = 'ok';
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    end = err instanceof CommanderError ? err.code : `${(err as Error).name}: ${(err as Error).message}`;
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
  return { end, stdout, stderr, commands: program.commands.map((c) => c.name()) };
}

let dir: string;
let storeDir: string;
let configDir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'regctl-program-'));
  storeDir = path.join(dir, 'store');
  configDir = path.join(dir, 'config');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('lazy command registration', () => {
  const same = (name: string, args: () => string[]) =>
    it(name, async () => {
      const full = await parse(args(), false);
      const lazy = await parse(args(), true);
      expect({ ...lazy, commands: undefined }).toEqual({ ...full, commands: undefined });
    });

  describe('behaves like the full program', () => {
    same('no arguments (help on stdout)', () => []);
    same('--help', () => ['--help']);
    same('-h', () => ['-h']);
    same('help', () => ['help']);
    same('help images', () => ['help', 'images']);
    same('help for an unknown command', () => ['help', 'nosuch']);
    same('--version', () => ['--version']);
    same('--version after global options', () => ['--debug', '--store', storeDir, '--version']);
    same('--version after a command', () => ['images', '--version']);
    same('--help and --version together', () => ['--help', '--version']);
    same('--version as the value of --store', () => ['--store', '--version']);
    same('--version=x', () => ['--version=x']);
    same('an unknown command (suggestion)', () => ['imagse']);
    same('an unknown command after global options', () => ['--store', storeDir, 'pul']);
    same('an unknown option before the command', () => ['--bogus', 'images']);
    same('an unknown option after the command', () => ['images', '--bogus']);
    same('a global option without its value', () => ['--store']);
    same('an empty word', () => ['', 'images']);
    same('-- before the command', () => ['--', 'images']);
    same('a command with a global option before it', () => ['--store', storeDir, 'images']);
    same('a command with a global option after it', () => ['images', '--store', storeDir]);
    same('a command with --store=DIR', () => [`--store=${storeDir}`, 'images']);
    same('a command between repeatable global options', () => ['--insecure-registry', 'a', '--debug', 'images', '--insecure-registry', 'b', '--store', storeDir]);
    same("a command's help", () => ['--config', configDir, 'images', '--help']);
    same('an alias', () => ['cp', '--help']);
    same('the aliased command', () => ['copy', '--help']);
    same('a command group', () => ['manifest']);
    same('a subcommand help', () => ['manifest', 'inspect', '--help']);
    same('an unknown subcommand', () => ['manifest', 'nosuch']);
    same('a missing argument', () => ['--registry-mirror', 'https://m.example', 'tag', 'a']);
    same('too many arguments', () => ['images', 'a', 'b']);
    same('an option missing its value', () => ['--certs-dir', dir, 'pull', '--platform']);
    same('a usage error from an action', () => ['completion', 'tcsh']);
    same('completion, written from every command', () => ['completion', 'bash']);
  });

  it('registers only the command a run names, none for --version, all otherwise', async () => {
    expect((await parse(['--store', storeDir, 'images'], true)).commands).toEqual(['images']);
    expect((await parse(['cp', '--help'], true)).commands).toEqual(['copy']);
    expect((await parse(['--version'], true)).commands).toEqual([]);
    const all = (await parse(['--help'], false)).commands;
    expect(all.length).toBeGreaterThan(20);
    for (const args of [['--help'], ['help', 'images'], ['imagse'], ['--bogus', 'images'], ['completion', 'bash'], []]) {
      expect((await parse(args, true)).commands, args.join(' ')).toEqual(all);
    }
  });

  it("skips the value of every global option that takes one, whatever the value's spelling", () => {
    const program = buildProgram(
      { stdout: { write: () => true }, stderr: { write: () => true }, stdin: Readable.from([]), env: {} },
      () => {
        throw new Error('no action runs here');
      },
      [],
    );
    const valued = program.options.filter((o) => o.required || o.optional).map((o) => o.long!);
    expect(valued.length).toBeGreaterThan(4);
    for (const option of valued) {
      // The value is a command name: the run is still `images`, as commander reads it.
      expect(commandsFor([option, 'pull', 'images']).map((c) => c.names[0]), option).toEqual(['images']);
      expect(commandsFor([`${option}=pull`, 'images']).map((c) => c.names[0]), option).toEqual(['images']);
    }
  });

  it('knows every command by the names and aliases it registers', () => {
    const entries = commandsFor([]);
    const registered = entries.map((entry) => {
      const program = new Command('regctl');
      entry.register(program, () => {
        throw new Error('no action runs here');
      });
      expect(program.commands).toHaveLength(1);
      return [program.commands[0]!.name(), ...program.commands[0]!.aliases()];
    });
    expect(registered).toEqual(entries.map((e) => [...e.names]));
  });
});
