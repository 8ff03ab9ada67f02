/** Learning-rate schedules against PyTorch 1.13's own numbers (values printed by torch.optim.lr_scheduler). */
import { describe, expect, it } from 'vitest';
import { learningRate, validateSchedule } from '../../../core/train/schedule';

// OneCycleLR(AdamW(lr=1e-3), max_lr=1e-3, total_steps=20, cycle_momentum=False): lr before each step.
const TORCH_ONECYCLE_20 = [
  3.9999999999999996e-5, 0.0001316718427000252, 0.0003716718427000253, 0.0006683281572999747, 0.0009083281572999747, 0.001, 0.0009874640062350875,
  0.0009504846320134736, 0.0008909161775710499, 0.000811745653949763, 0.0007169430017913008, 0.0006112620219362892, 0.0005000019999999999,
  0.00038874197806371076, 0.0002830609982086992, 0.00018825834605023698, 0.00010908782242895002, 4.9519367986526286e-5, 1.2539993764912554e-5, 4e-9,
];

describe('learning-rate schedules', () => {
  it('constant', () => {
    for (const s of [0, 5, 99]) expect(learningRate({ kind: 'constant' }, 0.1, s, { stepsPerEpoch: 10, totalSteps: 100 })).toBe(0.1);
  });

  it('step matches StepLR(step_size=2, gamma=0.5) stepped per epoch', () => {
    const span = { stepsPerEpoch: 3, totalSteps: 15 };
    const perEpoch = [0, 1, 2, 3, 4].map((e) => learningRate({ kind: 'step', everyEpochs: 2, gamma: 0.5 }, 0.1, e * 3 + 1, span));
    expect(perEpoch).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    // Every step within an epoch has the epoch's rate.
    expect(learningRate({ kind: 'step', everyEpochs: 2, gamma: 0.5 }, 0.1, 5, span)).toBe(0.1);
    expect(learningRate({ kind: 'step', everyEpochs: 2, gamma: 0.5 }, 0.1, 6, span)).toBe(0.05);
  });

  it('onecycle matches OneCycleLR to float64 rounding', () => {
    const got = TORCH_ONECYCLE_20.map((_, s) => learningRate({ kind: 'onecycle' }, 1e-3, s, { stepsPerEpoch: 4, totalSteps: 20 }));
    got.forEach((v, i) => expect(Math.abs(v - TORCH_ONECYCLE_20[i]!)).toBeLessThan(1e-15));
  });

  it('cosine with linear warmup: hand-computed values', () => {
    const span = { stepsPerEpoch: 10, totalSteps: 110 };
    const cfg = { kind: 'cosine' as const, warmupSteps: 10 };
    // warmup: lr * (s + 1) / W
    expect(learningRate(cfg, 1, 0, span)).toBeCloseTo(0.1, 15);
    expect(learningRate(cfg, 1, 9, span)).toBeCloseTo(1, 15);
    // after warmup: (1 + cos(pi * (s - 10) / 100)) / 2
    expect(learningRate(cfg, 1, 10, span)).toBeCloseTo(1, 15);
    expect(learningRate(cfg, 1, 60, span)).toBeCloseTo(0.5, 15);
    expect(learningRate(cfg, 1, 35, span)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 15);
    expect(learningRate({ ...cfg, minLr: 0.1 }, 1, 60, span)).toBeCloseTo(0.55, 15);
    // default warmup: one epoch, at most 10% of the run
    expect(learningRate({ kind: 'cosine' }, 1, 0, { stepsPerEpoch: 50, totalSteps: 100 })).toBeCloseTo(0.1, 15);
  });

  it('validation names the bad field', () => {
    expect(validateSchedule({ kind: 'onecycle', pctStart: 1.5 })).toMatch(/pctStart/);
    expect(validateSchedule({ kind: 'step', everyEpochs: 0 })).toMatch(/everyEpochs/);
    expect(validateSchedule({ kind: 'cosine' })).toBeNull();
  });
});
