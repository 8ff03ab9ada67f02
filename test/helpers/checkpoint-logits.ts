import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildStudioEval } from '../../core/train/studio';
import { readCheckpoint } from '../../main/trainer/checkpoint';
import { createSession, labelTensor } from '../../main/trainer/ort-session';
import { loadProject } from '../../main/trainer/project-model';
import { projectFile } from '../../main/trainer/run-folder';
import type { ProjectJson } from '../../main/trainer/types';

/**
 * Logits of a run's best checkpoint through the training side's own eval graph (not the exporter's),
 * for `batch` images of the run's input shape: the reference an exported file must reproduce.
 */
export async function checkpointLogits(runDir: string, images: Float32Array, batch: number): Promise<Float32Array> {
  const project = loadProject(JSON.parse(await fs.readFile(projectFile(runDir), 'utf8')) as ProjectJson);
  const ckpt = await readCheckpoint(path.join(runDir, 'best.ckpt'));
  const { evalGraph, weights } = buildStudioEval(project.model, { batchSize: batch });
  const session = await createSession(evalGraph.model, { device: 'cpu', threads: 1 });
  try {
    const declared = evalGraph.model.graph.inputs.find((i) => i.name === evalGraph.images)?.shape ?? [];
    const shape = declared.map((d, i) => (i === 0 ? batch : Number(d)));
    const shapes = new Map(weights.map((w) => [w.name, w.shape]));
    const feeds: Record<string, ort.Tensor> = {
      [evalGraph.images]: new ort.Tensor('float32', images, shape),
      [evalGraph.labels]: labelTensor(evalGraph.labelFormat, new Int32Array(batch), 2),
    };
    for (const name of evalGraph.weightInputs) {
      const v = ckpt.weights.get(name) ?? ckpt.running.get(name);
      if (!v) throw new Error(`best.ckpt has no "${name}"`);
      feeds[name] = new ort.Tensor('float32', v, shapes.get(name) ?? [v.length]);
    }
    return (await session.run(feeds))[evalGraph.logits]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Expects two logit arrays to agree to float32 rounding of a few hundred multiply-adds. */
export function logitsAgree(got: Float32Array, want: Float32Array): string | null {
  if (got.length !== want.length) return `${got.length} logits, expected ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-4 * Math.max(1, Math.abs(want[i]!))) return `logit ${i}: ${got[i]} vs ${want[i]}`;
  }
  return null;
}
