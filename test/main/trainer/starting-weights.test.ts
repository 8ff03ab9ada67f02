/**
 * Fine-tuning: a run starts from the checkpoint an ONNX import wrote (or one given explicitly),
 * tensor by tensor, and says which tensors had to start fresh.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import type { CliIO } from '../../../main/commands/io';
import { weightsCheckpoint, readWeights } from '../../../main/onnx/project-weights';
import { startTraining } from '../../../main/trainer/start';
import { applyStartingWeights, startingWeightsFile } from '../../../main/trainer/starting-weights';
import type { ProjectJson, TrainEvent } from '../../../main/trainer/types';
import { parseProject } from '../../../core/graph/project';
import { makeDataset, options } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

const quiet: CliIO = { out: () => undefined, err: () => undefined, setExitCode: () => undefined };
const FIXTURE = path.resolve(__dirname, '../../fixtures/lenet5/model.onnx');

describe('starting weights', () => {
  it('uses tensors that match by name and size, keeps the others fresh, and refuses a file with none', async () => {
    const dir = tempDir('trainer-');
    const file = path.join(dir, 'w.ckpt');
    await fs.writeFile(
      file,
      weightsCheckpoint(
        new Map([
          ['a.weight', Float32Array.from([1, 2, 3, 4])],
          ['b.weight', Float32Array.from([5, 6])],
        ]),
        new Map([
          ['a.weight', [2, 2]],
          ['b.weight', [2]],
        ]),
      ),
    );
    const fresh = new Map([
      ['a.weight', new Float32Array(4)],
      ['b.weight', new Float32Array(3)],
      ['c.bias', new Float32Array(1)],
    ]);
    const defs = [
      { name: 'a.weight', shape: [2, 2] },
      { name: 'b.weight', shape: [3] },
      { name: 'c.bias', shape: [1] },
    ];
    const r = await applyStartingWeights(file, defs, fresh);
    expect(r).toEqual({ loaded: 1, keptFresh: ['b.weight', 'c.bias'] });
    expect(Array.from(fresh.get('a.weight')!)).toEqual([1, 2, 3, 4]);
    await expect(applyStartingWeights(file, [{ name: 'z', shape: [1] }], new Map())).rejects.toThrow(/none of its tensors matches/);
    await fs.writeFile(path.join(dir, 'bad.ckpt'), 'garbage');
    await expect(applyStartingWeights(path.join(dir, 'bad.ckpt'), defs, fresh)).rejects.toThrow(/cannot start from .*bad\.ckpt/);
  });

  it('finds the checkpoint a project names, relative to the project file, unless told to start from scratch', async () => {
    const dir = tempDir('trainer-');
    await fs.writeFile(path.join(dir, 'm.ckpt'), 'x');
    const project: ProjectJson = { name: 'm', model: { nodes: [], edges: [], groups: [] }, extra: { weights: 'm.ckpt' } };
    const projectPath = path.join(dir, 'm.json');
    expect(startingWeightsFile({ project, projectPath })).toBe(path.join(dir, 'm.ckpt'));
    expect(startingWeightsFile({ project, projectPath, fromScratch: true })).toBeNull();
    expect(startingWeightsFile({ project: { ...project, extra: { weights: 'gone.ckpt' } }, projectPath })).toBeNull();
    expect(startingWeightsFile({ project, projectPath, initialWeights: 'other.ckpt' })).toBe(path.resolve('other.ckpt'));
  });

  it('an imported LeNet-5 fine-tunes from its weights; the classifier for the new class count starts fresh', async () => {
    const dir = tempDir('trainer-');
    const projectPath = path.join(dir, 'lenet.json');
    expect(await runCli(['import', FIXTURE, '-o', projectPath], quiet)).toBe(0);
    const parsed = parseProject(await fs.readFile(projectPath, 'utf8'));
    const imported = await readWeights(path.join(dir, 'lenet.ckpt'));
    const data = await makeDataset(tempDir('trainer-'), { perClass: 8, size: 28 });
    const out = path.join(tempDir('trainer-'), 'run');
    const project: ProjectJson = { name: parsed.name, model: parsed.model, extra: parsed.extra };
    // A learning rate this small leaves the weights where they started, to within float rounding.
    const run = startTraining({ ...options(project, data, out, tempDir('trainer-'), { epochs: 1, lr: 1e-9 }), projectPath }, { mode: 'inline' });
    const events: TrainEvent[] = [];
    run.on((e) => events.push(e));
    const end = await run.finished;
    expect(end.type).toBe('done');
    const log = events
      .filter((e): e is Extract<TrainEvent, { type: 'log' }> => e.type === 'log')
      .map((e) => e.message)
      .join('\n');
    expect(log).toMatch(/starting from 8 tensors of .*lenet\.ckpt; initialised fresh \(no tensor of that name and size\): fc3\.weight, fc3\.bias/);
    const after = await readWeights(path.join(out, 'last.ckpt'));
    const conv1 = after.get('conv1.weight')!;
    const want = imported.get('conv1.weight')!;
    expect(conv1.length).toBe(want.length);
    expect(Math.max(...conv1.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5);
  });
});
