// The commander root: global flags (accepted before or after the command name) and the
// command registrations. A registration (commands/<cmd>.ts) holds only the commander definition;
// its action does one lazy import of actions/<cmd>.ts, which imports what it needs statically, so
// the bundle splits one chunk per command (plus chunks of the code commands share) and a run loads
// the code of the command it runs only.
// A run registers only the command it names (registering all 21 costs ~5 ms: `regctl --version`
// measured 1.29x `node -e 0` with all of them, 1.24x without, paired runs of the bundled CLI);
// help, completion, an unknown command or option, or no command at all get every command, so that
// help texts, errors and suggestions are those of the full program.
import { Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from './context.js';
import type { CliIO } from './io.js';
import { registerLogin } from './commands/login.js';
import { registerLogout } from './commands/logout.js';
import { registerManifest } from './commands/manifest.js';
import { registerPull } from './commands/pull.js';
import { registerPush } from './commands/push.js';
import { registerImages } from './commands/images.js';
import { registerInspect } from './commands/inspect.js';
import { registerRmi } from './commands/rmi.js';
import { registerPrune } from './commands/prune.js';
import { registerStore } from './commands/store.js';
import { registerTag } from './commands/tag.js';
import { registerTags } from './commands/tags.js';
import { registerSearch } from './commands/search.js';
import { registerCatalog } from './commands/catalog.js';
import { registerDelete } from './commands/delete.js';
import { registerDigest } from './commands/digest.js';
import { registerRatelimit } from './commands/ratelimit.js';
import { registerRegistry } from './commands/registry.js';
import { registerSave } from './commands/save.js';
import { registerLoad } from './commands/load.js';
import { registerExport } from './commands/export.js';
import { registerCat } from './commands/cat.js';
import { registerCopy } from './commands/copy.js';
import { registerMutate } from './commands/mutate.js';
import { registerAppend } from './commands/append.js';
import { registerArtifact } from './commands/artifact.js';
import { registerAuth } from './commands/auth.js';
import { registerCompletion } from './commands/completion.js';
import { registerHelp } from './commands/help.js';
import { registerImage } from './commands/image.js';
import { registerVersion } from './commands/version.js';
import { dockerUsageError } from './usage-error.js';
import { VERSION } from './version.js';

export type ContextFactory = (globals: GlobalOptions) => CliContext;

export interface CommandEntry {
  /** The name and aliases commander dispatches on. */
  names: readonly string[];
  register: (program: Command, context: (cmd: Command) => CliContext) => void;
}

/** Every command, in help order. */
const COMMANDS: readonly CommandEntry[] = [
  { names: ['login'], register: registerLogin },
  { names: ['logout'], register: registerLogout },
  { names: ['manifest'], register: registerManifest },
  { names: ['tags'], register: registerTags },
  { names: ['pull'], register: registerPull },
  { names: ['push'], register: registerPush },
  { names: ['tag'], register: registerTag },
  { names: ['images'], register: registerImages },
  { names: ['image'], register: registerImage },
  { names: ['rmi'], register: registerRmi },
  { names: ['prune'], register: registerPrune },
  { names: ['store'], register: registerStore },
  { names: ['inspect'], register: registerInspect },
  { names: ['search'], register: registerSearch },
  { names: ['catalog'], register: registerCatalog },
  { names: ['delete'], register: registerDelete },
  { names: ['digest'], register: registerDigest },
  { names: ['ratelimit'], register: registerRatelimit },
  { names: ['registry'], register: registerRegistry },
  { names: ['save'], register: registerSave },
  { names: ['load'], register: registerLoad },
  { names: ['export'], register: registerExport },
  { names: ['cat'], register: registerCat },
  { names: ['copy', 'cp'], register: registerCopy },
  { names: ['mutate'], register: registerMutate },
  { names: ['append'], register: registerAppend },
  { names: ['artifact'], register: registerArtifact },
  { names: ['auth'], register: registerAuth },
  { names: ['version'], register: registerVersion },
  // Writes its script from the whole program: always registered with every other command.
  { names: ['completion'], register: registerCompletion },
];

/** The global options that take a value, as `--store DIR` or `--store=DIR` (--debug takes none). */
const VALUE_OPTIONS: ReadonlySet<string> = new Set(['--config', '--insecure-registry', '--store', '--certs-dir', '--registry-mirror', '--timeout']);

/**
 * The commands a run of `args` needs, read the way commander reads them: global options (and
 * their values) are skipped up to the first word, which names the command. `--version` before it
 * needs none (commander prints the version as soon as it meets the flag). Anything else (help
 * flags, an unknown option, `help`, `completion`, an unknown command, no command) needs all.
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const word = commandWord(args);
  if (word === undefined || word === '--version') return word === '--version' ? [] : COMMANDS;
  if (word.startsWith('-') || word === 'completion') return COMMANDS;
  const named = COMMANDS.filter((c) => c.names.includes(word));
  return named.length === 1 ? named : COMMANDS;
}

/** The first word after the global options (or `--version`); undefined when there is none. */
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--debug') continue;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('--') && VALUE_OPTIONS.has(arg.slice(0, arg.indexOf('=')))) continue;
    return arg;
  }
  return undefined;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The program; given the arguments of the run, with only the commands that run needs (see commandsFor). */
