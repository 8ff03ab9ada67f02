/**
 * cnn-studio train <project> --data DIR [...]: trains in the training worker and reports as it
 * goes: a progress bar on a terminal, or with --json one JSON object per line (TrainEvent).
 * Ctrl-C cancels cleanly (the last checkpoint stays; continue with --resume).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { decodeProgressText } from '../../core/data/decode-progress';
import { parseProject } from '../../core/graph/project';
import { ProjectFileError } from '../../core/graph/errors';
import { startTraining, type TrainingRun } from '../trainer/start';
import { scheduleKind, validateSettings, withDefaults } from '../trainer/settings';
import { AUGMENT_PRESET_NAMES, DEFAULT_LR, DEFAULT_WEIGHT_DECAY, presetAugment, TRAIN_DEFAULTS, type AugmentPreset } from '../../core/train-defaults';
import { TRAIN_FLAG_HELP } from './train-help';
import { TrainError } from '../trainer/run-folder';
import { hasTrainerEnv, TRAINER_ENV } from '../trainer/process-env';
import { ENV_NAMES, readConfig } from '../config';
import { DEVICE_CHOICES, OPTIMIZER_CHOICES, type DeviceChoice, type ProjectJson, type TrainEvent, type TrainSettings } from '../trainer/types';
import { RESIZE_POLICIES, type ResizePolicy } from '../data/decode';
import { CliError, processIO, type CliIO } from './io';
import { addCacheDirOption, cacheDirFlag, type CacheDirFlags } from './cache-flag';
import { checkpointArg, readProjectText } from '../fs/user-paths';
import { addFineTuneOptions, fineTuneFromFlags, type FineTuneFlags } from './finetune-flags';

interface TrainFlags extends CacheDirFlags, FineTuneFlags {
  data: string;
  epochs?: string;
  batch?: string;
  optimizer?: string;
  lr?: string;
  schedule?: string;
  weightDecay?: string;
  labelSmoothing?: string;
  /** true: bare --augment (light); false: --no-augment; else a preset's name */
  augment?: boolean | string;
  device?: string;
  seed?: string;
  out?: string;
  resume?: boolean;
  json?: boolean;
  valSplit?: string;
  patience?: string;
  resize?: string;
  threads?: string;
  initWeights?: string;
  fromScratch?: boolean;
  force?: boolean;
}

function num(flag: string, v: string | undefined, check: (n: number) => boolean, want: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new CliError(`${flag}: "${v}" is not ${want}`);
  return n;
}

const wholeAtLeast =
  (min: number) =>
  (n: number): boolean =>
    Number.isInteger(n) && n >= min;

function choice<T extends string>(flag: string, v: string | undefined, options: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(options as readonly string[]).includes(v)) throw new CliError(`${flag}: "${v}" is not one of ${options.join(', ')}`);
  return v as T;
}

