/**
 * Runs a studio model.onnx over image files and returns, per image, the class probabilities and
 * the penultimate layer's activations (the embedding the data doctor compares images by).
 *
 * The penultimate layer is the data input of the last Gemm/MatMul (the classifier's dense
 * layer); it is added as an extra graph output, so one run gives both. Images are decoded and
 * normalised as the model's metadata says (main/inference/preprocess.ts, the training decode).
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Model } from '../../core/onnx/ir';
import { readMetadata, type ModelMetadata } from '../../core/onnx/metadata';
import { encodeModel } from '../../core/onnx/proto';
import { loadOnnxModel } from '../onnx/load-model';
import { imageToTensor } from '../inference/preprocess';

export interface ImageFeatures {
  /** N x classes, row-major (rows of unreadable images are zero) */
  probs: Float32Array;
  /** N x dim, row-major */
  embeddings: Float32Array;
  dim: number;
  classes: number;
  /** index -> why the image could not be read */
  unreadable: Map<number, string>;
}

const BATCH = 64;

/** The value feeding the classifier: input 0 of the last Gemm or MatMul, else of the node producing the logits. */
function penultimateValue(model: Model, logits: string): string {
  const dense = [...model.graph.nodes].reverse().find((n) => n.opType === 'Gemm' || n.opType === 'MatMul');
  const node = dense ?? model.graph.nodes.find((n) => n.outputs.includes(logits));
  if (!node?.inputs[0]) throw new Error('the model has no layer before its output to take embeddings from');
  return node.inputs[0];
}

function softmaxRow(x: Float32Array): Float32Array {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export class FeatureModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly metadata: ModelMetadata,
    private readonly inputName: string,
    private readonly outputName: string,
    private readonly isProbs: boolean,
    private readonly embeddingName: string,
  ) {}

  static async open(file: string, threads = Math.max(1, os.availableParallelism())): Promise<FeatureModel> {
    const { model } = await loadOnnxModel(file);
    const inits = new Set(model.graph.initializers.map((t) => t.name));
    const input = model.graph.inputs.find((i) => !inits.has(i.name));
    if (!input) throw new Error(`${file}: the model has no image input`);
    const outs = model.graph.outputs.map((o) => o.name);
    const output = outs.includes('probabilities') ? 'probabilities' : outs.includes('logits') ? 'logits' : outs[0]!;
    const embedding = penultimateValue(model, output);
    const extra = outs.includes(embedding) ? [] : [{ name: embedding, dtype: 'float32' as const, shape: [], shapeKnown: false }];
    const withEmbedding: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } };
    const session = await ort.InferenceSession.create(encodeModel(withEmbedding), { intraOpNumThreads: threads, graphOptimizationLevel: 'basic' });
    return new FeatureModel(session, readMetadata(model), input.name, output, output === 'probabilities', embedding);
  }

  /** Probabilities and embeddings of `files`, in order. */
  async run(files: readonly string[]): Promise<ImageFeatures> {
    const [c, h, w] = this.metadata.inputSize;
    const per = c * h * w;
    const probsRows: Float32Array[] = [];
    const embRows: Float32Array[] = [];
    const unreadable = new Map<number, string>();
    for (let start = 0; start < files.length; start += BATCH) {
      const chunk = files.slice(start, start + BATCH);
      const data = new Float32Array(chunk.length * per);
      await Promise.all(
        chunk.map((f, i) =>
          imageToTensor(f, this.metadata, data, i * per).catch((e: unknown) => {
            unreadable.set(start + i, e instanceof Error ? e.message : String(e));
          }),
        ),
      );
      const out = await this.session.run({ [this.inputName]: new ort.Tensor('float32', data, [chunk.length, c, h, w]) }, [this.outputName, this.embeddingName]);
      const scores = out[this.outputName]!.data as Float32Array;
      const emb = out[this.embeddingName]!.data as Float32Array;
      const k = scores.length / chunk.length;
      const d = emb.length / chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        const row = scores.slice(i * k, (i + 1) * k);
        const bad = unreadable.has(start + i);
        probsRows.push(bad ? new Float32Array(k) : this.isProbs ? row : softmaxRow(row));
        embRows.push(bad ? new Float32Array(d) : emb.slice(i * d, (i + 1) * d));
      }
    }
    const classes = probsRows[0]?.length ?? this.metadata.classNames.length;
    const dim = embRows[0]?.length ?? 0;
    const probs = new Float32Array(files.length * classes);
    const embeddings = new Float32Array(files.length * dim);
    probsRows.forEach((r, i) => probs.set(r, i * classes));
    embRows.forEach((r, i) => embeddings.set(r, i * dim));
    return { probs, embeddings, dim, classes, unreadable };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
