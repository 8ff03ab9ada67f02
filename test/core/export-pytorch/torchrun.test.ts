/**
 * The exported recipe runs under torchrun: two processes (gloo on CPU) train one epoch on a small
 * generated image folder and rank 0 writes a checkpoint; that checkpoint goes back into the studio
 * through export_onnx.py and the ONNX import, and the studio's evaluation of the imported model
 * gives the same accuracy (same correct count) as the PyTorch model on the same images.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/export-pytorch/index';
import { exportOnnx } from '../../../core/onnx/export';
import { importOnnx } from '../../../core/onnx/import';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { buildTemplate } from '../../../core/templates/index';
import { evaluateModel } from '../../../main/trainer/eval-run';
import { PYTHON, runPython, TEST_RECIPE, torchMissing, writeFiles } from '../../helpers/python-torch';
import { tempDir } from '../../helpers/temp-dir';

const missing = torchMissing();
if (missing) console.warn(`skipping the torchrun test: ${missing}`);

const MEAN = [0.5, 0.5, 0.5];
const STD = [0.25, 0.25, 0.25];

/** Class "red" is reddish noise, "blue" bluish; 32x32 RGB PNGs, the model's size (no resizing). */
async function imageFolder(root: string): Promise<void> {
  let seed = 7;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (const [split, count] of [
    ['train', 24],
    ['val', 12],
  ] as const) {
    for (const [label, hot] of [
      ['blue', 2],
      ['red', 0],
    ] as const) {
      const dir = path.join(root, split, label);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const px = Buffer.alloc(32 * 32 * 3);
        for (let p = 0; p < 32 * 32; p++) for (let c = 0; c < 3; c++) px[p * 3 + c] = Math.floor(rand() * (c === hot ? 256 : 215));
        await sharp(px, { raw: { width: 32, height: 32, channels: 3 } })
          .png()
          .toFile(path.join(dir, `${i}.png`));
      }
    }
  }
}

/**
 * One CI run (of ~15) saw torchrun hang for the whole 240 s budget where it takes 7-15 s (2-core
 * gVisor machine, busy with other test files); it did not recur in 4 runs under two CPU burners.
 * A hang is torch's process-group start-up on this sandbox, not the recipe, so it gets one more
 * try, with the first try's output printed; a second hang, or any failure that is not a timeout,
 * fails the test. Rank processes a killed torchrun leaves behind are ended before the retry.
 */
function torchrunWithRetry<T>(attempt: () => T, marker: string): T {
  try {
    return attempt();
  } catch (e) {
    if (!String((e as Error).message).includes('ETIMEDOUT')) throw e;
    console.warn(`torchrun timed out; retrying once. First try:\n${(e as Error).message}`);
    spawnSync('pkill', ['-KILL', '-f', marker]);
    return attempt();
  }
}

describe.skipIf(missing !== null)('export-pytorch: torchrun training and the way back', () => {
  const root = tempDir('cnn-pt-torchrun-');

  it('trains one epoch on 2 processes; the checkpoint re-imports with the same accuracy and resumes', async () => {
    const data = path.join(root, 'data');
    await imageFolder(data);
    const doc = buildTemplate('lenet5', { input: [3, 32, 32], classes: 2 });
    const project = path.join(root, 'project');
    const recipe = { ...TEST_RECIPE, mean: MEAN, std: STD, classes: ['blue', 'red'] };
    writeFiles(project, exportPytorch(doc, { projectName: 'lenet5 rgb', recipe }).files);

    const out = path.join(root, 'run');
    const torchrun = existsSync('/usr/bin/torchrun') ? ['/usr/bin/torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];
    const started = performance.now();
    // --redirects/--tee as mappings: torch 1.13's torchrun cannot parse their default "0" on
    // Python 3.11 (only single-bit Std members iterate there); stdout is teed to the console.
    const streams = ['--redirects', '0:1,1:1', '--tee', '0:1,1:1'];
    const args = [
      ...torchrun.slice(1),
      '--standalone',
      '--nproc_per_node',
      '2',
      ...streams,
      'train.py',
      '--data',
      data,
      '--epochs',
      '1',
      '--out',
      out,
      '--workers',
      '0',
    ];
    const train = torchrunWithRetry(() => runPython(args, project, 120_000, torchrun[0], { GLOO_SOCKET_IFNAME: 'lo' }), data);
    const seconds = (performance.now() - started) / 1000;
    // Teed lines carry a "[rank]:" prefix; rank 0 prints one JSON record per epoch.
    const records = train.stdout
      .split('\n')
      .map((l) => l.slice(l.indexOf('{')))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const epoch = records.find((r) => r.epoch === 1);
    expect(epoch, train.stdout + train.stderr).toBeDefined();
    expect(existsSync(path.join(out, 'last.pt'))).toBe(true);
    console.log(`torchrun --nproc_per_node 2, one epoch: ${seconds.toFixed(1)} s (${JSON.stringify(epoch)})`);

    // The PyTorch model's accuracy on the validation images.
    const ev = runPython(['train.py', '--data', data, '--eval-only', '--weights', path.join(out, 'last.pt'), '--workers', '0'], project);
    const torchEval = JSON.parse(ev.stdout.trim().split('\n').pop()!) as { accuracy: number; confusion: number[][] };
    expect(torchEval.confusion.flat().reduce((a, b) => a + b)).toBe(24);

    // Back into the studio: ONNX from PyTorch -> import -> studio export with preprocessing -> evaluate.
    runPython(['export_onnx.py', '--weights', path.join(out, 'last.pt'), '--out', path.join(out, 'model.onnx')], project);
    const imported = importOnnx(decodeModel(new Uint8Array(readFileSync(path.join(out, 'model.onnx')))));
    const studio = exportOnnx(imported.document, {
      weights: imported.weights,
      mean: MEAN,
      std: STD,
      colorMode: 'rgb',
      classNames: ['blue', 'red'],
      resize: 'stretch',
    });
    expect(studio.initialized).toEqual([]);
    const studioFile = path.join(out, 'studio.onnx');
    writeFileSync(studioFile, encodeModel(studio.model));
    const report = await evaluateModel(studioFile, data, { cacheDir: path.join(root, 'cache'), threads: 1 });
    console.log(
      `round trip: PyTorch accuracy ${torchEval.accuracy} ${JSON.stringify(torchEval.confusion)}, studio ${report.accuracy} ${JSON.stringify(report.confusion)} on ${report.split}`,
    );
    expect(report.split).toBe('val');
    expect(report.accuracy).toBeCloseTo(torchEval.accuracy, 10);
    // Not only the same count: the same predictions per class.
    expect(report.confusion).toEqual(torchEval.confusion);

    // Resume (one process now: the global batch, so the steps per epoch, stay the same).
    const resumed = runPython(['train.py', '--data', data, '--epochs', '2', '--out', out, '--workers', '0', '--resume', path.join(out, 'last.pt')], project);
    const epochs = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch?: number; lr?: number })
      .filter((r) => r.epoch !== undefined);
    expect(epochs.map((e) => e.epoch)).toEqual([2]);
  }, 420_000);
});
