/**
 * `cnn-studio train`'s fine-tuning flags (main/trainer/finetune.ts): --freeze, the two-phase
 * recipe (--recipe finetune, or --phase2-epochs/--phase2-unfreeze/--phase2-lr-scale) and the
 * feature cache's bound.
 */
import type { Command } from 'commander';
import { DEFAULT_FEATURE_CACHE_MB, DEFAULT_PHASE2_LR_SCALE } from '../trainer/finetune';
import type { TrainSettings } from '../trainer/types';
import { CliError } from './io';

export interface FineTuneFlags {
  freeze?: string;
  recipe?: string;
  phase2Epochs?: string;
  phase2Unfreeze?: string;
  phase2LrScale?: string;
  featureCacheMb?: string;
}

export const RECIPES = ['finetune'] as const;

export function addFineTuneOptions(cmd: Command): Command {
  return cmd
    .option(
      '--freeze <what>',
      "backbone (everything before the classifier head) | none | a block name (frozen up to and including it); frozen blocks keep their weights and run in inference mode (default: the project's frozen blocks)",
    )
    .option(
      '--recipe <name>',
      'finetune: --freeze backbone, then the last third of the epochs (at least 1) as phase 2 (the last frozen stage unfrozen at 0.1 x the learning rate); the flags below override its parts',
    )
    .option('--phase2-epochs <N>', "the run's last N epochs are phase 2, which unfreezes the blocks from --phase2-unfreeze on (default 0: one phase)")
    .option(
      '--phase2-unfreeze <block>',
      "phase 2 trains this block and the ones after it (default: the last frozen block with parameters, e.g. ResNet's layer4)",
    )
    .option(
      '--phase2-lr-scale <S>',
      `phase 2's learning-rate multiplier for the unfrozen blocks; the head keeps the run's (default ${DEFAULT_PHASE2_LR_SCALE})`,
    )
    .option(
      '--feature-cache-mb <MB>',
      `memory bound of the cached backbone features (default ${DEFAULT_FEATURE_CACHE_MB}; 0: never cache): a frozen backbone without augmentation runs once per image`,
    );
}

function number(flag: string, v: string | undefined, ok: (n: number) => boolean, want: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new CliError(`${flag}: "${v}" is not ${want}`);
  return n;
}

/** The fine-tuning settings the flags give, for a run of `epochs` epochs. */
export function fineTuneFromFlags(o: FineTuneFlags, epochs: number): Partial<TrainSettings> {
  if (o.recipe !== undefined && !(RECIPES as readonly string[]).includes(o.recipe))
    throw new CliError(`--recipe: "${o.recipe}" is not one of ${RECIPES.join(', ')}`);
  const recipe = o.recipe === 'finetune';
  if (recipe && epochs < 2) throw new CliError('--recipe finetune needs --epochs 2 or more: phase 1 trains the head, phase 2 the last stage too');
  const phase2Epochs =
    number('--phase2-epochs', o.phase2Epochs, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0') ??
    (recipe ? Math.max(1, Math.round(epochs / 3)) : undefined);
  const out: Partial<TrainSettings> = {};
  const freeze = o.freeze ?? (recipe ? 'backbone' : undefined);
  if (freeze !== undefined) out.freeze = freeze;
  if (phase2Epochs !== undefined) out.phase2Epochs = phase2Epochs;
  if (o.phase2Unfreeze !== undefined) out.phase2Unfreeze = o.phase2Unfreeze;
  const scale = number('--phase2-lr-scale', o.phase2LrScale, (n) => n > 0 && n <= 10, 'a number in (0, 10]');
  if (scale !== undefined) out.phase2LrScale = scale;
  const mb = number('--feature-cache-mb', o.featureCacheMb, (n) => n >= 0, 'a number of MiB >= 0');
  if (mb !== undefined) out.featureCacheMb = mb;
  return out;
}
