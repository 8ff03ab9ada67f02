/** Matrix products. Gradient math: train/grad/gemm.ts and matmul.ts. */
import { importMappers } from '../onnx/import-ops';
import { gemmGrad } from '../train/grad/gemm';
import { matMulGrad } from '../train/grad/matmul';
import { attrInt } from '../train/attrs';
import { float, int } from './attributes';
import { broadcastShapes } from './shape-context';
import type { OpRecord } from './types';

/** Gemm: Y[M, N] = alpha A' B' + beta C, A' = A or A^T ([M, K]), B' = B or B^T ([K, N]). */
export const gemm: OpRecord = {
  type: 'Gemm',
  attrs: { transA: int(0), transB: int(0), alpha: float(1), beta: float(1) },
  shape: (c) => {
    const [a, b] = [c.get(0).shape, c.get(1).shape];
    const m = attrInt(c.node, 'transA', 0) ? a[1]! : a[0]!;
    const n = attrInt(c.node, 'transB', 0) ? b[0]! : b[1]!;
    c.set(0, { dtype: c.get(0).dtype, shape: [m, n] });
  },
  grad: gemmGrad,
  // Each sample is a row of A; B and C are weights.
  perSample: (n, view) =>
    attrInt(n, 'transA', 0) !== 0 || !view.batchInputs[0] || view.batchInputs[1] || view.batchInputs[2] ? 'Gemm whose batch operand is not A' : null,
  import: importMappers.gemm,
};

/** MatMul (numpy): [..., M, K] x [..., K, N] -> [broadcast(...), M, N]; a 1-D operand gains and loses a unit dim. */
export const matMul: OpRecord = {
  type: 'MatMul',
  shape: (c) => {
    const [a, b] = [c.get(0).shape, c.get(1).shape];
    const a2 = a.length === 1 ? [1, a[0]!] : a;
    const b2 = b.length === 1 ? [b[0]!, 1] : b;
    const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
    const out = [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!];
    if (a.length === 1) out.splice(out.length - 2, 1);
    if (b.length === 1) out.splice(out.length - 1, 1);
    c.set(0, { dtype: c.get(0).dtype, shape: out });
  },
  grad: matMulGrad,
  perSample: (_n, view) => (!view.batchInputs[0] || view.batchInputs[1] ? 'MatMul whose batch operand is not the first' : null),
  import: importMappers.matMul,
};
