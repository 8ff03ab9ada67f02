/**
 * Batch norm in training graphs, made cheap:
 *
 * 1. `fuseTrainingBatchNorm` rewrites the explicit training-mode batch norm that studio blocks
 *    emit (y = (x - mean) / sqrt(var + eps) * gamma + beta over batch statistics: 7 full-tensor
 *    ops) into the canonical form
 *        mean4 = ReduceMean(x, keepdims)   xc = x - mean4   var4 = ReduceMean(xc * xc, keepdims)
 *        y     = BatchNormalization(x, gamma, beta, Reshape(mean4, [C]), Reshape(var4, [C]))
 *    (same values; BatchNormalization's inference kernel does the normalisation in one pass).
 *    Nodes it does not recognise are left alone, so a change in the emission only costs speed.
 * 2. `matchBatchNormTrain` recognises the canonical form (also what prepareForTraining emits), and
 *    the engine differentiates it as one unit with the closed-form batch-norm backward
 *    (grad/batchnormtrain.ts) instead of through the statistics' op chain.
 */
import type { Graph, Node, Tensor } from '../onnx/ir';
import { attrFloat, attrInt, attrInts } from './attrs';
import type { ShapeInfo } from './shape-infer';

export interface BatchNormTrainMatch {
  x: string;
  scale: string;
  bias: string;
  /** Centred input x - mean4 and the keepdims statistics. */
  xc: string;
  mean4: string;
  var4: string;
  epsilon: number;
}

type Producer = (v: string) => Node | undefined;

function isChannelMean(n: Node | undefined, x: string, rank: number): boolean {
  if (!n || n.opType !== 'ReduceMean' || n.inputs[0] !== x || attrInt(n, 'keepdims', 1) !== 1) return false;
  const axes = (attrInts(n, 'axes') ?? []).map((a) => (a < 0 ? a + rank : a)).sort();
  const want = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 1);
  return axes.length === want.length && axes.every((a, i) => a === want[i]);
}

/** Strips a Reshape (keepdims [1,C,1,1] -> [C]) in front of a BN statistic input. */
function throughReshape(v: string, producer: Producer): string {
  const p = producer(v);
  return p && (p.opType === 'Reshape' || p.opType === 'Squeeze' || p.opType === 'Flatten') ? p.inputs[0]! : v;
}

export function matchBatchNormTrain(node: Node, producer: Producer, rankOf: (v: string) => number): BatchNormTrainMatch | undefined {
  if (node.opType !== 'BatchNormalization' || attrInt(node, 'training_mode', 0) !== 0 || node.outputs.length !== 1) return undefined;
  const [x, scale, bias, meanIn, varIn] = node.inputs as [string, string, string, string, string];
  const rank = rankOf(x);
  const mean4 = throughReshape(meanIn, producer);
  const var4 = throughReshape(varIn, producer);
  if (!isChannelMean(producer(mean4), x, rank)) return undefined;
  const vNode = producer(var4);
  if (!vNode || vNode.opType !== 'ReduceMean' || attrInt(vNode, 'keepdims', 1) !== 1) return undefined;
  const sq = producer(vNode.inputs[0]!);
  if (!sq || sq.opType !== 'Mul' || sq.inputs[0] !== sq.inputs[1]) return undefined;
  const xc = sq.inputs[0]!;
  const sub = producer(xc);
  if (!sub || sub.opType !== 'Sub' || sub.inputs[0] !== x || sub.inputs[1] !== mean4) return undefined;
  if (!isChannelMean(vNode, sq.outputs[0]!, rank)) return undefined;
  return { x, scale, bias, xc, mean4, var4, epsilon: attrFloat(node, 'epsilon', 1e-5) };
}

