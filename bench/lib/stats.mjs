// Medians and paired ratios. Every A/B comparison is the median of per-pair ratios (A and B
// measured back to back in one round), which cancels most of the drift of a shared machine.
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function pairedRatios(a, b) {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => a[i] / b[i]);
}

export function ratioSummary(a, b) {
  const r = pairedRatios(a, b).filter(Number.isFinite);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r), n: r.length };
}

export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(digits);
}
