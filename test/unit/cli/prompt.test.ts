import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { Prompter, readPasswordStdin, trimOneLineEnding, type PromptInput } from '../../../src/cli/prompt.js';

function output() {
  let text = '';
  return { stream: { write: (c: string | Uint8Array) => ((text += c.toString()), true) }, text: () => text };
}

/** A stream that behaves like a terminal in raw mode: keys arrive as they are typed. */
function fakeTty() {
  const input = new PassThrough() as PassThrough & PromptInput;
  input.isTTY = true;
  const modes: boolean[] = [];
  input.setRawMode = vi.fn((mode: boolean) => modes.push(mode));
  return { input, modes };
}

describe('Prompter', () => {
  it('reads lines one prompt at a time even when they arrive in one chunk', async () => {
    const out = output();
    const prompter = new Prompter(Readable.from([Buffer.from('alice\r\nsecret\n')]), out.stream);
    expect(await prompter.line('Username: ')).toBe('alice');
    expect(await prompter.hidden('Password: ')).toBe('secret');
    prompter.close();
    expect(out.text()).toBe('Username: Password: ');
  });

  it('returns what is left, then empty strings, at end of input', async () => {
    const prompter = new Prompter(Readable.from([Buffer.from('bob')]), output().stream);
    expect(await prompter.line('Username: ')).toBe('bob');
    expect(await prompter.line('Username: ')).toBe('');
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('jörg\n');
    const prompter = new Prompter(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]), output().stream);
    expect(await prompter.line('Username: ')).toBe('jörg');
  });

  it('reads a hidden answer in raw mode without echo, with backspace and Ctrl-U editing', async () => {
    const { input, modes } = fakeTty();
    const out = output();
    const prompter = new Prompter(input, out.stream);
    const answer = prompter.hidden('Password: ');
    input.write('wrong');
    input.write('\u0015'); // Ctrl-U: start again
    input.write('pa');
    input.write('sx\u007f'); // backspace removes the x
    input.write('s\u001b[Dwörd\r');
    expect(await answer).toBe('passwörd');
    expect(modes).toEqual([true, false]);
    expect(out.text()).toBe('Password: \n');
    prompter.close();
  });

  it('cancels on Ctrl-C and always leaves raw mode', async () => {
    const { input, modes } = fakeTty();
    const prompter = new Prompter(input, output().stream);
    const answer = prompter.hidden('Password: ');
    input.write('abc\u0003');
    await expect(answer).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
    expect(modes).toEqual([true, false]);
  });

  it('ends on Ctrl-D on an empty line', async () => {
    const { input } = fakeTty();
    const prompter = new Prompter(input, output().stream);
    const answer = prompter.hidden('Password: ');
    input.write('\u0004');
    expect(await answer).toBe('');
  });

  it('rejects a pending read when the command is interrupted', async () => {
    const { input } = fakeTty();
    const controller = new AbortController();
    const prompter = new Prompter(input, output().stream, controller.signal);
    const answer = prompter.line('Username: ');
    controller.abort();
    await expect(answer).rejects.toMatchObject({ code: 'REGCTL_ABORTED' });
  });

  it('stops listening on close so the process can exit', async () => {
    const { input } = fakeTty();
    const prompter = new Prompter(input, output().stream);
    const answer = prompter.line('Username: ');
    input.write('x\n');
    await answer;
    prompter.close();
    expect(input.listenerCount('data')).toBe(0);
    expect(input.isPaused()).toBe(true);
  });
});

describe('--password-stdin', () => {
  it.each([
    ['secret\n', 'secret'],
    ['secret\r\n', 'secret'],
    ['secret\r', 'secret'],
    ['secret\n\n', 'secret\n'],
    ['secret\r\r\n', 'secret\r'],
    ['secret\n\r', 'secret\n'],
    [' spaced secret \t', ' spaced secret \t'],
    ['', ''],
  ])('strips exactly one line ending from %j', (input, expected) => {
    expect(trimOneLineEnding(input)).toBe(expected);
  });

  it('reads all of stdin', async () => {
    expect(await readPasswordStdin(Readable.from([Buffer.from('pa'), Buffer.from('ss:word\n')]))).toBe('pass:word');
  });
});
