// What `regctl push` prints: docker's layer lines (plain), redrawn bars (tty), JSON events, and
// the denied-push message with its hint for each usual cause.
import { describe, expect, it } from 'vitest';
import { describeError, EXIT } from '../../../src/cli/error-messages.js';
import { pushRenderer } from '../../../src/cli/progress/push-renderer.js';
import type { PushEvent } from '../../../src/cli/progress/push-words.js';
import { registryErrorFrom } from '../../../src/transport/registry-error.js';

function capture(columns = 120) {
  let text = '';
  return { out: { write: (s: string | Uint8Array) => ((text += s.toString()), true), isTTY: true, columns }, text: () => text };
}

const events: PushEvent[] = [
  { type: 'pushing', ref: 'docker.io/user/app:latest', repository: 'docker.io/user/app', tag: 'latest' },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Preparing' },
  { type: 'layer', id: 'bbbbbbbbbbbb', digest: 'sha256:b', status: 'Preparing' },
  { type: 'layer', id: 'cccccccccccc', digest: 'sha256:c', status: 'Preparing' },
  { type: 'layer', id: 'cccccccccccc', digest: 'sha256:c', status: 'Waiting' },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Pushing', current: 1_200_000, total: 10_500_000 },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Retrying', delayMs: 150, offset: 1_000_000 },
  { type: 'layer', id: 'aaaaaaaaaaaa', digest: 'sha256:a', status: 'Pushed' },
  { type: 'layer', id: 'bbbbbbbbbbbb', digest: 'sha256:b', status: 'Layer already exists' },
  { type: 'layer', id: 'cccccccccccc', digest: 'sha256:c', status: 'Mounted from', from: 'library/busybox' },
  { type: 'manifest', ref: 'docker.io/user/app:latest', digest: 'sha256:m', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 527 },
  { type: 'done', ref: 'docker.io/user/app:latest', tag: 'latest', digest: 'sha256:m', size: 527 },
];

describe('push progress rendering', () => {
  it('plain: docker\'s non-TTY lines, byte progress dropped', () => {
    const c = capture();
    events.forEach(pushRenderer('plain', c.out));
    expect(c.text()).toBe(
      [
        'aaaaaaaaaaaa: Preparing',
        'bbbbbbbbbbbb: Preparing',
        'cccccccccccc: Preparing',
        'cccccccccccc: Waiting',
        'aaaaaaaaaaaa: Retrying in 1 second',
        'aaaaaaaaaaaa: Pushed',
        'bbbbbbbbbbbb: Layer already exists',
        'cccccccccccc: Mounted from library/busybox',
        '',
      ].join('\n'),
    );
  });

  it('tty: one line per layer, redrawn in place, with a bar while pushing', () => {
    const c = capture(120);
    // Without the Waiting redraw just before, the first Pushing update is not throttled.
    events.filter((e) => !(e.type === 'layer' && e.status === 'Waiting')).forEach(pushRenderer('tty', c.out));
    expect(c.text()).toContain(`\u001b[3A\u001b[2K\raaaaaaaaaaaa: Pushing [${'='.repeat(5)}>${' '.repeat(44)}]`); // 11%
    expect(c.text()).toContain('1.2MB/10.5MB');
    expect(c.text()).toContain('\u001b[1A\u001b[2K\rcccccccccccc: Mounted from library/busybox\n');
  });

  it('json: one event object per line; quiet: nothing', () => {
    const c = capture();
    events.forEach(pushRenderer('json', c.out));
    expect(c.text().trim().split('\n').map((l) => JSON.parse(l) as PushEvent)).toEqual(events);
    const q = capture();
    events.forEach(pushRenderer('quiet', q.out));
    expect(q.text()).toBe('');
  });
});

const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] });
const insufficientScope = () =>
  registryErrorFrom(
    401,
    '',
    headers({ 'www-authenticate': 'Bearer realm="http://t/token",service="s",scope="repository:private/x:pull,push",error="insufficient_scope"' }),
    JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
    'POST',
    'http://127.0.0.1:5000/v2/private/x/blobs/uploads/',
  );

describe('denied pushes', () => {
  it('a token without push scope: docker\'s denied text, exit 3, and the usual causes', () => {
    const d = describeError(insufficientScope(), { action: 'push', ref: '127.0.0.1:5000/private/x:latest', repository: '127.0.0.1:5000/private/x', registry: '127.0.0.1:5000' });
    expect(d.message).toBe('denied: requested access to the resource is denied');
    expect(d.exitCode).toBe(EXIT.auth);
    expect(d.hint).toContain("regctl login 127.0.0.1:5000'");
    expect(d.hint).toContain('namespace of 127.0.0.1:5000/private/x yours');
    expect(d.hint).toContain('push access');
  });

  it('Docker Hub: a bare NAME is library/NAME, reserved for official images: tag it USER/NAME', () => {
    const denied = registryErrorFrom(401, '', headers(), JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }), 'POST', 'https://registry-1.docker.io/v2/library/app/blobs/uploads/');
    const d = describeError(denied, { action: 'push', ref: 'app:latest', repository: 'app', registry: 'docker.io' });
    expect(d.message).toBe('denied: requested access to the resource is denied');
    expect(d.hint).toContain("'app' means docker.io/library/app");
    expect(d.hint).toContain('regctl tag app USER/app');
  });

  it('without credentials on a Basic-auth registry keeps the registry\'s text, with the login hint', () => {
    const unauth = registryErrorFrom(401, '', headers({ 'www-authenticate': 'Basic realm="r"' }), JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }), 'HEAD', 'http://127.0.0.1:5001/v2/a/b/blobs/sha256:x');
    const d = describeError(unauth, { action: 'push', ref: '127.0.0.1:5001/a/b:1', repository: '127.0.0.1:5001/a/b', registry: '127.0.0.1:5001' });
    expect(d).toMatchObject({ message: 'unauthorized: authentication required', exitCode: EXIT.auth });
    expect(d.hint).toContain("regctl login 127.0.0.1:5001'");
  });
});
