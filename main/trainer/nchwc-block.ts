/**
 * onnxruntime's NCHWc block size on this CPU (MLAS: 16 with AVX-512, 8 with AVX2, 4 or none
 * elsewhere), measured once per process: ReorderInput pads the channel axis up to the block size,
 * so 4 channels come out as B. 0 when the kernels are unavailable (then convs stay ai.onnx Conv).
 * CPU sessions of training graphs run their convs on these kernels (core/train/nchwc.ts);
 * CNN_STUDIO_NCHWC=0 turns that off (A/B benchmarks).
 */
import * as ort from 'onnxruntime-node';
import { readConfig } from '../config';
import { GraphBuilder } from '../../core/onnx/builder';
import type { Model } from '../../core/onnx/ir';
import { encodeModel } from '../../core/onnx/proto';
import { makeModel } from '../../core/train/build-train-step';
import { modelToNchwc, NCHWC_DOMAIN } from '../../core/train/nchwc';

let probe: Promise<number> | undefined;

export function nchwcBlockSize(): Promise<number> {
  probe ??= measure();
  return probe;
}

async function measure(): Promise<number> {
  try {
    const g = new GraphBuilder('nchwc_probe');
    g.input('x', 'float32', [1, 4, 1, 1]);
    g.op('ReorderInput', ['x'], {}, { domain: NCHWC_DOMAIN, outputNames: ['y'] });
    g.output('y', 'float32', [1, 'B', 1, 1]);
    const m = makeModel(g.build(), 'NCHWc block size probe');
    const model: Model = { ...m, opsetImports: [...m.opsetImports, { domain: NCHWC_DOMAIN, version: 1 }] };
    const s = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['cpu'], logSeverityLevel: 4 });
    const out = await s.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]) });
    await s.release();
    const b = out.y!.dims[1]!;
    return b >= 4 && b % 4 === 0 ? b : 0;
  } catch {
    return 0;
  }
}

/**
 * The model with its non-constant-weight convs on NCHWc kernels, for a CPU session; unchanged when
 * turned off, unavailable, or when the graph's shapes cannot be inferred statically (a dynamic batch).
 */
export async function forCpuSession(model: Model): Promise<Model> {
  if (!readConfig().nchwc) return model;
  const block = await nchwcBlockSize();
  if (block === 0) return model;
  try {
    return modelToNchwc(model, block).model;
  } catch {
    return model;
  }
}
