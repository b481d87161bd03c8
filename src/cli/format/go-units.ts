// docker's human-readable units (github.com/docker/go-units) and Go's default time text, so that
// `images` prints the same "2 weeks ago", "4.26MB" and CreatedAt strings as docker.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * Go's `%.<precision>g`: shortest of fixed or exponent notation, trailing zeros dropped.
 * Both Go and JS switch to exponent form when the exponent is >= precision, so only the
 * exponent spelling differs (`1e+03` in Go, `1.00e+3` from toPrecision).
 */
export function goFormatG(value: number, precision: number): string {
  if (value === 0) return '0';
  const text = value.toPrecision(precision);
  const e = text.indexOf('e');
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < 0) return trim(text);
  const exponent = Number(text.slice(e + 1));
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${trim(text.slice(0, e))}e${exponent < 0 ? '-' : '+'}${digits}`;
}

/** units.HumanSizeWithPrecision: decimal (1000-based) units, `%.<precision>g`. `images` uses 3, HumanSize 4. */
export function humanSize(bytes: number, precision = 4): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${goFormatG(size, precision)}${DECIMAL_UNITS[unit]}`;
}

const HOUR_MS = 3_600_000;

/** units.HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", "13 months", "2 years". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / HOUR_MS);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / HOUR_MS) / 24 / 365)} years`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Go's time.Time.String() for a whole-second instant, in UTC: `2024-01-01 00:00:00 +0000 UTC`.
 * docker prints the daemon host's zone; regctl always uses UTC so the text does not depend on TZ.
 */
export function goTimeString(date: Date): string {
  const day = `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  return `${day} ${time} +0000 UTC`;
}
