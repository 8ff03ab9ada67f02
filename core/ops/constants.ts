/**
 * Ops that make constants, shapes and random draws. They carry no gradient; their small int64
 * results are folded so that the shape rules downstream (Reshape targets, Slice starts) are static.
 */
import { attrInt, normAxis } from '../train/attrs';
import { noGradient } from './define';
import { tensorNumbers, type ShapeContext } from './shape-context';

/** Constant: a tensor, or a float / int scalar, or a float / int list. */
function constantShape(c: ShapeContext): void {
  const attrs = c.node.attributes;
  const t = attrs.value;
  if (t?.kind === 'tensor') {
    c.set(0, { dtype: t.value.dtype, shape: [...t.value.dims] });
    const v = tensorNumbers(t.value);
    if (v) c.setConst(0, v);
    return;
  }
  const vf = attrs.value_float ?? attrs.value_int;
  if (vf && (vf.kind === 'float' || vf.kind === 'int')) {
    c.set(0, { dtype: vf.kind === 'float' ? 'float32' : 'int64', shape: [] });
    c.setConst(0, [vf.value]);
    return;
  }
  const vs = attrs.value_floats ?? attrs.value_ints;
  if (vs && (vs.kind === 'floats' || vs.kind === 'ints')) {
    c.set(0, { dtype: attrs.value_floats ? 'float32' : 'int64', shape: [vs.value.length] });
    c.setConst(0, [...vs.value]);
    return;
  }
  throw new Error(`${c.where()}: unsupported Constant form`);
}

export const constant = noGradient('Constant', { shape: constantShape });

/** Shape(start, end): x's dims as a 1-D int64 tensor, folded. */
export const shape = noGradient('Shape', {
  shape: (c) => {
    const s = c.get(0).shape;
    const start = normAxis(attrInt(c.node, 'start', 0), s.length);
    const end = c.node.attributes.end ? normAxis(attrInt(c.node, 'end', s.length), s.length) : s.length;
    const v = s.slice(start, end);
    c.set(0, { dtype: 'int64', shape: [v.length] });
    c.setConst(0, v);
  },
  perSample: true,
});

/** Size: the element count, folded. */
export const size = noGradient('Size', {
  shape: (c) => {
    c.set(0, { dtype: 'int64', shape: [] });
    c.setConst(0, [c.get(0).shape.reduce((p, q) => p * q, 1)]);
  },
  gaps: { webgpu: ['Size'] },
});

export const constantOfShape = noGradient('ConstantOfShape', {
  shape: (c) => {
    const t = c.node.attributes.value;
    c.set(0, { dtype: t?.kind === 'tensor' ? t.value.dtype : 'float32', shape: c.constOf(0) });
  },
});

/** Range(start, limit, delta): max(0, ceil((limit - start) / delta)) values, folded when small. */
export const range = noGradient('Range', {
  shape: (c) => {
    const [s0, l0, d0] = [c.constOf(0)[0]!, c.constOf(1)[0]!, c.constOf(2)[0]!];
    const n = Math.max(0, Math.ceil((l0 - s0) / d0));
    c.set(0, { dtype: c.get(0).dtype, shape: [n] });
    if (n <= 64)
      c.setConst(
        0,
        Array.from({ length: n }, (_, i) => s0 + i * d0),
      );
  },
});

/** OneHot(indices, depth, values): a new axis of size depth at `axis`. */
export const oneHot = noGradient('OneHot', {
  shape: (c) => {
    const s = c.get(0).shape;
    const depth = c.constOf(1)[0]!;
    const axis = normAxis(attrInt(c.node, 'axis', -1), s.length + 1);
    const out = [...s];
    out.splice(axis, 0, depth);
    c.set(0, { dtype: c.get(2).dtype, shape: out });
  },
});

export const randomUniformLike = noGradient('RandomUniformLike');
export const randomNormalLike = noGradient('RandomNormalLike');
export const randomUniform = noGradient('RandomUniform');
export const randomNormal = noGradient('RandomNormal');
export const bernoulli = noGradient('Bernoulli');
export const nonZero = noGradient('NonZero');
