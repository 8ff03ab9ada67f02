import type { Template } from './template';
import { torchvisionTemplate } from './torchvision-template';

/**
 * ResNet (He et al. 2015) in torchvision's layout and names (conv1, bn1, layer1.0.conv1, ...,
 * downsample.0/1, fc): a 7×7/2 stem, 3×3/2 max pool, four stages of residual blocks (each stage
 * one residual block repeated; the first of stages 2-4 strides by 2), global average pool.
 */
const DEPTHS: Record<number, { variant: 'basic' | 'bottleneck'; blocks: [number, number, number, number] }> = {
  18: { variant: 'basic', blocks: [2, 2, 2, 2] },
  34: { variant: 'basic', blocks: [3, 4, 6, 3] },
  50: { variant: 'bottleneck', blocks: [3, 4, 6, 3] },
  101: { variant: 'bottleneck', blocks: [3, 4, 23, 3] },
  152: { variant: 'bottleneck', blocks: [3, 8, 36, 3] },
};

function resnet(depth: 18 | 34 | 50 | 101 | 152, params: string): Template {
  const cfg = DEPTHS[depth]!;
  const description = `${depth} layers of residual ${cfg.variant} blocks (${params} parameters at ImageNet size).`;
  return torchvisionTemplate({ id: `resnet${depth}`, label: `ResNet-${depth}`, description }, (b, classes) => {
    b.then('conv1', 'conv2d', { filters: 64, kernel: 7, stride: 2, padding: 3, bias: false });
    b.then('bn1', 'batchnorm2d');
    b.then('relu', 'relu');
    b.then('maxpool', 'maxpool2d', { kernel: 3, stride: 2, padding: 1 });
    [64, 128, 256, 512].forEach((planes, i) => {
      b.then(`layer${i + 1}`, 'residual', { variant: cfg.variant, planes, stride: i === 0 ? 1 : 2, repeat: cfg.blocks[i]! });
    });
    b.then('avgpool', 'globalavgpool');
    b.then('fc', 'output', { classes });
  });
}

export const resnet18 = resnet(18, '11.7M');
export const resnet34 = resnet(34, '21.8M');
export const resnet50 = resnet(50, '25.6M');
export const resnet101 = resnet(101, '44.5M');
export const resnet152 = resnet(152, '60.2M');
