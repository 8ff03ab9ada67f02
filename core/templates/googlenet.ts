import { DocBuilder } from '../graph/doc-builder';
import type { Template } from './template';

/**
 * GoogLeNet (Szegedy et al. 2014) without the auxiliary classifiers, in torchvision's layout and
 * names: every conv is conv (no bias) + batch norm (eps 1e-3) + ReLU, ceil-mode max pools.
 *   default:      the paper's 5×5 kernels in the "5×5" branch (7,005,832 parameters)
 *   torchvision:  3×3 there, as torchvision's pretrained weights have it (6,624,904)
 * Counts at 3×224×224 and 1000 classes.
 */
type Cfg = [string, number, number, number, number, number, number];
const INCEPTIONS: (Cfg | string)[] = [
  ['inception3a', 64, 96, 128, 16, 32, 32],
  ['inception3b', 128, 128, 192, 32, 96, 64],
  'maxpool3',
  ['inception4a', 192, 96, 208, 16, 48, 64],
  ['inception4b', 160, 112, 224, 24, 64, 64],
  ['inception4c', 128, 128, 256, 24, 64, 64],
  ['inception4d', 112, 144, 288, 32, 64, 64],
  ['inception4e', 256, 160, 320, 32, 128, 128],
  'maxpool4',
  ['inception5a', 256, 160, 320, 32, 128, 128],
  ['inception5b', 384, 192, 384, 48, 128, 128],
];

export const googlenet: Template = {
  id: 'googlenet',
  label: 'GoogLeNet',
  description: 'Nine Inception modules of parallel 1×1/3×3/5×5/pool branches (2014).',
  defaultInput: [3, 224, 224],
  defaultClasses: 1000,
  variants: ['default', 'torchvision'],
  build({ input: [c, h, w], classes, variant }) {
    const b = new DocBuilder();
    b.then('input', 'input', { channels: c, height: h, width: w });
    const basic = (name: string, filters: number, kernel: number, stride: number, padding: number) => {
      b.then(`${name}.conv`, 'conv2d', { filters, kernel, stride, padding, bias: false });
      b.then(`${name}.bn`, 'batchnorm2d', { eps: 1e-3 });
      b.then(`${name}.relu`, 'relu');
    };
    basic('conv1', 64, 7, 2, 3);
    b.then('maxpool1', 'maxpool2d', { kernel: 3, stride: 2, padding: 0, ceilMode: true });
    basic('conv2', 64, 1, 1, 0);
    basic('conv3', 192, 3, 1, 1);
    b.then('maxpool2', 'maxpool2d', { kernel: 3, stride: 2, padding: 0, ceilMode: true });
    const branchKernel = variant === 'torchvision' ? 3 : 5;
    for (const m of INCEPTIONS) {
      if (m === 'maxpool3') b.then(m, 'maxpool2d', { kernel: 3, stride: 2, padding: 0, ceilMode: true });
      else if (m === 'maxpool4') b.then(m, 'maxpool2d', { kernel: 2, stride: 2, padding: 0, ceilMode: true });
      else if (typeof m !== 'string') {
        const [name, n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj] = m;
        b.then(name, 'inception', { n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj, branchKernel, batchNorm: true, eps: 1e-3 });
      }
    }
    b.then('avgpool', 'globalavgpool');
    b.then('dropout', 'dropout', { p: 0.2 });
    b.then('fc', 'output', { classes });
    return b.build();
  },
};
