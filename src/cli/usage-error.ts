// Usage errors in docker's shape (cli/cobra.go FlagErrorFunc, cli/required.go): the error, then
// `See 'regctl pull --help'.`; the exit code stays regctl's 2 (docker: 125 / 1).

/** commander's `error: unknown option '--x'\n(Did you mean --y?)\n` as docker prints it. */
export function dockerUsageError(commanderText: string, commandPath: string): string {
  const text = commanderText.replace(/^error: /, '').trimEnd();
  return `Error: ${text}\nSee '${commandPath} --help'.\n`;
}
