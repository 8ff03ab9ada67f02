/**
 * Ops that cut and join tensors: Concat, Split, Slice, Pad, Gather and the scatters. Gradients:
 * Split for Concat, Concat for Split (zeros for outputs without a gradient), zero padding for Slice,
 * a Slice for Pad (train/grad/slice.ts, pad.ts).
 */
import { importMappers } from '../onnx/import-ops';
import type { Node } from '../onnx/ir';
import { attrInt, attrInts, normAxis } from '../train/attrs';
import { padGrad } from '../train/grad/pad';
import { sliceGrad } from '../train/grad/slice';
import type { GradRule, OutputsGradRule } from '../train/grad/types';
import { int, ints, str } from './attributes';
import { alongAxis } from './define';
import type { ShapeContext } from './shape-context';
import type { OpRecord, PerSampleView } from './types';

/** Concat along axis: dx_i = Split(dy, sizes along axis)[i]. */
const concatGrad: GradRule = (node, dy, ctx, need) => {
  const shapes = node.inputs.map((i) => ctx.shape(i));
  const axis = normAxis(attrInt(node, 'axis', 0), shapes[0]!.length);
  const sizes = shapes.map((s) => s[axis]!);
  const parts = ctx.g.op('Split', [dy, ctx.i64(sizes)], { axis }, { outputs: sizes.length });
  return parts.map((p, i) => (need[i] ? p : undefined));
};

export const concat: OpRecord = {
  type: 'Concat',
  attrs: { axis: int(0) },
  shape: (c) => {
    const s0 = c.get(0).shape;
    const axis = normAxis(attrInt(c.node, 'axis', 0), s0.length);
    const shape = [...s0];
    shape[axis] = 0;
    const vals: number[] = [];
    let allConst = true;
    for (let i = 0; i < c.node.inputs.length; i++) {
      shape[axis]! += c.get(i).shape[axis]!;
      const v = c.constIn(i);
      if (v) vals.push(...v);
      else allConst = false;
    }
    c.set(0, { dtype: c.get(0).dtype, shape });
    if (allConst && s0.length === 1) c.setConst(0, vals);
  },
  grad: concatGrad,
  perSample: alongAxis(0),
  import: importMappers.concat,
};

/** Split along axis: dx = Concat(dy_0, ..., dy_k) with zeros for outputs that got no gradient. */
const splitGrad: OutputsGradRule = (node, dOut, ctx) => {
  const xs = ctx.shape(node.inputs[0]!);
  const axis = normAxis(attrInt(node, 'axis', 0), xs.length);
  const parts = node.outputs.map((o, i) => dOut[i] ?? ctx.zeros(ctx.shape(o)));
  return [ctx.g.op1('Concat', parts, { axis })];
};

export const split: OpRecord = {
  type: 'Split',
  attrs: { axis: int(0), split: ints() },
  shape: (c) => {
    const s = c.get(0).shape;
    const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
    const n = c.node.outputs.length;
    let sizes = c.has(1) ? c.constOf(1) : attrInts(c.node, 'split');
    if (!sizes) {
      const each = Math.ceil(s[axis]! / n);
      sizes = Array.from({ length: n }, (_, i) => Math.min(each, s[axis]! - i * each));
    }
    for (let i = 0; i < n; i++) {
      const shape = [...s];
      shape[axis] = sizes[i]!;
      c.set(i, { dtype: c.get(0).dtype, shape });
    }
  },
  gradFromOutputs: splitGrad,
  differentiable: [0],
  perSample: alongAxis(0),
};

/** Axes a Slice or Pad touches: its `axes` input (index `at`) if given, else the first `count`. */
function touchedAxes(n: Node, at: number, count: number, view: PerSampleView): number[] | undefined {
  const given = n.inputs[at];
  return given ? view.constant(given) : Array.from({ length: count }, (_, i) => i);
}
const isAxis0 = (a: number, rank: number) => a === 0 || a === -rank;

