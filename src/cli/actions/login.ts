// What `regctl login` does once its flags are parsed (the registration is commands/login.ts):
// docker login's flag checks, prompts and messages. The flow itself (reuse, verify, save) is
// ops/login.ts; this file turns flags and a terminal into its inputs.
import { UsageError } from '../../errors.js';
import { login, type AskedCredentials, type CredentialRequest, type LoginEvent } from '../../ops/login.js';
import { normalizeRegistryHost } from '../../reference/hosts.js';
import { withErrorContext } from '../command-error.js';
import type { CliContext } from '../context.js';
import { openCredentialResolver } from '../credentials.js';
import { Prompter, readPasswordStdin } from '../prompt.js';

export interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export const PASSWORD_FLAG_WARNING = 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.';
export const NON_TTY_ERROR = 'cannot perform an interactive login from a non-TTY device';

/** docker's text, printed once when a password (not a token) was written to config.json. */
export function unencryptedWarning(file: string): string {
  return `\nWARNING! Your credentials are stored unencrypted in '${file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n`;
}

const HUB_PROMPT_NOTE =
  'Log in with your Docker ID to push and pull images from Docker Hub.\n' +
  'Use a Personal Access Token (PAT) instead of your password: https://docs.docker.com/go/access-tokens/\n';

export async function runLogin(ctx: CliContext, server: string | undefined, flags: LoginFlags): Promise<void> {
  checkFlags(flags);
  if (flags.password !== undefined) ctx.err(PASSWORD_FLAG_WARNING);
  const registry = server ? normalizeRegistryHost(server) : 'docker.io';
  let password = flags.password;
  if (flags.passwordStdin) {
    password = await readPasswordStdin(ctx.io.stdin);
    if (password === '') throw new UsageError('password is empty');
  }
  await withErrorContext({ action: 'login', registry }, async () => {
    const prompter = new Prompter(ctx.io.stdin, ctx.io.stdout, ctx.signal);
    try {
      const result = await login({
        registry,
        resolver: await openCredentialResolver(ctx),
        username: flags.username,
        password,
        ask: (request) => ask(ctx, prompter, registry, request),
        onEvent: (event) => report(ctx, event),
        remote: await ctx.remoteOptions(),
        signal: ctx.signal,
      });
      if (result.plainTextFile) ctx.err(unencryptedWarning(result.plainTextFile));
      ctx.out('Login Succeeded');
    } finally {
      prompter.close();
    }
  });
}

/** docker's flag checks (verifyLoginFlags), with its texts. */
function checkFlags(flags: LoginFlags): void {
  if (flags.passwordStdin) {
    if (flags.password !== undefined) throw new UsageError('conflicting options: cannot specify both --password and --password-stdin');
    if (flags.username === undefined) throw new UsageError('the --password-stdin option requires --username to be set');
  }
  if (flags.username !== undefined && flags.username.trim() === '') throw new UsageError('username is empty');
  if (flags.password !== undefined && flags.password === '') throw new UsageError('password is empty');
}

async function ask(ctx: CliContext, prompter: Prompter, registry: string, request: CredentialRequest): Promise<AskedCredentials> {
  if (!ctx.io.stdin.isTTY) throw new UsageError(NON_TTY_ERROR, { hint: 'pass --username and --password-stdin, e.g. echo "$TOKEN" | regctl login -u USER --password-stdin' });
  let username = request.defaultUsername ?? '';
  if (request.username) {
    if (registry === 'docker.io') ctx.io.stdout.write(HUB_PROMPT_NOTE);
    const answer = (await prompter.line(username ? `Username (${username}): ` : 'Username: ')).trim();
    if (answer !== '') username = answer;
  }
  if (username === '') throw new UsageError('username is empty');
  const password = await prompter.hidden('Password: ');
  if (password === '') throw new UsageError('password is empty');
  return { username, password };
}

function report(ctx: CliContext, event: LoginEvent): void {
  if (event.type === 'reusing') {
    ctx.err(`Authenticating with existing credentials...${event.username ? ` [Username: ${event.username}]` : ''}`);
    ctx.err("To login with a different account, run 'regctl logout' followed by 'regctl login'");
  } else {
    ctx.err('Stored credentials invalid or expired');
  }
}
