/**
 * The run folder: one training run, self-describing.
 *   run.json      settings, classes, preprocessing, data report, metrics history, status
 *   project.json  the project as trained (Output block's class count set from the data)
 *   last.ckpt     checkpoint after the latest finished epoch (resume from here)
 *   best.ckpt     checkpoint of the epoch with the best validation accuracy
 *   model.onnx    the best weights as a deployable inference model (core/onnx/export)
 * Every file is written atomically, so a killed run leaves the previous complete versions.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '../fs/atomic-write';
import { plainFsError } from '../fs/user-paths';
import type { EvalMetrics } from '../../core/train/metrics';
import type { FileIssue } from '../data/errors';
import type { CheckpointPaths, EpochRecord, TrainDevice, TrainSettings, DeviceChoice } from './types';
import { stripBom } from '../../core/json-text';

export const RUN_FORMAT = 'cnn-studio-run';
export const RUN_VERSION = 1;

export interface Preprocessing {
  /** [C, H, W] */
  inputSize: [number, number, number];
  colorMode: 'grayscale' | 'rgb';
  resize: TrainSettings['resize'];
  /** per channel, [0,1] pixel units: x = (pixel/255 - mean) / std */
  mean: number[];
  std: number[];
}

export interface RunJson {
  format: typeof RUN_FORMAT;
  version: number;
  createdAt: string;
  updatedAt: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  stoppedEarly: boolean;
  settings: TrainSettings;
  projectPath: string | null;
  data: {
    root: string;
    layout: string;
    valSource: string;
    classes: string[];
    counts: Record<string, number[]>;
    corrupt: FileIssue[];
    warnings: string[];
  };
  preprocessing: Preprocessing;
  device: { requested: DeviceChoice; used: TrainDevice; fallbackReason: string | null };
  stepsPerEpoch: number;
  history: EpochRecord[];
  best: { epoch: number; valAccuracy: number | null };
  checkpoints: { last: string | null; best: string | null; model: string | null };
  /** validation metrics of the best epoch */
  evaluation: EvalMetrics | null;
  error: string | null;
}

export function runPaths(runDir: string): CheckpointPaths {
  const dir = path.resolve(runDir);
  return {
    runDir: dir,
    last: path.join(dir, 'last.ckpt'),
    best: path.join(dir, 'best.ckpt'),
    model: path.join(dir, 'model.onnx'),
    runJson: path.join(dir, 'run.json'),
  };
}

export function projectFile(runDir: string): string {
  return path.join(path.resolve(runDir), 'project.json');
}

export async function writeRunJson(runDir: string, run: RunJson): Promise<void> {
  run.updatedAt = new Date().toISOString();
  await atomicWrite(runPaths(runDir).runJson, `${JSON.stringify(run, null, 2)}\n`);
}

export async function readRunJson(runDir: string): Promise<RunJson> {
  const file = runPaths(runDir).runJson;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${runDir} is not a run folder (no run.json)` : `cannot read ${file}: ${plainFsError(e)}`, { cause: e });
  }
  let run: RunJson;
  try {
    run = JSON.parse(stripBom(text)) as RunJson;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (run.format !== RUN_FORMAT) throw new Error(`${file} is not a CNN Studio run file (format "${String(run.format)}")`);
  return run;
}

/**
 * Makes the folder and proves it can be written (a probe file written atomically, then removed),
 * so a read-only or full disk is reported before any decoding or training.
 */
export async function ensureWritableFolder(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    const probe = path.join(dir, '.write-test');
    await atomicWrite(probe, 'cnn-studio write test\n');
    await fs.rm(probe, { force: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : err.code === 'ENOSPC'
          ? 'the disk is full'
          : err.code === 'EROFS'
            ? 'the file system is read-only'
            : err.code === 'ENOTDIR' || err.code === 'EEXIST'
              ? 'a file is in the way of the folder'
              : plainFsError(err);
    throw new TrainError('output-unwritable', `cannot write the run folder ${dir}: ${why}; choose another folder with --out`);
  }
}

/** A failure the user can act on, with a stable code for tests and the UI. */
export class TrainError extends Error {
  override readonly name = 'TrainError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
