/**
 * Quantization parameters (ONNX QuantizeLinear/DequantizeLinear semantics):
 *   q = saturate(round_half_even(x / scale) + zero_point),   x' = (q - zero_point) * scale.
 * Activations are uint8, asymmetric over a calibrated range that always contains 0 (so zero,
 * e.g. padding, is exact). Weights are int8, symmetric per output channel (zero point 0, range
 * [-127, 127] so that -w quantizes to -q). A bias is int32 with scale = input scale x weight scale
 * of its channel, which is what the integer kernels accumulate in.
 */

export interface AffineParams {
  scale: number;
  zeroPoint: number;
}

export interface ChannelQuantized {
  /** int8 values in the weight's own layout. */
  values: Int8Array;
  /** One scale per channel of `axis` (the output channel). */
  scales: Float32Array;
}

export const UINT8_MAX = 255;
export const INT8_SYMMETRIC_MAX = 127;
const INT32_MAX = 2147483647;

/** Round half to even, as QuantizeLinear (and numpy.round) do. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * uint8 parameters for a tensor observed in [min, max]: the range is widened to contain 0, then
 *   scale = (rmax - rmin) / 255,   zero_point = round(-rmin / scale) in [0, 255].
 * A constant-zero range gets scale 1 (any positive scale represents it exactly).
 */
export function uint8Params(min: number, max: number): AffineParams {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new RangeError(`invalid calibration range [${min}, ${max}]`);
  const rmin = Math.min(min, 0);
  const rmax = Math.max(max, 0);
  if (rmax === rmin) return { scale: 1, zeroPoint: 0 };
  // Rounded to float32 first: the file stores a float32 scale and the zero point must match it.
  const scale = Math.fround((rmax - rmin) / UINT8_MAX);
  const zeroPoint = Math.min(UINT8_MAX, Math.max(0, roundHalfEven(-rmin / scale)));
  return { scale, zeroPoint };
}

/** Symmetric int8 per channel along axis 0 ([out, ...] layout): scale_c = max|w_c| / 127. */
export function quantizePerChannel(weights: Float32Array, channels: number): ChannelQuantized {
  if (channels < 1 || weights.length % channels !== 0) throw new RangeError(`${weights.length} weights do not split into ${channels} channels`);
  const per = weights.length / channels;
  const values = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let absMax = 0;
    for (let i = c * per; i < (c + 1) * per; i++) absMax = Math.max(absMax, Math.abs(weights[i]!));
    const scale = absMax > 0 ? Math.fround(absMax / INT8_SYMMETRIC_MAX) : 1;
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) {
      values[i] = Math.max(-INT8_SYMMETRIC_MAX, Math.min(INT8_SYMMETRIC_MAX, roundHalfEven(weights[i]! / scale)));
    }
  }
  return { values, scales };
}

/** The int32 bias for per-channel weight scales: b_q[c] = round(b[c] / (s_x * s_w[c])). */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  if (bias.length !== weightScales.length) throw new RangeError(`bias has ${bias.length} values for ${weightScales.length} channels`);
  const scales = new Float32Array(bias.length);
  const values = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const s = Math.fround(inputScale * weightScales[c]!);
    scales[c] = s;
    values[c] = Math.max(-INT32_MAX, Math.min(INT32_MAX, roundHalfEven(bias[c]! / s)));
  }
  return { values, scales };
}
