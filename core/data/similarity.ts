/**
 * Near-duplicates and outliers from two views of each image: the model's penultimate-layer
 * embedding (what the network sees) and the pixels, through a perceptual hash and a small
 * greyscale thumbnail.
 *
 * pHash (perceptual hash): the image in greyscale at 32 x 32, its 2-D DCT-II, the 8 x 8 lowest
 * frequencies; bit k is 1 when coefficient k is above the median of the 63 non-DC ones. Leaving
 * out the DC term (the mean) makes it blind to a uniform change of brightness; keeping only low
 * frequencies makes it survive rescaling and compression. Compared by Hamming distance (0..64).
 * On tiny images (28 x 28 Fashion-MNIST) many different garments share a hash, so a hash match
 * is only a candidate: the thumbnails' correlation (Pearson, invariant to brightness and contrast
 * changes a x + b) and the embeddings' cosine confirm it.
 */

export const THUMB_SIDE = 32;
const LOW = 8;

/** A 64-bit hash as two unsigned 32-bit halves. */
export type Hash64 = readonly [number, number];

/** cos((2n + 1) k pi / 2N) for k < LOW, n < N: the DCT-II basis rows the hash needs. */
const DCT_BASIS: Float64Array = (() => {
  const b = new Float64Array(LOW * THUMB_SIDE);
  for (let k = 0; k < LOW; k++) for (let n = 0; n < THUMB_SIDE; n++) b[k * THUMB_SIDE + n] = Math.cos(((2 * n + 1) * k * Math.PI) / (2 * THUMB_SIDE));
  return b;
})();

/** pHash of a 32 x 32 greyscale image (row-major, 1024 values); a separable DCT, 2 x 8 x 32 x 32 products. */
export function pHash(grey: ArrayLike<number>): Hash64 {
  const N = THUMB_SIDE;
  if (grey.length !== N * N) throw new RangeError(`pHash needs ${N * N} pixels (${N} x ${N}), got ${grey.length}`);
  // Columns first: cols[k][x] = sum_y grey[y][x] cos_k(y); then rows: coef[k][l] = sum_x cols[k][x] cos_l(x).
  const cols = new Float64Array(LOW * N);
  for (let k = 0; k < LOW; k++) for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) cols[k * N + x]! += grey[y * N + x]! * DCT_BASIS[k * N + y]!;
  const coef: number[] = [];
  for (let k = 0; k < LOW; k++) {
    for (let l = 0; l < LOW; l++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += cols[k * N + x]! * DCT_BASIS[l * N + x]!;
      coef.push(s);
    }
  }
  const ac = coef.slice(1).sort((a, b) => a - b);
  const median = ac[ac.length >> 1]!;
  const halves = [0, 0];
  coef.forEach((v, i) => {
    const h = i < 32 ? 0 : 1;
    halves[h] = ((halves[h]! << 1) | (i > 0 && v > median ? 1 : 0)) >>> 0;
  });
  return [halves[0]!, halves[1]!];
}

/** The thumbnail minus its mean, scaled to unit length: the dot product of two is their Pearson correlation. */
export function pixelSignature(grey: ArrayLike<number>): Float32Array {
  const n = grey.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += grey[i]! / n;
  const out = Float32Array.from({ length: n }, (_, i) => grey[i]! - mean);
  const norm = Math.hypot(...out);
  return norm > 0 ? out.map((v) => v / norm) : out;
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function hamming(a: Hash64, b: Hash64): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}

/** Rows of an N x D matrix scaled to unit length (a zero row stays zero), so a dot product is the cosine. */
export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r * dim < x.length; r++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += x[r * dim + k]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < dim; k++) out[r * dim + k] = x[r * dim + k]! * inv;
  }
  return out;
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[i * dim + k]! * b[j * dim + k]!;
  return s;
}

/** A pair is a near-duplicate when all three views agree. */
export interface DuplicateRule {
  /** pHash Hamming distance at most this (the cheap candidate test) */
  maxHashDistance: number;
  /** thumbnail correlation at least this */
  minPixelCorrelation: number;
  /** embedding cosine at least this */
  minCosine: number;
}

/**
 * Measured on the planted Fashion-MNIST test (test/main/doctor): brightened copies had pHash
 * distance 0-2, correlation >= 0.998 and cosine >= 0.96; the most correlated different images
 * 0.984. The thresholds sit between.
 */
