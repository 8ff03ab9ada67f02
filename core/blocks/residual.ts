import { defineComposite, type Issue, type SubRef } from './define';
import { num, p, str } from './params';
import { SubBuilder } from './subgraph';
import { innerNode, scalarParam } from './module-match';
import { residualCtor } from '../export-pytorch/composites';

/**
 * ResNet's residual block (He et al. 2015), torchvision layout and names, optionally repeated to
 * make a stage (`repeat` copies named 0, 1, ...; the stride applies to the first copy only).
 *   basic:      conv1 3×3 (stride) -> bn1 -> relu1 -> conv2 3×3 -> bn2 -> (+ shortcut) -> relu
 *   bottleneck: conv1 1×1 -> bn1 -> relu1 -> conv2 3×3 (stride) -> bn2 -> relu2 -> conv3 1×1 (4×planes) -> bn3 -> (+) -> relu
 * Output channels: planes (basic) or 4 × planes (bottleneck). The shortcut is the identity unless
 * the shape changes (stride != 1 or channels differ); then it is a projection: downsample.0 a
 * 1×1 conv (stride, no bias) and downsample.1 batch norm.
 */
export const residual = defineComposite({
  type: 'residual',
  label: 'Residual block',
  category: 'Composite',
  description: 'Two or three convs plus a skip connection (ResNet). Repeat it to make a stage.',
  aliases: ['ResNet', 'BasicBlock', 'Bottleneck', 'skip', 'resblock'],
  nameStem: 'layer',
  params: {
    variant: p.enumOf('Variant', 'basic', ['basic', 'bottleneck']),
    planes: p.int('Width (planes)', 64, 1, 65536, 'Output channels: planes (basic) or 4 × planes (bottleneck)'),
    stride: p.int('Stride', 1, 1, 16),
    repeat: p.int('Repeat', 1, 1, 256),
    eps: p.float('Batch norm epsilon', 1e-5, { min: 0, exclusiveMin: true }),
  },
  expand([x], P) {
    if (x!.length !== 3) return [{ code: 'needs-image-input', message: `expects an image tensor N×C×H×W, got N×${x!.join('×')}` } satisfies Issue];
    const bottleneck = str(P, 'variant') === 'bottleneck';
    const planes = num(P, 'planes');
    const outC = bottleneck ? planes * 4 : planes;
    const n = num(P, 'repeat');
    const eps = num(P, 'eps');
    const b = new SubBuilder();
    let cur: SubRef = { input: 0 };
    let inC = x![0]!;
    for (let i = 0; i < n; i++) {
      const pre = n > 1 ? `${i}.` : '';
      const stride = i === 0 ? num(P, 'stride') : 1;
      const conv = (name: string, from: SubRef, filters: number, k: number, s: number) =>
        b.add(`${pre}${name}`, 'conv2d', { filters, kernel: k, stride: s, padding: Math.floor(k / 2), bias: false }, [from]);
      const bn = (name: string, from: SubRef) => b.add(`${pre}${name}`, 'batchnorm2d', { eps }, [from]);
      const relu = (name: string, from: SubRef) => b.add(`${pre}${name}`, 'relu', {}, [from]);
      let y: SubRef;
      if (bottleneck) {
        y = relu('relu1', bn('bn1', conv('conv1', cur, planes, 1, 1)));
        y = relu('relu2', bn('bn2', conv('conv2', y, planes, 3, stride)));
        y = bn('bn3', conv('conv3', y, outC, 1, 1));
      } else {
        y = relu('relu1', bn('bn1', conv('conv1', cur, planes, 3, stride)));
        y = bn('bn2', conv('conv2', y, planes, 3, 1));
      }
      const shortcut = stride !== 1 || inC !== outC ? bn('downsample.1', conv('downsample.0', cur, outC, 1, stride)) : cur;
      cur = relu('relu', b.add(`${pre}add`, 'add', { inputs: 2 }, [y, shortcut]));
      inC = outC;
    }
    return b.build([cur]);
  },
  // torchvision's BasicBlock / Bottleneck classes (composites.ts), so model.py reads like torchvision.
  pytorch: (item, gen) => residualCtor(item, (c) => gen.useBuiltin(c)),
  // A torchvision residual unit: conv1, bn1, conv2 (+ conv3 in a bottleneck) and its Add.
  importPattern: {
    params(def) {
      const conv1 = innerNode(def, 'conv1');
      const conv2 = innerNode(def, 'conv2');
      const conv3 = innerNode(def, 'conv3');
      const bn1 = innerNode(def, 'bn1');
      if (!conv1 || !conv2 || !bn1 || !innerNode(def, 'add')) return null;
      const bottleneck = conv3 !== undefined;
      const planes = scalarParam(bottleneck ? conv1.params.filters : conv2.params.filters);
      const stride = scalarParam(bottleneck ? conv2.params.stride : conv1.params.stride) ?? 1;
      const eps = scalarParam(bn1.params.eps) ?? 1e-5;
      if (planes === undefined) return null;
      return { variant: bottleneck ? 'bottleneck' : 'basic', planes, stride, repeat: 1, eps };
    },
  },
});
