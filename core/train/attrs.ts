import type { Node } from '../onnx/ir';

/** Typed attribute readers for ONNX nodes (defaults as in the ONNX spec are passed by callers). */
export function attrInt(node: Node, name: string, def: number): number {
  const a = node.attributes[name];
  if (!a) return def;
  if (a.kind === 'int' || a.kind === 'float') return a.value;
  throw new Error(`${node.opType} "${node.name}": attribute ${name} is not a number`);
}

export function attrFloat(node: Node, name: string, def: number): number {
  return attrInt(node, name, def);
}

export function attrInts(node: Node, name: string): number[] | undefined {
  const a = node.attributes[name];
  if (!a) return undefined;
  if (a.kind === 'ints' || a.kind === 'floats') return a.value;
  if (a.kind === 'int') return [a.value];
  throw new Error(`${node.opType} "${node.name}": attribute ${name} is not a list of ints`);
}

export function attrString(node: Node, name: string, def: string): string {
  const a = node.attributes[name];
  if (!a) return def;
  if (a.kind === 'string') return a.value;
  throw new Error(`${node.opType} "${node.name}": attribute ${name} is not a string`);
}

/** Normalises a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Spatial parameters of a Conv / pool node with auto_pad resolved into explicit pads. */
export interface SpatialParams {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin_0, begin_1, ..., end_0, end_1, ...] as in ONNX. */
  pads: number[];
  ceil: boolean;
}

/**
 * Resolves kernel/stride/dilation/pads of a Conv, ConvTranspose or pooling node, given the input's
 * spatial dims. auto_pad SAME_* gives out = ceil(in / stride) with total pad
 * max(0, (out - 1) * stride + (k - 1) * d + 1 - in), the odd pixel at the end (UPPER) or begin (LOWER).
 */
export function spatialParams(node: Node, spatialIn: number[], kernelFromWeight?: number[]): SpatialParams {
  const r = spatialIn.length;
  const kernel = attrInts(node, 'kernel_shape') ?? kernelFromWeight;
  if (!kernel) throw new Error(`${node.opType} "${node.name}": kernel_shape is unknown`);
  const strides = attrInts(node, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(r).fill(1);
  let pads = attrInts(node, 'pads') ?? new Array<number>(2 * r).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const inp = spatialIn[i]!;
      const out = Math.ceil(inp / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - inp);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + r] = total - pads[i]!;
    }
  }
  return { kernel, strides, dilations, pads, ceil: attrInt(node, 'ceil_mode', 0) === 1 };
}

/** Output size of one spatial dim of a conv or pool (ORT's rule, incl. the ceil-mode clamp). */
export function pooledSize(inp: number, k: number, s: number, d: number, pb: number, pe: number, ceil: boolean): number {
  const span = inp + pb + pe - ((k - 1) * d + 1);
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // The last window must start inside the input or the begin padding (PyTorch and ORT agree).
  if (ceil && (out - 1) * s >= inp + pb) out -= 1;
  return out;
}
