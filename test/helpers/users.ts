// Test users. fixtures/htpasswd holds alice and bob (bcrypt cost 4, so the registry, which
// checks the hash on every request, stays fast). carol exists only on the token server.
export const USERS = {
  alice: { username: 'alice', password: 'alicepw' },
  bob: { username: 'bob', password: 'bobpw' },
  /** Token server only: push and pull on carol/* and nothing else (no pull on mount sources). */
  carol: { username: 'carol', password: 'carolpw' },
} as const;

export type TestUserName = keyof typeof USERS;

/** `Authorization: Basic ...` value for a test user. */
export function basicAuth(user: TestUserName | { username: string; password: string }): string {
  const { username, password } = typeof user === 'string' ? USERS[user] : user;
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
