/**
 * Shared by the export-pytorch tests: Debian's python3-torch (CPU) at /usr/bin/python3, the
 * generated project on disk, and the studio's own logits (onnxruntime) for comparison.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Recipe } from '../../core/export-pytorch/index';
import type { PytorchFile } from '../../core/export-pytorch/index';
import type { ModelDocument } from '../../core/graph/types';
import { exportOnnx } from '../../core/onnx/export';
import { encodeModel } from '../../core/onnx/proto';

export const PYTHON = '/usr/bin/python3';

/** Why the PyTorch checks cannot run here, or null when torch imports. */
export function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy, PIL'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  return r.status === 0 ? null : `${PYTHON} lacks torch/numpy/Pillow (Debian: python3-torch python3-numpy python3-pil): ${r.stderr.trim().split('\n').pop()}`;
}

/** One thread per process: the machine is shared, and results must not depend on it. */
export const PY_ENV = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };

export function runPython(args: string[], cwd: string, timeoutMs = 120_000, cmd = PYTHON, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...PY_ENV, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 });
  // A timeout's error alone does not say where the process stood: its output does.
  if (r.error)
    throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`, { cause: r.error });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function tail(text: string | null | undefined): string {
  return (text ?? '').slice(-4000);
}

export function writeFiles(dir: string, files: readonly PytorchFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(path.join(dir, f.path), f.data);
}

export const TEST_RECIPE: Recipe = {
  epochs: 1,
  batchSize: 8,
  optimizer: 'adamw',
  lr: 3e-3,
  momentum: 0.9,
  weightDecay: 1e-2,
  labelSmoothing: 0.1,
  schedule: { kind: 'onecycle' },
  augment: { cropPadding: 2, hflip: true },
  seed: 0,
  valSplit: 0.1,
  patience: 0,
  resize: 'stretch',
  mean: null,
  std: null,
  classes: null,
};

/** The studio's inference logits for `x` ([N, C, H, W]) through its ONNX export and onnxruntime. */
export async function studioLogits(doc: ModelDocument, weights: ReadonlyMap<string, Float32Array>, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const { model } = exportOnnx(doc, { weights });
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, shape) });
    return (out.logits!.data as Float32Array).slice();
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * Runs every generated project's model in one Python process (one torch import): each job's
 * model.py with its weights.safetensors on an input file; writes logits and state dict keys.
 */
export const DRIVER = `import importlib.util
import json
import sys

import numpy as np
import torch

torch.set_num_threads(1)
for job in json.load(open(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(
        "model_" + str(job["id"]), job["dir"] + "/model.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, job["dir"])
    spec.loader.exec_module(module)
    sys.path.pop(0)
    net = module.build_model(job["dir"] + "/weights.safetensors").eval()
    x = np.fromfile(job["input"], dtype="<f4").reshape(job["shape"])
    with torch.no_grad():
        y = net(torch.from_numpy(x))
    y.numpy().astype("<f4").tofile(job["output"])
    keys = [k for k in net.state_dict() if not k.endswith("num_batches_tracked")]
    json.dump(keys, open(job["output"] + ".keys.json", "w"))
    del net, module
`;

/**
 * Style checks on generated Python, standing in for flake8 (not installed): it compiles, lines
 * fit in 79 columns, no tabs or trailing spaces, and every import is used. Prints problems as JSON.
 */
export const LINT = `import ast
import json
import sys

problems = []
for path in sys.argv[1:]:
    text = open(path).read()
    tree = ast.parse(text, path)
    for i, line in enumerate(text.split("\\n"), 1):
        if len(line) > 79:
            problems.append(f"{path}:{i}: line of {len(line)} characters")
        if line != line.rstrip() or "\\t" in line:
            problems.append(f"{path}:{i}: tab or trailing whitespace")
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                imported[name] = node.lineno
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for name, line in imported.items():
        if name not in used:
            problems.append(f"{path}:{line}: {name} imported but unused")
print(json.dumps(problems))
`;
