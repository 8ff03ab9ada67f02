/** Convolutions. The gradient math (several formulations chosen by shape) is in train/grad/conv.ts. */
import { importMappers } from '../onnx/import-ops';
import { attrInt, attrInts, pooledSize, spatialParams } from '../train/attrs';
import { convGrad } from '../train/grad/conv';
import { int, ints, str } from './attributes';
import type { ShapeContext } from './shape-context';
import type { OpRecord } from './types';

const CONV_ATTRS = { kernel_shape: ints(), strides: ints(), dilations: ints(), pads: ints(), auto_pad: str('NOTSET'), group: int(1) };

/**
 * Conv:          out = floor((in + p_b + p_e - ((k - 1) d + 1)) / s) + 1, channels = W[0].
 * ConvTranspose: out = s (in - 1) + output_padding + (k - 1) d + 1 - p_b - p_e (or output_shape),
 *                channels = W[1] * group.
 */
function convShape(c: ShapeContext): void {
  const node = c.node;
  const conv = node.opType === 'Conv';
  const s = c.get(0).shape;
  const w = c.get(1).shape;
  const sp = s.slice(2);
  const p = spatialParams(node, sp, w.slice(2));
  const group = attrInt(node, 'group', 1);
  const out: number[] = [s[0]!, conv ? w[0]! : w[1]! * group];
  const outPad = attrInts(node, 'output_padding') ?? sp.map(() => 0);
  const outShape = attrInts(node, 'output_shape');
  for (let i = 0; i < sp.length; i++) {
    if (conv) out.push(pooledSize(sp[i]!, p.kernel[i]!, p.strides[i]!, p.dilations[i]!, p.pads[i]!, p.pads[i + sp.length]!, false));
    else
      out.push(
        outShape ? outShape[i]! : p.strides[i]! * (sp[i]! - 1) + outPad[i]! + (p.kernel[i]! - 1) * p.dilations[i]! + 1 - p.pads[i]! - p.pads[i + sp.length]!,
      );
  }
  c.set(0, { dtype: c.get(0).dtype, shape: out });
}

export const conv: OpRecord = {
  type: 'Conv',
  attrs: CONV_ATTRS,
  shape: convShape,
  grad: convGrad,
  perSample: true,
  import: importMappers.conv,
  // A dilated Conv (the conv-trick weight gradient of a strided conv) differs on WebGPU (target.ts).
  gaps: { webgpu: ['Conv.dilations'] },
};
export const convTranspose: OpRecord = {
  type: 'ConvTranspose',
  attrs: { ...CONV_ATTRS, output_padding: ints(), output_shape: ints() },
  shape: convShape,
  perSample: true,
};
