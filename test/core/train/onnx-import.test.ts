/**
 * Training a raw imported ONNX graph (PyTorch's eval export, BN folded into the convs): decode,
 * prepareForTraining, train step. The first step's logits equal the fixture's eval logits (no BN
 * left, dropout disabled), and a few SGD steps on one batch lower the loss.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../core/onnx/proto';
import { buildTrainStep } from '../../../core/train/build-train-step';
import { prepareForTraining } from '../../../core/train/prepare';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { compare, Fixture } from '../../helpers/fixture-tensors';

describe.each(['resnet_mini', 'googlenet_mini', 'alexnet_mini'] as const)('imported %s model.onnx', (model) => {
  it('trains: logits match eval logits, loss decreases', async () => {
    const fx = new Fixture(model);
    const m = fx.manifest;
    const onnx = decodeModel(new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/${model}/model.onnx`, import.meta.url)))));
    const graph = onnx.graph;
    const prepared = prepareForTraining(graph, { batch: 8 });
    const trainable = graph.initializers.filter((t) => t.dtype === 'float32').map((t) => t.name);
    const cfg = { kind: 'sgd' as const, momentum: 0.9 };
    const step = buildTrainStep(
      { graph: prepared.graph, input: graph.inputs[0]!.name, logits: graph.outputs[0]!.name, trainable, stateUpdates: prepared.stateUpdates },
      { batchSize: 8, optimizer: cfg },
    );
    const initial = new Map(graph.initializers.filter((t) => t.dtype === 'float32').map((t) => [t.name, Float32Array.from(t.data as Float32Array)] as const));
    const runner = await TrainStepRunner.create(step, cfg, initial);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await runner.run(fx.f32(m.input), m.input.shape, fx.i64(m.labels), 0.01);
      if (i === 0) expect(compare(r.logits, fx.f32(m.eval_logits), 1e-4, 1e-5).bad).toBe(0);
      losses.push(r.loss);
    }
    expect(losses[3]!).toBeLessThan(losses[0]!);
    runner.session.release();
  });
});
