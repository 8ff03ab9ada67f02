/**
 * Classifies image files with an ONNX model (exported by the studio, imported, or from anywhere
 * else) in onnxruntime-node: preprocessing from the model's metadata, batches as large as the
 * model allows, top-k with class names.
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Model } from '../../core/onnx/ir';
import { readMetadata, type ModelMetadata } from '../../core/onnx/metadata';
import { encodeModel } from '../../core/onnx/proto';
import { loadOnnxModel } from '../onnx/load-model';
import { imageToTensor, type Preprocessing } from './preprocess';
import { providerConfig, providerSessionOptions } from '../providers/layout';
import type { Device } from '../trainer/ort-session';

export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export type ImagePrediction = { file: string; top: ClassScore[] } | { file: string; error: string };

export interface PredictorOptions {
  /** onnxruntime intra-op threads; default: the machine's available parallelism. */
  threads?: number;
  /** Images per run when the model's batch dimension is dynamic (default 32). */
  batchSize?: number;
  /** Overrides of the model's stored preprocessing (for models from elsewhere). */
  preprocessing?: Partial<Preprocessing>;
  /** Execution provider (default CPU); ops it lacks run on the CPU. Choose it with selectDevice. */
  device?: Device;
}

function softmaxRows(logits: Float32Array, rows: number): Float32Array {
  const cols = logits.length / rows;
  const out = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, logits[r * cols + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += out[r * cols + j] = Math.exp(logits[r * cols + j]! - max);
    for (let j = 0; j < cols; j++) out[r * cols + j]! /= sum;
  }
  return out;
}

export function topK(probs: ArrayLike<number>, k: number, labels: string[]): ClassScore[] {
  const idx = Array.from({ length: probs.length }, (_, i) => i);
  idx.sort((a, b) => probs[b]! - probs[a]!);
  return idx.slice(0, Math.max(1, k)).map((i) => ({ index: i, label: labels[i] ?? `class ${i}`, probability: probs[i]! }));
}

export class Predictor {
  readonly preprocessing: Preprocessing;
  private readonly fixedBatch: number | null;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly metadata: ModelMetadata,
    private readonly inputName: string,
    private readonly probsOutput: string | null,
    private readonly logitsOutput: string,
    batchDim: number | string | undefined,
    private readonly batchSize: number,
    overrides: Partial<Preprocessing>,
  ) {
    this.preprocessing = {
      inputSize: overrides.inputSize ?? metadata.inputSize,
      colorMode: overrides.colorMode ?? metadata.colorMode,
      mean: overrides.mean ?? metadata.mean,
      std: overrides.std ?? metadata.std,
      resize: overrides.resize ?? metadata.resize,
    };
    this.fixedBatch = typeof batchDim === 'number' && batchDim > 0 ? batchDim : null;
  }

  static async open(modelPath: string, opts: PredictorOptions = {}): Promise<Predictor> {
    const loaded = await loadOnnxModel(modelPath);
    return Predictor.fromModel(loaded.model, opts);
  }

  static async fromModel(model: Model, opts: PredictorOptions = {}): Promise<Predictor> {
    const initNames = new Set(model.graph.initializers.map((t) => t.name));
    const input = model.graph.inputs.find((i) => !initNames.has(i.name));
    if (!input) throw new Error('the model has no image input');
    if (input.shape.length !== 4 && input.shapeKnown !== false) {
      throw new Error(`the model's input "${input.name}" has shape [${input.shape.join(', ')}]; an image classifier takes [N, C, H, W]`);
    }
    const outputs = model.graph.outputs.map((o) => o.name);
    const probs = outputs.includes('probabilities') ? 'probabilities' : null;
    const logits = outputs.includes('logits') ? 'logits' : (outputs.find((o) => o !== probs) ?? outputs[0]!);
    // Encoding inlines external data that loadOnnxModel already read (and path-checked), so the
    // runtime never follows a reference in the file by itself.
    const device = opts.device ?? 'cpu';
    const session = await ort.InferenceSession.create(encodeModel(model), {
      executionProviders: (device === 'cpu' ? ['cpu'] : [providerConfig(device), 'cpu']) as ort.InferenceSession.ExecutionProviderConfig[],
      intraOpNumThreads: opts.threads ?? Math.max(1, os.availableParallelism()),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      ...providerSessionOptions(device),
    });
    return new Predictor(session, readMetadata(model), input.name, probs, logits, input.shape[0], opts.batchSize ?? 32, opts.preprocessing ?? {});
  }

  get classNames(): string[] {
    return this.metadata.classNames;
  }

  /** Class probabilities, [n, classes] row-major, for an already preprocessed NCHW batch. */
  async probabilities(batch: Float32Array, n: number): Promise<Float32Array> {
    const [c, h, w] = this.preprocessing.inputSize;
    const feeds = { [this.inputName]: new ort.Tensor('float32', batch, [n, c, h, w]) };
    const fetches = this.probsOutput ? [this.probsOutput] : [this.logitsOutput];
    const out = await this.session.run(feeds, fetches);
    const data = out[fetches[0]!]!.data as Float32Array;
    return this.probsOutput ? data : softmaxRows(data, n);
  }

  async predictFiles(files: string[], k = 5): Promise<ImagePrediction[]> {
    const [c, h, w] = this.preprocessing.inputSize;
    const per = c * h * w;
    const batch = this.fixedBatch ?? Math.max(1, this.batchSize);
    const results: ImagePrediction[] = [];
    for (let start = 0; start < files.length; start += batch) {
      const chunk = files.slice(start, start + batch);
      const n = this.fixedBatch ?? chunk.length;
      const data = new Float32Array(n * per);
      const ok: boolean[] = [];
      const errors = new Map<number, string>();
      await Promise.all(
        chunk.map((f, i) =>
          imageToTensor(f, this.preprocessing, data, i * per).then(
            () => (ok[i] = true),
            (e: unknown) => errors.set(i, e instanceof Error ? e.message : String(e)),
          ),
        ),
      );
      const probs = ok.some(Boolean) ? await this.probabilities(data, n) : new Float32Array(0);
      const classes = probs.length / n;
      chunk.forEach((file, i) => {
        const err = errors.get(i);
        if (err !== undefined) results.push({ file, error: err });
        else results.push({ file, top: topK(probs.subarray(i * classes, (i + 1) * classes), k, this.classNames) });
      });
    }
    return results;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
