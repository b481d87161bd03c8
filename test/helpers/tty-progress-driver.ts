// Run inside a real terminal by test/unit/cli/progress/tty-progress.test.ts: drives the TTY pull renderer on
// process.stdout with four layers, pausing once mid-download (it writes PAUSED_FILE and waits
// for GO_FILE) so the test can read the screen and resize the terminal.
import { existsSync, writeFileSync } from 'node:fs';
import { pullRenderer } from '../../src/cli/progress/pull-renderer.js';

const [pausedFile, goFile] = process.argv.slice(2) as [string, string];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const render = pullRenderer('tty', process.stdout);
const ids = ['aaaaaaaaaaa1', 'aaaaaaaaaaa2', 'aaaaaaaaaaa3', 'aaaaaaaaaaa4'];
const total = 50_000_000;
const layer = (id: string, status: 'Pulling fs layer' | 'Downloading' | 'Download complete' | 'Pull complete', current?: number) =>
  render({ type: 'layer', id, digest: `sha256:${id}`, status, ...(current === undefined ? {} : { current, total }) });

render({ type: 'pulling', ref: 'localhost:5000/team/app:latest', repository: 'team/app', tag: 'latest', tagDefaulted: false });
for (const id of ids) layer(id, 'Pulling fs layer');
for (let step = 1; step <= 8; step++) {
  for (const id of ids) layer(id, 'Downloading', step * 2_000_000);
  await sleep(150);
}
writeFileSync(pausedFile, '');
while (!existsSync(goFile)) await sleep(50);
for (let step = 9; step <= 12; step++) {
  for (const id of ids) layer(id, 'Downloading', step * 2_000_000);
  await sleep(150);
}
for (const id of ids) layer(id, 'Download complete');
for (const id of ids) layer(id, 'Pull complete');
render({ type: 'done', ref: 'localhost:5000/team/app:latest', digest: 'sha256:x', upToDate: false });
process.stdout.write('END\n');
