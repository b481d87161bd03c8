// The other mutate flag values, checked before anything is read or written (a bad one is a
// usage error, exit 2): `K=V` settings with `K-` to remove (env, labels, annotations), exposed
// ports, and the creation time. Pure: no I/O.
import { UsageError } from '../../errors.js';

/** Each key's new value, null to remove it; later flags win. Insertion order is the flags' order. */
export type KeyChanges = Readonly<Record<string, string | null>>;

/** `K=V` sets K (V may be empty or contain `=`), `K-` removes K. */
export function parseKeyChanges(values: readonly string[], flag: string): KeyChanges {
  const changes: Record<string, string | null> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq > 0) {
      const key = value.slice(0, eq);
      delete changes[key];
      changes[key] = value.slice(eq + 1);
    } else if (eq < 0 && value.length > 1 && value.endsWith('-')) {
      const key = value.slice(0, -1);
      delete changes[key];
      changes[key] = null;
    } else {
      throw new UsageError(`invalid ${flag} value ${JSON.stringify(value)}: expected KEY=VALUE, or KEY- to remove KEY`);
    }
  }
  return changes;
}

const PROTOCOLS = ['tcp', 'udp', 'sctp'];

/** `PORT[/PROTO]` as docker's ExposedPorts key: `8080` is `8080/tcp`. */
export function parseExposedPort(value: string): string {
  const m = /^(\d{1,5})(?:\/([a-z]+))?$/i.exec(value.trim());
  const port = m ? Number(m[1]) : NaN;
  const proto = (m?.[2] ?? 'tcp').toLowerCase();
  if (!m || port < 1 || port > 65535 || !PROTOCOLS.includes(proto)) {
    throw new UsageError(`invalid --expose value ${JSON.stringify(value)}: expected PORT[/PROTO], a port from 1 to 65535 and tcp, udp or sctp`);
  }
  return `${port}/${proto}`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A time as Go's RFC3339Nano writes it in UTC: no fraction when it is whole seconds. */
export function formatCreated(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/** `--created`: an RFC 3339 time (stored in UTC) or `now`. */
export function parseCreated(value: string, now: () => Date = () => new Date()): string {
  if (value === 'now') return formatCreated(now());
  const date = new Date(value.replace(' ', 'T'));
  if (!RFC3339.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`invalid --created value ${JSON.stringify(value)}: expected an RFC 3339 time such as 2024-01-02T15:04:05Z, or now`);
  }
  return formatCreated(date);
}

/** SOURCE_DATE_EPOCH (whole seconds since 1970), as the reproducible-builds spec defines it. */
export function parseSourceDateEpoch(value: string): string {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value) * 1000)) {
    throw new UsageError(`invalid SOURCE_DATE_EPOCH ${JSON.stringify(value)}: expected whole seconds since 1970-01-01`);
  }
  return formatCreated(new Date(Number(value) * 1000));
}