export function settingsFromFlags(o: TrainFlags): TrainSettings {
  const optimizer = choice('--optimizer', o.optimizer, OPTIMIZER_CHOICES) ?? TRAIN_DEFAULTS.optimizer;
  const s = withDefaults({
    epochs: num('--epochs', o.epochs, wholeAtLeast(1), 'a whole number >= 1'),
    batchSize: num('--batch', o.batch, wholeAtLeast(1), 'a whole number >= 1'),
    optimizer,
    lr: num('--lr', o.lr, (n) => n > 0, 'a positive number') ?? DEFAULT_LR[optimizer],
    schedule: o.schedule === undefined ? undefined : { kind: scheduleKindOrCli(o.schedule) },
    weightDecay: num('--weight-decay', o.weightDecay, (n) => n >= 0, 'a number >= 0') ?? DEFAULT_WEIGHT_DECAY[optimizer],
    labelSmoothing: num('--label-smoothing', o.labelSmoothing, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    augment: presetAugment(typeof o.augment === 'string' ? choice<AugmentPreset>('--augment', o.augment, AUGMENT_PRESET_NAMES)! : (o.augment ?? true)),
    device: choice<DeviceChoice>('--device', o.device, DEVICE_CHOICES),
    seed: num('--seed', o.seed, wholeAtLeast(0), 'a whole number >= 0'),
    patience: num('--patience', o.patience, wholeAtLeast(0), 'a whole number >= 0'),
    valSplit: num('--val-split', o.valSplit, (n) => n >= 0 && n < 1, 'a fraction in [0, 1)'),
    resize: choice<ResizePolicy>('--resize', o.resize, RESIZE_POLICIES),
  });
  Object.assign(s, fineTuneFromFlags(o, s.epochs));
  try {
    validateSettings(s);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return s;
}

function scheduleKindOrCli(v: string): ReturnType<typeof scheduleKind> {
  try {
    return scheduleKind(v);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export async function readProject(file: string): Promise<ProjectJson> {
  const text = await readProjectText(file);
  try {
    const p = parseProject(text);
    return { name: p.name, model: p.model, extra: p.extra };
  } catch (e) {
    if (e instanceof ProjectFileError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

function defaultRunDir(project: ProjectJson): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const name = (project.name || 'run').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return path.join('runs', `${name}-${stamp}`);
}

function pct(x: number | null): string {
  return x === null ? '   -  ' : `${(x * 100).toFixed(2).padStart(6)}%`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/** Human output: one line per epoch and log; a self-rewriting progress bar when stderr is a terminal. */
function textReporter(io: CliIO): (e: TrainEvent) => void {
  const tty = io === processIO && process.stderr.isTTY === true;
  let barShown = false;
  const clearBar = (): void => {
    if (barShown) process.stderr.write('\r\x1b[2K');
    barShown = false;
  };
  return (e) => {
    switch (e.type) {
      case 'log':
        clearBar();
        io.err(`${e.level === 'warn' ? 'warning' : 'info'}: ${e.message}`);
        break;
      case 'data':
        if (tty) {
          process.stderr.write(`\r\x1b[2K${decodeProgressText(e, e)}`);
          barShown = true;
        }
        break;
      case 'start':
        clearBar();
        io.err(
          `training on ${e.device}: ${e.classes.length} classes, ${e.trainSamples} training / ${e.valSamples} validation images, ${e.stepsPerEpoch} steps per epoch${e.startEpoch > 1 ? `, resuming at epoch ${e.startEpoch}` : ''}`,
        );
        if (e.decodeImagesPerSecond) io.err(`decoded images at ${e.decodeImagesPerSecond.toFixed(0)} images/s (cached for later runs)`);
        break;
      case 'progress':
        if (tty) {
          const width = 24;
          const filled = Math.round((e.step / e.stepsPerEpoch) * width);
          process.stderr.write(
            `\r\x1b[2Kepoch ${e.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.step}/${e.stepsPerEpoch} loss ${e.loss.toFixed(4)} ${e.imagesPerSecond.toFixed(0)} img/s ETA ${duration(e.etaSeconds)}`,
          );
          barShown = true;
        }
        break;
      case 'epoch':
        clearBar();
        io.out(
          `epoch ${String(e.epoch).padStart(String(e.epochs).length)}/${e.epochs}  train loss ${e.trainLoss.toFixed(4)} acc ${pct(e.trainAccuracy)}  val loss ${e.valLoss === null ? '   -  ' : e.valLoss.toFixed(4)} acc ${pct(e.valAccuracy)}  lr ${e.lr.toExponential(2)}  ${e.seconds.toFixed(1)}s ${e.imagesPerSecond.toFixed(0)} img/s${e.best ? '  *best' : ''}`,
        );
        break;
      case 'paused':
      case 'resumed':
        clearBar();
        io.err(e.type);
        break;
      case 'done':
        clearBar();
        io.out(`done: best validation accuracy ${pct(e.bestValAccuracy).trim()} at epoch ${e.bestEpoch}${e.stoppedEarly ? ' (stopped early)' : ''}`);
        io.out(`run folder: ${e.runDir}`);
        io.out(`  model:      ${e.checkpoints.model ?? '(none)'}`);
        io.out(`  best:       ${e.checkpoints.best}`);
        io.out(`  last:       ${e.checkpoints.last}`);
        if (e.corrupt.length > 0) io.err(`warning: ${e.corrupt.length} unreadable file(s) were skipped (listed in run.json)`);
        break;
      case 'cancelled':
        clearBar();
        io.err(`cancelled during epoch ${e.epoch}${e.checkpoints.last ? `; continue with --resume (last checkpoint: ${e.checkpoints.last})` : ''}`);
        break;
      case 'failed':
        clearBar();
        break;
      case 'checkpoint':
        break;
    }
  };
}

/** Runs this command again in a child with TRAINER_ENV; resolves to its exit code. */
function rerunWithTrainerEnv(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      // The IPC channel only tells the child when this process is gone (see below).
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...TRAINER_ENV, [ENV_NAMES.noReexec]: '1' },
    });
    // Ctrl-C reaches the child too (same process group); it cancels cleanly, so this one waits.
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1));
    });
    child.on('error', () => {
      process.off('SIGINT', ignore);
      resolve(1);
    });
  });
}

