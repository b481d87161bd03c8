// Reading answers from a terminal: visible lines (user name) and hidden ones (password, no echo,
// using raw mode when the input is a real TTY). One prompter reads one stream for the whole
// command, so input typed ahead (or two lines arriving in one chunk) is never lost between prompts.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { RegctlError } from '../errors.js';
import type { OutputStream } from './io.js';

export type PromptInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACES = new Set(['\u007f', '\b']);
/** ESC, then a CSI (`ESC [ 1 ; 5 D`) or SS3 (`ESC O P`) sequence, or one more character. */
const ESCAPE_SEQUENCE = /^\u001b(?:\[[0-9;?]*[@-~]|O.|.)?/;

export class Prompter {
  readonly #input: PromptInput;
  readonly #output: OutputStream;
  readonly #signal: AbortSignal | undefined;
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #ended = false;
  #listening = false;
  #wake: (() => void) | undefined;

  constructor(input: PromptInput, output: OutputStream, signal?: AbortSignal) {
    this.#input = input;
    this.#output = output;
    this.#signal = signal;
  }

  /** Prints `prompt` and reads one line (without its line ending); '' at end of input. */
  async line(prompt: string): Promise<string> {
    this.#output.write(prompt);
    for (;;) {
      const newline = this.#buffer.indexOf('\n');
      if (newline >= 0) {
        const text = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        return text.endsWith('\r') ? text.slice(0, -1) : text;
      }
      if (this.#ended) {
        const rest = this.#buffer;
        this.#buffer = '';
        return rest;
      }
      await this.#more();
    }
  }

  /**
   * Prints `prompt` and reads a line without echoing it. On a real terminal (setRawMode) each key
   * is handled here: Enter ends, Backspace and Ctrl-U edit, Ctrl-C cancels, Ctrl-D on an empty line
   * ends the input. Raw mode is always switched off again.
   */
  async hidden(prompt: string): Promise<string> {
    if (typeof this.#input.setRawMode !== 'function') return this.line(prompt);
    this.#output.write(prompt);
    this.#input.setRawMode(true);
    let text = '';
    try {
      for (;;) {
        while (this.#buffer.length > 0) {
          const escape = ESCAPE_SEQUENCE.exec(this.#buffer);
          if (escape) {
            this.#buffer = this.#buffer.slice(escape[0].length); // arrow keys and the like: not part of a password
            continue;
          }
          const char = [...this.#buffer][0] ?? '';
          this.#buffer = this.#buffer.slice(char.length);
          if (char === '\r' || char === '\n') return text;
          if (char === CTRL_C) throw new RegctlError('REGCTL_ABORTED', 'interrupted');
          if (char === CTRL_D && text === '') return text;
          if (BACKSPACES.has(char)) text = [...text].slice(0, -1).join('');
          else if (char === CTRL_U) text = '';
          else if (char >= ' ') text += char; // other control characters are ignored
        }
        if (this.#ended) return text;
        await this.#more();
      }
    } finally {
      this.#input.setRawMode(false);
      this.#output.write('\n'); // Enter was not echoed either
    }
  }

  /** Stops reading, so the process can exit (a paused stdin keeps no reference). */
  close(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#input.off('data', this.#onData);
    this.#input.off('end', this.#onEnd);
    this.#input.off('error', this.#onEnd);
    this.#input.pause();
  }

  #more(): Promise<void> {
    this.#listen();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new RegctlError('REGCTL_ABORTED', 'interrupted'));
      if (this.#signal?.aborted) return onAbort();
      this.#signal?.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => {
        this.#signal?.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#input.on('data', this.#onData);
    this.#input.on('end', this.#onEnd);
    this.#input.on('error', this.#onEnd);
    this.#input.resume();
  }

  #onData = (chunk: Buffer | string): void => {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#notify();
  };

  #onEnd = (): void => {
    this.#buffer += this.#decoder.end();
    this.#ended = true;
    this.#notify();
  };

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** All of stdin (for --password-stdin), with exactly one trailing "\r\n", "\n" or "\r" removed, as docker does. */
export async function readPasswordStdin(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return trimOneLineEnding(Buffer.concat(chunks).toString('utf8'));
}

export function trimOneLineEnding(text: string): string {
  const withoutLf = text.endsWith('\n') ? text.slice(0, -1) : text;
  return withoutLf.endsWith('\r') ? withoutLf.slice(0, -1) : withoutLf;
}
