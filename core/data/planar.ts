/**
 * Interleaved RGB (HWC, what image decoders give) -> planar CHW uint8, with each channel's sum of
 * values and sum of squares (the dataset statistics) taken in the same pass.
 *
 * Why not one byte at a time: this runs on the JavaScript thread once per decoded image, beside
 * the decoder's own threads, and a plain per-pixel loop cost 0.40 ms per 224x224 image on a Zen 3
 * core. Reading 4 pixels as three 32-bit words, writing 4 bytes of each plane as one word, and
 * counting values in per-channel histograms (sums then come from 256 bins, exactly) takes
 * 0.23 ms for the same result.
 */

/** The output and per-channel sums; sums of bytes stay exact integers (< 2^53) for any image. */
export interface PlanarResult {
  planar: Uint8Array;
  sum: [number, number, number];
  sq: [number, number, number];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Value counts per channel: [r 0..255, g 0..255, b 0..255]; reused (each thread has its own module, and a call runs to its end). */
const histogram = new Int32Array(768);

/** HWC RGB bytes (3 * plane of them from `src`) -> CHW, with sums. */
export function rgbToPlanarWithSums(src: Uint8Array, plane: number): PlanarResult {
  if (src.length < 3 * plane) throw new RangeError(`expected ${3 * plane} RGB bytes, got ${src.length}`);
  const planar = new Uint8Array(3 * plane);
  histogram.fill(0);
  // Word reads need the source 4-byte aligned and every plane to start on a word.
  const words = LITTLE_ENDIAN && src.byteOffset % 4 === 0 && plane % 4 === 0 ? plane >> 2 : 0;
  if (words > 0) fourPixelsAtATime(src, planar, words);
  for (let i = words * 4; i < plane; i++) {
    const r = src[3 * i]!;
    const g = src[3 * i + 1]!;
    const b = src[3 * i + 2]!;
    planar[i] = r;
    planar[plane + i] = g;
    planar[2 * plane + i] = b;
    histogram[r]!++;
    histogram[256 + g]!++;
    histogram[512 + b]!++;
  }
  return { planar, ...sumsFromHistogram() };
}

/**
 * Pixels 0..4*words-1 (needs plane % 4 === 0, so that every plane starts on a word). Little-endian
 * words: w0 = r0 g0 b0 r1, w1 = g1 b1 r2 g2, w2 = b2 r3 g3 b3 (low byte first); each plane gets
 * the word x0 | x1 << 8 | x2 << 16 | x3 << 24. Plain locals, no arrays: this is the hot loop.
 */
function fourPixelsAtATime(src: Uint8Array, planar: Uint8Array, words: number): void {
  const s32 = new Uint32Array(src.buffer, src.byteOffset, 3 * words);
  const o32 = new Uint32Array(planar.buffer, planar.byteOffset, 3 * words);
  const h = histogram;
  for (let k = 0, w = 0; k < words; k++, w += 3) {
    const a = s32[w]!;
    const b = s32[w + 1]!;
    const c = s32[w + 2]!;
    const r0 = a & 255;
    const g0 = (a >>> 8) & 255;
    const b0 = (a >>> 16) & 255;
    const r1 = a >>> 24;
    const g1 = b & 255;
    const b1 = (b >>> 8) & 255;
    const r2 = (b >>> 16) & 255;
    const g2 = b >>> 24;
    const b2 = c & 255;
    const r3 = (c >>> 8) & 255;
    const g3 = (c >>> 16) & 255;
    const b3 = c >>> 24;
    o32[k] = r0 | (r1 << 8) | (r2 << 16) | (r3 << 24);
    o32[words + k] = g0 | (g1 << 8) | (g2 << 16) | (g3 << 24);
    o32[2 * words + k] = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    h[r0]!++;
    h[r1]!++;
    h[r2]!++;
    h[r3]!++;
    h[256 + g0]!++;
    h[256 + g1]!++;
    h[256 + g2]!++;
    h[256 + g3]!++;
    h[512 + b0]!++;
    h[512 + b1]!++;
    h[512 + b2]!++;
    h[512 + b3]!++;
  }
}

/** sum_c = sum_v n_c(v) * v, sq_c = sum_v n_c(v) * v^2 over the 256 values of each channel. */
function sumsFromHistogram(): Pick<PlanarResult, 'sum' | 'sq'> {
  const sum: [number, number, number] = [0, 0, 0];
  const sq: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let q = 0;
    for (let v = 1; v < 256; v++) {
      const n = histogram[256 * c + v]!;
      s += n * v;
      q += n * v * v;
    }
    sum[c] = s;
    sq[c] = q;
  }
  return { sum, sq };
}
