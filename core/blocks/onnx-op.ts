import { definePrimitive, type InferResult, type Issue, type WeightDecl } from './define';
import { num, p, str } from './params';
import type { Params, Shape } from '../graph/types';
import { attributesFromJson, tensorFromJson, type TensorJson } from '../onnx/attr-json';
import type { Attribute, Node } from '../onnx/ir';
import { inferNode, type ValueShape } from '../train/shape-infer';
import type { Primitive } from '../graph/expanded';
import type { LeafModule } from '../export-pytorch/hooks';
import { PytorchExportError } from '../export-pytorch/errors';

/**
 * Where each ONNX input of the op comes from: an input port of the block, one of its weights
 * (float tensors, trainable like any other), a constant kept in the parameters (shapes, axes,
 * indices), or nothing (an omitted optional input).
 */
export type OnnxOpSlot = { port: number } | { weight: string } | { const: TensorJson } | { none: true };

interface Decoded {
  attributes: Record<string, Attribute>;
  slots: OnnxOpSlot[];
  weightShapes: Record<string, number[]>;
  fallback: number[][];
}

function decode(P: Params): Decoded | string {
  try {
    const attributes = attributesFromJson(str(P, 'attributes'));
    const slots = JSON.parse(str(P, 'slots') || '[]') as OnnxOpSlot[];
    const weightShapes = JSON.parse(str(P, 'weightShapes') || '{}') as Record<string, number[]>;
    const fallback = JSON.parse(str(P, 'outShapes') || '[]') as number[][];
    if (!Array.isArray(slots) || !Array.isArray(fallback)) return 'slots and outShapes must be JSON lists';
    return { attributes, slots, weightShapes, fallback };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function portCount(P: Params): number {
  const d = decode(P);
  return typeof d === 'string' ? 0 : d.slots.filter((s) => 'port' in s).length;
}

function issue(message: string, param = 'opType'): { ok: false; issues: Issue[] } {
  return { ok: false, issues: [{ code: 'invalid-param', param, message }] };
}

/**
 * Infers output shapes with the same ONNX shape rules the trainer uses, on a batch of one; the
 * shapes recorded at import are the fallback for ops those rules do not know.
 */
function inferOp(inShapes: Shape[], P: Params): InferResult {
  const d = decode(P);
  if (typeof d === 'string') return issue(`ONNX op parameters are malformed: ${d}`, 'attributes');
  const shapes = new Map<string, ValueShape>();
  const consts = new Map<string, number[]>();
  const inputs = d.slots.map((s, i) => {
    const name = `in${i}`;
    if ('port' in s) {
      const x = inShapes[s.port];
      if (!x) return '';
      shapes.set(name, { dtype: 'float32', shape: [1, ...x] });
    } else if ('weight' in s) {
      shapes.set(name, { dtype: 'float32', shape: [...(d.weightShapes[s.weight] ?? [])] });
    } else if ('const' in s) {
      shapes.set(name, { dtype: s.const.dtype, shape: [...s.const.dims] });
      if (s.const.values.length <= 64) consts.set(name, s.const.values);
    } else return '';
    return name;
  });
  const outCount = Math.max(1, num(P, 'outputs'));
  const node: Node = {
    name: str(P, 'opType'),
    opType: str(P, 'opType'),
    inputs,
    outputs: Array.from({ length: outCount }, (_, i) => `out${i}`),
    attributes: d.attributes,
  };
  if (str(P, 'domain')) node.domain = str(P, 'domain');
  try {
    inferNode(node, shapes, consts);
    const out: number[][] = [];
    for (let i = 0; i < outCount; i++) {
      const s = shapes.get(`out${i}`);
      if (!s || s.shape.length === 0 || s.shape[0] !== 1) throw new Error('the batch dimension did not survive');
      out.push(s.shape.slice(1));
    }
    return { ok: true, shapes: out };
  } catch (e) {
    if (d.fallback.length === outCount) return { ok: true, shapes: d.fallback };
    return issue(`cannot work out the output shape of ONNX op ${str(P, 'opType')}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * An ONNX operator the block library has no block for, kept as is by the importer: its op type,
 * attributes and weights travel through the project and are emitted unchanged on export.
 */
export const onnxOp = definePrimitive({
  type: 'onnx-op',
  label: 'ONNX op',
  category: 'Shape',
  description: 'An imported ONNX operator with no matching block, kept with its attributes and weights.',
  params: {
    opType: p.string('Op type', 'Identity'),
    domain: p.string('Domain', ''),
    attributes: p.string('Attributes (JSON)', '{}'),
    slots: p.string('Inputs (JSON)', '[{"port":0}]'),
    weightShapes: p.string('Weight shapes (JSON)', '{}'),
    outputs: p.int('Outputs', 1, 1, 64),
    outShapes: p.string('Output shapes from the file (JSON)', '[]'),
    opset: p.int('Opset of the source file', 17, 1, 1000, "Attributes follow this opset's version of the op; export warns when writing another opset"),
  },
  inputPorts: (P) => Array.from({ length: portCount(P) }, (_, i) => `in${i}`),
  outputPorts: (P) => Array.from({ length: Math.max(1, num(P, 'outputs')) }, (_, i) => `out${i}`),
  infer: inferOp,
  weights(_in, _out, P): WeightDecl[] {
    const d = decode(P);
    if (typeof d === 'string') return [];
    return Object.entries(d.weightShapes).map(([suffix, shape]) => ({ suffix, shape, init: { kind: 'const', value: 0 }, role: 'param' }));
  },
  emit(g, a) {
    const d = decode(a.params);
    if (typeof d === 'string') throw new Error(`${a.name}: ${d}`);
    const inputs = d.slots.map((s, i) => {
      if ('port' in s) return a.inputs[s.port] ?? '';
      if ('weight' in s) return a.weights[s.weight] ?? '';
      if ('const' in s) {
        const t = tensorFromJson(`in${i}`, s.const);
        return g.initializer(`${a.name}.in${i}`, t.dtype, t.dims, t.data);
      }
      return '';
    });
    const opType = str(a.params, 'opType');
    const domain = str(a.params, 'domain');
    const outputs = g.op(opType, inputs, d.attributes, { outputs: Math.max(1, num(a.params, 'outputs')), name: opType, ...(domain ? { domain } : {}) });
    return { outputs };
  },
  pytorch: onnxOpModule,
});

/** Element-wise ONNX ops kept as generic "ONNX op" blocks that have a parameter-free nn module. */
const ONNX_UNARY: Record<string, string> = {
  Identity: 'nn.Identity()',
  Relu: 'nn.ReLU()',
  Sigmoid: 'nn.Sigmoid()',
  Tanh: 'nn.Tanh()',
  Softplus: 'nn.Softplus()',
  Softsign: 'nn.Softsign()',
  Mish: 'nn.Mish()',
};

/** Only a plain one-input element-wise op without attributes has a PyTorch module here. */
function onnxOpModule(p: Primitive): LeafModule {
  const op = str(p.params, 'opType');
  const domain = str(p.params, 'domain');
  const ctor = ONNX_UNARY[op];
  let slots: unknown = null;
  try {
    slots = JSON.parse(str(p.params, 'slots') || '[]');
  } catch {
    // reported below as unsupported
  }
  const plain = Array.isArray(slots) && slots.length === 1 && JSON.stringify(slots[0]) === '{"port":0}';
  const attrs = str(p.params, 'attributes').trim();
  if (!ctor || domain !== '' || !plain || (attrs !== '' && attrs !== '{}')) {
    throw new PytorchExportError(
      `"${p.name}": the ONNX op ${domain ? `${domain}.` : ''}${op} (an imported operator with no studio block) has no PyTorch counterpart in this exporter; replace the block or export ONNX instead`,
      p.name,
    );
  }
  return { ctor };
}
