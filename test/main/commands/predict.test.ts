import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { metadataProps } from '../../../core/onnx/metadata';
import { loadFixture } from '../../helpers/fixture-onnx';
import { capture } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-predict-cli-');
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

beforeAll(async () => {
  const model = decodeModel(new Uint8Array(readFileSync(loadFixture('vgg_mini').onnxPath)));
  model.metadata = metadataProps({
    modelName: 'vgg',
    classNames: CLASSES,
    inputSize: [3, 32, 32],
    colorMode: 'rgb',
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    studioVersion: 'test',
    resize: 'stretch',
  });
  mkdirSync(path.join(dir, 'run'));
  writeFileSync(path.join(dir, 'run', 'model.onnx'), encodeModel(model));
  mkdirSync(path.join(dir, 'imgs'));
  for (const [i, color] of ['#ff0000', '#00ff00', '#2040c0'].entries()) {
    await sharp({ create: { width: 48, height: 40, channels: 3, background: color } })
      .png()
      .toFile(path.join(dir, 'imgs', `img${i}.png`));
  }
});

describe('cnn-studio predict', () => {
  it('prints top-k with class names for files and folders', async () => {
    const io = capture();
    const code = await runCli(['predict', path.join(dir, 'run', 'model.onnx'), path.join(dir, 'imgs'), '--top', '3', '--threads', '1'], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout.match(/img\d\.png/g)).toHaveLength(3);
    expect(io.stdout.match(/^ {2}\d\. /gm)).toHaveLength(9);
    expect(CLASSES.some((c) => io.stdout.includes(c))).toBe(true);
  });

  it('--json gives probabilities that a run folder resolves to its model.onnx', async () => {
    const io = capture();
    expect(await runCli(['predict', path.join(dir, 'run'), path.join(dir, 'imgs', 'img0.png'), '--json', '-k', '10'], io)).toBe(0);
    const parsed = JSON.parse(io.stdout) as { file: string; top: { label: string; probability: number }[] }[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.top).toHaveLength(10);
    expect(parsed[0]!.top.reduce((a, t) => a + t.probability, 0)).toBeCloseTo(1, 4);
  });

  it('reports a missing image, exit code 1, others still printed', async () => {
    const io = capture();
    const code = await runCli(['predict', path.join(dir, 'run'), path.join(dir, 'imgs', 'img1.png'), path.join(dir, 'nope.png')], io);
    expect(code).toBe(1);
    expect(io.stdout).toMatch(/img1\.png/);
    expect(io.stderr).toMatch(/nope\.png: cannot read the image/);
  });

  it('refuses a garbage model and a bad --top with one line', async () => {
    writeFileSync(path.join(dir, 'bad.onnx'), 'hello');
    const io = capture();
    expect(await runCli(['predict', path.join(dir, 'bad.onnx'), path.join(dir, 'imgs')], io)).toBe(1);
    expect(io.stderr.trim()).toMatch(/^error: .*bad\.onnx: not an ONNX model: it is a text file/);
    const top = capture();
    expect(await runCli(['predict', path.join(dir, 'run'), path.join(dir, 'imgs'), '--top', '0'], top)).toBe(1);
    expect(top.stderr).toMatch(/--top: "0"/);
  });
});
