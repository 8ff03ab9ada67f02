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

/** The head every one of these nets ends with: pool, dropout, linear classifier. */
export function poolDropoutClassifier(b: DocBuilder, classes: number, dropout: number): void {
  b.then('avgpool', 'globalavgpool');
  b.then('classifier.0', 'dropout', { p: dropout });
  b.then('classifier.1', 'output', { classes });
}

/** One block of a stage table: its stage, its place in the stage and in the whole walk, and its stride. */
export interface StageStep<S> {
  stage: S;
  stageIndex: number;
  repeat: number;
  /** The stage's stride for its first block, 1 for the repeats (torchvision's inverted residual stages). */
  stride: number;
  /** 0-based over all stages. */
  blockIndex: number;
}

/** The blocks of a stage table in order: stage s contributes `repeatsOf(s)` blocks. */
export function stageSteps<S>(stages: readonly S[], repeatsOf: (s: S) => number, strideOf: (s: S) => number): StageStep<S>[] {
  const steps: StageStep<S>[] = [];
  stages.forEach((stage, stageIndex) => {
    for (let repeat = 0; repeat < repeatsOf(stage); repeat++) {
      steps.push({ stage, stageIndex, repeat, stride: repeat === 0 ? strideOf(stage) : 1, blockIndex: steps.length });
    }
  });
  return steps;
}
