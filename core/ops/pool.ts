/** Pooling. MaxPool's and AveragePool's gradient math is in train/grad/maxpool.ts and averagepool.ts. */
import { importMappers } from '../onnx/import-ops';
import { pooledSize, spatialParams } from '../train/attrs';
import { averagePoolGrad } from '../train/grad/averagepool';
import { maxPoolGrad } from '../train/grad/maxpool';
import { int, ints, str } from './attributes';
import { unaryGrad } from './elementwise-grad';
import type { ShapeContext } from './shape-context';
import type { OpRecord } from './types';

const POOL_ATTRS = { kernel_shape: ints(), strides: ints(), dilations: ints(), pads: ints(), auto_pad: str('NOTSET'), ceil_mode: int(0) };

/** out = floor or ceil((in + p_b + p_e - ((k - 1) d + 1)) / s) + 1 per spatial dim; Indices alike. */
function poolShape(c: ShapeContext): void {
  const s = c.get(0).shape;
  const sp = s.slice(2);
  const p = spatialParams(c.node, sp);
  const out = [s[0]!, s[1]!];
  for (let i = 0; i < sp.length; i++) out.push(pooledSize(sp[i]!, p.kernel[i]!, p.strides[i]!, p.dilations[i]!, p.pads[i]!, p.pads[i + sp.length]!, p.ceil));
  c.set(0, { dtype: c.get(0).dtype, shape: out });
  c.set(1, { dtype: 'int64', shape: [...out] });
}

/** [N, C, ...spatial] -> [N, C, 1, ...]. */
function globalPoolShape(c: ShapeContext): void {
  const s = c.get(0).shape;
  c.set(0, { dtype: c.get(0).dtype, shape: [s[0]!, s[1]!, ...s.slice(2).map(() => 1)] });
}

export const maxPool: OpRecord = {
  type: 'MaxPool',
  attrs: POOL_ATTRS,
  shape: poolShape,
  grad: maxPoolGrad,
  differentiable: [0],
  perSample: true,
  import: importMappers.maxPool,
  // WebGPU fails MaxPool with Indices at run time: the backward then finds the first max again.
  gaps: { webgpu: ['MaxPool.Indices'] },
};
export const averagePool: OpRecord = {
  type: 'AveragePool',
  attrs: { ...POOL_ATTRS, count_include_pad: int(0) },
  shape: poolShape,
  grad: averagePoolGrad,
  differentiable: [0],
  perSample: true,
  import: importMappers.averagePool,
};
export const lpPool: OpRecord = { type: 'LpPool', attrs: POOL_ATTRS, shape: poolShape };

/** GlobalAveragePool: y[n,c] = mean_hw x[n,c,h,w]  =>  dx = broadcast(dy / (H*W)). */
export const globalAveragePool: OpRecord = {
  type: 'GlobalAveragePool',
  shape: globalPoolShape,
  differentiable: [0],
  perSample: true,
  import: importMappers.globalAveragePool,
  grad: unaryGrad({}, (v) => v.dy.mul(1 / v.x.shape.slice(2).reduce((a, b) => a * b, 1)).expandTo(v.x.shape)),
};
export const globalMaxPool: OpRecord = { type: 'GlobalMaxPool', shape: globalPoolShape, perSample: true };

/** MaxUnpool (a MaxPool backward route): the output shape is its third input. */
export const maxUnpool: OpRecord = {
  type: 'MaxUnpool',
  shape: (c) => {
    const outShape = c.has(2) ? c.constOf(2) : undefined;
    if (!outShape) throw new Error(`${c.where()}: output_shape input required`);
    c.set(0, { dtype: c.get(0).dtype, shape: outShape });
  },
  gaps: { webgpu: ['MaxUnpool.int64'] },
};
