// The shells `regctl completion` writes scripts for: named in the command's help (registration)
// and checked by its action, so the list lives apart from both.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export type Shell = (typeof SHELLS)[number];
