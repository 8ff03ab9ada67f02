/**
 * `cnn-studio export-pytorch` through the real CLI program, and the generator's errors: an
 * unsupported node is named, a checkpoint that misses weights is refused. No Python needed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPytorch, PytorchExportError } from '../../../core/export-pytorch/index';
import { analyze } from '../../../core/graph/analyze';
import { initWeight } from '../../../core/graph/init';
import { serializeProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { buildTemplate } from '../../../core/templates/index';
import { cli } from '../../helpers/cli-io';
import { weightsCheckpoint } from '../../../main/onnx/project-weights';
import { TEST_RECIPE } from '../../helpers/python-torch';
import { unsupportedModel } from '../../helpers/export-models';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-pt-cli-');

function projectFile(name: string, model: ModelDocument, extra: Record<string, unknown> = {}): string {
  const f = path.join(dir, `${name}.json`);
  writeFileSync(f, serializeProject({ name, model, extra }));
  return f;
}

/** Weight values 0, 1, 2, ... per tensor, so a file mix-up shows. */
function weights(doc: ModelDocument): Map<string, Float32Array> {
  return new Map(analyze(doc).graph.weights.map((w, i) => [w.name, initWeight(w).fill(i)]));
}

/** The tensors of a safetensors file by name (header + float32 data). */
function readSafetensors(file: string): Map<string, { shape: number[]; data: Float32Array }> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') continue;
    const raw = new Uint8Array(bytes.subarray(8 + n + v.data_offsets[0], 8 + n + v.data_offsets[1]));
    out.set(k, { shape: v.shape, data: new Float32Array(raw.buffer) });
  }
  return out;
}

