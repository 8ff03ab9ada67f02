/**
 * Data-parallel steps on the CPU (main/trainer/sharded-session.ts): a step split into shards on
 * separate threads gives the unsplit step's loss, logits (row by row, in batch order), and
 * weights, dropout masks included; a dead helper thread is an error, not a hang; release ends the
 * threads; the trainer uses shards for small models on >= 2 threads and says so.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { expandGraph, seededRandom, type ModelDocument } from '../../../core/graph/index';
import { buildStudioDataParallel, buildStudioTrainStep } from '../../../core/train/studio';
import { chooseDataParallel, DATA_PARALLEL_MAX_PARAMS } from '../../../main/trainer/data-parallel-choice';
import { drawMasks, maskSpecs } from '../../../main/trainer/dropout-masks';
import { initialWeights } from '../../../main/trainer/loop';
import { TrainStepRunner } from '../../../main/trainer/ort-session';
import { ShardedSession } from '../../../main/trainer/sharded-session';
import { startTraining } from '../../../main/trainer/start';
import { readCheckpoint } from '../../../main/trainer/checkpoint';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

const OPT = { kind: 'sgd' as const, momentum: 0.9, weightDecay: 1e-3 };

/** tinyProject with dropout at batch `batch`: the step, its data-parallel plan, weights, masks. */
function setup(batch: number, shards: number) {
  const doc = tinyProject(8, { dropout: 0.5 }).model as ModelDocument;
  const opts = { batchSize: batch, optimizer: OPT, dropout: 'mask-input' as const };
  const { step, weights } = buildStudioTrainStep(doc, opts);
  const plan = buildStudioDataParallel(doc, opts, step, shards);
  if ('reason' in plan) throw new Error(plan.reason);
  const masks = maskSpecs(step.extraInputs, expandGraph(doc), batch);
  const rnd = seededRandom(3);
  const images = Float32Array.from({ length: batch * 64 }, () => rnd() * 2 - 1);
  const labels = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 10));
  return { step, plan, masks, images, labels, initial: initialWeights(weights, 5) };
}

function maxScaledDiff(a: Float32Array, b: Float32Array): number {
  const scale = Math.max(1e-12, ...Array.from(b, Math.abs));
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / scale), 0);
}

describe('ShardedSession', () => {
  it.each([
    [7, 2],
    [9, 3],
  ])('batch %i over %i shards equals the unsplit step (dropout masks split by rows)', async (batch, shards) => {
    const s = setup(batch, shards);
    expect(s.plan.sizes.reduce((a, b) => a + b, 0)).toBe(batch);
    const whole = await TrainStepRunner.create(s.step, OPT, s.initial);
    const session = await ShardedSession.create(s.step, s.plan);
    const split = new TrainStepRunner(s.step, session, OPT, s.initial);
    for (let i = 0; i < 3; i++) {
      const masks = drawMasks(s.masks, 1, 0, i);
      // Masks that zero whole rows of one shard but not the other would expose a wrong split.
      const a = await whole.run(s.images, [batch, 1, 8, 8], s.labels, 0.05, masks);
      const b = await split.run(s.images, [batch, 1, 8, 8], s.labels, 0.05, masks);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(a.loss)));
      expect(maxScaledDiff(b.logits, a.logits), `logits, step ${i}`).toBeLessThan(1e-5);
    }
    for (const [name, w] of whole.weights) expect(maxScaledDiff(split.weights.get(name)!, w), name).toBeLessThan(1e-5);
    for (const [name, v] of whole.state) expect(maxScaledDiff(split.state.get(name)!, v), name).toBeLessThan(1e-5);
    await whole.session.release();
    await session.release();
  });

  it('a helper thread that dies fails the step with the reason instead of waiting', async () => {
    const s = setup(8, 2);
    const session = await ShardedSession.create(s.step, s.plan);
    const runner = new TrainStepRunner(s.step, session, OPT, s.initial);
    await runner.run(s.images, [8, 1, 8, 8], s.labels, 0.05, drawMasks(s.masks, 1, 0, 0));
    const helper = (session as unknown as { helpers: { worker: Worker }[] }).helpers[0]!.worker;
    await helper.terminate();
    const started = Date.now();
    await expect(runner.run(s.images, [8, 1, 8, 8], s.labels, 0.05, drawMasks(s.masks, 1, 0, 1))).rejects.toThrow(
      /data-parallel shard failed: the shard thread exited/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    await session.release();
  });

  it('a missing feed is named; release ends every helper thread', async () => {
    const s = setup(9, 3);
    const session = await ShardedSession.create(s.step, s.plan);
    await expect(session.run({})).rejects.toThrow(/was not fed "/);
    const helpers = (session as unknown as { helpers: { worker: Worker }[] }).helpers.map((h) => h.worker);
    expect(helpers.length).toBe(2);
    const exited = helpers.map((w) => new Promise<number>((resolve) => w.once('exit', resolve)));
    await session.release();
    await Promise.all(exited);
  });
});

