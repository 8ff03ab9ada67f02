// The median of a list of figures; an even count averages the middle two (NaN for none).
export function median(xs) {
  if (xs.length === 0) return NaN;
  const v = [...xs].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}
