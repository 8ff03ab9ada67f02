/**
 * Drops conv kernel taps that only ever see padding.
 *
 * With small feature maps a padded conv has taps that no output position lands inside the input
 * with: a 3x3 / pad 1 conv on a 1x1 map (ResNet-18's layer4 at 32x32 input) multiplies 8 of its 9
 * taps by zeros, and a 5x5 / pad 2 conv on 2x2 maps (GoogLeNet's last inception at 64x64) 16 of 25.
 * onnxruntime's im2col Conv, its ConvTranspose (input gradient) and the weight gradient all do that
 * work anyway. Per spatial axis, tap i reads input row o*s + i*d - p_begin for outputs o in
 * [0, Ho); it is live when some o puts that row in [0, H). With live taps [lo, hi]:
 *
 *   Conv(x, w, pads p)  ==  Conv(x, w[..., lo:hi+1], pads p_begin - lo*d, p_end - (k-1-hi)*d)
 *
 * (the same sum without the zero terms; the input span and so Ho are unchanged). The gradient of
 * selection (a 0/1 matrix product, see below) gives the dead taps' weight gradient exact zeros, which is what PyTorch gets for
 * them (sums of products with padding zeros). Only convs whose new pads stay >= 0 are rewritten.
 */
import type { Graph, Node } from '../onnx/ir';
import { spatialParams } from './attrs';
import { rewriteNames } from './rewrite-names';
import type { ShapeInfo } from './shape-infer';

export interface TrimmedTaps {
  graph: Graph;
  /** Conv node names whose kernel was sliced. */
  trimmed: string[];
}

/** Live tap range [lo, hi] of one axis, or undefined when every tap is live. */
export function liveTaps(h: number, k: number, s: number, d: number, pb: number, pe: number): [number, number] | undefined {
  const ho = Math.floor((h + pb + pe - ((k - 1) * d + 1)) / s) + 1;
  let lo = k;
  let hi = -1;
  for (let i = 0; i < k; i++) {
    for (let o = 0; o < ho; o++) {
      const row = o * s + i * d - pb;
      if (row >= 0 && row < h) {
        lo = Math.min(lo, i);
        hi = Math.max(hi, i);
        break;
      }
    }
  }
  if (hi < 0 || (lo === 0 && hi === k - 1)) return undefined;
  return [lo, hi];
}

export function trimDeadConvTaps(graph: Graph, info: ShapeInfo): TrimmedTaps {
  const { fresh, i64, inits } = rewriteNames(graph);
  const nodes: Node[] = [];
  const trimmed: string[] = [];
  for (const n of graph.nodes) {
    const xs = n.opType === 'Conv' && (n.domain ?? '') === '' ? info.shapes.get(n.inputs[0]!)?.shape : undefined;
    const ws = xs ? info.shapes.get(n.inputs[1]!)?.shape : undefined;
    if (!xs || !ws || xs.length < 3 || ws.length !== xs.length) {
      nodes.push(n);
      continue;
    }
    const sp = xs.slice(2);
    const r = sp.length;
    const p = spatialParams(n, sp, ws.slice(2));
    const ranges = sp.map((h, i) => liveTaps(h, p.kernel[i]!, p.strides[i]!, p.dilations[i]!, p.pads[i]!, p.pads[i + r]!));
    if (ranges.every((x) => x === undefined)) {
      nodes.push(n);
      continue;
    }
    const lo = ranges.map((x) => x?.[0] ?? 0);
    const hi = ranges.map((x, i) => x?.[1] ?? p.kernel[i]! - 1);
    const pads = [...lo.map((l, i) => p.pads[i]! - l * p.dilations[i]!), ...hi.map((h, i) => p.pads[i + r]! - (p.kernel[i]! - 1 - h) * p.dilations[i]!)];
    if (pads.some((q) => q < 0)) {
      nodes.push(n);
      continue;
    }
    const w = n.inputs[1]!;
    const kernel = lo.map((l, i) => hi[i]! - l + 1);
    const k = p.kernel.reduce((a, b) => a * b, 1);
    const kLive = kernel.reduce((a, b) => a * b, 1);
    // A 0/1 selection matrix instead of Slice: onnxruntime's Slice (and the Pad of its gradient)
    // copy a few floats per row and cost ~10 ms on a 512x512x3x3 weight; a [M*C, k] x [k, k'] GEMM
    // streams it once, and its gradient is the same GEMM transposed (exact: one product by 1 per
    // output, the rest by 0).
    const sel = new Float32Array(k * kLive);
    forEachIndex(kernel, (idx, j) => {
      let src = 0;
      for (let a = 0; a < r; a++) src = src * p.kernel[a]! + idx[a]! + lo[a]!;
      sel[src * kLive + j] = 1;
    });
    const selName = fresh(`${n.name}/live_taps_selection`);
    inits.push({ name: selName, dtype: 'float32', dims: [k, kLive], data: sel });
    const flat = fresh(`${w}/taps`);
    const picked = fresh(`${w}/live_taps_flat`);
    const ws2 = fresh(`${w}/live_taps`);
    nodes.push(
      {
        name: fresh(`${n.name}/taps_flat`),
        opType: 'Reshape',
        inputs: [w, i64(`${n.name}/taps_shape`, [ws[0]! * ws[1]!, k])],
        outputs: [flat],
        attributes: {},
      },
      { name: fresh(`${n.name}/live_taps`), opType: 'MatMul', inputs: [flat, selName], outputs: [picked], attributes: {} },
      {
        name: fresh(`${n.name}/live_taps_kernel`),
        opType: 'Reshape',
        inputs: [picked, i64(`${n.name}/live_taps_shape`, [ws[0]!, ws[1]!, ...kernel])],
        outputs: [ws2],
        attributes: {},
      },
    );
    const attributes = { ...n.attributes, kernel_shape: { kind: 'ints' as const, value: kernel }, pads: { kind: 'ints' as const, value: pads } };
    delete (attributes as Record<string, unknown>).auto_pad;
    nodes.push({ ...n, inputs: [n.inputs[0]!, ws2, ...n.inputs.slice(2)], attributes });
    info.shapes.set(flat, { dtype: 'float32', shape: [ws[0]! * ws[1]!, k] });
    info.shapes.set(selName, { dtype: 'float32', shape: [k, kLive] });
    info.shapes.set(picked, { dtype: 'float32', shape: [ws[0]! * ws[1]!, kLive] });
    info.shapes.set(ws2, { dtype: 'float32', shape: [ws[0]!, ws[1]!, ...kernel] });
    trimmed.push(n.name);
  }
  if (trimmed.length === 0) return { graph, trimmed };
  for (const t of inits) {
    if (t.dtype !== 'int64') continue;
    info.consts.set(t.name, Array.from(t.data as BigInt64Array, Number));
    info.shapes.set(t.name, { dtype: 'int64', shape: t.dims });
  }
  return { graph: { ...graph, nodes, initializers: [...graph.initializers, ...inits] }, trimmed };
}

/** Calls fn(index, flatIndex) for every index of a row-major array of the given dims. */
function forEachIndex(dims: number[], fn: (idx: number[], flat: number) => void): void {
  const total = dims.reduce((a, b) => a * b, 1);
  const idx = dims.map(() => 0);
  for (let f = 0; f < total; f++) {
    fn(idx, f);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
}