describe('chooseDataParallel', () => {
  const s = setup(8, 2);
  const build = (shards: number) =>
    buildStudioDataParallel(tinyProject(8, { dropout: 0.5 }).model as ModelDocument, { batchSize: 8, optimizer: OPT, dropout: 'mask-input' }, s.step, shards);
  it('splits small models on >= 2 CPU threads, one shard per thread', () => {
    const c = chooseDataParallel(s.step, 'cpu', 2, build, {});
    expect(c.plan?.sizes).toEqual([4, 4]);
    expect(c.note).toBe('2 data-parallel shards of 4/4 images, one thread each');
    expect(chooseDataParallel(s.step, 'cpu', 4, build, {}).plan?.sizes).toEqual([2, 2, 2, 2]);
  });
  it('keeps one session otherwise, and says why', () => {
    expect(chooseDataParallel(s.step, 'cpu', 1, build, {}).note).toBe('one session, 1 thread(s): one thread');
    expect(chooseDataParallel(s.step, 'webgpu', 2, build, {}).note).toMatch(/CPU only/);
    expect(chooseDataParallel(s.step, 'cpu', 2, build, { CNN_STUDIO_DATA_PARALLEL: '0' }).note).toMatch(/turned off/);
    const big = { ...s.step, weights: [{ name: 'w', updated: 'w.next', shape: [DATA_PARALLEL_MAX_PARAMS + 1] }] };
    expect(
      chooseDataParallel(
        big,
        'cpu',
        2,
        () => {
          throw new Error('not built');
        },
        {},
      ).note,
    ).toMatch(/1,000,001 parameters/);
    expect(chooseDataParallel({ ...s.step, batchSize: 3 }, 'cpu', 2, build, {}).note).toMatch(/batch 3 is too small/);
    expect(chooseDataParallel(s.step, 'cpu', 2, () => ({ reason: 'batch norm statistics couple the samples' }), {}).note).toMatch(
      /not split into shards: batch norm/,
    );
  });
});

describe('the trainer on 2 threads', () => {
  async function run(out: string, data: string, cache: string): Promise<TrainEvent[]> {
    const events: TrainEvent[] = [];
    const r = startTraining(
      { ...options(tinyProject(8, { dropout: 0.25 }), data, out, cache, { epochs: 2, optimizer: 'sgd', lr: 0.05 }), threads: 2 },
      { mode: 'inline' },
    );
    r.on((e) => events.push(e));
    await r.finished;
    return events;
  }
  it('trains in shards, learns, and is reproducible with a fixed seed', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 24 });
    const cache = tempDir('trainer-');
    const outA = path.join(tempDir('trainer-'), 'a');
    const a = await run(outA, data, cache);
    expect(a.at(-1)!.type, JSON.stringify(a.filter((e) => e.type === 'failed'))).toBe('done');
    expect(a.some((e) => e.type === 'log' && /training step: 2 data-parallel shards of 4\/4 images/.test(e.message))).toBe(true);
    const epochs = a.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs[1]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    const outB = path.join(tempDir('trainer-'), 'b');
    expect((await run(outB, data, cache)).at(-1)!.type).toBe('done');
    const [ca, cb] = [await readCheckpoint(path.join(outA, 'last.ckpt')), await readCheckpoint(path.join(outB, 'last.ckpt'))];
    for (const [name, w] of ca.weights) expect(Array.from(cb.weights.get(name)!), name).toEqual(Array.from(w));
  });
});
