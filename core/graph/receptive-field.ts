/**
 * Receptive-field arithmetic (Dumoulin & Visin; Araujo et al. 2019), per axis. With input field
 * size r, jump j (input pixels between adjacent positions) and start s (centre of the first
 * position's field, pixel centres at i + 0.5), a window of kernel k, dilation d, stride t and
 * leading padding p gives, with k' = d(k-1)+1:
 *   r' = r + (k'-1) j      j' = j t      s' = s + ((k'-1)/2 - p) j
 * A global op (global pooling, flatten) is a window as large as its input map. Multi-input
 * blocks take the largest field of their inputs, on the positions of their largest input map. Sizes are not clipped to the image.
 */
import type { RfRule } from '../blocks/define';
import type { ReceptiveField, Shape } from './types';

export const IMAGE_RF: ReceptiveField = { size: 1, jump: 1, start: 0.5 };

/**
 * The field of a multi-input block along one axis: the largest input field, on the position grid
 * (jump, start) of the input with the most positions. A broadcast input (a squeeze-excite gate,
 * N×C×1×1 after global pooling) sees the whole map but does not move the output's positions.
 */
export function merged(fields: ReceptiveField[], extents: number[]): ReceptiveField {
  if (fields.length === 0) return IMAGE_RF;
  let grid = 0;
  for (let i = 1; i < fields.length; i++) if ((extents[i] ?? 1) > (extents[grid] ?? 1)) grid = i;
  const size = Math.max(...fields.map((f) => f.size));
  return { ...fields[grid]!, size };
}

export function applyRf(rule: RfRule, inShape: Shape | undefined, f: ReceptiveField, axis: 0 | 1): ReceptiveField {
  if (rule === 'identity' || !inShape || inShape.length !== 3) return f;
  if (rule === 'global') {
    const h = inShape[axis + 1]!;
    return { size: f.size + (h - 1) * f.jump, jump: f.jump * h, start: f.start + ((h - 1) / 2) * f.jump };
  }
  const ke = rule.dilation[axis] * (rule.kernel[axis] - 1) + 1;
  return {
    size: f.size + (ke - 1) * f.jump,
    jump: f.jump * rule.stride[axis],
    start: f.start + ((ke - 1) / 2 - rule.padBegin[axis]) * f.jump,
  };
}
