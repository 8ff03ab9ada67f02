/**
 * The fixture models' forward graphs written directly with GraphBuilder from each manifest's
 * torch_source (inference form: BatchNormalization with running statistics, as an ONNX import
 * would have it). Independent of the core model, so the training graphs are checked on their own.
 */
import { GraphBuilder } from '../../core/onnx/builder';
import type { Graph } from '../../core/onnx/ir';
import type { Fixture, FixtureModel } from './fixture-tensors';

export interface FixtureGraph {
  graph: Graph;
  input: string;
  logits: string;
  /** Trainable parameters (PyTorch names, manifest order). */
  trainable: string[];
  /** Running statistics (BN buffers). */
  buffers: string[];
}

class Net {
  readonly g = new GraphBuilder('fixture');
  readonly trainable: string[] = [];
  readonly buffers: string[] = [];
  constructor(readonly fx: Fixture) {}

  private param(name: string, buffer = false): string {
    const e = this.fx.manifest.params[name];
    if (!e) throw new Error(`fixture has no parameter ${name}`);
    this.g.initializer(name, 'float32', e.shape, this.fx.f32(e), true);
    (buffer ? this.buffers : this.trainable).push(name);
    return name;
  }

  has(name: string): boolean {
    return name in this.fx.manifest.params;
  }

  conv(x: string, p: string, o: { stride?: number; pad?: number } = {}): string {
    const w = this.param(`${p}.weight`);
    const ins = [x, w];
    if (this.has(`${p}.bias`)) ins.push(this.param(`${p}.bias`));
    const k = this.fx.manifest.params[`${p}.weight`]!.shape.slice(2);
    const pad = o.pad ?? 0;
    return this.g.op1('Conv', ins, { kernel_shape: k, strides: [o.stride ?? 1, o.stride ?? 1], pads: [pad, pad, pad, pad] }, { name: p });
  }

  bn(x: string, p: string, eps = 1e-5): string {
    const ins = [x, this.param(`${p}.weight`), this.param(`${p}.bias`), this.param(`${p}.running_mean`, true), this.param(`${p}.running_var`, true)];
    return this.g.op1('BatchNormalization', ins, { epsilon: eps, momentum: 0.9 }, { name: p });
  }

  linear(x: string, p: string): string {
    return this.g.op1('Gemm', [x, this.param(`${p}.weight`), this.param(`${p}.bias`)], { transB: 1 }, { name: p });
  }

  relu(x: string): string {
    return this.g.op1('Relu', [x]);
  }

  tanh(x: string): string {
    return this.g.op1('Tanh', [x]);
  }

  maxPool(x: string, k: number, s: number, o: { pad?: number; ceil?: boolean } = {}): string {
    const p = o.pad ?? 0;
    return this.g.op1('MaxPool', [x], { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], ceil_mode: o.ceil ? 1 : 0 });
  }

  avgPool(x: string, k: number): string {
    return this.g.op1('AveragePool', [x], { kernel_shape: [k, k], strides: [k, k] });
  }

  flatten(x: string): string {
    return this.g.op1('Flatten', [x], { axis: 1 });
  }

  gap(x: string): string {
    return this.g.op1('GlobalAveragePool', [x]);
  }
}

export function buildFixtureGraph(fx: Fixture): FixtureGraph {
  const net = new Net(fx);
  const shape = fx.manifest.input.shape;
  const x0 = net.g.input('input', 'float32', ['N', ...shape.slice(1)]);
  const body = BODIES[fx.model];
  const y = body(net, x0);
  const logits = net.g.op1('Identity', [y], {}, { outputNames: ['logits'] });
  net.g.output(logits, 'float32', ['N', 10]);
  return { graph: net.g.build(), input: x0, logits, trainable: net.trainable, buffers: net.buffers };
}

type Body = (n: Net, x: string) => string;

const basicConv = (n: Net, x: string, p: string, pad = 0) => n.relu(n.bn(n.conv(x, `${p}.conv`, { pad }), `${p}.bn`, 1e-3));

const inception = (n: Net, x: string, p: string) => {
  const b1 = basicConv(n, x, `${p}.b1`);
  const b2 = basicConv(n, basicConv(n, x, `${p}.b2.0`), `${p}.b2.1`, 1);
  const b3 = basicConv(n, basicConv(n, x, `${p}.b3.0`), `${p}.b3.1`, 2);
  const b4 = basicConv(n, n.maxPool(x, 3, 1, { pad: 1, ceil: true }), `${p}.b4.1`);
  return n.g.op1('Concat', [b1, b2, b3, b4], { axis: 1 });
};

