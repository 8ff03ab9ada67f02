/**
 * Import mappers for the ops of mobile networks that need more than one node's attributes:
 * Clip(x, 0, 6) is ReLU6 (its bounds are constant inputs), Mul(x, Sigmoid(x)) is SiLU, and a
 * Mul of two data values is the Multiply block (an SE gate times its feature map). Each returns
 * false where the node is something else, which then stays a generic "ONNX op" block.
 */
import type { Node } from './ir';
import type { ImportContext, Plan } from './import-context';
import { nameFromNode } from './import-names';

type Mapper = (n: Node, ctx: ImportContext) => boolean;

function addPlan(ctx: ImportContext, n: Node, type: string, nameBase: string, inputs: string[]): Plan {
  return ctx.add({
    type,
    nameBase,
    params: type === 'multiply' ? { inputs: inputs.length } : {},
    inputs: inputs.map((v) => ctx.canon(v)),
    outputs: [n.outputs[0]!],
    weights: new Map(),
    source: n,
  });
}

/** A Clip bound: the constant input (opset 11+) or the attribute (older opsets); undefined when absent or computed. */
function clipBound(n: Node, ctx: ImportContext, input: 1 | 2, attr: 'min' | 'max'): number | undefined {
  const v = n.inputs[input] ?? '';
  if (v !== '') return ctx.isData(v) ? undefined : ctx.constNumbers(v)?.[0];
  const a = n.attributes[attr];
  return a?.kind === 'float' ? a.value : undefined;
}

/** Clip with constant bounds exactly 0 and 6 (torch.onnx's nn.ReLU6 and F.relu6) -> ReLU6. */
const clip: Mapper = (n, ctx) => {
  const x = n.inputs[0] ?? '';
  if (!ctx.isData(x) || clipBound(n, ctx, 1, 'min') !== 0 || clipBound(n, ctx, 2, 'max') !== 6) return false;
  addPlan(ctx, n, 'relu6', nameFromNode(n.name, ctx.moduleIsShared) ?? 'relu6', [x]);
  return true;
};

/** Node-name prefix of a PyTorch module path: `/act/Mul` -> `/act/`. */
const modulePrefix = (name: string): string => name.slice(0, name.lastIndexOf('/') + 1);

/**
 * The SiLU block's name. torch.onnx writes nn.SiLU as `/act/Sigmoid` and `/act/Mul`: when the
 * module emitted just these two nodes, the block takes the module's name (`act`), as a one-node
 * module would; otherwise (F.silu inside a larger module) the Mul's own name.
 */
function siluName(mul: Node, sigmoid: Node, ctx: ImportContext): string {
  const prefix = modulePrefix(mul.name);
  const own =
    prefix.length > 1 &&
    modulePrefix(sigmoid.name) === prefix &&
    ctx.graph.nodes.every((m) => m === mul || m === sigmoid || m.opType === 'Constant' || m.opType === 'Identity' || !m.name.startsWith(prefix));
  return (own ? nameFromNode(mul.name, () => false) : nameFromNode(mul.name, ctx.moduleIsShared)) ?? 'silu';
}

/** The Sigmoid plan producing `s` from `x`, read only by this Mul. */
function sigmoidOf(ctx: ImportContext, s: string, x: string): Plan | undefined {
  const p = ctx.producerOf(s);
  const ok =
    p && !p.dropped && p.type === 'sigmoid' && p.source?.opType === 'Sigmoid' && ctx.canon(p.inputs[0] ?? '') === ctx.canon(x) && ctx.consumerCount(s) === 1;
  return ok ? p : undefined;
}

/** Equal rank and every dimension equal or 1 (numpy broadcasting without new axes). */
function broadcastable(a: number[] | undefined, b: number[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, k) => d === b[k] || d === 1 || b[k] === 1);
}

/** Mul(x, Sigmoid(x)) -> SiLU; Mul of two broadcastable data values -> Multiply. */
const mul: Mapper = (n, ctx) => {
  const [a, b] = [n.inputs[0] ?? '', n.inputs[1] ?? ''];
  if (n.inputs.length !== 2 || !ctx.isData(a) || !ctx.isData(b)) return false;
  for (const [s, x] of [
    [b, a],
    [a, b],
  ] as const) {
    const sig = sigmoidOf(ctx, s, x);
    if (!sig?.source) continue;
    sig.dropped = true;
    addPlan(ctx, n, 'silu', siluName(n, sig.source, ctx), [x]);
    return true;
  }
  if (!broadcastable(ctx.perSample(a), ctx.perSample(b))) return false;
  addPlan(ctx, n, 'multiply', nameFromNode(n.name, ctx.moduleIsShared) ?? 'mul', [a, b]);
  return true;
};

export const activationMappers = { clip, mul } as const satisfies Record<string, Mapper>;
