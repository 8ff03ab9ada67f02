/**
 * Entry point of the training worker thread (bundled to dist/train-worker.cjs). onnxruntime's
 * session.run blocks the thread it runs on, so the loop lives here and the main thread stays free.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { RunControl } from './control';
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

port.on('message', (m: ControlMessage) => {
  if (m.type === 'pause') control.pause();
  else if (m.type === 'resume') control.resume();
  else if (m.type === 'cancel') control.cancel();
});

void runTraining(init.options, (event) => post({ kind: 'event', event }), control).finally(() => {
  post({ kind: 'finished' });
  port.close();
});
