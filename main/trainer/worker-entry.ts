/**
 * Entry point of the trainer host (bundled to dist/train-worker.cjs): the same file runs in a
 * worker thread, a Node child process or Electron's utility process (host-link.ts tells which).
 * onnxruntime's session.run blocks the thread it runs on, so the loop — and the evaluations and
 * learning-rate sweeps the studio asks for — live here and the caller's thread (Electron's main, serve mode's server) stays free.
 */
import * as ort from 'onnxruntime-node';
import type { LrPoint } from '../../core/train/lr-finder';
import { DatasetError } from '../data/errors';
import { RunControl } from './control';
import { evaluateModel } from './eval-run';
import { connectToParent } from './host-link';
import { runTraining } from './loop';
import { findLearningRate } from './lr-find';
import { DATASET_ERROR_CODE, type WorkerMessage } from './messages';

// onnxruntime's own log lines (graph-optimizer notes, a provider library that is not installed
// while probing for 'auto') are for developers, not for a person watching a progress bar. Every
// failure that matters still arrives as an exception, and the trainer reports it as an event.
ort.env.logLevel = 'fatal';

const link = connectToParent();
const control = new RunControl();
// Registered before the job arrives, so a control sent right after the job is not lost.
link.onControl((m) => {
  if (m.type === 'pause') control.pause();
  else if (m.type === 'resume') control.resume();
  else if (m.type === 'cancel') control.cancel();
});

void link.init.then(async (init): Promise<void> => {
  if (init.job === 'evaluate') return runToResult(async () => ({ kind: 'result', report: await evaluateModel(init.target, init.dataDir, init.options) }));
  if (init.job === 'lr-find') {
    const onPoint = (point: LrPoint, step: number, steps: number): void => link.post({ kind: 'lr-point', point, step, steps });
    return runToResult(async () => ({ kind: 'lr-result', result: await findLearningRate({ ...init.options, control, onPoint }) }));
  }
  try {
    await runTraining(init.options, (event) => link.post({ kind: 'event', event }), control);
  } finally {
    link.post({ kind: 'finished' });
    link.close();
  }
});

/** A job that ends with one result message, or an error message with the error's code. */
async function runToResult(job: () => Promise<WorkerMessage>): Promise<void> {
  try {
    link.post(await job());
  } catch (e) {
    link.post({ kind: 'error', code: errorCode(e), message: e instanceof Error ? e.message : String(e) });
  } finally {
    link.close();
  }
}

/** TrainError carries a stable code, DatasetError its class: keep them across the host boundary. */
function errorCode(e: unknown): string | null {
  if (e instanceof DatasetError) return DATASET_ERROR_CODE;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
