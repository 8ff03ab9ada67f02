import type { Template } from './template';
import { torchvisionTemplate } from './torchvision-template';

/**
 * AlexNet in torchvision's layout (one tower, 64/192/384/256/256 filters, no LRN), with
 * torchvision's module names (features.0, classifier.1, ...) so its weights load by name.
 * torchvision's AdaptiveAvgPool2d(6) is the identity at 224×224 and is left out: at other sizes
 * classifier.1 takes whatever the features flatten to. 61,100,840 parameters at 3×224×224, 1000 classes.
 */
export const alexnet: Template = torchvisionTemplate(
  { id: 'alexnet', label: 'AlexNet', description: 'Five convs with large early kernels, three dense layers with dropout (2012).' },
  (b, classes) => {
    const conv = (i: number, filters: number, kernel: number, stride: number, padding: number) => {
      b.then(`features.${i}`, 'conv2d', { filters, kernel, stride, padding });
      b.then(`features.${i + 1}`, 'relu');
    };
    const pool = (i: number) => b.then(`features.${i}`, 'maxpool2d', { kernel: 3, stride: 2, padding: 0 });
    conv(0, 64, 11, 4, 2);
    pool(2);
    conv(3, 192, 5, 1, 2);
    pool(5);
    conv(6, 384, 3, 1, 1);
    conv(8, 256, 3, 1, 1);
    conv(10, 256, 3, 1, 1);
    pool(12);
    b.then('flatten', 'flatten');
    b.then('classifier.0', 'dropout', { p: 0.5 });
    b.then('classifier.1', 'dense', { units: 4096 });
    b.then('classifier.2', 'relu');
    b.then('classifier.3', 'dropout', { p: 0.5 });
    b.then('classifier.4', 'dense', { units: 4096 });
    b.then('classifier.5', 'relu');
    b.then('classifier.6', 'output', { classes });
  },
);