export const DEFAULT_DUPLICATE_RULE: DuplicateRule = { maxHashDistance: 8, minPixelCorrelation: 0.99, minCosine: 0.9 };

/** Per image: unit embedding row, hash and pixel signature. */
export interface SimilarityInputs {
  /** N x dim, rows of unit length */
  embeddings: Float32Array;
  dim: number;
  hashes: readonly Hash64[];
  signatures: readonly Float32Array[];
}

export interface DuplicateGroup {
  /** sample indices, ascending */
  members: number[];
  /** smallest thumbnail correlation over the pairs that joined the group */
  similarity: number;
  /** smallest embedding cosine over those pairs */
  embeddingCosine: number;
  /** largest pHash Hamming distance over those pairs */
  hashDistance: number;
}

/** Union-find root with path halving. */
function find(parent: Int32Array, i: number): number {
  let r = i;
  while (parent[r] !== r) {
    parent[r] = parent[parent[r]!]!;
    r = parent[r]!;
  }
  return r;
}

function correlation(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/**
 * Groups of near-duplicates: every pair (i, j) that passes the rule joins one group (transitively).
 * O(N^2) pair checks, the hash first (two popcounts), the correlation and cosine only for pairs it passes.
 */
export function findDuplicateGroups(x: SimilarityInputs, rule: DuplicateRule = DEFAULT_DUPLICATE_RULE): DuplicateGroup[] {
  const n = x.hashes.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const links: { i: number; j: number; corr: number; cos: number; ham: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ham = hamming(x.hashes[i]!, x.hashes[j]!);
      if (ham > rule.maxHashDistance) continue;
      const corr = correlation(x.signatures[i]!, x.signatures[j]!);
      if (corr < rule.minPixelCorrelation) continue;
      const cos = dot(x.embeddings, i, x.embeddings, j, x.dim);
      if (cos < rule.minCosine) continue;
      links.push({ i, j, corr, cos, ham });
      parent[find(parent, i)] = find(parent, j);
    }
  }
  const groups = new Map<number, DuplicateGroup>();
  for (const l of links) {
    const r = find(parent, l.i);
    const g = groups.get(r) ?? { members: [], similarity: 1, embeddingCosine: 1, hashDistance: 0 };
    g.similarity = Math.min(g.similarity, l.corr);
    g.embeddingCosine = Math.min(g.embeddingCosine, l.cos);
    g.hashDistance = Math.max(g.hashDistance, l.ham);
    groups.set(r, g);
  }
  for (let i = 0; i < n; i++) groups.get(find(parent, i))?.members.push(i);
  return [...groups.values()].sort((a, b) => b.similarity - a.similarity || a.members[0]! - b.members[0]!);
}

export interface Outlier {
  index: number;
  /** class whose centroid is nearest */
  nearest: number;
  /** 1 - cosine to the nearest class centroid */
  distance: number;
}

/** Unit-length mean embedding of each class (zero for a class without samples). */
export function classCentroids(unitEmbeddings: Float32Array, dim: number, labels: ArrayLike<number>, classes: number): Float32Array {
  const sum = new Float32Array(classes * dim);
  for (let n = 0; n < labels.length; n++) for (let k = 0; k < dim; k++) sum[labels[n]! * dim + k]! += unitEmbeddings[n * dim + k]!;
  return normalizeRows(sum, dim);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Images far from every class: d = 1 - max_k cos(e, centroid_k); an outlier when d exceeds
 * median(d) + z * 1.4826 * MAD(d) (a robust z-score; 1.4826 makes the MAD a standard deviation
 * for normal data). Largest distance first.
 */
export function findOutliers(unitEmbeddings: Float32Array, dim: number, labels: ArrayLike<number>, classes: number, z = 4): Outlier[] {
  const n = labels.length;
  if (n === 0) return [];
  const centroids = classCentroids(unitEmbeddings, dim, labels, classes);
  const all: Outlier[] = [];
  for (let i = 0; i < n; i++) {
    let nearest = 0;
    let best = -Infinity;
    for (let c = 0; c < classes; c++) {
      const cos = dot(unitEmbeddings, i, centroids, c, dim);
      if (cos > best) [best, nearest] = [cos, c];
    }
    all.push({ index: i, nearest, distance: 1 - best });
  }
  const d = all.map((o) => o.distance);
  const med = median(d);
  const mad = median(d.map((x) => Math.abs(x - med)));
  const limit = med + z * 1.4826 * mad;
  return all.filter((o) => o.distance > limit).sort((a, b) => b.distance - a.distance);
}
