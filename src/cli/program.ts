// The commander root: global flags (accepted before or after the command name) and the
// command registrations. Registration files are light; each action imports its work lazily.
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
import { registerTag } from './commands/tag.js';
import { registerTags } from './commands/tags.js';
import { registerSearch } from './commands/search.js';
import { registerCatalog } from './commands/catalog.js';
import { registerDigest } from './commands/digest.js';
import { registerRatelimit } from './commands/ratelimit.js';
import { registerRegistry } from './commands/registry.js';
import { registerSave } from './commands/save.js';
import { registerLoad } from './commands/load.js';
import { registerCopy } from './commands/copy.js';
import { registerAuth } from './commands/auth.js';
import { registerCompletion } from './commands/completion.js';
import { VERSION } from './version.js';

export type ContextFactory = (globals: GlobalOptions) => CliContext;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(io: CliIO, makeContext: ContextFactory): Command {
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
    .helpCommand(true)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
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
  registerLogin(program, context);
  registerLogout(program, context);
  registerManifest(program, context);
  registerTags(program, context);
  registerPull(program, context);
  registerPush(program, context);
  registerTag(program, context);
  registerImages(program, context);
  registerRmi(program, context);
  registerPrune(program, context);
  registerInspect(program, context);
  registerSearch(program, context);
  registerCatalog(program, context);
  registerDigest(program, context);
  registerRatelimit(program, context);
  registerRegistry(program, context);
  registerSave(program, context);
  registerLoad(program, context);
  registerCopy(program, context);
  registerAuth(program, context);
  registerCompletion(program, context);

  // Subcommands share the same output routing and error handling as the root.
  for (const cmd of program.commands) applyOutput(cmd, io);
  return program;
}

function applyOutput(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  for (const sub of cmd.commands) applyOutput(sub, io);
}
