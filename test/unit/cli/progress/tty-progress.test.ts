// The TTY pull progress in a real terminal (tmux: a pty with a screen that re-wraps lines on
// resize, as most terminals do) at 40, 80 and 130 columns, and across a resize: every row fits
// the width, each layer has one line, and the screen ends with exactly the board's lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tmux = spawnSync('tmux', ['-V']).status === 0;
if (!tmux && !process.env.CI) console.warn('tty-progress: tmux not installed, skipping (apt-get install tmux)');

const dir = mkdtempSync(path.join(os.tmpdir(), 'regctl-tty-'));
const driver = path.join(dir, 'driver.mjs');
const socket = `regctl-test-${process.pid}`;
const sh = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = (session: string) => sh('capture-pane', '-p', '-t', session).replace(/\n+$/, '').split('\n');
const IDS = ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3', 'aaaaaaaaaaa4'];

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts the driver in a detached tmux session of `columns`, returns its screen once paused. */
async function startPaused(session: string, columns: number): Promise<{ paused: string[]; resume: () => Promise<string[]> }> {
  const pausedFile = path.join(dir, `${session}.paused`);
  const goFile = path.join(dir, `${session}.go`);
  sh('new-session', '-d', '-s', session, '-x', String(columns), '-y', '40', `${process.execPath} ${driver} ${pausedFile} ${goFile}; sleep 60`);
  await until('the driver to pause', () => existsSync(pausedFile));
  await new Promise((resolve) => setTimeout(resolve, 150)); // let the last redraw reach the screen
  const paused = screen(session);
  return {
    paused,
    resume: async () => {
      writeFileSync(goFile, '');
      await until('END', () => screen(session).includes('END'));
      return screen(session);
    },
  };
}

/**
 * The screen holds the header (unless a resize pushed it into the scrollback: tmux keeps the
 * cursor's row when it re-wraps), then one line per layer matching `line`, then nothing but END.
 */
function expectBoard(screenRows: string[], columns: number, line: RegExp, header = true): void {
  for (const row of screenRows) expect(row.length, row).toBeLessThanOrEqual(columns);
  const rows = [...screenRows];
  if (header || rows[0] === 'latest: Pulling from team/app') expect(rows.shift()).toBe('latest: Pulling from team/app');
  const board = rows.slice(0, IDS.length);
  expect(board.map((row, i) => [row, row.startsWith(`${IDS[i]}: `) && line.test(row)])).toEqual(board.map((row) => [row, true]));
  expect(rows.slice(IDS.length).filter((row) => row.trim() !== '' && row !== 'END')).toEqual([]);
}

describe.skipIf(!tmux && !process.env.CI)('TTY progress in a real terminal', () => {
  beforeAll(async () => {
    await build({ entryPoints: [path.resolve('test/helpers/tty-progress-driver.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: driver, logLevel: 'silent' });
  });
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    // width: what a downloading line looks like there (docker: bar > 110 columns, ETA > 50)
    [130, /^aaaaaaaaaaa\d: Downloading \[=+>\s*\]\s+16MB\/50MB( \S+\/s \d+s)?$/],
    [80, /^aaaaaaaaaaa\d: Downloading\s+16MB\/50MB( \S+\/s \d+s)?$/],
    [40, /^aaaaaaaaaaa\d: Downloading\s+16MB\/50MB$/],
  ])('at %i columns every line fits and is drawn in place', async (columns, downloading) => {
    const session = `w${columns}`;
    const run = await startPaused(session, columns);
    expectBoard(run.paused, columns, downloading);
    expectBoard(await run.resume(), columns, /^aaaaaaaaaaa\d: Pull complete$/);
  });

  it('follows a resize from 130 to 40 columns (lines the terminal re-wrapped are redrawn)', async () => {
    const run = await startPaused('resize', 130);
    sh('resize-window', '-t', 'resize', '-x', '40');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectBoard(screen('resize'), 40, /^aaaaaaaaaaa\d: Downloading\s+16MB\/50MB$/, false);
    expectBoard(await run.resume(), 40, /^aaaaaaaaaaa\d: Pull complete$/, false);
  });
});
