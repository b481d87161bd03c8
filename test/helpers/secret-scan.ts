// The suite's leak check: after a file's CLI runs, no password or token may appear in anything the
// CLI printed (run-cli.ts collects it in `allOutput`), in any spelling a leak would take.

/** A secret plus the encodings it would leak in: base64 `user:secret` (Basic), URL- and JSON-escaped. */
export function secretSpellings(secret: string, usernames: readonly string[] = []): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  for (const user of usernames) forms.add(Buffer.from(`${user}:${secret}`).toString('base64'));
  return [...forms].filter((form) => form.length >= 4); // shorter strings match by accident
}

/** The secrets (as given) that occur in `outputs`. */
export function leakedSecrets(outputs: readonly string[], secrets: readonly string[], usernames: readonly string[] = []): string[] {
  const text = outputs.join('\n');
  return secrets.filter((secret) => secretSpellings(secret, usernames).some((form) => text.includes(form)));
}
