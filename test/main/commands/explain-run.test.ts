/**
 * Grad-CAM of a trained run: `cnn-studio explain RUN_DIR IMAGE --json` against Grad-CAM with
 * PyTorch hooks on the project `cnn-studio export-pytorch RUN_DIR` writes, with that project's own
 * preprocessing (train.py's load_image, mean and std). The image is at the model's size and mode,
 * where train.py's decode is the studio's exactly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../../../main/trainer/loop';
import { cli } from '../../helpers/cli-io';
import { runPython, torchMissing } from '../../helpers/python-torch';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';

const missing = torchMissing();
if (missing) console.warn(`skipping the trained-run Grad-CAM comparison: ${missing}`);

interface Cam {
  class: number;
  heatmap: number[][];
  probabilities: number[];
}

describe.skipIf(missing !== null)('explain a trained run', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cnn-explain-run-'));
  const run = path.join(root, 'run');
  const py = path.join(root, 'py');
  const image = path.join(root, 'probe.png');
  let ours: Cam;
  let theirs: Cam;

  beforeAll(async () => {
    const data = await makeDataset(path.join(root, 'data'), { perClass: 16, size: 8 });
    const done = await runTraining(options(tinyProject(8, { batchnorm: true }), data, run, path.join(root, 'cache'), { epochs: 1 }), () => undefined);
    expect(done.type).toBe('done');
    const exported = await cli('export-pytorch', run, '-o', py);
    expect(exported.code, exported.err).toBe(0);
    // A grey 8x8 image with a bright lower band: class "bottom" of makeDataset.
    const px = Buffer.from(Array.from({ length: 64 }, (_, i) => (i >= 32 ? 190 : 50) + ((i * 7) % 13)));
    await sharp(px, { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toFile(image);
    const r = await cli('explain', run, image, '--json');
    expect(r.code, r.err).toBe(0);
    ours = JSON.parse(r.out) as Cam;
    const job = { dir: py, image, module: 'conv1', class: null, output: path.join(root, 'cam.json') };
    writeFileSync(path.join(root, 'jobs.json'), JSON.stringify([job]));
    runPython([path.join(__dirname, '..', 'inference', 'grad-cam-torch.py'), 'jobs.json'], root, 240_000);
    theirs = JSON.parse(readFileSync(job.output, 'utf8')) as Cam;
  }, 300_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the class, probabilities and map PyTorch hooks give', () => {
    expect(ours.class).toBe(theirs.class);
    for (let k = 0; k < theirs.probabilities.length; k++) expect(ours.probabilities[k]).toBeCloseTo(theirs.probabilities[k]!, 5);
    const a = ours.heatmap.flat();
    const b = theirs.heatmap.flat();
    expect(a.length).toBe(64);
    const scale = Math.max(...b);
    expect(scale).toBeGreaterThan(0);
    const err = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    console.log(`trained run: max |difference| ${err.toExponential(2)} of max ${scale.toPrecision(3)}`);
    expect(err).toBeLessThan(1e-4 * scale);
  });
});
