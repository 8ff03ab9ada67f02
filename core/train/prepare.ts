/**
 * Turns an inference-form forward graph (e.g. one imported from ONNX) into a training-form one:
 * - BatchNormalization with running statistics as inputs is lowered to batch statistics:
 *     mean = ReduceMean(x, [0, 2, ...]),  var = ReduceMean((x - mean)^2)      (biased, for the output)
 *     y    = BatchNormalization(x, scale, B, mean, var)                        (inference kernel)
 *     running_mean' = momentum * running_mean + (1 - momentum) * mean          (ONNX momentum)
 *     running_var'  = momentum * running_var  + (1 - momentum) * var * n/(n-1) (PyTorch: unbiased)
 *   The running statistics become state: { running_mean -> running_mean' }.
 * - Dropout gets training_mode = true and a mask output (its backward uses the mask).
 * Studio graphs emitted with { training: true } are already in this form.
 */
import type { Graph, Node, Tensor } from '../onnx/ir';
import { attrFloat, attrInt } from './attrs';
import { inferShapes, type ShapeInferOptions } from './shape-infer';

export interface PreparedGraph {
  graph: Graph;
  /** state value (initializer or input) -> value holding its updated version after the step. */
  stateUpdates: Record<string, string>;
}

export function prepareForTraining(src: Graph, shapeOpts: ShapeInferOptions): PreparedGraph {
  const info = inferShapes(src, shapeOpts);
  const nodes: Node[] = [];
  const initializers: Tensor[] = [...src.initializers];
  const stateUpdates: Record<string, string> = {};
  const used = new Set<string>();
  for (const n of src.nodes) for (const o of [...n.inputs, ...n.outputs]) used.add(o);
  for (const t of src.initializers) used.add(t.name);
  for (const v of src.inputs) used.add(v.name);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const i64 = (base: string, values: number[]) => {
    const name = fresh(base);
    initializers.push({ name, dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  };
  const f32 = (base: string, v: number) => {
    const name = fresh(base);
    initializers.push({ name, dtype: 'float32', dims: [], data: Float32Array.from([v]) });
    return name;
  };
  const add = (opType: string, inputs: string[], base: string, attributes: Node['attributes'] = {}): string => {
    const out = fresh(base);
    nodes.push({ name: fresh(`${base}_node`), opType, inputs, outputs: [out], attributes });
    return out;
  };

  for (const n of src.nodes) {
    if (n.opType === 'BatchNormalization' && attrInt(n, 'training_mode', 0) === 0) {
      const [x, scale, bias, rm, rv] = n.inputs as [string, string, string, string, string];
      const xs = info.shapes.get(x)!.shape;
      const c = xs[1]!;
      const count = xs.reduce((a, b) => a * b, 1) / c;
      const axes = xs.map((_, i) => i).filter((i) => i !== 1);
      const eps = attrFloat(n, 'epsilon', 1e-5);
      const mom = attrFloat(n, 'momentum', 0.9);
      const base = n.outputs[0]!;
      const mean4 = add('ReduceMean', [x], `${base}/batch_mean4`, { axes: { kind: 'ints', value: axes }, keepdims: { kind: 'int', value: 1 } });
      const xc = add('Sub', [x, mean4], `${base}/centered`);
      const var4 = add('ReduceMean', [add('Mul', [xc, xc], `${base}/sq`)], `${base}/batch_var4`, {
        axes: { kind: 'ints', value: axes },
        keepdims: { kind: 'int', value: 1 },
      });
      const cShape = i64(`${base}/c_shape`, [c]);
      const mean = add('Reshape', [mean4, cShape], `${base}/batch_mean`);
      const variance = add('Reshape', [var4, cShape], `${base}/batch_var`);
      nodes.push({ ...n, inputs: [x, scale, bias, mean, variance], outputs: [n.outputs[0]!], attributes: { epsilon: { kind: 'float', value: eps } } });
      const keep = f32(`${base}/momentum`, mom);
      const take = f32(`${base}/one_minus_momentum`, 1 - mom);
      stateUpdates[rm] = add('Add', [add('Mul', [mean, take], `${base}/rm_a`), add('Mul', [rm, keep], `${base}/rm_b`)], `${base}/running_mean_next`);
      const unbiased = add('Mul', [variance, f32(`${base}/bessel`, count / Math.max(1, count - 1))], `${base}/unbiased_var`);
      stateUpdates[rv] = add('Add', [add('Mul', [unbiased, take], `${base}/rv_a`), add('Mul', [rv, keep], `${base}/rv_b`)], `${base}/running_var_next`);
      continue;
    }
    if (n.opType === 'Dropout') {
      const ratio = n.inputs[1] || f32(`${n.outputs[0]}/ratio`, attrFloat(n, 'ratio', 0.5));
      const flag = fresh(`${n.outputs[0]}/training_mode`);
      initializers.push({ name: flag, dtype: 'bool', dims: [], data: Uint8Array.from([1]) });
      const mask = n.outputs[1] || fresh(`${n.outputs[0]}/mask`);
      nodes.push({ ...n, inputs: [n.inputs[0]!, ratio, flag], outputs: [n.outputs[0]!, mask] });
      continue;
    }
    nodes.push(n);
  }
  return { graph: { ...src, nodes, initializers }, stateUpdates };
}
