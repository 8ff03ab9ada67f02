/** Element-wise activations share everything but the op; each block file declares one of these. */
import type { Params } from '../graph/types';
import type { AttrInput, GraphBuilder } from '../onnx/builder';
import { definePrimitive, size, type PrimitiveBlock } from './define';
import type { ParamSpecs } from './params';
import type { PrimitivePytorch } from '../export-pytorch/hooks';

export function elementwise(d: {
  type: string;
  label: string;
  description: string;
  aliases?: readonly string[];
  op: string;
  params?: ParamSpecs;
  attrs?: (P: Params) => Record<string, AttrInput>;
  opsPerElement?: number;
  nameStem: string;
  pytorch: PrimitivePytorch;
  /** The ONNX nodes when the activation is not the single op `op` (SiLU: Sigmoid then Mul). */
  build?: (g: GraphBuilder, x: string, P: Params) => string;
  importOp?: PrimitiveBlock['importOp'];
}): PrimitiveBlock {
  return definePrimitive({
    type: d.type,
    label: d.label,
    category: 'Activation',
    description: d.description,
    ...(d.aliases ? { aliases: d.aliases } : {}),
    params: d.params ?? {},
    nameStem: d.nameStem,
    pytorch: d.pytorch,
    infer: ([x]) => ({ ok: true, shapes: [x!] }),
    cost: ([x]) => ({ macs: 0, otherOps: size(x!) * (d.opsPerElement ?? 1) }),
    ...(d.importOp ? { importOp: d.importOp } : {}),
    emit: (g, a) => ({
      outputs: [d.build ? d.build(g, a.inputs[0]!, a.params) : g.op1(d.op, [a.inputs[0]!], d.attrs ? d.attrs(a.params) : {}, { name: d.op })],
    }),
  });
}
