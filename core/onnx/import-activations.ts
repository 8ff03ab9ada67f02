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

/** A plan of `type` (made from an ONNX `op`) producing `v`, read only by the node being mapped. */
function soleProducer(ctx: ImportContext, v: string, type: string, op: string): Plan | undefined {
  const p = ctx.producerOf(v);
  return p && !p.dropped && p.type === type && p.source?.opType === op && ctx.consumerCount(v) === 1 ? p : undefined;
}

/**
 * Clip with constant bounds exactly 0 and 6 (torch.onnx's nn.ReLU6) -> ReLU6. F.relu6 exports
 * as Relu then Clip(0, 6): the Relu changes nothing the Clip keeps, so it is folded in.
 */
const clip: Mapper = (n, ctx) => {
  let x = n.inputs[0] ?? '';
  if (!ctx.isData(x) || clipBound(n, ctx, 1, 'min') !== 0 || clipBound(n, ctx, 2, 'max') !== 6) return false;
  const relu = soleProducer(ctx, x, 'relu', 'Relu');
  if (relu) {
    relu.dropped = true;
    x = relu.inputs[0]!;
  }
  addPlan(ctx, n, 'relu6', nameFromNode(n.name, ctx.moduleIsShared) ?? 'relu6', [x]);
  return true;
};

/** Node-name prefix of a PyTorch module path: `/act/Mul` -> `/act/`. */
const modulePrefix = (name: string): string => name.slice(0, name.lastIndexOf('/') + 1);

/**
 * A self-gated activation's block name (x * gate(x): SiLU, or Hardswish before opset 14).
 * torch.onnx writes nn.SiLU as `/act/Sigmoid` and `/act/Mul` (the studio as `act/Sigmoid`,
 * `act/Mul`): when the module emitted just these two nodes, the block takes the module's name
 * (`act`), as a one-node module would. F.silu inside a larger module gives `<module>.silu`, at
 * the top level `silu`.
 */
function selfGatedName(mul: Node, gate: Node, ctx: ImportContext, stem: string): string {
  const prefix = modulePrefix(mul.name);
  const module = prefix.length > 1 ? nameFromNode(`${prefix}Act`, () => false) : null;
  const own =
    modulePrefix(gate.name) === prefix &&
    ctx.graph.nodes.every((m) => m === mul || m === gate || m.opType === 'Constant' || m.opType === 'Identity' || !m.name.startsWith(prefix));
  if (module && own) return module;
  return module ? `${module}.${stem}` : stem;
}

/** Gates whose product with their own input is an activation block: x * sigmoid(x), x * hardsigmoid(x). */
const SELF_GATED = [
  { gate: 'sigmoid', op: 'Sigmoid', block: 'silu' },
  { gate: 'hardsigmoid', op: 'HardSigmoid', block: 'hardswish' },
] as const;

/** The gate plan producing `s` from `x` (read only by this Mul) and the block their product is. */
function selfGate(ctx: ImportContext, s: string, x: string): { plan: Plan; source: Node; block: string } | undefined {
  for (const k of SELF_GATED) {
    const p = soleProducer(ctx, s, k.gate, k.op);
    if (p?.source && ctx.canon(p.inputs[0] ?? '') === ctx.canon(x)) return { plan: p, source: p.source, block: k.block };
  }
  return undefined;
}

/** Equal rank and every dimension equal or 1 (numpy broadcasting without new axes). */
function broadcastable(a: number[] | undefined, b: number[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, k) => d === b[k] || d === 1 || b[k] === 1);
}

/**
 * Mul(x, Sigmoid(x)) -> SiLU; Mul(x, HardSigmoid(x)) -> Hardswish (how it is written before
 * opset 14); Mul of two broadcastable data values -> Multiply (one per chain).
 */
const mul: Mapper = (n, ctx) => {
  const [a, b] = [n.inputs[0] ?? '', n.inputs[1] ?? ''];
  if (n.inputs.length !== 2 || !ctx.isData(a) || !ctx.isData(b)) return false;
  for (const [s, x] of [
    [b, a],
    [a, b],
  ] as const) {
    const gated = selfGate(ctx, s, x);
    if (!gated) continue;
    gated.plan.dropped = true;
    addPlan(ctx, n, gated.block, selfGatedName(n, gated.source, ctx, gated.block), [x]);
    return true;
  }
  if (!broadcastable(ctx.perSample(a), ctx.perSample(b))) return false;
  // A chain (a * b) * c in one module, read nowhere else, is one Multiply of three inputs (the
  // studio's export of one); a product in another module (an SE block's) stays its own block.
  const chain = soleProducer(ctx, a, 'multiply', 'Mul');
  if (chain?.source && modulePrefix(chain.source.name) === modulePrefix(n.name)) {
    chain.inputs.push(ctx.canon(b));
    chain.params = { inputs: chain.inputs.length };
    ctx.redirect(n.outputs[0]!, chain.outputs[0]!);
    return true;
  }
  addPlan(ctx, n, 'multiply', nameFromNode(n.name, ctx.moduleIsShared) ?? 'mul', [a, b]);
  return true;
};

export const activationMappers = { clip, mul } as const satisfies Record<string, Mapper>;
