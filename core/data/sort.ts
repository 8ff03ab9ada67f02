/**
 * Orders strings by Unicode code point, as Python's sorted() does (torchvision sorts class folders
 * and file names that way). JavaScript's default sort compares UTF-16 code units, which differs
 * for characters beyond U+FFFF; localeCompare differs for case and accents.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // skip the low surrogate of a pair already compared
  }
  return a.length - b.length;
}
