import type { MobileActivation } from '../blocks/conv-norm-act';
import { convNormActBlocks, poolDropoutClassifier, stageSteps, type Norm } from './mobile-common';
import { torchvisionTemplate } from './torchvision-template';
import type { Template } from './template';

/**
 * MobileNetV2 (Sandler et al. 2018) in torchvision's layout and names: features.0 a 3×3/2 stem
 * (conv, BN, ReLU6), features.1-17 inverted residuals (t = expansion, c = channels, n = repeats,
 * s = stride of the first), features.18 a 1×1 conv to 1280, then pool, dropout 0.2, linear.
 */
const V2_SETTING: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];
const V2_NORM: Norm = { eps: 1e-5, momentum: 0.1 };

export const mobilenetV2: Template = torchvisionTemplate(
  {
    id: 'mobilenet_v2',
    label: 'MobileNetV2',
    description: 'Inverted residuals with linear bottlenecks and ReLU6 (2018; 3.5M parameters at ImageNet size).',
  },
  (b, classes) => {
    convNormActBlocks(b, 'features.0', 32, 3, 2, 'relu6', V2_NORM);
    const steps = stageSteps(
      V2_SETTING,
      ([, , n]) => n,
      ([, , , s]) => s,
    );
    for (const {
      stage: [t, c],
      stride,
      blockIndex,
    } of steps) {
      b.then(`features.${blockIndex + 1}`, 'mbconv', { filters: c, expansion: t, stride, activation: 'relu6', layout: 'mobilenet_v2' });
    }
    convNormActBlocks(b, `features.${steps.length + 1}`, 1280, 1, 1, 'relu6', V2_NORM);
    poolDropoutClassifier(b, classes, 0.2);
  },
);

/** One MobileNetV3 bottleneck: kernel, expanded width, output channels, squeeze-excite, activation, stride. */
type Bneck = [number, number, number, boolean, 'RE' | 'HS', number];

/** torchvision's mobilenetv3._mobilenet_v3_conf, width multiplier 1. */
const V3_LARGE: Bneck[] = [
  [3, 16, 16, false, 'RE', 1],
  [3, 64, 24, false, 'RE', 2],
  [3, 72, 24, false, 'RE', 1],
  [5, 72, 40, true, 'RE', 2],
  [5, 120, 40, true, 'RE', 1],
  [5, 120, 40, true, 'RE', 1],
  [3, 240, 80, false, 'HS', 2],
  [3, 200, 80, false, 'HS', 1],
  [3, 184, 80, false, 'HS', 1],
  [3, 184, 80, false, 'HS', 1],
  [3, 480, 112, true, 'HS', 1],
  [3, 672, 112, true, 'HS', 1],
  [5, 672, 160, true, 'HS', 2],
  [5, 960, 160, true, 'HS', 1],
  [5, 960, 160, true, 'HS', 1],
];
const V3_SMALL: Bneck[] = [
  [3, 16, 16, true, 'RE', 2],
  [3, 72, 24, false, 'RE', 2],
  [3, 88, 24, false, 'RE', 1],
  [5, 96, 40, true, 'HS', 2],
  [5, 240, 40, true, 'HS', 1],
  [5, 240, 40, true, 'HS', 1],
  [5, 120, 48, true, 'HS', 1],
  [5, 144, 48, true, 'HS', 1],
  [5, 288, 96, true, 'HS', 2],
  [5, 576, 96, true, 'HS', 1],
  [5, 576, 96, true, 'HS', 1],
];
/** torchvision builds MobileNetV3 with BatchNorm2d(eps=0.001, momentum=0.01). */
const V3_NORM: Norm = { eps: 1e-3, momentum: 0.01 };

/**
 * MobileNetV3 (Howard et al. 2019) in torchvision's layout and names: features.0 a 3×3/2 stem
 * (conv, BN, hard-swish), bottlenecks (MBConv with optional squeeze-excite, ReLU or hard-swish),
 * a 1×1 conv to 6 × the last width, then classifier.0 linear, .1 hard-swish, .2 dropout, .3 linear.
 */
function mobilenetV3(id: string, label: string, setting: Bneck[], lastChannel: number, size: string): Template {
  const description = `Hard-swish, squeeze-excite and searched bottlenecks (2019; ${size} parameters at ImageNet size).`;
  return torchvisionTemplate({ id, label, description }, (b, classes) => {
    convNormActBlocks(b, 'features.0', 16, 3, 2, 'hardswish', V3_NORM);
    setting.forEach(([kernel, expandedChannels, filters, se, act, stride], i) => {
      const activation: MobileActivation = act === 'RE' ? 'relu' : 'hardswish';
      b.then(`features.${i + 1}`, 'mbconv', { filters, expansion: 1, expandedChannels, kernel, stride, activation, se, layout: 'mobilenet_v3', ...V3_NORM });
    });
    const lastIn = setting.at(-1)![2];
    convNormActBlocks(b, `features.${setting.length + 1}`, 6 * lastIn, 1, 1, 'hardswish', V3_NORM);
    b.then('avgpool', 'globalavgpool');
    b.then('classifier.0', 'dense', { units: lastChannel });
    b.then('classifier.1', 'hardswish');
    b.then('classifier.2', 'dropout', { p: 0.2 });
    b.then('classifier.3', 'output', { classes });
  });
}

export const mobilenetV3Large = mobilenetV3('mobilenet_v3_large', 'MobileNetV3-Large', V3_LARGE, 1280, '5.5M');
export const mobilenetV3Small = mobilenetV3('mobilenet_v3_small', 'MobileNetV3-Small', V3_SMALL, 1024, '2.5M');
