/**
 * ONNX op -> block mappings. Each mapper either adds a Plan (or folds the op into an earlier
 * one) and returns true, or returns false when the node does not fit its block exactly; the
 * importer then keeps it as a generic "ONNX op" block, so nothing is ever approximated.
 */
import type { ParamValue } from '../graph/types';
import type { Attribute, Node } from './ir';
import type { ImportContext, Plan } from './import-context';
import { nameFromNode, nameFromWeight } from './import-names';
import { attributesToJson, tensorToJson, type TensorJson } from './attr-json';
import type { OnnxOpSlot } from '../blocks/onnx-op';

type Mapper = (n: Node, ctx: ImportContext) => boolean;

function ints(n: Node, k: string): number[] | undefined {
  const a: Attribute | undefined = n.attributes[k];
  if (!a) return undefined;
  if (a.kind === 'ints') return a.value;
  if (a.kind === 'int') return [a.value];
  return undefined;
}
function int(n: Node, k: string, d: number): number {
  const a = n.attributes[k];
  return a && (a.kind === 'int' || a.kind === 'float') ? a.value : d;
}
function float(n: Node, k: string, d: number): number {
  return int(n, k, d);
}
function str(n: Node, k: string, d: string): string {
  const a = n.attributes[k];
  return a?.kind === 'string' ? a.value : d;
}

const pairParam = (v: readonly number[]): ParamValue => (v[0] === v[1] ? v[0]! : [v[0]!, v[1]!]);

function baseName(n: Node, weight: string | undefined, fallback: string, ctx: ImportContext): string {
  return nameFromWeight(weight) ?? nameFromNode(n.name, ctx.moduleIsShared) ?? fallback;
}

function plan(ctx: ImportContext, n: Node, type: string, fallback: string, params: Plan['params'], inputs: string[], weight?: string): Plan {
  return ctx.add({
    type,
    nameBase: baseName(n, weight, fallback, ctx),
    params,
    inputs: inputs.map((v) => ctx.canon(v)),
    outputs: [n.outputs[0]!],
    weights: new Map(),
    source: n,
  });
}

/** Only the first output is read (Dropout masks, BatchNormalization statistics, MaxPool indices). */
function onlyFirstOutputUsed(n: Node, ctx: ImportContext): boolean {
  return n.outputs.slice(1).every((o) => o === '' || ctx.consumerCount(o) === 0);
}

/** ONNX auto_pad turned into explicit [top, left, bottom, right] pads for an input size. */
function explicitPads(n: Node, hw: number[], k: number[], s: number[], d: number[]): number[] | null {
  const auto = str(n, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') return ints(n, 'pads') ?? [0, 0, 0, 0];
  if (auto === 'VALID') return [0, 0, 0, 0];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 2; a++) {
    const total = Math.max((Math.ceil(hw[a]! / s[a]!) - 1) * s[a]! + d[a]! * (k[a]! - 1) + 1 - hw[a]!, 0);
    const small = Math.floor(total / 2);
    if (auto === 'SAME_UPPER') {
      lo.push(small);
      hi.push(total - small);
    } else if (auto === 'SAME_LOWER') {
      lo.push(total - small);
      hi.push(small);
    } else return null;
  }
  return [lo[0]!, lo[1]!, hi[0]!, hi[1]!];
}

/** The studio's padding parameter for explicit pads, or null when they are asymmetric. */
function paddingParam(pads: number[], hw: number[], k: number[], s: number[], d: number[]): ParamValue | null {
  const [t, l, b, r] = pads as [number, number, number, number];
  if (t === b && l === r) return t === l ? t : [t, l];
  // Asymmetric pads are what 'same' gives for even kernels or strides (SAME_UPPER).
  for (let a = 0; a < 2; a++) {
    const total = Math.max((Math.ceil(hw[a]! / s[a]!) - 1) * s[a]! + d[a]! * (k[a]! - 1) + 1 - hw[a]!, 0);
    const lo = Math.floor(total / 2);
    if (pads[a] !== lo || pads[a + 2] !== total - lo) return null;
  }
  return 'same';
}

