/** predict --device: the same probabilities on WebGPU (where it loads) as on the CPU. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { metadataProps } from '../../../core/onnx/metadata';
import { Predictor } from '../../../main/inference/predict';
import { probeExecutionProviders } from '../../../main/providers';
import { loadFixture } from '../../helpers/fixture-onnx';
import { cli } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-device-predict-');

describe('inference on a GPU provider', () => {
  it('WebGPU probabilities match the CPU within 1e-4; the CLI accepts --device', async (ctx) => {
    const webgpu = (await probeExecutionProviders({ timeoutMs: 120_000 })).find((p) => p.name === 'webgpu');
    if (!webgpu?.available) ctx.skip();
    const model = decodeModel(new Uint8Array(readFileSync(loadFixture('lenet5').onnxPath)));
    model.metadata = metadataProps({
      modelName: 'lenet5',
      classNames: [],
      inputSize: [1, 28, 28],
      colorMode: 'grayscale',
      mean: [0.5],
      std: [0.25],
      studioVersion: 'test',
      resize: 'stretch',
    });
    const batch = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.sin(i * 0.37));
    const on = async (device: 'cpu' | 'webgpu'): Promise<Float32Array> => {
      const p = await Predictor.fromModel(model, { device, threads: 1 });
      try {
        return await p.probabilities(batch, 2);
      } finally {
        await p.close();
      }
    };
    const cpu = await on('cpu');
    const gpu = await on('webgpu');
    expect(gpu.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(gpu[i]! - cpu[i]!)).toBeLessThan(1e-4);
    const file = path.join(dir, 'lenet5.onnx');
    writeFileSync(file, encodeModel(model));
    const r = await cli('predict', file, file, '--device', 'webgpu', '--json');
    // The "image" is not an image: the per-file error proves the model opened on the device path.
    expect(r.err).not.toMatch(/on the CPU/);
    expect(JSON.parse(r.out)).toEqual([{ file, error: expect.any(String) }]);
  }, 180_000);
});
