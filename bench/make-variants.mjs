#!/usr/bin/env node
// Lever experiments without touching src/: builds variant copies of the current CLI under
// bench/work/variants/NAME/ and prints the BENCH_VARIANTS value that times them next to
// regctl in the same rounds. Run `npm run build` first.
//   plain     the original 6-line bin shim (no --liftoff-only), to time the lever against
//   early     bin shim that calls v8.setFlagsFromString('--liftoff-only') before loading the CLI
//   concN     bin/regctl.js as it is, over a copy of dist/ with DEFAULT_PULL_CONCURRENCY = N
//   undici    bin/regctl.js as it is, with REGCTL_HTTP_STACK=undici (the previous HTTP stack)
// Usage: node bench/make-variants.mjs plain early conc4 conc8
//        BENCH_VARIANTS=$(node bench/make-variants.mjs conc4 conc8) BENCH_ONLY=pull-many,pull-big npm run bench
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANTS = path.join(ROOT, 'bench', 'work', 'variants');

function shim(mainPath, preamble = '') {
  return `#!/usr/bin/env node
${preamble}import { main } from ${JSON.stringify(mainPath)};
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
`;
}

/** The repository's own shim, pointed at another dist/ (so a variant differs in one thing only). */
function repoShim(mainPath) {
  const text = readFileSync(path.join(ROOT, 'bin', 'regctl.js'), 'utf8');
  if (!text.includes("'../dist/cli/main.js'")) throw new Error('bin/regctl.js no longer imports ../dist/cli/main.js');
  return text.replace("'../dist/cli/main.js'", JSON.stringify(mainPath));
}

const specs = [];
for (const name of process.argv.slice(2)) {
  const dir = path.join(VARIANTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const mainFile = path.join(ROOT, 'dist', 'cli', 'main.js');
  const conc = /^conc(\d+)$/.exec(name);
  let text;
  if (name === 'plain') {
    text = shim(mainFile);
  } else if (name === 'early') {
    // Dynamic import: the flag must be set before any module of the CLI is evaluated.
    text = shim(mainFile, "import v8 from 'node:v8';\nv8.setFlagsFromString('--liftoff-only');\n").replace(/import \{ main \} from (.*);/, 'const { main } = await import($1);');
  } else if (name === 'undici') {
    text = `#!/usr/bin/env node\nprocess.env.REGCTL_HTTP_STACK = 'undici';\nawait import(${JSON.stringify(path.join(ROOT, 'bin', 'regctl.js'))});\n`;
  } else if (conc) {
    // package.json next to dist/ (cli/version.js reads ../../package.json); node_modules resolve upwards to the repo's.
    cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    const pullJs = path.join(dir, 'dist', 'ops', 'pull.js');
    const before = readFileSync(pullJs, 'utf8');
    const after = before.replace(/DEFAULT_PULL_CONCURRENCY = \d+;/, `DEFAULT_PULL_CONCURRENCY = ${conc[1]};`);
    if (after === before) throw new Error(`DEFAULT_PULL_CONCURRENCY not found in ${pullJs}`);
    writeFileSync(pullJs, after);
    text = repoShim(path.join(dir, 'dist', 'cli', 'main.js'));
  } else {
    throw new Error(`unknown variant ${name} (plain, early, undici, concN)`);
  }
  writeFileSync(path.join(dir, 'bin', 'regctl.js'), text);
  specs.push(`${name}=${path.relative(ROOT, path.join(dir, 'bin', 'regctl.js'))}`);
}
process.stdout.write(`${specs.join(',')}\n`);