const conv: Mapper = (n, ctx) => {
  let x = n.inputs[0] ?? '';
  const w = ctx.constFloat(n.inputs[1] ?? '');
  const b = n.inputs[2] ? ctx.constFloat(n.inputs[2]) : null;
  if (!ctx.isData(x) || !w || w.dims.length !== 4 || (n.inputs[2] && !b)) return false;
  const k = ints(n, 'kernel_shape') ?? w.dims.slice(2);
  const s = ints(n, 'strides') ?? [1, 1];
  const d = ints(n, 'dilations') ?? [1, 1];
  const group = int(n, 'group', 1);
  let inShape = ctx.perSample(x);
  if (!inShape || inShape.length !== 3 || k.length !== 2) return false;
  let pads = explicitPads(n, inShape.slice(1), k, s, d);
  if (!pads) return false;
  // A zero Pad feeding only this conv becomes part of the conv's own padding (PyTorch exports
  // padding_mode='zeros' with asymmetric padding, and TF-style models, this way).
  const pad = ctx.producerOf(x);
  if (pad?.padInfo && !pad.dropped && ctx.consumerCount(x) === 1 && pad.inputs[0]) {
    const before = ctx.perSample(pad.inputs[0]);
    if (before && before.length === 3) {
      pads = pads.map((p, i) => p + pad.padInfo![i]!);
      x = pad.inputs[0];
      inShape = before;
      pad.dropped = true;
    }
  }
  const padding = paddingParam(pads, inShape.slice(1), k, s, d);
  if (padding === null) {
    if (pad?.dropped && pad.inputs[0] === x) pad.dropped = false;
    return false;
  }
  const p = plan(
    ctx,
    n,
    'conv2d',
    'conv',
    {
      filters: w.dims[0]!,
      kernel: pairParam(k),
      stride: pairParam(s),
      padding,
      dilation: pairParam(d),
      groups: group,
      bias: b !== null,
    },
    [x],
    w.name,
  );
  p.weights.set('weight', w.data);
  if (b) p.weights.set('bias', b.data);
  return true;
};

const batchNorm: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const shape = ctx.perSample(x);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constFloat(n.inputs[i] ?? ''));
  if (!ctx.isData(x) || !shape || shape.length !== 3 || !scale || !bias || !mean || !variance) return false;
  if (int(n, 'training_mode', 0) !== 0 || !onlyFirstOutputUsed(n, ctx)) return false;
  const momentum = Math.min(1, Math.max(0, 1 - float(n, 'momentum', 0.9)));
  const p = plan(ctx, n, 'batchnorm2d', 'bn', { eps: float(n, 'epsilon', 1e-5), momentum }, [x], scale.name);
  p.weights.set('weight', scale.data);
  p.weights.set('bias', bias.data);
  p.weights.set('running_mean', mean.data);
  p.weights.set('running_var', variance.data);
  return true;
};

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

const gemm: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const bT = ctx.constFloat(n.inputs[1] ?? '');
  const c = n.inputs[2] ? ctx.constFloat(n.inputs[2]) : null;
  const shape = ctx.perSample(x);
  if (!ctx.isData(x) || !bT || bT.dims.length !== 2 || !shape || shape.length !== 1 || int(n, 'transA', 0) !== 0) return false;
  if (n.inputs[2] && !c) return false;
  const transB = int(n, 'transB', 0) !== 0;
  const units = transB ? bT.dims[0]! : bT.dims[1]!;
  const inF = transB ? bT.dims[1]! : bT.dims[0]!;
  if (inF !== shape[0]) return false;
  let w = transB ? bT.data : transpose2d(bT.data, bT.dims[0]!, bT.dims[1]!);
  const alpha = float(n, 'alpha', 1);
  const beta = float(n, 'beta', 1);
  if (alpha !== 1) w = w.map((v) => v * alpha);
  let bias: Float32Array | null = null;
  if (c) {
    if (c.data.length === units) bias = c.data;
    else if (c.data.length === 1) bias = new Float32Array(units).fill(c.data[0]!);
    else return false;
    if (beta !== 1) bias = bias.map((v) => v * beta);
  }
  const p = plan(ctx, n, 'dense', 'fc', { units, bias: bias !== null }, [x], bT.name);
  p.weights.set('weight', w);
  if (bias) p.weights.set('bias', bias);
  return true;
};

const matMul: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const b = ctx.constFloat(n.inputs[1] ?? '');
  const shape = ctx.perSample(x);
  if (!ctx.isData(x) || !b || b.dims.length !== 2 || !shape || shape.length !== 1 || b.dims[0] !== shape[0]) return false;
  const p = plan(ctx, n, 'dense', 'fc', { units: b.dims[1]!, bias: false }, [x], b.name);
  p.weights.set('weight', transpose2d(b.data, b.dims[0]!, b.dims[1]!));
  return true;
};

