import { DocBuilder } from '../graph/doc-builder';
import type { Template } from './template';

/**
 * LeNet-5 (LeCun et al. 1998) on 1×32×32. On smaller inputs C1 is padded so the feature maps
 * keep the published sizes: pad = ceil((32 - min(H, W)) / 2), i.e. 2 for MNIST's 28×28.
 *   default:  ReLU + max pooling (the modern reading); conv1, conv2, fc1, fc2, fc3
 *   classic:  tanh + average-pool subsampling, C5 as a 5×5 conv; c1, s2, c3, s4, c5, f6, out
 * Both have 61,706 parameters at 1×32×32 and 10 classes.
 */
export const lenet5: Template = {
  id: 'lenet5',
  label: 'LeNet-5',
  description: 'Two conv/pool stages and three dense layers: the 1998 digit recognizer.',
  defaultInput: [1, 32, 32],
  defaultClasses: 10,
  variants: ['default', 'classic'],
  build({ input: [c, h, w], classes, variant }) {
    const pad = Math.max(0, Math.ceil((32 - Math.min(h, w)) / 2));
    const b = new DocBuilder();
    b.then('input', 'input', { channels: c, height: h, width: w });
    if (variant === 'classic') {
      b.then('c1', 'conv2d', { filters: 6, kernel: 5, padding: pad });
      b.then('tanh1', 'tanh');
      b.then('s2', 'avgpool2d', { kernel: 2, stride: 2 });
      b.then('c3', 'conv2d', { filters: 16, kernel: 5, padding: 0 });
      b.then('tanh3', 'tanh');
      b.then('s4', 'avgpool2d', { kernel: 2, stride: 2 });
      b.then('c5', 'conv2d', { filters: 120, kernel: 5, padding: 0 });
      b.then('tanh5', 'tanh');
      b.then('flatten', 'flatten');
      b.then('f6', 'dense', { units: 84 });
      b.then('tanh6', 'tanh');
      b.then('out', 'output', { classes });
      return b.build();
    }
    b.then('conv1', 'conv2d', { filters: 6, kernel: 5, padding: pad });
    b.then('relu1', 'relu');
    b.then('pool1', 'maxpool2d', { kernel: 2, stride: 2 });
    b.then('conv2', 'conv2d', { filters: 16, kernel: 5, padding: 0 });
    b.then('relu2', 'relu');
    b.then('pool2', 'maxpool2d', { kernel: 2, stride: 2 });
    b.then('flatten', 'flatten');
    b.then('fc1', 'dense', { units: 120 });
    b.then('relu3', 'relu');
    b.then('fc2', 'dense', { units: 84 });
    b.then('relu4', 'relu');
    b.then('fc3', 'output', { classes });
    return b.build();
  },
};
