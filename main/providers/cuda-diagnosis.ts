/**
 * Why the CUDA provider does not load, named exactly. onnxruntime's CUDA provider
 * (libonnxruntime_providers_cuda.so, fetched by `npm run setup:cuda`) needs CUDA 12 and cuDNN 9
 * (onnxruntime's CUDA execution provider requirements) and the NVIDIA driver's libcuda.so.1.
 * The dynamic loader finds them through LD_LIBRARY_PATH and the ldconfig cache, so those are
 * searched, plus the library the runtime's own error names ("libX.so.N: cannot open shared object").
 */
import path from 'node:path';
import type { HostProbe } from './host-probe';

export interface CudaLibrary {
  file: string;
  what: string;
  fix: string;
}

const CUDA_TOOLKIT_FIX =
  'install the CUDA 12 libraries (the cuda-libraries-12-x package, or the pip nvidia-*-cu12 wheels) and put their folder on LD_LIBRARY_PATH';

/** In the order a person should fix them: driver first, then CUDA, then cuDNN. */
export const CUDA_LIBRARIES: readonly CudaLibrary[] = [
  { file: 'libcuda.so.1', what: 'no NVIDIA driver', fix: 'install the NVIDIA driver' },
  { file: 'libcudart.so.12', what: 'the CUDA 12 runtime', fix: CUDA_TOOLKIT_FIX },
  { file: 'libcublas.so.12', what: 'cuBLAS (CUDA 12)', fix: CUDA_TOOLKIT_FIX },
  { file: 'libcublasLt.so.12', what: 'cuBLASLt (CUDA 12)', fix: CUDA_TOOLKIT_FIX },
  { file: 'libcurand.so.10', what: 'cuRAND (CUDA 12)', fix: CUDA_TOOLKIT_FIX },
  { file: 'libcufft.so.11', what: 'cuFFT (CUDA 12)', fix: CUDA_TOOLKIT_FIX },
  {
    file: 'libcudnn.so.9',
    what: 'cuDNN 9',
    fix: 'install cuDNN 9 for CUDA 12 (the cudnn9-cuda-12 package, or the nvidia-cudnn-cu12 wheel) and put its folder on LD_LIBRARY_PATH',
  },
];

export const PROVIDER_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] as const;

export interface CudaDiagnosis {
  /** File names of everything missing, most fundamental first; [] when all is found. */
  missing: string[];
  /** One sentence for the user (null when nothing is missing). */
  summary: string | null;
}

/** Library file names the ldconfig cache knows (`ldconfig -p`: "\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/..."). */
export function ldconfigNames(text: string | null): Set<string> {
  const names = new Set<string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^\s*(\S+\.so[.\d]*)\s+\(/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/** A shared library the loader could not open, as onnxruntime's error text names it. */
export function libraryNamedInError(errorText: string): string | null {
  const m = /([\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(errorText);
  return m ? path.basename(m[1]!) : null;
}

export function findLibrary(file: string, host: HostProbe, cache: Set<string>): boolean {
  if (cache.has(file)) return true;
  const dirs = (host.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return dirs.some((d) => host.stat(path.join(d, file)) !== null);
}

/**
 * `providerDir`: onnxruntime-node's native folder (bin/napi-v6/linux/x64), where setup:cuda puts
 * the provider libraries. `errorText`: what onnxruntime said when the session failed, if it did.
 */
export function diagnoseCuda(host: HostProbe, providerDir: string, errorText = ''): CudaDiagnosis {
  if (host.platform !== 'linux')
    return { missing: ['Linux x64 (the CUDA provider is only built for it)'], summary: 'onnxruntime-node offers CUDA on Linux x64 only' };
  const missing: string[] = [];
  const parts: string[] = [];
  const absentProvider = PROVIDER_LIBRARIES.filter((f) => host.stat(path.join(providerDir, f)) === null);
  if (absentProvider.length > 0) {
    missing.push(...absentProvider);
    parts.push(`${absentProvider.join(', ')} (the onnxruntime CUDA provider is not installed: run \`npm run setup:cuda\`)`);
  }
  const cache = ldconfigNames(host.run('ldconfig', ['-p']) ?? host.run('/sbin/ldconfig', ['-p']));
  // One sentence per fix: the libraries one install step brings are named together.
  const byFix = new Map<string, CudaLibrary[]>();
  for (const lib of CUDA_LIBRARIES) {
    if (findLibrary(lib.file, host, cache)) continue;
    missing.push(lib.file);
    byFix.set(lib.fix, [...(byFix.get(lib.fix) ?? []), lib]);
  }
  for (const [fix, libs] of byFix) parts.push(`${libs.map((l) => l.file).join(', ')} (${libs.map((l) => l.what).join(', ')}: ${fix})`);
  // The loader may know better than the search (rpath, a library the list does not name).
  const named = libraryNamedInError(errorText);
  if (named && !missing.includes(named)) {
    missing.push(named);
    parts.push(`${named} (onnxruntime could not open it; put its folder on LD_LIBRARY_PATH)`);
  }
  if (missing.length === 0) return { missing, summary: null };
  return { missing, summary: `missing: ${parts.join('; ')}` };
}
