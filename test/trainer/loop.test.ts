/** The loop in process: learns an easy task, same seed -> same run, checkpoints round-trip. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTraining } from '../../main/trainer/start';
import { readCheckpoint, encodeCheckpoint, decodeCheckpoint } from '../../main/trainer/checkpoint';
import { readRunJson } from '../../main/trainer/run-folder';
import type { TrainEvent } from '../../main/trainer/types';
import { cleanup, makeDataset, options, tinyProject, tmpDir } from './helpers';

afterAll(cleanup);

async function collect(run: ReturnType<typeof startTraining>): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  await run.finished;
  return events;
}

describe('training loop (in process)', () => {
  it('learns an easy task; same seed gives identical weights; checkpoints round-trip', async () => {
    const data = await makeDataset(await tmpDir(), { perClass: 24 });
    const cache = await tmpDir();
    const outA = path.join(await tmpDir(), 'runA');
    const outB = path.join(await tmpDir(), 'runB');
    const a = await collect(startTraining(options(tinyProject(), data, outA, cache, { epochs: 3 }), { mode: 'inline' }));
    const done = a.at(-1)!;
    expect(done.type, JSON.stringify(a.filter((e) => e.type === 'failed' || e.type === 'log'))).toBe('done');
    const epochs = a.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(epochs[2]!.valAccuracy!).toBeGreaterThan(0.75);
    expect(a.some((e) => e.type === 'log' && /class count set from the dataset/.test(e.message))).toBe(true);
    expect(a.filter((e) => e.type === 'progress').length).toBeGreaterThan(0);

    const b = await collect(startTraining(options(tinyProject(), data, outB, cache, { epochs: 3 }), { mode: 'inline' }));
    expect(b.at(-1)!.type).toBe('done');
    const ca = await readCheckpoint(path.join(outA, 'last.ckpt'));
    const cb = await readCheckpoint(path.join(outB, 'last.ckpt'));
    expect(ca.epoch).toBe(3);
    expect(ca.step).toBe(cb.step);
    for (const [k, v] of ca.weights) expect(Buffer.from(cb.weights.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
    for (const [k, v] of ca.optimizerState) expect(Buffer.from(cb.optimizerState.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);

    // Round trip: encode(decode(x)) == x byte for byte (apart from the timestamp in the header).
    const bytes = await fs.readFile(path.join(outA, 'last.ckpt'));
    const again = decodeCheckpoint(encodeCheckpoint(ca, new Map()));
    expect([...again.weights.keys()]).toEqual([...ca.weights.keys()]);
    expect(again.bestEpoch).toBe(ca.bestEpoch);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('CNNSCKP1');

    const run = await readRunJson(outA);
    expect(run.status).toBe('done');
    expect(run.history).toHaveLength(3);
    expect(run.data.classes).toEqual(['bottom', 'top']);
    expect(run.preprocessing.inputSize).toEqual([1, 8, 8]);
    expect(run.evaluation!.confusion).toHaveLength(2);
    await fs.access(path.join(outA, 'model.onnx'));
    await fs.access(path.join(outA, 'best.ckpt'));
  });
});