export function buildProgram(io: CliIO, makeContext: ContextFactory, args?: readonly string[]): Command {
  const program = new Command('regctl');
  program
    .description('Daemonless, Docker-compatible registry client: login, pull, push, tag, search and more, without a Docker daemon.')
    .version(`regctl version ${VERSION}`, '--version', 'print the version and exit (also -v before any command)')
    .option('--debug', 'print every registry request (secrets redacted) on stderr')
    .option('--config <dir>', 'location of the client config files (default $DOCKER_CONFIG or ~/.docker)')
    .addOption(new Option('--insecure-registry <host>', 'allow plain HTTP / unverified TLS for HOST[:PORT] or a CIDR (repeatable)').argParser(collect))
    .option('--store <dir>', 'local image store, an OCI layout (default $REGCTL_STORE, else $XDG_DATA_HOME/regctl)')
    .addOption(new Option('--certs-dir <dir>', 'extra certs.d directory holding HOST[:PORT]/ca.crt, client.cert, client.key (repeatable)').argParser(collect))
    .addOption(new Option('--registry-mirror <url>', 'pull Docker Hub images through this mirror first (repeatable; REGISTRY=URL mirrors another registry)').argParser(collect))
    .option('--timeout <duration>', 'how long a registry that does not answer is waited on, e.g. 30s, 2m (default $REGCTL_TIMEOUT, else 30s)')
    .helpCommand(false) // commands/help.ts: docker's, which refuses an unknown topic
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  echo "$TOKEN" | regctl login ghcr.io -u octocat --password-stdin
  regctl manifest inspect busybox
  regctl tags quay.io/prometheus/node-exporter
  regctl --debug manifest inspect --verbose localhost:5000/app:1.0

Exit codes: 0 ok, 1 failure, 2 usage or invalid reference, 3 authentication/authorization,
4 not found, 5 registry unavailable / network / TLS / rate limited, 6 local file error, 130 interrupted.`,
    );

  const context = (cmd: Command): CliContext => makeContext(cmd.optsWithGlobals<GlobalOptions>());
  for (const { register } of args ? commandsFor(args) : COMMANDS) register(program, context);
  if (!args || commandsFor(args) === COMMANDS) registerHelp(program);
  // A bare `regctl` (global options at most) prints its help on stdout, as docker does: commander
  // calls help({ error: true }) for it (stderr, exit 1); a root action would swallow unknown commands.
  const help = program.help.bind(program);
  program.help = ((context?: { error: boolean }) => help(context?.error ? { error: false } : context)) as Command['help'];

  // Every command shares the same output routing and error handling.
  applyOutput(program, io);
  return program;
}

function applyOutput(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s) => io.stderr.write(dockerUsageError(s, commandPath(cmd))),
  });
  for (const sub of cmd.commands) applyOutput(sub, io);
}

function commandPath(cmd: Command): string {
  return cmd.parent ? `${commandPath(cmd.parent)} ${cmd.name()}` : cmd.name();
}
