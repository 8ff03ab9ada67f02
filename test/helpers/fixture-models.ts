/**
 * The reference fixtures' architectures (test/fixtures/<name>/manifest.json `torch_source`)
 * written with the block library, and the mapping from our weight names to the fixtures' names.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DocBuilder } from '../../core/graph/doc-builder';
import type { ModelDocument } from '../../core/graph/types';
import { buildTemplate } from '../../core/templates/index';

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures');

export interface TensorRef {
  offset: number;
  bytes: number;
  shape: number[];
  dtype: string;
}
export interface Manifest {
  model: string;
  param_count: number;
  input: TensorRef;
  eval_logits: TensorRef;
  params: Record<string, TensorRef>;
  train_step: { logits: TensorRef; buffers_after: Record<string, TensorRef> };
}

export function loadManifest(name: string): Manifest {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name, 'manifest.json'), 'utf8')) as Manifest;
}

export function readTensor(name: string, ref: TensorRef): Float32Array {
  const buf = readFileSync(path.join(FIXTURES_DIR, name, 'tensors.bin'));
  const copy = new Uint8Array(ref.bytes);
  copy.set(buf.subarray(ref.offset, ref.offset + ref.bytes));
  return new Float32Array(copy.buffer);
}

function alexnetMini(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 64, width: 64 });
  b.then('features.0', 'conv2d', { filters: 16, kernel: 11, stride: 4, padding: 2 });
  b.then('features.1', 'relu');
  b.then('features.2', 'maxpool2d', { kernel: 3, stride: 2 });
  b.then('features.3', 'conv2d', { filters: 32, kernel: 5, padding: 2 });
  b.then('features.4', 'relu');
  b.then('features.5', 'maxpool2d', { kernel: 3, stride: 2 });
  b.then('features.6', 'conv2d', { filters: 48, kernel: 3, padding: 1 });
  b.then('features.7', 'relu');
  b.then('features.8', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('features.9', 'relu');
  b.then('features.10', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('features.11', 'relu');
  b.then('features.12', 'maxpool2d', { kernel: 3, stride: 2 });
  b.then('flatten', 'flatten');
  b.then('classifier.0', 'dropout', { p: 0.5 });
  b.then('classifier.1', 'dense', { units: 64 });
  b.then('classifier.2', 'relu');
  b.then('classifier.3', 'dropout', { p: 0.5 });
  b.then('classifier.4', 'dense', { units: 64 });
  b.then('classifier.5', 'relu');
  b.then('classifier.6', 'output', { classes: 10 });
  return b.build();
}

function vggMini(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 32, width: 32 });
  b.then('features.0', 'conv2d', { filters: 16, kernel: 3, padding: 1 });
  b.then('features.1', 'relu');
  b.then('features.2', 'conv2d', { filters: 16, kernel: 3, padding: 1 });
  b.then('features.3', 'relu');
  b.then('features.4', 'maxpool2d', { kernel: 2, stride: 2 });
  b.then('features.5', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('features.6', 'relu');
  b.then('features.7', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('features.8', 'relu');
  b.then('features.9', 'maxpool2d', { kernel: 2, stride: 2 });
  b.then('flatten', 'flatten');
  b.then('classifier.0', 'dense', { units: 64 });
  b.then('classifier.1', 'relu');
  b.then('classifier.2', 'dropout', { p: 0.5 });
  b.then('classifier.3', 'output', { classes: 10 });
  return b.build();
}

function googlenetMini(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 32, width: 32 });
  b.then('stem.conv', 'conv2d', { filters: 16, kernel: 3, padding: 1, bias: false });
  b.then('stem.bn', 'batchnorm2d', { eps: 1e-3 });
  b.then('stem.relu', 'relu');
  b.then('inc3a', 'inception', { n1x1: 8, n3x3red: 8, n3x3: 12, n5x5red: 4, n5x5: 4, poolProj: 4, branchKernel: 5, batchNorm: true, eps: 1e-3 });
  b.then('pool3', 'maxpool2d', { kernel: 3, stride: 2, padding: 0, ceilMode: true });
  b.then('inc4a', 'inception', { n1x1: 12, n3x3red: 8, n3x3: 16, n5x5red: 4, n5x5: 8, poolProj: 8, branchKernel: 5, batchNorm: true, eps: 1e-3 });
  b.then('avgpool', 'globalavgpool');
  b.then('dropout', 'dropout', { p: 0.2 });
  b.then('fc', 'output', { classes: 10 });
  return b.build();
}

function resnetMini(): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 3, height: 32, width: 32 });
  b.then('conv1', 'conv2d', { filters: 16, kernel: 3, stride: 1, padding: 1, bias: false });
  b.then('bn1', 'batchnorm2d');
  b.then('relu', 'relu');
  b.then('layer1', 'residual', { variant: 'basic', planes: 16, stride: 1 });
  b.then('layer2', 'residual', { variant: 'basic', planes: 32, stride: 2 });
  b.then('layer3', 'residual', { variant: 'bottleneck', planes: 8, stride: 2 });
  b.then('avgpool', 'globalavgpool');
  b.then('fc', 'output', { classes: 10 });
  return b.build();
}

export const FIXTURE_MODELS: Record<string, () => ModelDocument> = {
  lenet5: () => buildTemplate('lenet5', { input: [1, 28, 28] }),
  lenet5_classic: () => buildTemplate('lenet5', { variant: 'classic' }),
  alexnet_mini: alexnetMini,
  vgg_mini: vggMini,
  googlenet_mini: googlenetMini,
  resnet_mini: resnetMini,
};

/** Our weight name -> the fixture's: only the Inception branches differ (b1 vs torchvision's branch1). */
export function toFixtureName(ours: string): string {
  return ours.replace(/\.branch(\d)\./, '.b$1.');
}
