/**
 * `cnn-studio lr-find PROJECT --data DIR`: the learning-rate range test (main/trainer/lr-find.ts)
 * with the project's training settings; prints the smoothed curve and the suggestion.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_LR_SWEEP, type LrSweep } from '../../core/train/lr-finder';
import { DatasetError } from '../data/errors';
import type { LrFindResult } from '../trainer/lr-find';
import { findLearningRateOffThread } from '../trainer/lr-find-off-thread';
import { RunControl } from '../trainer/control';
import { TrainError } from '../trainer/run-folder';
import { addCacheDirOption, cacheDirFlag, type CacheDirFlags } from './cache-flag';
import { CliError, type CliIO } from './io';
import { readProject, settingsFromFlags } from './train';
import { TRAIN_FLAG_HELP } from './train-help';

interface LrFindFlags extends CacheDirFlags {
  data: string;
  batch?: string;
  optimizer?: string;
  weightDecay?: string;
  augment?: boolean;
  seed?: string;
  valSplit?: string;
  resize?: string;
  minLr?: string;
  maxLr?: string;
  steps?: string;
  threads?: string;
  json?: boolean;
}

function positive(flag: string, v: string | undefined, whole = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n)))
    throw new CliError(`${flag}: "${v}" is not a ${whole ? 'whole number >= 1' : 'positive number'}`);
  return n;
}

function sweepFlags(o: LrFindFlags): Partial<LrSweep> {
  const minLr = positive('--min-lr', o.minLr);
  const maxLr = positive('--max-lr', o.maxLr);
  const steps = positive('--steps', o.steps, true);
  return { ...(minLr === undefined ? {} : { minLr }), ...(maxLr === undefined ? {} : { maxLr }), ...(steps === undefined ? {} : { steps }) };
}

function formatText(r: LrFindResult): string {
  const every = Math.max(1, Math.ceil(r.curve.length / 20));
  const rows = r.curve
    .filter((_, i) => i % every === 0 || i === r.curve.length - 1)
    .map((p) => `  ${p.lr.toExponential(2).padStart(10)}  ${p.loss.toFixed(4)}`);
  const why = { end: `the sweep reached ${r.sweep.maxLr}`, diverged: 'the loss diverged (over 4x its best)', cancelled: 'cancelled' }[r.stopped];
  const suggestion =
    r.suggestion === null
      ? 'no suggestion: the loss never fell (try a lower --min-lr or more --steps)'
      : `suggested learning rate: ${r.suggestion.toPrecision(2)} (steepest descent of the smoothed loss)`;
  return ['       lr   smoothed loss', ...rows, `${r.curve.length} steps of batch ${r.batchSize}; stopped: ${why}`, suggestion].join('\n');
}

export function registerLrFind(program: Command, io: CliIO): void {
  const cmd = program
    .command('lr-find')
    .description('learning-rate range test: train briefly with a growing learning rate and suggest one (nothing is saved)')
    .argument('<project>', 'project file (.json)')
    .requiredOption('--data <DIR>', 'image folder: DIR/<class>/<image>, or DIR/train + DIR/val|test')
    .option('--batch <B>', TRAIN_FLAG_HELP.batch)
    .option('--optimizer <name>', TRAIN_FLAG_HELP.optimizer)
    .option('--weight-decay <W>', TRAIN_FLAG_HELP.weightDecay)
    .option('--no-augment', 'no augmentation')
    .option('--seed <S>', TRAIN_FLAG_HELP.seed)
    .option('--val-split <F>', TRAIN_FLAG_HELP.valSplit)
    .option('--resize <policy>', TRAIN_FLAG_HELP.resize)
    .option('--min-lr <X>', `first learning rate of the sweep (default ${DEFAULT_LR_SWEEP.minLr})`)
    .option('--max-lr <X>', `last learning rate of the sweep (default ${DEFAULT_LR_SWEEP.maxLr})`)
    .option('--steps <N>', `steps in the sweep (default ${DEFAULT_LR_SWEEP.steps})`)
    .option('--threads <N>', 'CPU threads for onnxruntime (default: physical cores)')
    .option('--json', 'print JSON: {curve: [{lr, loss}], suggestion, stopped, batchSize}');
  addCacheDirOption(cmd).action(async (projectArg: string, o: LrFindFlags) => {
    const settings = settingsFromFlags(o);
    const sweep = sweepFlags(o);
    const threads = positive('--threads', o.threads, true);
    const cacheDir = cacheDirFlag(o, io);
    const project = await readProject(projectArg);
    const control = new RunControl();
    const onInterrupt = (): void => control.cancel();
    process.once('SIGINT', onInterrupt);
    let result: LrFindResult;
    try {
      result = await findLearningRateOffThread({
        project,
        projectPath: path.resolve(projectArg),
        dataDir: o.data,
        settings,
        sweep,
        control,
        ...(threads ? { threads } : {}),
        ...(cacheDir ? { cacheDir } : {}),
      });
    } catch (e) {
      if (e instanceof TrainError || e instanceof DatasetError) throw new CliError(e.message);
      throw e;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
    if (o.json) io.out(JSON.stringify({ curve: result.curve, suggestion: result.suggestion, stopped: result.stopped, batchSize: result.batchSize }));
    else io.out(formatText(result));
  });
}