/** A -> [ports] plan producing `v` that is read only here, of the given type. */
function soleProducer(ctx: ImportContext, v: string, type: string): Plan | undefined {
  const p = ctx.producerOf(v);
  return p && !p.dropped && p.type === type && ctx.consumerCount(v) === 1 ? p : undefined;
}

const add: Mapper = (n, ctx) => {
  const [a, b] = [n.inputs[0] ?? '', n.inputs[1] ?? ''];
  if (n.inputs.length !== 2) return false;
  if (ctx.isData(a) && ctx.isData(b)) {
    const sa = ctx.perSample(a);
    const sb = ctx.perSample(b);
    if (!sa || !sb || sa.join() !== sb.join()) return false;
    plan(ctx, n, 'add', 'add', { inputs: 2 }, [a, b]);
    return true;
  }
  // MatMul + Add(bias): the older Linear export, one dense block with a bias.
  const [data, konst] = ctx.isData(a) ? [a, b] : [b, a];
  const bias = ctx.constFloat(konst);
  const dense = soleProducer(ctx, data, 'dense');
  if (!bias || !dense || dense.params.bias !== false || dense.source?.opType !== 'MatMul') return false;
  const units = dense.params.units as number;
  if (bias.data.length !== units) return false;
  dense.params = { ...dense.params, bias: true };
  dense.weights.set('bias', bias.data);
  ctx.redirect(n.outputs[0]!, dense.outputs[0]!);
  return true;
};

const sum: Mapper = (n, ctx) => {
  if (n.inputs.length < 2 || !n.inputs.every((i) => ctx.isData(i))) return false;
  const shapes = n.inputs.map((i) => ctx.perSample(i)?.join());
  if (shapes.some((s) => s === undefined || s !== shapes[0])) return false;
  plan(ctx, n, 'add', 'add', { inputs: n.inputs.length }, n.inputs);
  return true;
};

/** Flatten (or a Reshape to N x features): folded into a preceding global pool when possible. */
function flattenPlan(n: Node, ctx: ImportContext): boolean {
  const x = n.inputs[0] ?? '';
  const shape = ctx.perSample(x);
  if (!ctx.isData(x) || !shape) return false;
  const gap = soleProducer(ctx, x, 'globalavgpool');
  if (gap && gap.params.flatten === false) {
    gap.params = { ...gap.params, flatten: true };
    ctx.redirect(n.outputs[0]!, gap.outputs[0]!);
    return true;
  }
  plan(ctx, n, 'flatten', 'flatten', {}, [x]);
  return true;
}

const flatten: Mapper = (n, ctx) => int(n, 'axis', 1) === 1 && flattenPlan(n, ctx);

const reshape: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const inS = ctx.perSample(x);
  const outS = ctx.perSample(n.outputs[0] ?? '');
  if (!inS || !outS || inS.length < 2 || outS.length !== 1) return false;
  // Shapes are inferred for a batch of one: only a reshape that keeps the batch and flattens
  // the rest is a Flatten (x.view(x.size(0), -1) in PyTorch).
  const features = inS.reduce((a, b) => a * b, 1);
  const target = ctx.constNumbers(n.inputs[1] ?? '');
  if (!target || target.length !== 2 || outS[0] !== features || (target[1] !== -1 && target[1] !== features)) return false;
  // A stored target must leave the batch free (0 copies it, -1 infers it); a computed one comes
  // from Shape(x)[0] (x.view(x.size(0), -1)) and was folded here with the batch of one.
  const stored = ctx.constTensor(n.inputs[1] ?? '') !== undefined;
  if (stored ? target[0] !== 0 && target[0] !== -1 : target[0] !== 1) return false;
  return flattenPlan(n, ctx);
};