export function registerTrain(program: Command, io: CliIO): void {
  const cmd = program
    .command('train')
    .description('train a project on a folder of images (one sub-folder per class)')
    .argument('<project>', 'project file (.json)')
    .requiredOption('--data <DIR>', 'image folder: DIR/<class>/<image>, or DIR/train + DIR/val|test')
    .option('--epochs <N>', TRAIN_FLAG_HELP.epochs)
    .option('--batch <B>', TRAIN_FLAG_HELP.batch)
    .option('--optimizer <name>', TRAIN_FLAG_HELP.optimizer)
    .option('--lr <X>', TRAIN_FLAG_HELP.lr)
    .option('--schedule <name>', TRAIN_FLAG_HELP.schedule)
    .option('--weight-decay <W>', TRAIN_FLAG_HELP.weightDecay)
    .option('--label-smoothing <S>', TRAIN_FLAG_HELP.labelSmoothing)
    .option('--augment [preset]', TRAIN_FLAG_HELP.augment)
    .option('--no-augment', 'no augmentation')
    .option('--device <D>', TRAIN_FLAG_HELP.device)
    .option('--seed <S>', TRAIN_FLAG_HELP.seed)
    .option('--out <RUN_DIR>', 'run folder (default runs/<project>-<time>)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--json', 'print one JSON object per line (events with a "type")')
    .option('--val-split <F>', TRAIN_FLAG_HELP.valSplit)
    .option('--patience <N>', TRAIN_FLAG_HELP.patience)
    .option('--resize <policy>', TRAIN_FLAG_HELP.resize)
    .option('--threads <N>', 'CPU threads for onnxruntime (default: physical cores)')
    .option('-f, --force', 'start over in --out when it already holds a run (its run.json, checkpoints and model.onnx are replaced)')
    .option(
      '--init-weights <CKPT>',
      "start from this checkpoint's tensors, or a run folder's best.ckpt (default: the checkpoint the project names, e.g. after an import)",
    )
    .option('--from-scratch', "ignore the project's checkpoint: start from random initialisation");
  addCacheDirOption(addFineTuneOptions(cmd)).action(async (projectArg: string, o: TrainFlags) => {
    const settings = settingsFromFlags(o);
    // glibc reads its heap tuning (TRAINER_ENV, main/trainer/process-env.ts) at process start:
    // the real CLI re-runs itself once with it (not when called in process, e.g. by tests).
    const script = process.argv[1] ?? '';
    if (io === processIO && !hasTrainerEnv() && /(cnn-studio|cli)\.c?js$/.test(script) && !readConfig().noReexec) {
      io.setExitCode(await rerunWithTrainerEnv());
      return;
    }
    if (readConfig().noReexec && process.channel) {
      // Re-run child: if the parent CLI is killed, stop too (as one process would), without
      // letting the channel keep this process alive after training.
      process.channel.unref();
      process.on('disconnect', () => process.exit(137));
    }
    const threads = num('--threads', o.threads, wholeAtLeast(1), 'a whole number >= 1');
    if (o.resume && !o.out) throw new CliError('--resume needs --out RUN_DIR: the run folder to continue');
    if (o.resume && o.force) throw new CliError('--resume continues the run in --out and --force starts it over: pass one of them');
    const cacheDir = cacheDirFlag(o, io);
    const initialWeights = o.initWeights === undefined ? undefined : await checkpointArg(o.initWeights);
    const project = await readProject(projectArg);
    const outDir = o.out ?? defaultRunDir(project);
    let run: TrainingRun;
    try {
      run = startTraining({
        project,
        projectPath: path.resolve(projectArg),
        dataDir: o.data,
        outDir,
        settings,
        ...(o.resume ? { resume: true } : {}),
        ...(threads ? { threads } : {}),
        ...(cacheDir ? { cacheDir } : {}),
        ...(initialWeights ? { initialWeights } : {}),
        ...(o.fromScratch ? { fromScratch: true } : {}),
        ...(o.force ? { overwrite: true } : {}),
        progressIntervalMs: o.json ? 1000 : 200,
      });
    } catch (e) {
      throw new CliError(e instanceof TrainError ? e.message : (e as Error).message);
    }
    const report = o.json ? (e: TrainEvent): void => io.out(JSON.stringify(e)) : textReporter(io);
    run.on(report);
    // Ctrl-C: cancel at the next step boundary (the last checkpoint is kept). The handler is
    // removed at once, so a second Ctrl-C gets Node's default: the process ends immediately.
    const onSigint = (): void => {
      process.off('SIGINT', onSigint);
      io.err('cancelling after the current step (Ctrl-C again to stop at once; the last checkpoint stays)');
      run.cancel();
    };
    process.on('SIGINT', onSigint);
    try {
      const end = await run.finished;
      if (end.type === 'failed') throw new CliError(end.message);
      if (end.type === 'cancelled') io.setExitCode(130);
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
