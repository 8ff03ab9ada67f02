/** Switching optimizer in the Train tab offers that optimizer's learning rate and weight decay (the CLI's defaults). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LR } from '../../../core/api';
import { memoryOptimizer, optimizerChange } from '../../../renderer/studio/optimizer-choice';
import { DEFAULT_SETTINGS } from '../../../main/trainer/settings';

describe('optimizer choice', () => {
  it('moves a learning rate and weight decay still at the old defaults to the new ones', () => {
    expect(optimizerChange({ optimizer: 'adamw', lr: DEFAULT_LR.adamw, weightDecay: 1e-2 }, 'sgd')).toEqual({ optimizer: 'sgd', lr: 0.05, weightDecay: 5e-4 });
    expect(optimizerChange({ optimizer: 'sgd', lr: 0.05, weightDecay: 5e-4 }, 'adam')).toEqual({ optimizer: 'adam', lr: 0.001, weightDecay: 0 });
  });

  it('keeps a learning rate or weight decay the person typed', () => {
    expect(optimizerChange({ optimizer: 'adamw', lr: 0.0005, weightDecay: 0.05 }, 'sgd')).toEqual({ optimizer: 'sgd' });
    expect(optimizerChange({ optimizer: 'adamw', lr: DEFAULT_LR.adamw, weightDecay: 0.05 }, 'adam')).toEqual({ optimizer: 'adam', lr: 0.001 });
  });

  it("agrees with the trainer's own default recipe", () => {
    expect(DEFAULT_SETTINGS.lr).toBe(DEFAULT_LR[DEFAULT_SETTINGS.optimizer]);
  });

  it("counts the trainer's SGD with its momentum buffer in the memory estimate", () => {
    expect(memoryOptimizer('sgd')).toBe('sgd-momentum');
    expect(memoryOptimizer('adam')).toBe('adam');
  });
});
