/**
 * ModelProto bytes <-> the in-memory IR (ir.ts), through onnx-proto's generated protobufjs code.
 * Pure TypeScript: no Node imports, so the renderer can read and write models too.
 *
 * Decoding treats its input as hostile: every failure, from protobuf wire errors to a graph that
 * does not hold together, becomes an OnnxFormatError whose message names what is wrong.
 */
import type { Attribute, Dim, Graph, Model, Node, OpsetImport, ValueInfo } from './ir';
import type { onnx } from 'onnx-proto';
import { onnxProto } from './proto-module';
import { OnnxFormatError } from './errors';
import { int64ToNumber, toLongBits } from './int64';
import { DTYPE_CODE, decodeTensor, dtypeFromCode, encodeTensor, type ExternalDataResolver, type TensorDecodeContext } from './tensor-codec';
import { validateModel } from './validate';
import { describeNonOnnx } from './sniff';
import { plural } from '../text/plural';

export type { ExternalDataRef, ExternalDataResolver } from './tensor-codec';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

// ---------------------------------------------------------------- encode

function encodeAttribute(name: string, a: Attribute): onnx.IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: AttrType.INT, i: toLongBits(a.value) as unknown as number };
    case 'float':
      return { name, type: AttrType.FLOAT, f: a.value };
    case 'string':
      return { name, type: AttrType.STRING, s: utf8.encode(a.value) };
    case 'ints':
      return { name, type: AttrType.INTS, ints: a.value.map((v) => toLongBits(v)) as unknown as number[] };
    case 'floats':
      return { name, type: AttrType.FLOATS, floats: a.value };
    case 'strings':
      return { name, type: AttrType.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor':
      return { name, type: AttrType.TENSOR, t: encodeTensor(a.value) };
  }
}

function encodeNode(n: Node): onnx.INodeProto {
  const p: onnx.INodeProto = {
    name: n.name,
    opType: n.opType,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attributes).map(([k, a]) => encodeAttribute(k, a)),
  };
  if (n.domain) p.domain = n.domain;
  if (n.docString) p.docString = n.docString;
  return p;
}

function encodeDim(d: Dim): onnx.TensorShapeProto.IDimension {
  if (typeof d === 'number') return { dimValue: toLongBits(d) as unknown as number };
  return d === '' ? {} : { dimParam: d };
}

function encodeValueInfo(v: ValueInfo): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: DTYPE_CODE[v.dtype] };
  if (v.shapeKnown !== false) tensorType.shape = { dim: v.shape.map(encodeDim) };
  return { name: v.name, type: { tensorType } };
}

function encodeGraph(g: Graph): onnx.IGraphProto {
  return {
    name: g.name,
    node: g.nodes.map(encodeNode),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
    initializer: g.initializers.map(encodeTensor),
    valueInfo: g.valueInfo.map(encodeValueInfo),
  };
}

export function encodeModel(model: Model): Uint8Array {
  const proto: onnx.IModelProto = {
    irVersion: toLongBits(model.irVersion) as unknown as number,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: toLongBits(o.version) as unknown as number })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: encodeGraph(model.graph),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  if (model.docString) proto.docString = model.docString;
  return onnxProto.ModelProto.encode(proto).finish();
}

// ---------------------------------------------------------------- decode

export interface DecodeOptions {
  /**
   * Supplies the bytes of tensors stored outside the model file. core/ has no file system, so
   * without a resolver a model with external data is refused with an error listing the files.
   */
  externalData?: ExternalDataResolver;
  /** Check the graph holds together (names resolve, no cycles, supported opset). Default true. */
  validate?: boolean;
}

function decodeAttribute(a: onnx.IAttributeProto, nodeName: string, ctx: TensorDecodeContext): Attribute | null {
  const name = a.name ?? '';
  let type = a.type ?? 0;
  // Old writers leave `type` unset; infer it from the field that holds a value.
  if (type === 0) {
    if (a.t) type = AttrType.TENSOR;
    else if (a.g) type = AttrType.GRAPH;
    else if (a.ints?.length) type = AttrType.INTS;
    else if (a.floats?.length) type = AttrType.FLOATS;
    else if (a.strings?.length) type = AttrType.STRINGS;
    else if (a.s?.length) type = AttrType.STRING;
    else if (a.f) type = AttrType.FLOAT;
    else type = AttrType.INT;
  }
  switch (type) {
    case AttrType.INT:
      return { kind: 'int', value: int64ToNumber(a.i ?? 0) };
    case AttrType.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case AttrType.STRING:
      return { kind: 'string', value: utf8Decoder.decode(a.s ?? new Uint8Array(0)) };
    case AttrType.INTS:
      return { kind: 'ints', value: (a.ints ?? []).map(int64ToNumber) };
    case AttrType.FLOATS:
      return { kind: 'floats', value: a.floats ?? [] };
    case AttrType.STRINGS:
      return { kind: 'strings', value: (a.strings ?? []).map((s) => utf8Decoder.decode(s)) };
    case AttrType.TENSOR:
      if (!a.t) throw new OnnxFormatError('malformed', `attribute "${name}" of node "${nodeName}" is a tensor attribute without a tensor`);
      return { kind: 'tensor', value: decodeTensor(a.t, ctx, `${nodeName}.${name}`) };
    case AttrType.GRAPH:
    case AttrType.GRAPHS:
      throw new OnnxFormatError(
        'unsupported',
        `node "${nodeName}" has a subgraph attribute "${name}" (If/Loop/Scan control flow), which the studio does not support`,
      );
    default:
      throw new OnnxFormatError('unsupported', `attribute "${name}" of node "${nodeName}" has a kind (${type}) the studio does not support`);
  }
}