const basicBlock = (n: Net, x: string, p: string, stride: number) => {
  let y = n.relu(n.bn(n.conv(x, `${p}.conv1`, { stride, pad: 1 }), `${p}.bn1`));
  y = n.bn(n.conv(y, `${p}.conv2`, { pad: 1 }), `${p}.bn2`);
  const sc = n.has(`${p}.downsample.0.weight`) ? n.bn(n.conv(x, `${p}.downsample.0`, { stride }), `${p}.downsample.1`) : x;
  return n.relu(n.g.op1('Add', [y, sc]));
};

const bottleneck = (n: Net, x: string, p: string, stride: number) => {
  let y = n.relu(n.bn(n.conv(x, `${p}.conv1`), `${p}.bn1`));
  y = n.relu(n.bn(n.conv(y, `${p}.conv2`, { stride, pad: 1 }), `${p}.bn2`));
  y = n.bn(n.conv(y, `${p}.conv3`), `${p}.bn3`);
  const sc = n.has(`${p}.downsample.0.weight`) ? n.bn(n.conv(x, `${p}.downsample.0`, { stride }), `${p}.downsample.1`) : x;
  return n.relu(n.g.op1('Add', [y, sc]));
};

const BODIES: Record<FixtureModel, Body> = {
  lenet5: (n, x) => {
    x = n.maxPool(n.relu(n.conv(x, 'conv1', { pad: 2 })), 2, 2);
    x = n.maxPool(n.relu(n.conv(x, 'conv2')), 2, 2);
    x = n.flatten(x);
    return n.linear(n.relu(n.linear(n.relu(n.linear(x, 'fc1')), 'fc2')), 'fc3');
  },
  lenet5_classic: (n, x) => {
    x = n.avgPool(n.tanh(n.conv(x, 'c1')), 2);
    x = n.avgPool(n.tanh(n.conv(x, 'c3')), 2);
    x = n.flatten(n.tanh(n.conv(x, 'c5')));
    return n.linear(n.tanh(n.linear(x, 'f6')), 'out');
  },
  alexnet_mini: (n, x) => {
    x = n.maxPool(n.relu(n.conv(x, 'features.0', { stride: 4, pad: 2 })), 3, 2);
    x = n.maxPool(n.relu(n.conv(x, 'features.3', { pad: 2 })), 3, 2);
    x = n.relu(n.conv(x, 'features.6', { pad: 1 }));
    x = n.relu(n.conv(x, 'features.8', { pad: 1 }));
    x = n.maxPool(n.relu(n.conv(x, 'features.10', { pad: 1 })), 3, 2);
    x = n.flatten(x);
    x = n.relu(n.linear(x, 'classifier.1'));
    x = n.relu(n.linear(x, 'classifier.4'));
    return n.linear(x, 'classifier.6');
  },
  vgg_mini: (n, x) => {
    x = n.relu(n.conv(x, 'features.0', { pad: 1 }));
    x = n.maxPool(n.relu(n.conv(x, 'features.2', { pad: 1 })), 2, 2);
    x = n.relu(n.conv(x, 'features.5', { pad: 1 }));
    x = n.maxPool(n.relu(n.conv(x, 'features.7', { pad: 1 })), 2, 2);
    x = n.relu(n.linear(n.flatten(x), 'classifier.0'));
    return n.linear(x, 'classifier.3');
  },
  googlenet_mini: (n, x) => {
    x = basicConv(n, x, 'stem', 1);
    x = inception(n, x, 'inc3a');
    x = n.maxPool(x, 3, 2, { ceil: true });
    x = inception(n, x, 'inc4a');
    return n.linear(n.flatten(n.gap(x)), 'fc');
  },
  resnet_mini: (n, x) => {
    x = n.relu(n.bn(n.conv(x, 'conv1', { pad: 1 }), 'bn1'));
    x = basicBlock(n, x, 'layer1', 1);
    x = basicBlock(n, x, 'layer2', 2);
    x = bottleneck(n, x, 'layer3', 2);
    return n.linear(n.flatten(n.gap(x)), 'fc');
  },
};
