// The CLI's exit codes (README "Exit codes"). Apart from error-messages.ts so that a run that
// succeeds never loads the error wording, nor node:http and node:net that it uses (2-3 ms at
// start-up, measured in-process with stdout on a pipe).
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  unavailable: 5,
  localIo: 6,
  interrupted: 130,
} as const;
