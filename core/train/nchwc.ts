/**
 * Conv on onnxruntime's CPU NCHWc kernels where the weights are not constants.
 *
 * onnxruntime rewrites a Conv into its blocked-layout kernels (domain com.microsoft.nchwc: MLAS
 * direct convolution over [N, C/B, H, W, B] tensors) only when the weight is a constant
 * initializer, because it reorders the weight once at load time. In a training graph every weight
 * is a graph input (and the backward convs' "weights" are computed), so every Conv ran the generic
 * im2col + SGEMM path: 1.25-3.4x slower per conv at 1 thread, the weight reorder included
 * (bench/train-results.md). This pass does the rewrite itself, reordering the weight inside the
 * graph each step:
 *
 *   x [N, C, H, W] --ReorderInput--> [N, C, H, W] in NCHWc layout (skipped when C < B: MLAS then
 *                                     reads the NCHW input directly)
 *   w [M, C, kh, kw] --Pad M to Mp = ceil(M / B) * B, Reshape, Transpose--> OIHWBiBo:
 *       wr[ob, ib, i, j, bi, bo] = w[ob*B + bo, ib*B + bi, i, j]   (C >= B)
 *   or OIHWBo:
 *       wr[ob, c, i, j, bo]      = w[ob*B + bo, c, i, j]           (C < B)
 *   y = ReorderOutput(nchwc.Conv(xr, wr, b padded to Mp), channels = M)
 *
 * This is exactly MlasReorderFilterOIHWBiBo / MlasReorderFilterOIHWBo, the layouts the NCHWc
 * kernels read (onnxruntime's nchwc_transformer), so the arithmetic is the same per output as
 * onnxruntime's inference convs. Only 2-D convs are rewritten: group-1 convs whose input channels are
 * a multiple of B (or fewer than B), and depthwise convs over a multiple of B channels (weight
 * OIHWBo, input blocked), the same rules as onnxruntime's transformer. B is the CPU's NCHWc
 * block size (16 with AVX-512, 8 with AVX2): the host measures it (main/trainer/nchwc-block.ts).
 *
 * The result runs only on onnxruntime's CPU execution provider.
 */
import type { Attribute, Graph, Model, Node } from '../onnx/ir';
import { attrInt, spatialParams } from './attrs';
import { rewriteNames } from './rewrite-names';
import { inferShapes } from './shape-infer';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

export interface NchwcOptions {
  /** Binds symbolic dims (the batch) for shape inference. */
  batch?: number;
  /** Least N*Ho*Wo (multiply-adds per weight element) for which a conv is rewritten. */
  minReuse?: number;
}

/**
 * The reorder is a pass over the weight: for LeNet-5's conv-trick weight gradients (25-150 uses per
 * "weight" element) it cost more than the faster kernel saved (profile: 0.1 -> 2.8 ms of Transpose
 * per step); forward and input-gradient convs reuse each weight N*Ho*Wo >= 256 times.
 */
export const MIN_REUSE = 256;

export interface NchwcResult {
  graph: Graph;
  /** Names of the Conv nodes now running NCHWc kernels. */
  rewritten: string[];
}

/**
 * Rewrites eligible Conv nodes of `graph` (static shapes, batch bound) onto NCHWc kernels with
 * block size `block`. Convs whose weight is an initializer are left to onnxruntime's own pass.
 */
