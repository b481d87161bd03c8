// Commands attach what they were doing to an error, so the one message module can word it
// the way docker does ("no such manifest: ...", "pull access denied for ...").
import type { ErrorContext } from './error-messages.js';

const CONTEXT = Symbol.for('regctl.cli.errorContext');

export function withErrorContext<T>(ctx: ErrorContext, fn: () => Promise<T>): Promise<T> {
  return fn().catch((err: unknown) => {
    if (typeof err === 'object' && err !== null && !(CONTEXT in err)) {
      Object.defineProperty(err, CONTEXT, { value: ctx, enumerable: false });
    }
    throw err;
  });
}

export function errorContextOf(err: unknown): ErrorContext {
  if (typeof err === 'object' && err !== null && CONTEXT in err) {
    return (err as Record<symbol, ErrorContext>)[CONTEXT] ?? {};
  }
  return {};
}
