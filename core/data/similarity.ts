/**
 * Near-duplicates and outliers from two views of each image: the model's penultimate-layer
 * embedding (what the network sees) and a perceptual hash (what the pixels look like).
 *
 * dHash (difference hash): the image in greyscale at 9 x 8 pixels; bit (y, x) is 1 when pixel
 * (y, x) is brighter than pixel (y, x + 1). 64 bits that survive rescaling, compression and a
 * uniform change of brightness (which keeps the sign of every horizontal difference). Two images
 * are compared by the Hamming distance of their hashes (0..64).
 */

export const DHASH_WIDTH = 9;
export const DHASH_HEIGHT = 8;

/** A 64-bit dHash as two unsigned 32-bit halves (rows 0-3, rows 4-7). */
export type Hash64 = readonly [number, number];

/** dHash of a 9 x 8 greyscale image (row-major, 72 values). */
export function dHash(grey: ArrayLike<number>): Hash64 {
  if (grey.length !== DHASH_WIDTH * DHASH_HEIGHT) throw new RangeError(`dHash needs ${DHASH_WIDTH * DHASH_HEIGHT} pixels, got ${grey.length}`);
  const halves = [0, 0];
  for (let y = 0; y < DHASH_HEIGHT; y++) {
    for (let x = 0; x < DHASH_WIDTH - 1; x++) {
      const bit = grey[y * DHASH_WIDTH + x]! > grey[y * DHASH_WIDTH + x + 1]! ? 1 : 0;
      const half = y < 4 ? 0 : 1;
      halves[half] = ((halves[half]! << 1) | bit) >>> 0;
    }
  }
  return [halves[0]!, halves[1]!];
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

export interface DuplicateRule {
  /** pixels nearly identical: Hamming distance at most this, whatever the embeddings say */
  hashOnly: number;
  /** or: Hamming distance at most this ... */
  hashWithEmbedding: number;
  /** ... and embedding cosine at least this */
  minCosine: number;
}

/** Defaults measured on the planted Fashion-MNIST test (brightened copies: Hamming 0-3, cosine > 0.98). */
export const DEFAULT_DUPLICATE_RULE: DuplicateRule = { hashOnly: 2, hashWithEmbedding: 8, minCosine: 0.97 };

export interface DuplicateGroup {
  /** sample indices, ascending */
  members: number[];
  /** smallest embedding cosine over the pairs that joined the group */
  similarity: number;
  /** largest Hamming distance over those pairs */
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

/**
 * Groups of near-duplicates: every pair (i, j) that passes the rule joins one group (transitively).
 * O(N^2) pair checks, the hash first (cheap) and the cosine only for pairs that pass it.
 */
export function findDuplicateGroups(unitEmbeddings: Float32Array, dim: number, hashes: readonly Hash64[], rule: DuplicateRule = DEFAULT_DUPLICATE_RULE): DuplicateGroup[] {
  const n = hashes.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const links: { i: number; j: number; cos: number; ham: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ham = hamming(hashes[i]!, hashes[j]!);
      if (ham > rule.hashWithEmbedding) continue;
      const cos = dot(unitEmbeddings, i, unitEmbeddings, j, dim);
      if (ham <= rule.hashOnly || cos >= rule.minCosine) {
        links.push({ i, j, cos, ham });
        parent[find(parent, i)] = find(parent, j);
      }
    }
  }
  const groups = new Map<number, DuplicateGroup>();
  for (const l of links) {
    const r = find(parent, l.i);
    const g = groups.get(r) ?? { members: [], similarity: 1, hashDistance: 0 };
    g.similarity = Math.min(g.similarity, l.cos);
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
