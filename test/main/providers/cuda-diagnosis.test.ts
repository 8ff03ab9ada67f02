/** Naming exactly what the CUDA provider lacks, from a described host (LD_LIBRARY_PATH, ldconfig -p, the runtime's error). */
import { describe, expect, it } from 'vitest';
import { diagnoseCuda, ldconfigNames, libraryNamedInError } from '../../../main/providers/cuda-diagnosis';
import { fakeHost } from '../../helpers/fake-host';

const ORT_DIR = '/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const provider = { [`${ORT_DIR}/libonnxruntime_providers_shared.so`]: 'x', [`${ORT_DIR}/libonnxruntime_providers_cuda.so`]: 'x' };
const ldconfig = (libs: string[]): string =>
  `${libs.length} libs found in cache \`/etc/ld.so.cache'\n${libs.map((l) => `\t${l} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/${l}`).join('\n')}\n`;
const CUDA12 = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12', 'libcurand.so.10', 'libcufft.so.11'];

describe('CUDA diagnosis', () => {
  it('nothing installed: the provider (setup:cuda), the driver, CUDA 12 and cuDNN 9 are all named', () => {
    const d = diagnoseCuda(fakeHost({}), ORT_DIR);
    expect(d.missing).toEqual(['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libcuda.so.1', ...CUDA12, 'libcudnn.so.9']);
    expect(d.summary).toMatch(/not installed: run `npm run setup:cuda`/);
    expect(d.summary).toMatch(/libcuda\.so\.1 \(no NVIDIA driver/);
    expect(d.summary).toMatch(/libcudnn\.so\.9 \(cuDNN 9/);
  });

  it('provider and driver present, CUDA in LD_LIBRARY_PATH, cuDNN absent: only cuDNN is named', () => {
    const files: Record<string, string> = { ...provider };
    for (const l of CUDA12) files[`/opt/cuda/lib64/${l}`] = 'x';
    const host = fakeHost({
      env: { LD_LIBRARY_PATH: '/nowhere:/opt/cuda/lib64' },
      files,
      programs: { 'ldconfig -p': ldconfig(['libcuda.so.1', 'libc.so.6']) },
    });
    const d = diagnoseCuda(host, ORT_DIR);
    expect(d.missing).toEqual(['libcudnn.so.9']);
    expect(d.summary).not.toMatch(/setup:cuda/);
  });

  it('everything found: nothing missing; a library the runtime names in its error is still reported', () => {
    const host = fakeHost({ files: provider, programs: { 'ldconfig -p': ldconfig(['libcuda.so.1', ...CUDA12, 'libcudnn.so.9']) } });
    expect(diagnoseCuda(host, ORT_DIR)).toEqual({ missing: [], summary: null });
    const err =
      'Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn_graph.so.9: cannot open shared object file: No such file or directory';
    expect(diagnoseCuda(host, ORT_DIR, err).missing).toEqual(['libcudnn_graph.so.9']);
  });

  it('only the driver missing: "no NVIDIA driver"', () => {
    const host = fakeHost({ files: provider, programs: { 'ldconfig -p': ldconfig([...CUDA12, 'libcudnn.so.9']) } });
    const d = diagnoseCuda(host, ORT_DIR);
    expect(d.missing).toEqual(['libcuda.so.1']);
    expect(d.summary).toBe('missing: libcuda.so.1 (no NVIDIA driver: install the NVIDIA driver)');
  });

  it('parses ldconfig -p and the loader error text', () => {
    expect([...ldconfigNames(ldconfig(['libcublasLt.so.12']))]).toEqual(['libcublasLt.so.12']);
    expect(libraryNamedInError('... with error: /usr/lib/libcublasLt.so.12: cannot open shared object file')).toBe('libcublasLt.so.12');
    expect(libraryNamedInError('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')).toBeNull();
  });

  it('not Linux: says CUDA is Linux x64 only', () => {
    expect(diagnoseCuda(fakeHost({ platform: 'darwin' }), ORT_DIR).summary).toMatch(/Linux x64 only/);
  });
});