export function convsToNchwc(graph: Graph, block: number, opts: NchwcOptions = {}): NchwcResult {
  const { batch, minReuse = MIN_REUSE } = opts;
  if (!Number.isInteger(block) || block < 4 || block % 4 !== 0) throw new Error(`NCHWc block size must be a multiple of 4, got ${block}`);
  const info = inferShapes(graph, batch === undefined ? {} : { batch });
  const initializers = new Set(graph.initializers.map((t) => t.name));
  const { fresh, i64, inits: extraInits } = rewriteNames(graph);
  const node = (opType: string, inputs: string[], output: string, attributes: Record<string, Attribute> = {}, domain?: string): Node => ({
    name: fresh(`${output}/node`),
    opType,
    inputs,
    outputs: [output],
    attributes,
    ...(domain ? { domain } : {}),
  });

  const reorderedInputs = new Map<string, string>();
  const reorderedWeights = new Map<string, string>();
  const paddedBiases = new Map<string, string>();
  const out: Node[] = [];
  const rewritten: string[] = [];
  for (const n of graph.nodes) {
    const ws = n.opType === 'Conv' && (n.domain ?? '') === '' ? info.shapes.get(n.inputs[1] ?? '')?.shape : undefined;
    const xs = ws ? info.shapes.get(n.inputs[0]!)?.shape : undefined;
    const group = attrInt(n, 'group', 1);
    if (!ws || !xs || ws.length !== 4 || xs.length !== 4 || initializers.has(n.inputs[1]!)) {
      out.push(n);
      continue;
    }
    const [m, c, kh, kw] = ws as [number, number, number, number];
    const depthwise = isBlockedDepthwise(group, xs[1]!, m, c, block);
    if (group !== 1 && !depthwise) {
      out.push(n);
      continue;
    }
    const ys = info.shapes.get(n.outputs[0]!)?.shape;
    const reuse = ys && ys.length === 4 ? ys[0]! * ys[2]! * ys[3]! : 0;
    const blockedInput = depthwise || c >= block;
    // The weight is reordered every step: worth it only when each weight is used many times (the
    // conv-trick weight gradients, whose "weight" is an activation gradient, mostly are not).
    // Depthwise convs always are: the grouped im2col path they leave costs 2-10x the reorder.
    if ((blockedInput && !depthwise && c % block !== 0) || (!depthwise && reuse < minReuse)) {
      out.push(n);
      continue;
    }
    const mp = Math.ceil(m / block) * block;
    const base = n.outputs[0]!;

    let xr = n.inputs[0]!;
    if (blockedInput) {
      let r = reorderedInputs.get(xr);
      if (!r) {
        r = fresh(`${xr}/nchwc`);
        out.push(node('ReorderInput', [xr], r, {}, NCHWC_DOMAIN));
        reorderedInputs.set(xr, r);
      }
      xr = r;
    }

    const wIn = n.inputs[1]!;
    let wr = reorderedWeights.get(wIn);
    if (!wr) {
      let wp = wIn;
      if (mp !== m) {
        wp = fresh(`${wIn}/padded`);
        out.push(node('Pad', [wIn, i64(`${wIn}/pads`, [0, 0, 0, 0, mp - m, 0, 0, 0])], wp));
      }
      // Two single-axis moves (onnxruntime's fast Transpose path; one 6-D permutation was ~2x slower):
      // [Mp/B, Bo, C*K] -> [Mp/B, C*K, Bo] is OIHWBo; for C >= B, [Mp/B, C/B, Bi, K, Bo] -> [Mp/B, C/B, K, Bi, Bo].
      const k = kh * kw;
      const rows = fresh(`${wIn}/blocks`);
      out.push(node('Reshape', [wp, i64(`${wIn}/blocks_shape`, [mp / block, block, c * k])], rows));
      let blocked = fresh(`${wIn}/blocked`);
      out.push(node('Transpose', [rows], blocked, { perm: { kind: 'ints', value: [0, 2, 1] } }));
      if (blockedInput && !depthwise) {
        const split = fresh(`${wIn}/blocked_split`);
        out.push(node('Reshape', [blocked, i64(`${wIn}/blocked_split_shape`, [mp / block, c / block, block, k, block])], split));
        blocked = fresh(`${wIn}/blocked_bibo`);
        out.push(node('Transpose', [split], blocked, { perm: { kind: 'ints', value: [0, 1, 3, 2, 4] } }));
      }
      wr = fresh(`${wIn}/nchwc`);
      out.push(node('Reshape', [blocked, i64(`${wIn}/nchwc_shape`, [mp, c, kh, kw])], wr));
      reorderedWeights.set(wIn, wr);
    }

    const inputs = [xr, wr];
    const bias = n.inputs[2];
    if (bias) {
      let b = bias;
      if (mp !== m) {
        b = paddedBiases.get(bias) ?? '';
        if (!b) {
          b = fresh(`${bias}/padded`);
          out.push(node('Pad', [bias, i64(`${bias}/pads`, [0, mp - m])], b));
          paddedBiases.set(bias, b);
        }
      }
      inputs.push(b);
    }
    const p = spatialParams(n, xs.slice(2), [kh, kw]);
    const yc = fresh(`${base}/nchwc`);
    out.push({
      name: fresh(`${n.name}/nchwc`),
      opType: 'Conv',
      domain: NCHWC_DOMAIN,
      inputs,
      outputs: [yc],
      attributes: {
        kernel_shape: { kind: 'ints', value: p.kernel },
        strides: { kind: 'ints', value: p.strides },
        dilations: { kind: 'ints', value: p.dilations },
        pads: { kind: 'ints', value: p.pads },
        group: { kind: 'int', value: group },
      },
    });
    out.push(node('ReorderOutput', [yc], base, { channels: { kind: 'int', value: m } }, NCHWC_DOMAIN));
    rewritten.push(n.name);
  }
  return { graph: { ...graph, nodes: out, initializers: [...graph.initializers, ...extraInits] }, rewritten };
}

/**
 * A depthwise conv (one input and one output channel per group, as MLAS's NCHWc depthwise kernel
 * requires) over a whole number of channel blocks. Its weight [C, 1, kh, kw] takes the OIHWBo
 * layout, and its input is reordered like any blocked input.
 */
function isBlockedDepthwise(group: number, inChannels: number, m: number, perGroup: number, block: number): boolean {
  return group > 1 && group === inChannels && m === group && perGroup === 1 && inChannels % block === 0;
}

/** convsToNchwc on a whole model; adds the com.microsoft.nchwc opset import when a conv was rewritten. */
export function modelToNchwc(model: Model, block: number, opts: NchwcOptions = {}): { model: Model; rewritten: string[] } {
  const r = convsToNchwc(model.graph, block, opts);
  if (r.rewritten.length === 0) return { model, rewritten: [] };
  const imports = model.opsetImports.some((o) => o.domain === NCHWC_DOMAIN)
    ? model.opsetImports
    : [...model.opsetImports, { domain: NCHWC_DOMAIN, version: 1 }];
  return { model: { ...model, graph: r.graph, opsetImports: imports }, rewritten: r.rewritten };
}