/** Slice: per axis, clamp start / end into the dim and count ceil((end - start) / step); folds 1-D constants. */
function sliceShape(c: ShapeContext): void {
  const s = c.get(0).shape;
  const starts = c.constOf(1);
  const ends = c.constOf(2);
  const axes = c.has(3) ? c.constOf(3) : starts.map((_, i) => i);
  const steps = c.has(4) ? c.constOf(4) : starts.map(() => 1);
  const shape = [...s];
  const v = c.constIn(0);
  let vals = v ? [...v] : undefined;
  for (let i = 0; i < axes.length; i++) {
    const ax = normAxis(axes[i]!, s.length);
    const dim = s[ax]!;
    const step = steps[i]!;
    const clampS = (x: number) => {
      const y = x < 0 ? x + dim : x;
      return step > 0 ? Math.min(Math.max(y, 0), dim) : Math.min(Math.max(y, -1), dim - 1);
    };
    const st = clampS(starts[i]!);
    const en = clampS(ends[i]!);
    shape[ax] = Math.max(0, Math.ceil((en - st) / step));
    if (vals && s.length === 1) {
      const out: number[] = [];
      for (let k = st; step > 0 ? k < en : k > en; k += step) out.push(vals[k]!);
      vals = out;
    }
  }
  c.set(0, { dtype: c.get(0).dtype, shape });
  if (vals && s.length === 1) c.setConst(0, vals);
}

export const slice: OpRecord = {
  type: 'Slice',
  shape: sliceShape,
  grad: sliceGrad,
  differentiable: [0],
  // A Slice along the batch axis can keep its size (a reversal) yet reorder samples.
  perSample: (n, view) => {
    const starts = attrInts(n, 'starts') ?? view.constant(n.inputs[1]);
    const axes = attrInts(n, 'axes') ?? (starts ? touchedAxes(n, 3, starts.length, view) : undefined);
    return !axes ? 'Slice with non-constant starts or axes' : axes.some((a) => isAxis0(a, view.rank)) ? 'Slice along the batch axis' : null;
  },
};

export const pad: OpRecord = {
  type: 'Pad',
  attrs: { mode: str('constant'), pads: ints() },
  shape: (c) => {
    const s = c.get(0).shape;
    const pads = c.has(1) ? c.constOf(1) : (attrInts(c.node, 'pads') ?? []);
    const axes = c.has(3) ? c.constOf(3).map((a) => normAxis(a, s.length)) : s.map((_, i) => i);
    const shape = [...s];
    axes.forEach((ax, i) => {
      shape[ax] = s[ax]! + pads[i]! + pads[i + axes.length]!;
    });
    c.set(0, { dtype: c.get(0).dtype, shape });
  },
  grad: padGrad,
  differentiable: [0],
  // Pads (begin, end) per axis: +1 / -1 on the batch axis keeps the size but shifts samples.
  perSample: (n, view) => {
    const pads = attrInts(n, 'pads') ?? view.constant(n.inputs[1]);
    const axes = pads ? touchedAxes(n, 3, pads.length / 2, view) : undefined;
    if (!pads || !axes) return 'Pad with non-constant pads or axes';
    return axes.some((a, i) => isAxis0(a, view.rank) && (pads[i] !== 0 || pads[i + axes.length] !== 0)) ? 'Pad along the batch axis' : null;
  },
  import: importMappers.pad,
};

/** Gather(axis): x's dims with the axis replaced by the indices' dims; folds 1-D constants. */
export const gather: OpRecord = {
  type: 'Gather',
  attrs: { axis: int(0) },
  shape: (c) => {
    const s = c.get(0).shape;
    const idx = c.get(1).shape;
    const axis = normAxis(attrInt(c.node, 'axis', 0), s.length);
    c.set(0, { dtype: c.get(0).dtype, shape: [...s.slice(0, axis), ...idx, ...s.slice(axis + 1)] });
    const [v, iv] = [c.constIn(0), c.constIn(1)];
    if (v && iv && s.length === 1)
      c.setConst(
        0,
        iv.map((i) => v[i < 0 ? i + v.length : i]!),
      );
  },
  perSample: alongAxis(0),
};
export const gatherElements: OpRecord = { type: 'GatherElements', shape: (c) => c.set(0, { dtype: c.get(0).dtype, shape: [...c.get(1).shape] }) };
export const scatterElements: OpRecord = { type: 'ScatterElements', shape: (c) => c.set(0, { dtype: c.get(0).dtype, shape: [...c.get(0).shape] }) };
export const scatterND: OpRecord = { type: 'ScatterND', shape: (c) => c.set(0, { dtype: c.get(0).dtype, shape: [...c.get(0).shape] }) };
