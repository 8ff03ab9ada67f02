/** Pieces the MobileNet and EfficientNet templates share, in torchvision's names. */
import { ACTIVATION_BLOCK, type MobileActivation } from '../blocks/conv-norm-act';
import type { DocBuilder } from '../graph/doc-builder';

export interface Norm {
  eps: number;
  momentum: number;
}

/** Conv2dNormActivation as three top-level blocks `<name>.0` (conv), `.1` (BN), `.2` (activation). */
export function convNormActBlocks(b: DocBuilder, name: string, filters: number, kernel: number, stride: number, act: MobileActivation, norm: Norm): void {
  b.then(`${name}.0`, 'conv2d', { filters, kernel, stride, padding: (kernel - 1) / 2, bias: false });
  b.then(`${name}.1`, 'batchnorm2d', { eps: norm.eps, momentum: norm.momentum });
  const a = ACTIVATION_BLOCK[act];
  b.then(`${name}.2`, a.type, a.params);
}

/** The input block and the head every one of these nets ends with: pool, dropout, linear classifier. */
export function inputBlock(b: DocBuilder, [c, h, w]: [number, number, number]): void {
  b.then('input', 'input', { channels: c, height: h, width: w });
}

export function poolDropoutClassifier(b: DocBuilder, classes: number, dropout: number): void {
  b.then('avgpool', 'globalavgpool');
  b.then('classifier.0', 'dropout', { p: dropout });
  b.then('classifier.1', 'output', { classes });
}
