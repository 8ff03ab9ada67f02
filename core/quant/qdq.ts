/**
 * Float inference model -> static int8 model in QDQ form (QuantizeLinear -> DequantizeLinear
 * around each quantized tensor), the form onnxruntime fuses into integer kernels (QLinearConv,
 * QGemm, QLinearAdd, ...). Which tensors get a Q/DQ pair:
 * - every float activation (the graph input and each node output) except the graph outputs;
 * - but not a tensor whose only reader is a Relu: the Relu's output carries the pair, with zero
 *   point 0, so onnxruntime drops the Relu (uint8 already clips at 0) and fuses Conv -> Q;
 * - a tensor written by a layout-only op (MaxPool, Flatten, Reshape, ...) reuses its input's
 *   parameters, as onnxruntime requires to drop the pair around such an op.
 * Conv and Gemm weights become int8 initializers (per output channel) behind a DequantizeLinear;
 * their biases int32 with scale s_x * s_w[c]. Everything else stays float.
 */
import type { Model, Node, Tensor } from '../onnx/ir';
import { quantizeBias, quantizePerChannel, uint8Params, type AffineParams } from './params';
import type { Range } from './calibrate';

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
}

/** Ops that only move or select values: their output is on the input's quantization grid. */
const LAYOUT_OPS = new Set(['MaxPool', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity']);
/**
 * A conv whose dot products are shorter than this (input channels x kernel area) stays float:
 * onnxruntime's QLinearConv is slow there (LeNet-5's first conv, 1 x 5 x 5: 12x its float time
 * at batch 32, profiled), and such a layer is a small share of the work and weights anyway.
 */
export const MIN_INT8_DOT = 32;
/** Minimum opset: DequantizeLinear's per-axis scales. */
export const MIN_QUANTIZE_OPSET = 13;

export interface QdqPlan {
  /** Tensors that get a Q/DQ pair. */
  quantized: string[];
  /** Quantized tensors whose parameters come from another tensor (layout ops): tensor -> source. */
  sharesParamsOf: Map<string, string>;
  /** Tensors whose range calibration must measure. */
  toCalibrate: string[];
}

/** Conv and Gemm with constant float weights are quantized, except convs with short dot products. */
export function quantizesLayer(node: Node, inits: ReadonlyMap<string, Tensor>): boolean {
  if (node.opType !== 'Conv' && node.opType !== 'Gemm') return false;
  const w = inits.get(node.inputs[1] ?? '');
  if (!w || w.dtype !== 'float32') return false;
  return node.opType === 'Gemm' || w.dims.slice(1).reduce((a, d) => a * d, 1) >= MIN_INT8_DOT;
}

function readersOf(model: Model): Map<string, Node[]> {
  const readers = new Map<string, Node[]>();
  for (const n of model.graph.nodes) for (const i of n.inputs) if (i !== '') readers.set(i, [...(readers.get(i) ?? []), n]);
  return readers;
}

/** Which activations get Q/DQ pairs and which of them need calibrating. */
export function planQdq(model: Model): QdqPlan {
  const g = model.graph;
  const readers = readersOf(model);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const floatTensors = [...g.inputs.filter((v) => v.dtype === 'float32').map((v) => v.name), ...g.nodes.flatMap((n) => n.outputs)];
  const floatConv = (n: Node): boolean => n.opType === 'Conv' && !quantizesLayer(n, inits);
  const quantized = floatTensors.filter((t) => {
    if (outputs.has(t)) return false;
    const rs = readers.get(t) ?? [];
    // Nothing gains from a pair in front of layers that stay float.
    if (rs.length === 0 || rs.every(floatConv)) return false;
    return !(rs.length === 1 && rs[0]!.opType === 'Relu' && producer.has(t));
  });
  const isQuantized = new Set(quantized);
  const sharesParamsOf = new Map<string, string>();
  for (const t of quantized) {
    const p = producer.get(t);
    const src = p && LAYOUT_OPS.has(p.opType) ? p.inputs[0] : undefined;
    if (src !== undefined) {
      // Follow chains (MaxPool -> Flatten) back to the tensor that carries its own range.
      const root = sharesParamsOf.get(src) ?? src;
      if (isQuantized.has(root)) sharesParamsOf.set(t, root);
    }
  }
  return { quantized, sharesParamsOf, toCalibrate: quantized.filter((t) => !sharesParamsOf.has(t)) };
}

function scalar(name: string, dtype: 'float32' | 'uint8' | 'int8', v: number): Tensor {
  const data = dtype === 'float32' ? Float32Array.of(v) : dtype === 'uint8' ? Uint8Array.of(v) : Int8Array.of(v);
  return { name, dtype, dims: [], data };
}

class QdqWriter {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private readonly used: Set<string>;

  constructor(model: Model) {
    const g = model.graph;
    this.used = new Set([...g.initializers.map((t) => t.name), ...g.inputs.map((v) => v.name), ...g.nodes.flatMap((n) => [...n.outputs, n.name])]);
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** x -> QuantizeLinear -> DequantizeLinear; returns the dequantized tensor's name. */
  activationPair(tensor: string, p: AffineParams): string {
    const scale = this.fresh(`${tensor}_scale`);
    const zp = this.fresh(`${tensor}_zero_point`);
    this.initializers.push(scalar(scale, 'float32', p.scale), scalar(zp, 'uint8', p.zeroPoint));
    const q = this.fresh(`${tensor}_quantized`);
    const dq = this.fresh(`${tensor}_dequantized`);
    this.nodes.push({ name: this.fresh(`${tensor}_QuantizeLinear`), opType: 'QuantizeLinear', inputs: [tensor, scale, zp], outputs: [q], attributes: {} });
    this.nodes.push({ name: this.fresh(`${tensor}_DequantizeLinear`), opType: 'DequantizeLinear', inputs: [q, scale, zp], outputs: [dq], attributes: {} });
    return dq;
  }

  /** A constant integer tensor with per-channel scales along `axis`, dequantized. */
  constantDq(name: string, dtype: 'int8' | 'int32', dims: number[], data: Int8Array | Int32Array, scales: Float32Array, axis: number): string {
    const q = this.fresh(`${name}_quantized`);
    const scale = this.fresh(`${name}_scale`);
    const out = this.fresh(`${name}_dequantized`);
    this.initializers.push({ name: q, dtype, dims, data }, { name: scale, dtype: 'float32', dims: [scales.length], data: scales });
    const inputs = [q, scale];
    if (dtype === 'int8') {
      const zp = this.fresh(`${name}_zero_point`);
      this.initializers.push({ name: zp, dtype: 'int8', dims: [scales.length], data: new Int8Array(scales.length) });
      inputs.push(zp);
    }
    this.nodes.push({
      name: this.fresh(`${name}_DequantizeLinear`),
      opType: 'DequantizeLinear',
      inputs,
      outputs: [out],
      attributes: { axis: { kind: 'int', value: axis } },
    });
    return out;
  }
}

/** The axis of a weight's output channels: Conv [out, in, kh, kw]; Gemm B is [out, in] with transB = 1, else [in, out]. */
function outputAxis(node: Node): number {
  if (node.opType === 'Conv') return 0;
  const t = node.attributes.transB;
  return t && t.kind === 'int' && t.value !== 0 ? 0 : 1;
}

/** Per-channel int8 along axis 1 of a 2-D [in, out] weight: transposed, quantized, transposed back. */
function quantizeWeight(w: Tensor, axis: number): { values: Int8Array; scales: Float32Array } {
  const data = w.data as Float32Array;
  if (axis === 0) return quantizePerChannel(data, w.dims[0]!);
  const [rows, cols] = [w.dims[0]!, w.dims[1]!];
  const t = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c]!;
  const q = quantizePerChannel(t, cols);
  const values = new Int8Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = q.values[c * rows + r]!;
  return { values, scales: q.scales };
}

/**
 * The QDQ model. `ranges` holds a calibrated range for every tensor of planQdq(model).toCalibrate.
 * The input model is not modified.
 */
export function quantizeQdq(model: Model, ranges: ReadonlyMap<string, Range>): Model {
  const opset = model.opsetImports.find((o) => o.domain === '')?.version ?? 0;
  if (opset < MIN_QUANTIZE_OPSET)
    throw new QuantizeError(`int8 quantization needs opset ${MIN_QUANTIZE_OPSET} or later (per-channel DequantizeLinear); this model is opset ${opset}`);
  const g = model.graph;
  const plan = planQdq(model);
  const params = new Map<string, AffineParams>();
  for (const t of plan.toCalibrate) {
    const r = ranges.get(t);
    if (!r) throw new QuantizeError(`no calibration range for tensor "${t}"`);
    params.set(t, uint8Params(r.min, r.max));
  }
  for (const [t, src] of plan.sharesParamsOf) params.set(t, params.get(src)!);
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const w = new QdqWriter(model);
  const rename = new Map<string, string>();
  const pairAfter = (t: string): void => {
    if (params.has(t)) rename.set(t, w.activationPair(t, params.get(t)!));
  };
  for (const v of g.inputs) pairAfter(v.name);
  const replacedInits = new Set<string>();
  for (const n of g.nodes) {
    const inputs = n.inputs.map((i) => rename.get(i) ?? i);
    const weight = quantizesLayer(n, inits) ? inits.get(n.inputs[1]!) : undefined;
    const xParams = params.get(n.inputs[0] ?? '');
    if (weight && xParams) {
      const axis = outputAxis(n);
      const q = quantizeWeight(weight, axis);
      inputs[1] = w.constantDq(weight.name, 'int8', weight.dims, q.values, q.scales, axis);
      replacedInits.add(weight.name);
      const bias = inits.get(n.inputs[2] ?? '');
      if (bias && bias.dtype === 'float32') {
        const b = quantizeBias(bias.data as Float32Array, xParams.scale, q.scales);
        inputs[2] = w.constantDq(bias.name, 'int32', bias.dims, b.values, b.scales, 0);
        replacedInits.add(bias.name);
      }
    }
    w.nodes.push({ ...n, inputs });
    for (const o of n.outputs) pairAfter(o);
  }
  // An initializer some other node still reads as float stays.
  const stillRead = new Set(w.nodes.flatMap((n) => n.inputs));
  const kept = g.initializers.filter((t) => !replacedInits.has(t.name) || stillRead.has(t.name));
  return { ...model, graph: { ...g, nodes: w.nodes, initializers: [...kept, ...w.initializers] } };
}
