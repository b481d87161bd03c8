// The `auth` field of config.json: base64("user:password"). The password may contain ':', so the
// split is at the first colon, as docker does.

/** base64 of `user:password`; '' when both are empty (docker's encodeAuth writes no field then). */
export function encodeAuth(username = '', password = ''): string {
  if (username === '' && password === '') return '';
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * Decodes an `auth` value, or returns undefined when it is not valid (not base64, no colon, empty
 * user). Accepts what docker's decoder accepts plus unpadded and line-wrapped base64.
 * Never include the value in an error: it is a password.
 */
export function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const compact = auth.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  // docker trims NUL padding that some old writers left after the password.
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}
