/**
 * Data-parallel train steps (core/train/data-parallel.ts, main/trainer/sharded-session.ts) against
 * PyTorch ground truth: the batch of each fixture model without batch norm split into shards run on
 * separate threads, the weighted gradients summed by the update graph, must give PyTorch's losses
 * and parameters after 3 steps of SGD, Nesterov SGD, Adam and AdamW, with the same tolerances as
 * the unsplit step. Models with batch norm must be refused, with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrainStep } from '../../../core/train/build-train-step';
import { planDataParallel } from '../../../core/train/data-parallel';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { ShardedSession } from '../../../main/trainer/sharded-session';
import { FIXTURE_MODELS } from '../../helpers/fixture-tensors';
import { expectStepsLikePyTorch, fixtureBatch, optimizerOf, trainable } from '../../helpers/fixture-train-steps';

const report: string[] = [];
afterAll(() => {
  if (process.env.TRAIN_REPORT) console.log(report.join('\n'));
});

describe.each(FIXTURE_MODELS)('%s', (model) => {
  const { fx, m, images, labels, batch } = fixtureBatch(model);
  const coupled = model === 'resnet_mini' || model === 'googlenet_mini';

  it(coupled ? 'is refused: batch norm couples the samples' : 'is split into shards', () => {
    const src = trainable(fx);
    const opts = { batchSize: batch, optimizer: { kind: 'sgd' as const, momentum: 0.9 } };
    const plan = planDataParallel(src, opts, buildTrainStep(src, opts), 2);
    if (coupled) expect('reason' in plan && plan.reason).toMatch(/batch norm/);
    else expect('sizes' in plan && plan.sizes).toEqual([batch / 2, batch / 2]);
  });

  // 2 shards of 4, and 3 uneven shards (3/3/2: each shard's loss and gradient weighted by n_k / B).
  it.skipIf(coupled).each(['sgd', 'sgd_nesterov', 'adam', 'adamw'] as const)('3 steps of %s in shards', async (name) => {
    const o = m.optimizers[name];
    const cfg = optimizerOf(name, o.config);
    const src = trainable(fx);
    const opts = { batchSize: batch, optimizer: cfg };
    const step = buildTrainStep(src, opts);
    for (const shards of [2, 3]) {
      const plan = planDataParallel(src, opts, step, shards);
      if ('reason' in plan) throw new Error(plan.reason);
      const session = await ShardedSession.create(step, plan);
      const runner = new TrainStepRunner(step, session, cfg, fx.params());
      const losses: number[] = [];
      for (let i = 0; i < o.steps; i++) losses.push((await runner.run(images, m.input.shape, labels, o.config.lr)).loss);
      report.push(`${model} ${name} ${plan.sizes.join('/')}: ${expectStepsLikePyTorch(fx, name, losses, runner.weights)}`);
      await session.release();
    }
  });
});
