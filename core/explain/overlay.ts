/**
 * Drawing a Grad-CAM map over the image the model saw: the map is upsampled bilinearly (pixel
 * centres aligned, as OpenCV's and PyTorch's align_corners=False resize), scaled by its own
 * maximum for display only, coloured with a blue-to-red ramp and blended where it is hot.
 */

/** Bilinear resize of rows `map` (h x w) to height x width, sampling at pixel centres. */
export function upsampleBilinear(map: readonly (readonly number[])[], height: number, width: number): Float32Array {
  const h = map.length;
  const w = map[0]?.length ?? 0;
  const out = new Float32Array(height * width);
  if (h === 0 || w === 0) return out;
  const coord = (i: number, from: number, to: number): [number, number, number] => {
    const x = Math.min(Math.max(((i + 0.5) * from) / to - 0.5, 0), from - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, from - 1);
    return [lo, hi, x - lo];
  };
  for (let y = 0; y < height; y++) {
    const [y0, y1, fy] = coord(y, h, height);
    for (let x = 0; x < width; x++) {
      const [x0, x1, fx] = coord(x, w, width);
      const top = map[y0]![x0]! * (1 - fx) + map[y0]![x1]! * fx;
      const bottom = map[y1]![x0]! * (1 - fx) + map[y1]![x1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** A heat colour for t in [0, 1]: blue, cyan, yellow, red (a "jet"-like ramp). */
export function heatColor(t: number): [number, number, number] {
  const v = Math.min(Math.max(t, 0), 1);
  const channel = (centre: number) => Math.round(255 * Math.min(Math.max(1.5 - Math.abs(4 * v - centre), 0), 1));
  return [channel(3), channel(2), channel(1)];
}

/**
 * RGB bytes (interleaved, height x width) of `image` (planar CHW, 3 channels, the model's input
 * size) enlarged `scale` times with the map blended on top: alpha = 0.6 * t, t = map / max(map).
 */
export function blendOverlay(image: Uint8Array, inputHeight: number, inputWidth: number, map: readonly (readonly number[])[], scale: number): Uint8Array {
  const height = inputHeight * scale;
  const width = inputWidth * scale;
  const heat = upsampleBilinear(map, height, width);
  let max = 0;
  for (const v of heat) max = Math.max(max, v);
  const plane = inputHeight * inputWidth;
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / scale);
    for (let x = 0; x < width; x++) {
      const src = sy * inputWidth + Math.floor(x / scale);
      const t = max > 0 ? heat[y * width + x]! / max : 0;
      const color = heatColor(t);
      const alpha = 0.6 * t;
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = Math.round((1 - alpha) * image[c * plane + src]! + alpha * color[c]!);
    }
  }
  return out;
}

/** Whole-number enlargement so the longer side reaches about `target` pixels (at least 1). */
export function overlayScale(inputHeight: number, inputWidth: number, target = 256): number {
  return Math.max(1, Math.round(target / Math.max(inputHeight, inputWidth)));
}
