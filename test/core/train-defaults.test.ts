/** The training defaults are declared once (core/train-defaults.ts); the trainer, the CLI and the Train tab agree with them. */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_AUGMENT, DEFAULT_LR, DEFAULT_TRAIN_INPUT, DEFAULT_WEIGHT_DECAY, TRAIN_DEFAULTS } from '../../core/train-defaults';
import { DEFAULT_SETTINGS } from '../../main/trainer/settings';
import { settingsFromFlags } from '../../main/commands/train';
import { hyperparameter } from '../../main/commands/train-help';
import { panelSettings, trainerSettings } from '../../main/studio/run-view';
import { runCli } from '../../main/cli';
import { capture } from '../helpers/cli-io';

/** The Train tab's store, loaded with empty browser storage (it reads its remembered view and settings on load). */
async function rendererDefaults(): Promise<unknown> {
  const empty = { getItem: (): null => null, setItem: (): void => undefined, removeItem: (): void => undefined };
  vi.stubGlobal('sessionStorage', empty);
  vi.stubGlobal('localStorage', empty);
  try {
    return (await import('../../renderer/state/studio')).DEFAULT_TRAIN_SETTINGS;
  } finally {
    vi.unstubAllGlobals();
  }
}

describe('training defaults', () => {
  it("the trainer's full settings are core's", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      ...TRAIN_DEFAULTS,
      schedule: { kind: TRAIN_DEFAULTS.schedule },
      lr: DEFAULT_LR[TRAIN_DEFAULTS.optimizer],
      weightDecay: DEFAULT_WEIGHT_DECAY[TRAIN_DEFAULTS.optimizer],
      augment: DEFAULT_AUGMENT,
    });
  });

  it("the Train tab starts from core's defaults, and starting a run from them gives the trainer's defaults", async () => {
    expect(await rendererDefaults()).toEqual(DEFAULT_TRAIN_INPUT);
    expect(panelSettings(DEFAULT_SETTINGS)).toEqual(DEFAULT_TRAIN_INPUT);
    expect(trainerSettings(DEFAULT_TRAIN_INPUT)).toEqual(DEFAULT_SETTINGS);
  });

  it('train with no setting flags runs the defaults; another optimizer takes its own lr and weight decay', () => {
    expect(settingsFromFlags({ data: 'd' })).toEqual(DEFAULT_SETTINGS);
    for (const optimizer of ['sgd', 'adam', 'adamw'] as const) {
      const s = settingsFromFlags({ data: 'd', optimizer });
      expect([s.lr, s.weightDecay]).toEqual([DEFAULT_LR[optimizer], DEFAULT_WEIGHT_DECAY[optimizer]]);
    }
  });

  it("train --help shows core's defaults", async () => {
    const io = capture();
    expect(await runCli(['train', '--help'], io)).toBe(0);
    const help = io.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`epochs (default ${TRAIN_DEFAULTS.epochs})`);
    expect(help).toContain(`batch size (default ${TRAIN_DEFAULTS.batchSize})`);
    expect(help).toContain(`sgd | adam | adamw (default ${TRAIN_DEFAULTS.optimizer})`);
    expect(help).toContain(
      `(default: adamw ${hyperparameter(DEFAULT_LR.adamw)}, sgd ${hyperparameter(DEFAULT_LR.sgd)}, adam ${hyperparameter(DEFAULT_LR.adam)})`,
    );
    expect(help).toContain(
      `weight decay (default: adamw ${hyperparameter(DEFAULT_WEIGHT_DECAY.adamw)}, sgd ${hyperparameter(DEFAULT_WEIGHT_DECAY.sgd)}, adam 0)`,
    );
    expect(help).toContain(`(default ${TRAIN_DEFAULTS.schedule})`);
    expect(help).toContain(`random crop, pad ${DEFAULT_AUGMENT.cropPadding}, + horizontal flip) | imagenet`);
    expect(help).toContain(`no val/ or test/ (default ${TRAIN_DEFAULTS.valSplit})`);
    expect(help).toContain(`letterbox (default ${TRAIN_DEFAULTS.resize})`);
  });

  it('writes hyperparameters as people do', () => {
    expect([3e-3, 1e-3, 5e-4, 1e-2, 0.05, 0.1, 0, 15].map(hyperparameter)).toEqual(['3e-3', '1e-3', '5e-4', '1e-2', '0.05', '0.1', '0', '15']);
  });
});
