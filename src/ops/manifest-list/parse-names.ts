// docker's normalizeReference for manifest list commands (a tag defaults to latest, a digest is
// kept), with the error prefixes each command puts before distribution's message.
import { InvalidReferenceError, isRegctlError } from '../../errors.js';
import { parseReference, type Reference } from '../../reference/parse.js';

/** parseReference with `prefix: ` in front of its message (e.g. `error parsing name for manifest list X`). */
export function parseNamed(input: string, prefix?: string): Reference {
  try {
    return parseReference(input);
  } catch (err) {
    if (prefix === undefined || !isRegctlError(err)) throw err;
    throw new InvalidReferenceError(`${prefix}: ${err.message}`, { cause: err });
  }
}
