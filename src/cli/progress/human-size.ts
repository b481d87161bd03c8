// docker's decimal human sizes (units.HumanSize): 1000-based, 3-4 significant digits, "kB"/"MB"/"GB".
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function humanSize(bytes: number, precision = 4): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(precision))}${UNITS[unit]}`;
}