function decodeNode(n: onnx.INodeProto, index: number, ctx: TensorDecodeContext): Node {
  const name = n.name || `node_${index}`;
  const opType = n.opType ?? '';
  if (opType === '') throw new OnnxFormatError('malformed', `node ${index} ("${name}") has no op_type`);
  const attributes: Record<string, Attribute> = {};
  for (const a of n.attribute ?? []) {
    const v = decodeAttribute(a, name, ctx);
    if (v) attributes[a.name ?? ''] = v;
  }
  const node: Node = { name, opType, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes };
  if (n.domain && n.domain !== 'ai.onnx') node.domain = n.domain;
  if (n.docString) node.docString = n.docString;
  return node;
}

function decodeDim(d: onnx.TensorShapeProto.IDimension): Dim {
  if (d.dimParam) return d.dimParam;
  // protobufjs puts unset fields on the prototype, so own-property tells "0" from "absent".
  if (Object.prototype.hasOwnProperty.call(d, 'dimValue')) {
    const v = int64ToNumber(d.dimValue);
    return Number.isSafeInteger(v) && v >= 0 ? v : '';
  }
  return '';
}

/** null for non-tensor types (sequences, maps), which only matter if they are graph inputs/outputs. */
function decodeValueInfo(v: onnx.IValueInfoProto): ValueInfo | null {
  const tt = v.type?.tensorType;
  if (!tt) return null;
  const dtype = dtypeFromCode(tt.elemType ?? 0, `value "${v.name ?? ''}"`);
  const info: ValueInfo = { name: v.name ?? '', dtype, shape: (tt.shape?.dim ?? []).map(decodeDim) };
  if (!tt.shape) info.shapeKnown = false;
  return info;
}

function decodeIo(v: onnx.IValueInfoProto, role: string): ValueInfo {
  const info = decodeValueInfo(v);
  if (!info) throw new OnnxFormatError('unsupported', `graph ${role} "${v.name ?? ''}" is not a tensor (sequence, map or optional types are not supported)`);
  return info;
}

function decodeGraph(g: onnx.IGraphProto, ctx: TensorDecodeContext): Graph {
  if (g.sparseInitializer?.length) {
    throw new OnnxFormatError('unsupported', `the graph has ${plural(g.sparseInitializer.length, 'sparse initializer')}, which the studio does not support`);
  }
  const valueInfo: ValueInfo[] = [];
  for (const v of g.valueInfo ?? []) {
    try {
      const info = decodeValueInfo(v);
      if (info) valueInfo.push(info);
    } catch {
      // Intermediate type annotations are hints; an unsupported element type there is not fatal.
    }
  }
  return {
    name: g.name ?? 'graph',
    nodes: (g.node ?? []).map((n, i) => decodeNode(n, i, ctx)),
    inputs: (g.input ?? []).map((v) => decodeIo(v, 'input')),
    outputs: (g.output ?? []).map((v) => decodeIo(v, 'output')),
    initializers: (g.initializer ?? []).map((t, i) => decodeTensor(t, ctx, `initializer_${i}`)),
    valueInfo,
  };
}

function parseProto(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.byteLength === 0) throw new OnnxFormatError('empty', 'the file is empty');
  // Text, images and checkpoints can decode as a (meaningless) protobuf: refuse them by content.
  const obvious = describeNonOnnx(bytes);
  if (obvious) throw new OnnxFormatError('not-onnx', `not an ONNX model: ${obvious}`);
  try {
    return onnxProto.ModelProto.decode(bytes);
  } catch (e) {
    const detail = e instanceof RangeError && /call stack/i.test(e.message) ? 'nesting too deep' : e instanceof Error ? e.message : String(e);
    throw new OnnxFormatError('malformed', `not a valid ONNX model (protobuf decoding failed: ${detail}); the file may be truncated or corrupt`);
  }
}

export function decodeModel(bytes: Uint8Array, opts: DecodeOptions = {}): Model {
  const proto = parseProto(bytes);
  if (!proto.graph) {
    throw new OnnxFormatError('not-onnx', 'not an ONNX model: it contains no graph');
  }
  if (proto.functions?.length) {
    const names = proto.functions.map((f) => f.name ?? '?').join(', ');
    throw new OnnxFormatError('unsupported', `the model defines local functions (${names}), which the studio does not support`);
  }
  const ctx: TensorDecodeContext = { externalRefs: [] };
  if (opts.externalData) ctx.externalData = opts.externalData;
  let graph: Graph;
  try {
    graph = decodeGraph(proto.graph, ctx);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw e;
    throw new OnnxFormatError('malformed', `not a valid ONNX model: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (ctx.externalRefs.length > 0 && !opts.externalData) {
    const files = [...new Set(ctx.externalRefs.map((r) => r.location))].join(', ');
    throw new OnnxFormatError(
      'external-data',
      `${plural(ctx.externalRefs.length, 'tensor')} ${ctx.externalRefs.length === 1 ? 'is' : 'are'} stored in external files (${files}); open the model from its folder so they can be read`,
    );
  }
  const opsetImports: OpsetImport[] = (proto.opsetImport ?? []).map((o) => ({
    domain: o.domain === 'ai.onnx' ? '' : (o.domain ?? ''),
    version: int64ToNumber(o.version ?? 0),
  }));
  const metadata: Record<string, string> = {};
  for (const p of proto.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  const model: Model = {
    irVersion: int64ToNumber(proto.irVersion ?? 0),
    opsetImports,
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    graph,
    metadata,
  };
  if (proto.docString) model.docString = proto.docString;
  if (opts.validate !== false) validateModel(model);
  return model;
}
