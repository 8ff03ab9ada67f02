/** `cnn-studio train`'s fine-tuning flags (main/commands/finetune-flags.ts). */
import { describe, expect, it } from 'vitest';
import { fineTuneFromFlags } from '../../../main/commands/finetune-flags';
import { cli } from '../../helpers/cli-io';

describe('fine-tuning flags', () => {
  it('--recipe finetune: frozen backbone, the last third of the epochs as phase 2; explicit flags override its parts', () => {
    expect(fineTuneFromFlags({ recipe: 'finetune' }, 9)).toEqual({ freeze: 'backbone', phase2Epochs: 3 });
    expect(fineTuneFromFlags({ recipe: 'finetune' }, 2)).toEqual({ freeze: 'backbone', phase2Epochs: 1 });
    expect(fineTuneFromFlags({ recipe: 'finetune', freeze: 'layer2', phase2Epochs: '2', phase2Unfreeze: 'layer3', phase2LrScale: '0.05' }, 9)).toEqual({
      freeze: 'layer2',
      phase2Epochs: 2,
      phase2Unfreeze: 'layer3',
      phase2LrScale: 0.05,
    });
    expect(fineTuneFromFlags({}, 9)).toEqual({});
    expect(fineTuneFromFlags({ freeze: 'none', featureCacheMb: '0' }, 9)).toEqual({ freeze: 'none', featureCacheMb: 0 });
  });
  it('refuses bad values, naming the flag', () => {
    expect(() => fineTuneFromFlags({ recipe: 'transfer' }, 9)).toThrow(/--recipe: "transfer" is not one of finetune/);
    expect(() => fineTuneFromFlags({ recipe: 'finetune' }, 1)).toThrow(/--epochs 2 or more/);
    expect(() => fineTuneFromFlags({ phase2LrScale: '0' }, 9)).toThrow(/--phase2-lr-scale: "0"/);
    expect(() => fineTuneFromFlags({ phase2Epochs: '1.5' }, 9)).toThrow(/--phase2-epochs: "1.5"/);
    expect(() => fineTuneFromFlags({ featureCacheMb: 'lots' }, 9)).toThrow(/--feature-cache-mb: "lots"/);
  });
  it('the CLI checks them before training: phase 2 needs a frozen phase 1, and as many epochs', async () => {
    const r = await cli('train', 'missing.json', '--data', '.', '--phase2-epochs', '2', '--epochs', '5');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/phase 2 unfreezes blocks frozen in phase 1: give --freeze backbone/);
    const r2 = await cli('train', 'missing.json', '--data', '.', '--freeze', 'backbone', '--phase2-epochs', '5', '--epochs', '5');
    expect(r2.err).toMatch(/phase 2 epochs \(5\) must be fewer than the run's epochs \(5\)/);
    const help = await cli('train', '--help');
    expect(help.out).toMatch(/--freeze <what>/);
    expect(help.out).toMatch(/--recipe <name>/);
  });
});
