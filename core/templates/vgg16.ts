import type { Template } from './template';
import { torchvisionTemplate } from './torchvision-template';

/**
 * VGG16 (configuration D, Simonyan & Zisserman 2014) in torchvision's layout and names:
 * thirteen 3×3 same-padded convs in five stages, 2×2 max pools, three dense layers.
 * torchvision's AdaptiveAvgPool2d(7) is the identity at 224×224 and is left out.
 * 138,357,544 parameters at 3×224×224, 1000 classes.
 */
const CFG: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

export const vgg16: Template = torchvisionTemplate(
  { id: 'vgg16', label: 'VGG16', description: 'Thirteen 3×3 convs in five stages and three dense layers (2014).' },
  (b, classes) => {
    let i = 0;
    for (const v of CFG) {
      if (v === 'M') {
        b.then(`features.${i++}`, 'maxpool2d', { kernel: 2, stride: 2 });
      } else {
        b.then(`features.${i++}`, 'conv2d', { filters: v, kernel: 3, padding: 1 });
        b.then(`features.${i++}`, 'relu');
      }
    }
    b.then('flatten', 'flatten');
    b.then('classifier.0', 'dense', { units: 4096 });
    b.then('classifier.1', 'relu');
    b.then('classifier.2', 'dropout', { p: 0.5 });
    b.then('classifier.3', 'dense', { units: 4096 });
    b.then('classifier.4', 'relu');
    b.then('classifier.5', 'dropout', { p: 0.5 });
    b.then('classifier.6', 'output', { classes });
  },
);
