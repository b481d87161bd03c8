// Test users. fixtures/htpasswd holds the same two accounts (bcrypt cost 4, so the
// registry, which checks the hash on every request, stays fast).
export const USERS = {
  alice: { username: 'alice', password: 'alicepw' },
  bob: { username: 'bob', password: 'bobpw' },
} as const;

export type TestUserName = keyof typeof USERS;

/** `Authorization: Basic ...` value for a test user. */
export function basicAuth(user: TestUserName | { username: string; password: string }): string {
  const { username, password } = typeof user === 'string' ? USERS[user] : user;
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
