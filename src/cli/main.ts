// CLI entry: runs the program, catches every error exactly once, prints it and returns the
// exit code. Nothing below this file prints errors or exits.
import { CommanderError } from 'commander';
import { isRegctlError } from '../errors.js';
import { errorContextOf } from './command-error.js';
import { CliContext, type GlobalOptions } from './context.js';
import { runController } from './run-controller.js';
import { escapeControls } from './terminal-text.js';
import { EXIT } from './exit-codes.js';
import { processIO, type CliIO } from './io.js';
import { buildProgram } from './program.js';

type ErrorMessages = typeof import('./error-messages.js');

function loadErrorMessages(): Promise<ErrorMessages | undefined> {
  return import('./error-messages.js').catch(() => undefined);
}

/** The error's own message and the generic failure code, when the wording could not be loaded at all. */
function describeUnworded(err: unknown): { message: string; hint?: string; exitCode: number } {
  return { message: err instanceof Error ? err.message : String(err), exitCode: EXIT.failure };
}

export interface MainOptions {
  io?: CliIO;
  /** Cancels the run (the binary wires SIGINT to it). */
  signal?: AbortSignal;
}

/**
 * The signals that stop a run cleanly (pins, claims and temp files released, `Interrupted`):
 * Ctrl-C, and SIGTERM/SIGHUP, which CI runners and closing terminals send. The exit code is
 * the shell's 128 + the signal's number.
 */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIO();
  const controller = runController();
  let stoppedBy: StopSignal = 'SIGINT';
  const onSignal = (signal: StopSignal) => {
    if (!controller.signal.aborted) stoppedBy = signal;
    controller.abort();
  };
  const onSigint = () => onSignal('SIGINT');
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => [signal, () => onSignal(signal)] as const);
  const ownSignals = !options.io;
  if (options.signal) options.signal.addEventListener('abort', onSigint, { once: true });
  if (ownSignals) for (const [signal, handler] of handlers) process.once(signal, handler);

  let ctx: CliContext | undefined;
  let messages: Promise<ErrorMessages | undefined> | undefined;
  const makeContext = (globals: GlobalOptions): CliContext => {
    // A command is about to run: fetch the error wording now, while files can still be opened.
    // Loaded at the moment of failure, it fails with the failure itself when that is EMFILE
    // (too many open files) or a dist/ replaced under a running process.
    messages ??= loadErrorMessages();
    ctx ??= new CliContext(io, globals, controller.signal);
    return ctx;
  };
  try {
    // `regctl -v` prints the version like `docker -v`; after a command, -v means --verbose.
    const args = argv[0] === '-v' ? ['--version', ...argv.slice(1)] : argv;
    await buildProgram(io, makeContext, args).parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version are "errors" under exitOverride; commander already printed them.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    // Also REGCTL_ABORTED without the signal: a prompt in raw mode reads Ctrl-C as the byte
    // \u0003 (the terminal raises no SIGINT then), and it must end the run as Ctrl-C does.
    if (controller.signal.aborted || (isRegctlError(err) && err.code === 'REGCTL_ABORTED')) {
      io.stderr.write('Interrupted\n');
      return STOP_SIGNALS[stoppedBy];
    }
    // Not loaded for --version and help: the wording of every error (with rate-limit texts,
    // ~8 KB of the bundle) is no part of a run that succeeds without running a command.
    const loaded = await (messages ?? loadErrorMessages());
    const described = loaded ? loaded.describeError(err, errorContextOf(err)) : describeUnworded(err);
    // Messages quote registries and archives: no raw control characters reach the terminal.
    // (Registry messages are single-lined where they are read: transport/registry-error.ts.)
    io.stderr.write(`Error: ${escapeControls(described.message, { keepNewlines: true })}\n`);
    if (described.hint) io.stderr.write(`hint: ${escapeControls(described.hint, { keepNewlines: true })}\n`);
    if (ctx?.globals.debug && err instanceof Error) {
      for (let cause = err.cause; cause; cause = (cause as Error).cause) {
        io.stderr.write(`DEBUG: caused by: ${(cause as Error).message ?? String(cause)}\n`);
      }
    }
    return described.exitCode;
  } finally {
    if (ownSignals) for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    await ctx?.close().catch(() => undefined);
  }
}
