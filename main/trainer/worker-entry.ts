/**
 * Entry point of the training worker thread (bundled to dist/train-worker.cjs). onnxruntime's
 * session.run blocks the thread it runs on, so the loop — and evaluations the studio asks for —
 * live here and the main thread (Electron's, or serve mode's server) stays free.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { RunControl } from './control';
import { evaluateModel } from './eval-run';
import { runTraining } from './loop';
import type { ControlMessage, WorkerInit, WorkerMessage } from './messages';

// onnxruntime's own log lines (graph-optimizer notes, a provider library that is not installed
// while probing for 'auto') are for developers, not for a person watching a progress bar. Every
// failure that matters still arrives as an exception, and the trainer reports it as an event.
ort.env.logLevel = 'fatal';

const port = parentPort;
if (!port) throw new Error('train-worker must run in a worker thread');
const init = workerData as WorkerInit;
const control = new RunControl();
const post = (m: WorkerMessage): void => port.postMessage(m);

if (init.job === 'evaluate') {
  void evaluateModel(init.target, init.dataDir, init.options)
    .then(
      (report) => post({ kind: 'result', report }),
      (e: unknown) => post({ kind: 'error', code: errorCode(e), message: e instanceof Error ? e.message : String(e) }),
    )
    .finally(() => port.close());
} else {
  port.on('message', (m: ControlMessage) => {
    if (m.type === 'pause') control.pause();
    else if (m.type === 'resume') control.resume();
    else if (m.type === 'cancel') control.cancel();
  });

  void runTraining(init.options, (event) => post({ kind: 'event', event }), control).finally(() => {
    post({ kind: 'finished' });
    port.close();
  });
}

/** TrainError and DatasetError carry a stable code; keep it across the thread boundary. */
function errorCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
