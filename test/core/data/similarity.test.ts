import { describe, expect, it } from 'vitest';
import {
  classCentroids,
  findDuplicateGroups,
  findOutliers,
  hamming,
  normalizeRows,
  pHash,
  pixelSignature,
  THUMB_SIDE,
  type Hash64,
} from '../../../core/data/similarity';
import { createRng } from '../../../core/data/rng';

const N = THUMB_SIDE;

/** A smooth random picture: a few random blobs on a grey background. */
function picture(seed: number): number[] {
  const rng = createRng(seed);
  const blobs = Array.from({ length: 4 }, () => ({ x: rng.next() * N, y: rng.next() * N, r: 3 + rng.next() * 8, v: rng.next() * 150 }));
  return Array.from({ length: N * N }, (_, i) => {
    const [x, y] = [i % N, Math.floor(i / N)];
    return 40 + blobs.reduce((s, b) => s + (Math.hypot(x - b.x, y - b.y) < b.r ? b.v / 2 : 0), 0);
  });
}

describe('pHash and pixel signatures', () => {
  it('ignore a uniform change of brightness and contrast, and tell different pictures apart', () => {
    const a = picture(1);
    const brighter = a.map((v) => v * 1.2 + 25);
    expect(hamming(pHash(a), pHash(brighter))).toBe(0);
    const sa = pixelSignature(a);
    const dot = (p: Float32Array, q: Float32Array): number => p.reduce((s, v, i) => s + v * q[i]!, 0);
    expect(dot(sa, pixelSignature(brighter))).toBeCloseTo(1, 5);
    const b = picture(2);
    expect(hamming(pHash(a), pHash(b))).toBeGreaterThan(10);
    expect(dot(sa, pixelSignature(b))).toBeLessThan(0.9);
  });

  it('counts differing bits in both halves', () => {
    expect(hamming([0xffffffff, 0], [0, 0])).toBe(32);
    expect(hamming([1, 0x80000001], [0, 0])).toBe(3);
  });

  it('refuses a thumbnail of the wrong size', () => {
    expect(() => pHash(new Array<number>(64).fill(0))).toThrow(/1024 pixels/);
  });
});

describe('near-duplicate groups', () => {
  const pics = [picture(1), picture(2), picture(1).map((v) => v + 30), picture(3), picture(2).map((v) => v * 0.9)];
  const hashes: Hash64[] = pics.map(pHash);
  const signatures = pics.map(pixelSignature);

  it('joins copies when hash, pixels and embedding agree', () => {
    const emb = normalizeRows(Float32Array.from([1, 0, 0, 1, 1, 0.05, 0.7, 0.7, 0, 1]), 2);
    const groups = findDuplicateGroups({ embeddings: emb, dim: 2, hashes, signatures });
    expect(groups.map((g) => g.members)).toEqual([
      [0, 2],
      [1, 4],
    ]);
    expect(groups[0]!.similarity).toBeGreaterThan(0.99);
  });

  it('does not join pixel copies the model sees differently', () => {
    const emb = normalizeRows(Float32Array.from([1, 0, 0, 1, 0, 1, 0.7, 0.7, 0, 1]), 2);
    const groups = findDuplicateGroups({ embeddings: emb, dim: 2, hashes, signatures });
    expect(groups.map((g) => g.members)).toEqual([[1, 4]]);
  });
});

describe('outliers', () => {
  it('finds the sample far from every class centroid', () => {
    // Two tight classes along the axes, one sample pointing between them.
    const rows: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20; i++) {
      rows.push(1, 0.01 * (i % 5), 0);
      labels.push(0);
      rows.push(0.01 * (i % 3), 1, 0);
      labels.push(1);
    }
    rows.push(0.2, 0.2, 1);
    labels.push(0);
    const emb = normalizeRows(Float32Array.from(rows), 3);
    const out = findOutliers(emb, 3, labels, 2);
    expect(out.map((o) => o.index)).toEqual([40]);
    const c = classCentroids(emb, 3, labels, 2);
    expect(Math.hypot(c[0]!, c[1]!, c[2]!)).toBeCloseTo(1, 6);
  });
});
