// What the `regctl registry` subcommands do once their flags are parsed (the registration is
// commands/registry.ts). `serve`: the embedded OCI distribution registry, until SIGINT or SIGTERM.
import path from 'node:path';
import { homeDir } from '../../config/paths.js';
import { startRegistryServer } from '../../registry-server/server.js';
import type { CliContext } from '../context.js';

export interface ServeFlags {
  addr: string;
  dir?: string;
}

export async function runRegistryServe(ctx: CliContext, flags: ServeFlags): Promise<void> {
  const env = ctx.io.env;
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homeDir(env), '.local', 'share');
  const dir = path.resolve(flags.dir ?? path.join(xdg, 'regctl-registry'));
  const server = await startRegistryServer(flags.addr, {
    dir,
    onRequest: (method, url, status) => ctx.debug(`${method} ${url} -> ${status}`),
  });
  ctx.out(`listening on ${server.address}`);
  ctx.err(`serving ${dir}`);
  // Until interrupted: the CLI's signal fires on SIGINT; SIGTERM (service managers, CI) stops it too.
  let onTerm: (() => void) | undefined;
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    onTerm = () => resolve();
    process.once('SIGTERM', onTerm);
  });
  if (onTerm) process.removeListener('SIGTERM', onTerm);
  await server.close();
  ctx.err('registry stopped');
}
