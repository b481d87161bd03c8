// Commands that take several arguments (rmi, inspect) go on after a failed one, as docker
// does, and fail at the end: one error as is, several as one error whose message lists each
// on its own "Error: " line (docker prints them all), exiting with the first failure's code
// that is not "not found" (a missing image is the mildest failure).
import { RegctlError, isRegctlError, type RegctlErrorCode } from '../errors.js';
import { errorContextOf } from './command-error.js';
import { describeError } from './error-messages.js';

export class ArgumentErrors {
  private readonly errors: unknown[] = [];

  add(err: unknown): void {
    this.errors.push(err);
  }

  get count(): number {
    return this.errors.length;
  }

  /** True when every error is a missing image (docker's `rmi -f` then only reports them). */
  allNotFound(): boolean {
    return this.errors.every((e) => isRegctlError(e) && e.code === 'REGCTL_NOT_FOUND');
  }

  /** The messages as main() would print them, one per error. */
  messages(): string[] {
    return this.errors.map((e) => describeError(e, errorContextOf(e)).message);
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    const codes = this.errors.map((e): RegctlErrorCode => (isRegctlError(e) ? e.code : 'REGCTL_INTERNAL'));
    const code = codes.find((c) => c !== 'REGCTL_NOT_FOUND') ?? 'REGCTL_NOT_FOUND';
    throw new RegctlError(code, this.messages().join('\nError: '));
  }
}
