/** The fully connected rule shared by Dense and the classifier Output. */
import type { GraphBuilder } from '../onnx/builder';
import type { Shape } from '../graph/types';
import type { EmitArgs, InferResult, WeightDecl } from './define';

export function denseInfer(x: Shape, units: number): InferResult {
  if (x.length !== 1) {
    return {
      ok: false,
      issues: [
        {
          code: 'needs-flat-input',
          message: `expects a vector N×F but gets N×${x.join('×')}; flatten it or pool it first`,
          hints: [
            { kind: 'insertBefore', label: 'Insert Flatten', port: 0, type: 'flatten', name: 'flatten', params: {} },
            { kind: 'insertBefore', label: 'Insert Global Avg Pool', port: 0, type: 'globalavgpool', name: 'avgpool', params: {} },
          ],
        },
      ],
    };
  }
  return { ok: true, shapes: [[units]] };
}

/** Weight [units, in] and bias [units], PyTorch nn.Linear layout and init. */
export function denseWeights(x: Shape, units: number, bias: boolean): WeightDecl[] {
  const fanIn = x[0]!;
  const w: WeightDecl[] = [{ suffix: 'weight', shape: [units, fanIn], init: { kind: 'kaiming_uniform', fanIn }, role: 'param' }];
  if (bias) w.push({ suffix: 'bias', shape: [units], init: { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) }, role: 'param' });
  return w;
}

/** y = x W^T + b as one Gemm (transB = 1 keeps PyTorch's [out, in] weight layout). */
export function denseEmit(g: GraphBuilder, a: EmitArgs, bias: boolean): string {
  const inputs = [a.inputs[0]!, a.weights.weight!];
  if (bias) inputs.push(a.weights.bias!);
  return g.op1('Gemm', inputs, { transB: 1 }, { name: 'Gemm' });
}
