/**
 * Shared set-up of the WebGPU tests: shader and op-support caches, and whether WebGPU runs here.
 * Without a Vulkan driver (a GPU driver or Mesa's lavapipe) the tests are skipped with the reason;
 * CI installs lavapipe (.ci/run), so there they run.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../core/onnx/builder';
import { encodeModel } from '../../core/onnx/proto';
import { makeModel } from '../../core/train/build-train-step';
import { cacheDir, OpSupportCache } from '../../main/providers/op-support-cache';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Compiled shaders (lavapipe compiles each kernel 8-16 s cold, < 1 s from this cache). */
process.env.MESA_SHADER_CACHE_DIR ??= path.join(root, 'node_modules/.cache/mesa-shaders');
/** lavapipe runs 128-bit vectors faster than its default on this CPU (see .ci/run). */
process.env.LP_NATIVE_VECTOR_WIDTH ??= '128';

/** The op-support cache of the tests (kept between runs like the shader cache); the trainer finds it through CNN_STUDIO_CACHE_DIR. */
process.env.CNN_STUDIO_CACHE_DIR ??= path.join(root, 'node_modules/.cache/cnn-studio-test');
export const OP_CACHE_FILE = path.join(cacheDir(), 'op-support.json');

export function opCache(): Promise<OpSupportCache> {
  return OpSupportCache.open(OP_CACHE_FILE);
}

/** null when a WebGPU session loads and computes y = x + 1 here, else why not. */
async function check(): Promise<string | null> {
  if (!ort.listSupportedBackends().some((b) => b.name === 'webgpu')) return `onnxruntime-node offers no WebGPU provider on ${process.platform}/${process.arch}`;
  const g = new GraphBuilder('check');
  g.input('x', 'float32', [4]);
  g.op('Add', ['x', g.constFloat('one', [1], [1])], {}, { outputNames: ['y'] });
  g.output('y', 'float32', [4]);
  try {
    const s = await ort.InferenceSession.create(encodeModel(makeModel(g.build(), 'check')), {
      executionProviders: [{ name: 'webgpu' } as ort.InferenceSession.ExecutionProviderConfig],
      logSeverityLevel: 3,
      extra: { session: { disable_cpu_ep_fallback: '1' } },
    });
    const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [4]) })).y!.data as Float32Array;
    await s.release();
    return y[3] === 5 ? null : `WebGPU computed ${Array.from(y).join(', ')} for 2..5`;
  } catch (e) {
    return `WebGPU does not load here (needs a Vulkan driver: a GPU driver or Mesa's lavapipe): ${(e as Error).message.split('\n')[0]}`;
  }
}

export const webgpuMissing: string | null = await check();
if (webgpuMissing) console.warn(`WebGPU tests skipped: ${webgpuMissing}`);
