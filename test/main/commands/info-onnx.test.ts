import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { loadFixture } from '../../helpers/fixture-onnx';
import { capture } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-info-onnx-');

describe('cnn-studio info on ONNX files', () => {
  it('prints the layer table and totals of an imported model', async () => {
    const io = capture();
    expect(await runCli(['info', loadFixture('resnet_mini').onnxPath], io)).toBe(0);
    expect(io.stdout).toMatch(/ONNX model: opset 17, IR 8, producer pytorch 1\.13\.0/);
    expect(io.stdout).toMatch(/imported as 8 blocks \(modules recovered as groups: layer1, layer2, layer3\)/);
    expect(io.stdout).toMatch(/layer3\.downsample\.0\s+conv2d\s+N×32×8×8/);
    expect(io.stdout).toMatch(/parameters:\s+22,042/);
  });

  it('--json gives the report; garbage is one error line naming the file', async () => {
    const io = capture();
    expect(await runCli(['info', loadFixture('lenet5').onnxPath, '--json'], io)).toBe(0);
    expect((JSON.parse(io.stdout) as { totals: { params: number } }).totals.params).toBe(61706);
    const bad = path.join(dir, 'bad.onnx');
    writeFileSync(bad, Buffer.from([0x08, 0x07, 0x12, 0xff, 0xff, 0x01]));
    const err = capture();
    expect(await runCli(['info', bad], err)).toBe(1);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).toMatch(/bad\.onnx: not (a valid|an) ONNX model/);
  });
});