function pool(type: 'maxpool2d' | 'avgpool2d'): Mapper {
  return (n, ctx) => {
    const x = n.inputs[0] ?? '';
    const shape = ctx.perSample(x);
    const k = ints(n, 'kernel_shape');
    if (!ctx.isData(x) || !shape || shape.length !== 3 || !k || k.length !== 2 || !onlyFirstOutputUsed(n, ctx)) return false;
    const s = ints(n, 'strides') ?? [1, 1];
    const d = ints(n, 'dilations') ?? [1, 1];
    if (d.some((v) => v !== 1) || int(n, 'storage_order', 0) !== 0) return false;
    const pads = explicitPads(n, shape.slice(1), k, s, d);
    if (!pads) return false;
    const [t, l, b, r] = pads as [number, number, number, number];
    if (t !== b || l !== r || t > Math.floor(k[0]! / 2) || l > Math.floor(k[1]! / 2)) return false;
    const params: Plan['params'] = { kernel: pairParam(k), stride: pairParam(s), padding: pairParam([t, l]), ceilMode: int(n, 'ceil_mode', 0) !== 0 };
    if (type === 'avgpool2d') params.countIncludePad = int(n, 'count_include_pad', 0) !== 0;
    plan(ctx, n, type, type === 'maxpool2d' ? 'maxpool' : 'avgpool', params, [x]);
    return true;
  };
}

const globalAvgPool: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const shape = ctx.perSample(x);
  if (!ctx.isData(x) || !shape || shape.length !== 3) return false;
  plan(ctx, n, 'globalavgpool', 'avgpool', { flatten: false }, [x]);
  return true;
};

/** ReduceMean over H and W is a global average pool (Keras and TF exports). */
const reduceMean: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const shape = ctx.perSample(x);
  const axes = ints(n, 'axes') ?? ctx.constNumbers(n.inputs[1] ?? '');
  if (!ctx.isData(x) || !shape || shape.length !== 3 || !axes) return false;
  const norm = axes
    .map((a) => (a < 0 ? a + 4 : a))
    .sort()
    .join();
  if (norm !== '2,3') return false;
  plan(ctx, n, 'globalavgpool', 'avgpool', { flatten: int(n, 'keepdims', 1) === 0 }, [x]);
  return true;
};

function unary(type: string, fallback: string, params: (n: Node) => Plan['params'] = () => ({})): Mapper {
  return (n, ctx) => {
    const x = n.inputs[0] ?? '';
    if (!ctx.isData(x)) return false;
    plan(ctx, n, type, fallback, params(n), [x]);
    return true;
  };
}

/**
 * A block's own `importOp` (define.ts) as a mapper: one data input and one output, the
 * parameters read by the block; otherwise false (the node stays a generic "ONNX op" block).
 */
export function blockImportMapper(type: string, nameStem: string, params: (n: Node) => Plan['params'] | null): Mapper {
  return (n, ctx) => {
    const P = params(n);
    if (P === null || n.outputs.length !== 1 || n.inputs.filter((i) => i !== '').length !== 1) return false;
    return unary(type, nameStem, () => P)(n, ctx);
  };
}

const dropout: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  if (!ctx.isData(x) || !onlyFirstOutputUsed(n, ctx)) return false;
  const ratioIn = ctx.constNumbers(n.inputs[1] ?? '');
  const ratio = ratioIn?.[0] ?? float(n, 'ratio', 0.5);
  const training = ctx.constNumbers(n.inputs[2] ?? '');
  if (training && training[0] !== 0) return false;
  if (!(ratio >= 0 && ratio < 1)) return false;
  plan(ctx, n, 'dropout', 'dropout', { p: ratio }, [x]);
  return true;
};

const concat: Mapper = (n, ctx) => {
  const ins = n.inputs;
  if (ins.length < 2 || !ins.every((i) => ctx.isData(i))) return false;
  const shapes = ins.map((i) => ctx.perSample(i));
  const rank = shapes[0]?.length;
  if (!rank || shapes.some((s) => !s || s.length !== rank)) return false;
  let axis = int(n, 'axis', 1);
  if (axis < 0) axis += rank + 1;
  if (axis !== 1) return false;
  plan(ctx, n, 'concat', 'concat', { inputs: ins.length }, ins);
  return true;
};

const lrn: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  const shape = ctx.perSample(x);
  if (!ctx.isData(x) || !shape || shape.length !== 3) return false;
  plan(ctx, n, 'lrn', 'lrn', { size: int(n, 'size', 5), alpha: float(n, 'alpha', 1e-4), beta: float(n, 'beta', 0.75), k: float(n, 'bias', 1) }, [x]);
  return true;
};

