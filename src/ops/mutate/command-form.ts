// `--entrypoint` and `--cmd` values as docker reads ENTRYPOINT and CMD: a JSON array of strings
// is the exec form, used as it is; anything else is the shell form, run by the image's shell
// (`/bin/sh -c STRING`, or `cmd /S /C STRING` on Windows, as docker's dispatchers do); an empty
// string removes the setting. Pure: no I/O.
import { UsageError } from '../../errors.js';

/** An exec form (the argv as given), a shell form (one command line), or null to remove it. */
export type CommandForm = readonly string[] | string | null;

/** Parses a flag value; a value starting with `[` must be a JSON array of strings (exit 2 otherwise). */
export function parseCommandForm(value: string, flag: string): CommandForm {
  const text = value.trim();
  if (text === '') return null;
  if (!text.startsWith('[')) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`invalid ${flag} value ${JSON.stringify(value)}: not a valid JSON array (write a shell command without the leading "[", or a JSON array of strings)`);
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
    throw new UsageError(`invalid ${flag} value ${JSON.stringify(value)}: the exec form is a JSON array of strings`);
  }
  return parsed as string[];
}

/** The argv the config records for `form` on an image of operating system `os`. */
export function commandArgs(form: readonly string[] | string, os: string | undefined): string[] {
  if (typeof form !== 'string') return [...form];
  return os === 'windows' ? ['cmd', '/S', '/C', form] : ['/bin/sh', '-c', form];
}
