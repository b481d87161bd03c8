// The CLI entry that bin/regctl.js imports. `npm run build` compiles this re-export and then
// overwrites its output, dist/bundle/regctl.js, with the esbuild bundle of dist/cli/main.js: one
// file holding the CLI and commander, plus chunks the commands import lazily (`regctl --version`
// loads 5 files instead of 34 modules and commander's CommonJS files). A tree built by tsc alone,
// such as the tests' transpiled copy of src/, runs the same code through this re-export.
export { main } from '../cli/main.js';
