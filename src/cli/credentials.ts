// Bridges config.json credential stores to the transport, with warnings routed to the CLI.
import type { Credential } from '../transport/token.js';
import type { CliContext } from './context.js';

export function createCliCredentialResolver(_ctx: CliContext): (registry: string) => Promise<Credential | undefined> {
  return async () => undefined;
}
