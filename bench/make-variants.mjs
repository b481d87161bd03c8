#!/usr/bin/env node
// Lever experiments without touching src/: builds variant copies of the current CLI under
// bench/work/variants/NAME/ and prints the BENCH_VARIANTS value that times them next to
// regctl in the same rounds. Run `npm run build` first.
//   concN     bin/regctl.js as it is, over a copy of dist/ with DEFAULT_PULL_CONCURRENCY = N
//   undici    bin/regctl.js as it is, with REGCTL_HTTP_STACK=undici (the previous HTTP stack)
//   snap-X    a copy of the current build, to time against the next build of changed sources
// Usage: node bench/make-variants.mjs undici conc4 conc8 snap-before
//        BENCH_VARIANTS=$(node bench/make-variants.mjs conc4 conc8) BENCH_ONLY=pull-many,pull-big npm run bench
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANTS = path.join(ROOT, 'bench', 'work', 'variants');

/** The repository's own shim, pointed at another dist/ (so a variant differs in one thing only). */
function repoShim(mainPath) {
  const text = readFileSync(path.join(ROOT, 'bin', 'regctl.js'), 'utf8');
  if (!text.includes("'../dist/bundle/regctl.js'")) throw new Error('bin/regctl.js no longer imports ../dist/bundle/regctl.js');
  return text.replace("'../dist/bundle/regctl.js'", JSON.stringify(mainPath));
}

const specs = [];
for (const name of process.argv.slice(2)) {
  const dir = path.join(VARIANTS, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const conc = /^conc(\d+)$/.exec(name);
  let text;
  if (name === 'undici') {
    text = `#!/usr/bin/env node\nprocess.env.REGCTL_HTTP_STACK = 'undici';\nawait import(${JSON.stringify(path.join(ROOT, 'bin', 'regctl.js'))});\n`;
  } else if (conc || name.startsWith('snap-')) {
    // package.json next to dist/ (the CLI reads its version from ../../package.json); node_modules
    // resolve upwards to the repo's. snap-NAME: the current build as it is, to time it against a
    // later build of other sources.
    cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    if (conc) {
      const bundle = path.join(dir, 'dist', 'bundle');
      const hits = readdirSync(bundle).filter((f) => f.endsWith('.js')).filter((f) => {
        const file = path.join(bundle, f);
        const before = readFileSync(file, 'utf8');
        const after = before.replace(/DEFAULT_PULL_CONCURRENCY = \d+;/, `DEFAULT_PULL_CONCURRENCY = ${conc[1]};`);
        if (after !== before) writeFileSync(file, after);
        return after !== before;
      });
      if (hits.length !== 1) throw new Error(`DEFAULT_PULL_CONCURRENCY found in ${hits.length} files of ${bundle}`);
    }
    text = repoShim(path.join(dir, 'dist', 'bundle', 'regctl.js'));
  } else {
    throw new Error(`unknown variant ${name} (undici, concN, snap-NAME)`);
  }
  writeFileSync(path.join(dir, 'bin', 'regctl.js'), text);
  specs.push(`${name}=${path.relative(ROOT, path.join(dir, 'bin', 'regctl.js'))}`);
}
process.stdout.write(`${specs.join(',')}\n`);
