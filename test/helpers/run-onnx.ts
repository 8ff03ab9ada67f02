/** Runs an encoded model in onnxruntime-node (CPU) for tests: one float32 input, named outputs back. */
import * as ort from 'onnxruntime-node';

export async function runOnnx(bytes: Uint8Array, input: { shape: number[]; data: Float32Array }, inputName = 'input'): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const name = session.inputNames.includes(inputName) ? inputName : session.inputNames[0]!;
    const result = await session.run({ [name]: new ort.Tensor('float32', input.data, input.shape) });
    const out: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(result)) out[k] = v.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}
