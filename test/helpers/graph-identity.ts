/**
 * Hashes of the training-step graphs the builder makes for the six PyTorch fixtures and for three
 * templates, on the CPU and for WebGPU's known gaps (which switch gradient formulations). A refactor
 * of the op tables (shape rules, gradient rules) must leave every ModelProto byte unchanged; the
 * gradient-rule cases of grad-cases.ts cover the ops the fixtures do not use.
 */
import { createHash } from 'node:crypto';
import { encodeModel } from '../../core/onnx/proto';
import { buildTrainStep } from '../../core/train/build-train-step';
import { buildStudioTrainStep } from '../../core/train/studio';
import { knownTarget, type ProviderTarget } from '../../core/train/target';
import { buildTemplate } from '../../core/templates/index';
import { buildFdGraph } from './finite-differences';
import { FIXTURE_MODELS } from './fixture-tensors';
import { fixtureBatch, trainable } from './fixture-train-steps';
import { CASES } from './grad-cases';

const TARGETS: readonly ProviderTarget[] = [knownTarget('cpu'), knownTarget('webgpu')];

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** `fixture/<model>/<provider>` -> hash of the adam train step with gradients as outputs. */
export function fixtureStepHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const model of FIXTURE_MODELS) {
    const { fx, batch } = fixtureBatch(model);
    for (const target of TARGETS) {
      const step = buildTrainStep(trainable(fx), { batchSize: batch, optimizer: { kind: 'adam' }, outputGradients: true, target });
      out[`fixture/${model}/${target.provider}`] = sha(encodeModel(step.model));
    }
  }
  return out;
}

/** `template/<id>/<provider>` -> hash of the sgd-momentum train step at a small input size. */
export function templateStepHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  const docs = {
    lenet5: buildTemplate('lenet5'),
    resnet18: buildTemplate('resnet18', { input: [3, 32, 32], classes: 10 }),
    googlenet: buildTemplate('googlenet', { input: [3, 64, 64], classes: 10 }),
  };
  for (const [id, doc] of Object.entries(docs)) {
    for (const target of TARGETS) {
      const { step } = buildStudioTrainStep(doc, { batchSize: 4, optimizer: { kind: 'sgd', momentum: 0.9 }, target });
      out[`template/${id}/${target.provider}`] = sha(encodeModel(step.model));
    }
  }
  return out;
}

/** `grad/<case>` -> hash of the finite-difference graph (forward, backward, gradients as outputs). */
export function gradCaseHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of CASES) out[`grad/${c.name}`] = sha(encodeModel(buildFdGraph(c).model));
  return out;
}
