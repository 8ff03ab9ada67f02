/**
 * Bakes preprocessing into a model (export --with-preprocessing): the input becomes the decoded,
 * resized image as uint8 N x H x W x C (what image libraries hand out), and the graph does the rest:
 *   x = (p - 255 mean[c]) * 1 / (255 std[c])   ( = (p / 255 - mean) / std ),   then NHWC -> NCHW.
 * Deployment code then only decodes and resizes. The input keeps its name.
 */
import type { Model, Node, Tensor } from '../onnx/ir';

const FLOAT = 1;

export class PreprocessError extends Error {
  override readonly name = 'PreprocessError';
}

export function withPreprocessing(model: Model, mean: readonly number[], std: readonly number[]): Model {
  const g = model.graph;
  const input = g.inputs[0];
  if (!input || input.dtype !== 'float32' || input.shape.length !== 4) throw new PreprocessError('--with-preprocessing needs a float32 N x C x H x W input');
  const [n, c, h, w] = input.shape;
  if (mean.length !== c || std.length !== c)
    throw new PreprocessError(`--with-preprocessing: ${mean.length} means and ${std.length} stds for ${String(c)} channels`);
  if (std.some((s) => !(s > 0))) throw new PreprocessError('--with-preprocessing: every std must be > 0');
  const x = input.name;
  const name = (suffix: string): string => `${x}_${suffix}`;
  const constants: Tensor[] = [
    { name: name('mean255'), dtype: 'float32', dims: [c as number], data: Float32Array.from(mean, (m) => 255 * m) },
    { name: name('inv_std255'), dtype: 'float32', dims: [c as number], data: Float32Array.from(std, (s) => 1 / (255 * s)) },
  ];
  const pre: Node[] = [
    { name: name('Cast'), opType: 'Cast', inputs: [x], outputs: [name('float')], attributes: { to: { kind: 'int', value: FLOAT } } },
    { name: name('Sub'), opType: 'Sub', inputs: [name('float'), name('mean255')], outputs: [name('centered')], attributes: {} },
    { name: name('Mul'), opType: 'Mul', inputs: [name('centered'), name('inv_std255')], outputs: [name('scaled')], attributes: {} },
    {
      name: name('Transpose'),
      opType: 'Transpose',
      inputs: [name('scaled')],
      outputs: [name('nchw')],
      attributes: { perm: { kind: 'ints', value: [0, 3, 1, 2] } },
    },
  ];
  const nodes = g.nodes.map((node) => ({ ...node, inputs: node.inputs.map((i) => (i === x ? name('nchw') : i)) }));
  return {
    ...model,
    metadata: { ...model.metadata, input_format: 'uint8 NHWC 0-255 (normalisation inside the model)' },
    graph: {
      ...g,
      inputs: [{ ...input, dtype: 'uint8', shape: [n!, h!, w!, c!] }, ...g.inputs.slice(1)],
      nodes: [...pre, ...nodes],
      initializers: [...g.initializers, ...constants],
    },
  };
}
