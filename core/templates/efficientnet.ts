import { convNormActBlocks, poolDropoutClassifier, stageSteps, type Norm } from './mobile-common';
import { torchvisionTemplate } from './torchvision-template';
import type { Template } from './template';

/** One stage of EfficientNet-B0: expansion, kernel, stride, output channels, blocks. */
type Stage = [number, number, number, number, number];
const B0_STAGES: Stage[] = [
  [1, 3, 1, 16, 1],
  [6, 3, 2, 24, 2],
  [6, 5, 2, 40, 2],
  [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3],
  [6, 5, 2, 192, 4],
  [6, 3, 1, 320, 1],
];
const NORM: Norm = { eps: 1e-5, momentum: 0.1 };
/** torchvision's default: block i of n drops its branch with probability 0.2 · i / n while training. */
const STOCHASTIC_DEPTH = 0.2;

/**
 * EfficientNet-B0 (Tan & Le 2019) in torchvision's layout and names: features.0 a 3×3/2 stem
 * (conv, BN, SiLU), features.1-7 stages of MBConv blocks with squeeze-excite (features.2.0,
 * features.2.1, ...), features.8 a 1×1 conv to 1280, then pool, dropout 0.2, linear.
 */
export const efficientnetB0: Template = torchvisionTemplate(
  {
    id: 'efficientnet_b0',
    label: 'EfficientNet-B0',
    description: 'MBConv stages with squeeze-excite and SiLU, scaled by neural architecture search (2019; 5.3M parameters at ImageNet size).',
  },
  (b, classes) => {
    convNormActBlocks(b, 'features.0', 32, 3, 2, 'silu', NORM);
    const steps = stageSteps(
      B0_STAGES,
      ([, , , , n]) => n,
      ([, , stride]) => stride,
    );
    for (const {
      stage: [expansion, kernel, , filters],
      stageIndex,
      repeat,
      stride,
      blockIndex,
    } of steps) {
      b.then(`features.${stageIndex + 1}.${repeat}`, 'mbconv', {
        filters,
        expansion,
        kernel,
        stride,
        activation: 'silu',
        se: true,
        stochasticDepth: (STOCHASTIC_DEPTH * blockIndex) / steps.length,
        layout: 'efficientnet',
      });
    }
    convNormActBlocks(b, `features.${B0_STAGES.length + 1}`, 1280, 1, 1, 'silu', NORM);
    poolDropoutClassifier(b, classes, 0.2);
  },
);
