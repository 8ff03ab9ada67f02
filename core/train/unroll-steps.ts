/**
 * K training steps in one graph, for one `session.run` per K batches: the train-step graph is
 * copied K times, copy i reading the weights, optimizer state and running statistics that copy
 * i-1 wrote. The weights go in once and come out once per K steps; each copy has its own batch,
 * labels, per-step scalars (lr, Adam's bias corrections for its step number) and extra inputs
 * (dropout masks), and its own loss and logits outputs. Initializers (constants) are shared.
 *
 * Names: copy i's values are prefixed "s<i>/" and its per-step inputs suffixed "@<i>"; carried
 * inputs keep their names (copy 0 reads them), and the final updated values are copy K-1's.
 */
import type { Graph, Model, Node, ValueInfo } from '../onnx/ir';
import type { TrainStepGraph } from './build-train-step';

export interface UnrolledStep {
  images: string;
  labels: string;
  /** the step graph's scalar input name -> this copy's input */
  scalars: Record<string, string>;
  /** extra input name (dropout mask) -> this copy's input */
  extra: Record<string, string>;
  loss: string;
  logits: string;
}

export interface UnrolledSteps {
  model: Model;
  k: number;
  steps: UnrolledStep[];
  /** weights, optimizer and running state: the input fed once -> the output after K steps */
  carried: Array<{ input: string; output: string }>;
}

/**
 * `shared`: extra inputs fed once for all copies (frozen weights); every other extra input is
 * per step. Throws for k < 1.
 */
export function unrollTrainSteps(step: TrainStepGraph, k: number, shared: ReadonlySet<string> = new Set()): UnrolledSteps {
  if (!Number.isInteger(k) || k < 1) throw new Error(`unrollTrainSteps: k must be a whole number >= 1, got ${k}`);
  const src = step.model.graph;
  const carriedSlots = [...step.weights, ...step.optimizerState, ...step.runningState];
  const carriedIn = new Set(carriedSlots.map((s) => s.name));
  const perStepIn = new Set([step.images, step.labels, ...step.scalars, ...step.extraInputs.map((v) => v.name).filter((n) => !shared.has(n))]);
  const constants = new Set([...src.initializers.map((t) => t.name), ...shared]);
  const byName = new Map(src.inputs.map((v) => [v.name, v]));

  const nodes: Node[] = [];
  const inputs: ValueInfo[] = src.inputs.filter((v) => carriedIn.has(v.name) || shared.has(v.name));
  const outputs: ValueInfo[] = [];
  const valueInfo: ValueInfo[] = [];
  const steps: UnrolledStep[] = [];
  // Where copy i reads each carried value: the graph input for copy 0, then the previous copy's update.
  let carriedAt = new Map(carriedSlots.map((s) => [s.name, s.name]));
  const outInfo = new Map(src.outputs.map((v) => [v.name, v]));

  for (let i = 0; i < k; i++) {
    const rename = (name: string): string => {
      if (name === '') return '';
      if (carriedIn.has(name)) return carriedAt.get(name)!;
      if (perStepIn.has(name)) return `${name}@${i}`;
      if (constants.has(name)) return name;
      return `s${i}/${name}`;
    };
    for (const n of src.nodes) nodes.push({ ...n, name: `s${i}/${n.name}`, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) });
    for (const v of src.valueInfo) valueInfo.push({ ...v, name: rename(v.name) });
    for (const name of perStepIn) {
      const v = byName.get(name);
      if (!v) throw new Error(`unrollTrainSteps: the step graph has no input "${name}"`);
      inputs.push({ ...v, name: rename(name) });
    }
    const lossOut = rename(step.loss);
    const logitsOut = rename(step.logits);
    outputs.push({ ...outInfo.get(step.loss)!, name: lossOut }, { ...outInfo.get(step.logits)!, name: logitsOut });
    steps.push({
      images: rename(step.images),
      labels: rename(step.labels),
      scalars: Object.fromEntries(step.scalars.map((s) => [s, rename(s)])),
      extra: Object.fromEntries(step.extraInputs.filter((v) => !shared.has(v.name)).map((v) => [v.name, rename(v.name)])),
      loss: lossOut,
      logits: logitsOut,
    });
    carriedAt = new Map(carriedSlots.map((s) => [s.name, rename(s.updated)]));
  }
  const carried = carriedSlots.map((s) => ({ input: s.name, output: carriedAt.get(s.name)! }));
  for (const s of carriedSlots) outputs.push({ ...outInfo.get(s.updated)!, name: carriedAt.get(s.name)! });

  const graph: Graph = { name: `${src.name}_x${k}`, nodes, inputs, outputs, initializers: src.initializers, valueInfo };
  return { model: { ...step.model, graph }, k, steps, carried };
}