/** Rewrites explicit training batch norm (see above) into the canonical fused form; adds the new values' shapes to `info`. */
export function fuseTrainingBatchNorm(graph: Graph, info: ShapeInfo): Graph {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  for (const n of graph.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) {
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const single = (v: string) => (consumers.get(v)?.length ?? 0) === 1 && !outputs.has(v);
  const p = (v: string | undefined) => (v ? producer.get(v) : undefined);
  const remove = new Set<Node>();
  const replace = new Map<Node, Node[]>();
  const initializers: Tensor[] = [...graph.initializers];
  let k = 0;
  for (const div of graph.nodes) {
    if (div.opType !== 'Div') continue;
    const [d, std] = div.inputs as [string, string];
    const sub = p(d);
    if (!sub || sub.opType !== 'Sub') continue;
    const [x, mean] = sub.inputs as [string, string];
    const xs = info.shapes.get(x)?.shape;
    if (!xs || xs.length < 2) continue;
    if (!isChannelMean(p(mean), x, xs.length)) continue;
    const sqrt = p(std);
    if (!sqrt || sqrt.opType !== 'Sqrt' || !single(std)) continue;
    const addEps = p(sqrt.inputs[0]);
    if (!addEps || addEps.opType !== 'Add' || !single(addEps.outputs[0]!)) continue;
    const eps = info.consts.get(addEps.inputs[1]!);
    const v = addEps.inputs[0]!;
    if (!eps || eps.length !== 1) continue;
    const vNode = p(v);
    if (!vNode || vNode.opType !== 'ReduceMean') continue;
    const sq = p(vNode.inputs[0]);
    if (!sq || sq.opType !== 'Mul' || sq.inputs[0] !== d || sq.inputs[1] !== d || !isChannelMean(vNode, sq.outputs[0]!, xs.length)) continue;
    const xhat = div.outputs[0]!;
    if (!single(xhat)) continue;
    const mul = consumers.get(xhat)![0]!;
    if (mul.opType !== 'Mul' || mul.inputs[0] !== xhat || !single(mul.outputs[0]!)) continue;
    const gammaR = p(mul.inputs[1]);
    if (!gammaR || gammaR.opType !== 'Reshape') continue;
    const add = consumers.get(mul.outputs[0]!)![0]!;
    if (add.opType !== 'Add' || add.inputs[0] !== mul.outputs[0]) continue;
    const betaR = p(add.inputs[1]);
    if (!betaR || betaR.opType !== 'Reshape') continue;
    const c = xs[1]!;
    const shapeName = `bn_fuse_c_shape_${k++}`;
    initializers.push({ name: shapeName, dtype: 'int64', dims: [1], data: BigInt64Array.from([BigInt(c)]) });
    const meanC = `${add.outputs[0]}/mean_c`;
    const varC = `${add.outputs[0]}/var_c`;
    // Keep `info` valid for the rewritten graph (callers reuse it instead of inferring again).
    info.shapes.set(shapeName, { dtype: 'int64', shape: [1] });
    info.consts.set(shapeName, [c]);
    info.shapes.set(meanC, { dtype: 'float32', shape: [c] });
    info.shapes.set(varC, { dtype: 'float32', shape: [c] });
    replace.set(add, [
      { name: `${add.name}/mean_c`, opType: 'Reshape', inputs: [mean, shapeName], outputs: [meanC], attributes: {} },
      { name: `${add.name}/var_c`, opType: 'Reshape', inputs: [v, shapeName], outputs: [varC], attributes: {} },
      {
        name: `${add.name}/bn`,
        opType: 'BatchNormalization',
        inputs: [x, gammaR.inputs[0]!, betaR.inputs[0]!, meanC, varC],
        outputs: [add.outputs[0]!],
        attributes: { epsilon: { kind: 'float', value: eps[0]! } },
      },
    ]);
    for (const n of [addEps, sqrt, div, mul]) remove.add(n);
    if (single(gammaR.outputs[0]!)) remove.add(gammaR);
    if (single(betaR.outputs[0]!)) remove.add(betaR);
  }
  if (replace.size === 0) return graph;
  const nodes: Node[] = [];
  for (const n of graph.nodes) {
    if (remove.has(n)) continue;
    nodes.push(...(replace.get(n) ?? [n]));
  }
  // Constants only the removed nodes read (eps, broadcast shapes) go too.
  const read = new Set<string>();
  for (const n of nodes) for (const i of n.inputs) read.add(i);
  const dropped = new Set<string>();
  for (const n of remove) for (const i of n.inputs) if (!read.has(i)) dropped.add(i);
  return { ...graph, nodes, initializers: initializers.filter((t) => !dropped.has(t.name) || outputs.has(t.name)) };
}