describe('cnn-studio export-pytorch', () => {
  it('writes the project files; without weights it says so', async () => {
    const f = projectFile('lenet', buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 }));
    const out = path.join(dir, 'lenet-py');
    const r = await cli('export-pytorch', f, '-o', out);
    expect(r.code).toBe(0);
    for (const file of ['model.py', 'train.py', 'export_onnx.py', 'README.md', 'requirements.txt']) expect(existsSync(path.join(out, file)), file).toBe(true);
    expect(existsSync(path.join(out, 'weights.safetensors'))).toBe(false);
    expect(r.out).toMatch(/weights: none/);
    const train = readFileSync(path.join(out, 'train.py'), 'utf8');
    // The studio's default recipe (main/trainer/settings.ts) as flag defaults.
    expect(train).toContain('p.add_argument("--epochs", type=int, default=15)');
    expect(train).toMatch(/"--optimizer", choices=\["sgd", "adam", "adamw"\], default="adamw"/);
    expect(train).toContain('p.add_argument("--crop-padding", type=int, default=2)');
    expect(readFileSync(path.join(out, 'model.py'), 'utf8')).toContain('INPUT_SIZE = (1, 28, 28)');
  });

  it('takes a run folder: recipe from run.json, weights from best.ckpt (as safetensors, by name)', async () => {
    const doc = buildTemplate('lenet5', { input: [3, 32, 32], classes: 2 });
    const run = path.join(dir, 'run');
    mkdirSync(run, { recursive: true });
    writeFileSync(path.join(run, 'project.json'), serializeProject({ name: 'lenet run', model: doc, extra: {} }));
    const settings = {
      epochs: 40,
      batchSize: 128,
      optimizer: 'sgd',
      lr: 0.1,
      momentum: 0.8,
      schedule: { kind: 'cosine', warmupSteps: 50 },
      weightDecay: 5e-4,
      labelSmoothing: 0.1,
      augment: { cropPadding: 4, hflip: 0.25, brightness: 0.2 },
      device: 'auto',
      seed: 3,
      patience: 5,
      valSplit: 0.2,
      resize: 'letterbox',
    };
    const pre = { inputSize: [3, 32, 32], colorMode: 'rgb', resize: 'letterbox', mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] };
    writeFileSync(
      path.join(run, 'run.json'),
      JSON.stringify({ format: 'cnn-studio-run', version: 1, settings, preprocessing: pre, data: { classes: ['cat', 'dog'] } }),
    );
    const w = weights(doc);
    writeFileSync(path.join(run, 'best.ckpt'), weightsCheckpoint(w));
    const out = path.join(dir, 'run-py');
    const r = await cli('export-pytorch', run, '-o', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(path.join(run, 'best.ckpt'));
    const train = readFileSync(path.join(out, 'train.py'), 'utf8');
    for (const line of [
      'default=40)',
      'default=128,',
      'default="sgd"',
      '"--lr", type=float, default=0.1)',
      'default=0.8, help="SGD")',
      'default="cosine"',
      'default=50,',
      '"--weight-decay", type=float, default=0.0005)',
      '"--label-smoothing", type=float, default=0.1)',
      '"--crop-padding", type=int, default=4)',
      '"--hflip", type=float, default=0.25)',
      '"--brightness", type=float, default=0.2)',
      'default="letterbox"',
      'default=[0.1, 0.2, 0.3]',
      'default=[0.4, 0.5, 0.6]',
      '"--val-split", type=float, default=0.2)',
      'default=5, help="0: never")',
      '"--seed", type=int, default=3)',
      'CLASSES = ["cat", "dog"]',
    ]) {
      expect(train, line).toContain(line);
    }
    const st = readSafetensors(path.join(out, 'weights.safetensors'));
    const g = analyze(doc).graph;
    expect([...st.keys()]).toEqual(g.weights.map((x) => x.name));
    for (const x of g.weights) {
      expect(st.get(x.name)!.shape).toEqual(x.shape);
      expect(st.get(x.name)!.data).toEqual(w.get(x.name));
    }
  });

  it('names the node PyTorch code cannot express', async () => {
    const f = projectFile('odd', unsupportedModel());
    const r = await cli('export-pytorch', f, '-o', path.join(dir, 'odd-py'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/"mystery": the ONNX op Erf .*no PyTorch counterpart/);
    expect(existsSync(path.join(dir, 'odd-py', 'model.py'))).toBe(false);
  });

  it('reports a missing project and a checkpoint of another model', async () => {
    expect((await cli('export-pytorch', path.join(dir, 'nope.json'), '-o', path.join(dir, 'x'))).err).toMatch(/no such file/);
    const f = projectFile('small', buildTemplate('lenet5', { classes: 3 }));
    const ck = path.join(dir, 'other.ckpt');
    writeFileSync(ck, weightsCheckpoint(weights(buildTemplate('resnet18', { input: [3, 32, 32], classes: 3 }))));
    const r = await cli('export-pytorch', f, '-o', path.join(dir, 'y'), '--checkpoint', ck);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the checkpoint has no values for \d+ weights of this model/);
  });
});

describe('exportPytorch errors', () => {
  it('throws PytorchExportError with the node for an ONNX op without a PyTorch counterpart', () => {
    let err: unknown;
    try {
      exportPytorch(unsupportedModel(), { projectName: 'x', recipe: TEST_RECIPE });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PytorchExportError);
    expect((err as PytorchExportError).node).toBe('mystery');
  });

  it('refuses a model with errors, naming the first', () => {
    const doc = buildTemplate('lenet5', { classes: 3 });
    const out = doc.nodes.find((x) => x.type === 'output')!;
    doc.edges = doc.edges.filter((e) => e.to.node !== out.id);
    expect(() => exportPytorch(doc, { projectName: 'x', recipe: TEST_RECIPE })).toThrow(/the model has \d+ errors?; first:/);
  });

  it('refuses a block name PyTorch reserves', () => {
    const doc = buildTemplate('lenet5', { classes: 3 });
    const n = doc.nodes.find((x) => x.type === 'flatten')!;
    n.name = 'train';
    expect(() => exportPytorch(doc, { projectName: 'x', recipe: TEST_RECIPE })).toThrow(/"train": "train" is a reserved name/);
  });
});