/** A Pad that pads nothing (PyTorch's avg_pool2d export emits one) is dropped. */
const pad: Mapper = (n, ctx) => {
  const p = spatialZeroPad(n, ctx);
  if (!p || p.some((v) => v !== 0) || !ctx.isData(n.inputs[0] ?? '')) return false;
  ctx.redirect(n.outputs[0]!, ctx.canon(n.inputs[0]!));
  return true;
};

/** The mappers by name; each op's record (core/ops) names the one that imports it. */
export const importMappers = {
  pad,
  conv,
  batchNormalization: batchNorm,
  gemm,
  matMul,
  add,
  sum,
  flatten,
  reshape,
  maxPool: pool('maxpool2d'),
  averagePool: pool('avgpool2d'),
  globalAveragePool: globalAvgPool,
  reduceMean,
  relu: unary('relu', 'relu'),
  leakyRelu: unary('leakyrelu', 'leakyrelu', (n) => ({ slope: float(n, 'alpha', 0.01) })),
  sigmoid: unary('sigmoid', 'sigmoid'),
  tanh: unary('tanh', 'tanh'),
  dropout,
  concat,
  lrn,
} as const satisfies Record<string, Mapper>;

/** Zero-padding of H and W only, in constant mode: what a following Conv can absorb. */
function spatialZeroPad(n: Node, ctx: ImportContext): [number, number, number, number] | undefined {
  if (n.opType !== 'Pad' || str(n, 'mode', 'constant') !== 'constant' || (n.inputs[3] ?? '') !== '') return undefined;
  const pads = ints(n, 'pads') ?? ctx.constNumbers(n.inputs[1] ?? '');
  const value = n.inputs[2] ? ctx.constNumbers(n.inputs[2])?.[0] : float(n, 'value', 0);
  if (!pads || pads.length !== 8 || value !== 0) return undefined;
  const [nb, cb, t, l, ne, ce, b, r] = pads as [number, number, number, number, number, number, number, number];
  if (nb || cb || ne || ce || [t, l, b, r].some((v) => v < 0)) return undefined;
  return [t, l, b, r];
}

/**
 * Any op as an "ONNX op" block: data inputs become ports, float constants weights (trainable),
 * other constants (shapes, axes) parameters. Shape arithmetic folded for a batch of one keeps a
 * dynamic batch by writing 0 ("copy this dim") into a Reshape target's batch position.
 */
export function genericPlan(n: Node, ctx: ImportContext): Plan {
  const slots: OnnxOpSlot[] = [];
  const inputs: string[] = [];
  const weights = new Map<string, Float32Array>();
  const weightShapes: Record<string, number[]> = {};
  n.inputs.forEach((v, i) => {
    if (v === '') return slots.push({ none: true });
    if (ctx.isData(v)) {
      slots.push({ port: inputs.length });
      inputs.push(ctx.canon(v));
      return;
    }
    const f = ctx.constFloat(v);
    if (f) {
      const suffix = `input${i}`;
      weights.set(suffix, f.data);
      weightShapes[suffix] = f.dims;
      return slots.push({ weight: suffix });
    }
    const t = ctx.constTensor(v);
    if (t) return slots.push({ const: tensorToJson(t) });
    const folded = ctx.constNumbers(v);
    const s = ctx.shapes.get(v);
    if (folded && s) {
      const values = [...folded];
      if (n.opType === 'Reshape' && i === 1 && values.length > 0 && values[0] === 1) values[0] = 0;
      const j: TensorJson = { dtype: s.dtype, dims: [...s.shape], values };
      return slots.push({ const: j });
    }
    return ctx.fail(`node "${n.name}" (${n.opType}) reads "${v}", a value computed from constants that the importer cannot evaluate`);
  });
  const outShapes = n.outputs.map((o) => ctx.perSample(o) ?? []);
  const p = ctx.add({
    type: 'onnx-op',
    nameBase: nameFromNode(n.name, ctx.moduleIsShared) ?? n.opType.toLowerCase(),
    params: {
      opType: n.opType,
      domain: n.domain ?? '',
      attributes: attributesToJson(n.attributes),
      slots: JSON.stringify(slots),
      weightShapes: JSON.stringify(weightShapes),
      outputs: Math.max(1, n.outputs.length),
      outShapes: JSON.stringify(outShapes),
      opset: ctx.opset,
    },
    inputs,
    outputs: [...n.outputs],
    weights,
    source: n,
  });
  const padInfo = spatialZeroPad(n, ctx);
  if (padInfo) p.padInfo = padInfo;
  return p;
}
