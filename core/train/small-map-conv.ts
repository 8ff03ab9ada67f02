/**
 * Convs over tiny feature maps as one dense matrix product.
 *
 * On a map of P = H*W pixels giving Q = Ho*Wo outputs, a conv is a linear map from [C, P] to
 * [M, Q] per image. onnxruntime's CPU Conv runs it as one small im2col GEMM per image ([M, C*K] x
 * [C*K, Q], K = kh*kw taps, zeros where a tap reads padding): ResNet-18's layer3 at 32x32 input
 * (256 channels, 2x2 maps) ran at ~30 GFLOP/s. Written as
 *
 *   y[n, (m, q)] = sum_{(c, p)} x[n, (c, p)] * Wd[(c, p), (m, q)],
 *   Wd[(c, p), (m, q)] = w[m, c, tap(p, q)]  (0 where no tap of output q reads input p),
 *
 * it is one GEMM over the whole batch with P*Q / (K*Q) = P/K of im2col's multiply-adds (4/9 for a
 * 3x3 conv on 2x2 maps), and its gradients are GEMMs too (dx = dy Wd^T, dWd = x^T dy). Wd is built
 * from w each step by a 0/1 selection product, exact in float32:
 *
 *   G = Reshape(w, [M*C, K]) x S,  S[t, (p, q)] = 1 if tap(p, q) = t        -> [M, C, P, Q]
 *   Wd = Reshape(Transpose(G, [1, 2, 0, 3]), [C*P, M*Q])
 *
 * and the weight gradient comes back through the same ops (the transposed selection sums, per
 * tap, the entries of dWd that share it). Used when P <= K and P*Q <= 2K (Wd at most twice w).
 */
import type { Graph, Node } from '../onnx/ir';
import { attrInt, spatialParams } from './attrs';
import { rewriteNames } from './rewrite-names';
import type { ShapeInfo } from './shape-infer';

export interface DenseConvs {
  graph: Graph;
  /** Conv node names now computed as dense GEMMs. */
  rewritten: string[];
}

export function denseSmallMapConvs(graph: Graph, info: ShapeInfo): DenseConvs {
  const { fresh, i64, inits } = rewriteNames(graph, info);
  const nodes: Node[] = [];
  const rewritten: string[] = [];
  for (const n of graph.nodes) {
    const xs = n.opType === 'Conv' && (n.domain ?? '') === '' ? info.shapes.get(n.inputs[0]!)?.shape : undefined;
    const ws = xs ? info.shapes.get(n.inputs[1]!)?.shape : undefined;
    const ys = ws ? info.shapes.get(n.outputs[0]!)?.shape : undefined;
    if (!xs || !ws || !ys || xs.length !== 4 || ws.length !== 4 || attrInt(n, 'group', 1) !== 1) {
      nodes.push(n);
      continue;
    }
    const [nb, c, h, w] = xs as [number, number, number, number];
    const [m, , kh, kw] = ws as [number, number, number, number];
    const [ho, wo] = [ys[2]!, ys[3]!];
    const P = h * w;
    const Q = ho * wo;
    const K = kh * kw;
    if (P > K || P * Q > 2 * K) {
      nodes.push(n);
      continue;
    }
    const p = spatialParams(n, [h, w], [kh, kw]);
    // S[t, p*Q + q] = 1 where tap t of output q reads input pixel p.
    const sel = new Float32Array(K * P * Q);
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const iy = oy * p.strides[0]! + i * p.dilations[0]! - p.pads[0]!;
            const ix = ox * p.strides[1]! + j * p.dilations[1]! - p.pads[1]!;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            sel[(i * kw + j) * P * Q + (iy * w + ix) * Q + oy * wo + ox] = 1;
          }
        }
      }
    }
    const base = n.name;
    const selName = fresh(`${base}/dense_selection`);
    inits.push({ name: selName, dtype: 'float32', dims: [K, P * Q], data: sel });
    info.shapes.set(selName, { dtype: 'float32', shape: [K, P * Q] });
    const v = (name: string, shape: number[]): string => {
      const out = fresh(`${base}/${name}`);
      info.shapes.set(out, { dtype: 'float32', shape });
      return out;
    };
    const node = (opType: string, inputs: string[], output: string, attributes: Node['attributes'] = {}): void => {
      nodes.push({ name: fresh(`${output}/node`), opType, inputs, outputs: [output], attributes });
    };
    const wFlat = v('w_taps', [m * c, K]);
    node('Reshape', [n.inputs[1]!, i64(`${base}/w_taps_shape`, [m * c, K])], wFlat);
    const g = v('w_pixels', [m * c, P * Q]);
    node('MatMul', [wFlat, selName], g);
    const g4 = v('w_pixels4', [m, c, P, Q]);
    node('Reshape', [g, i64(`${base}/w_pixels4_shape`, [m, c, P, Q])], g4);
    const gt = v('w_dense4', [c, P, m, Q]);
    node('Transpose', [g4], gt, { perm: { kind: 'ints', value: [1, 2, 0, 3] } });
    const wd = v('w_dense', [c * P, m * Q]);
    node('Reshape', [gt, i64(`${base}/w_dense_shape`, [c * P, m * Q])], wd);
    const xf = v('x_flat', [nb, c * P]);
    node('Reshape', [n.inputs[0]!, i64(`${base}/x_flat_shape`, [nb, c * P])], xf);
    const yf = v('y_flat', [nb, m * Q]);
    node('Gemm', [xf, wd], yf);
    const bias = n.inputs[2];
    if (bias) {
      const y4 = v('y_nobias', [nb, m, ho, wo]);
      node('Reshape', [yf, i64(`${base}/y_shape`, [nb, m, ho, wo])], y4);
      const b4 = v('bias4', [1, m, 1, 1]);
      node('Reshape', [bias, i64(`${base}/bias_shape`, [1, m, 1, 1])], b4);
      node('Add', [y4, b4], n.outputs[0]!);
    } else node('Reshape', [yf, i64(`${base}/y_shape`, [nb, m, ho, wo])], n.outputs[0]!);
    rewritten.push(n.name);
  }
  if (rewritten.length === 0) return { graph, rewritten };
  return { graph: { ...graph, nodes, initializers: [...graph.initializers, ...inits] }, rewritten };
}
