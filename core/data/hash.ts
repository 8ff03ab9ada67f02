/**
 * Small, fast, deterministic hashes for seeding. Not cryptographic: they only need to spread
 * inputs evenly and give the same answer on every platform (all arithmetic is 32-bit integer).
 */

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines integers into one uint32 seed (order matters): seedOf(seed, epoch, index). */
export function seedOf(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Fold values beyond 32 bits too, so seeds like 2**40 + 1 and 1 differ.
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    h = fmix32((h ^ lo) + Math.imul(hi, 0x27d4eb2f) + 0x165667b1);
  }
  return h;
}

/** FNV-1a over UTF-16 code units, then fmix32: a uint32 per string. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}
