/**
 * Entry point of the trainer host (bundled to dist/train-worker.cjs): the same file runs in a
 * worker thread, a Node child process or Electron's utility process (host-link.ts tells which).
 * onnxruntime's session.run blocks the thread it runs on, so the loop — and evaluations the
 * studio asks for — live here and the caller's thread (Electron's main, serve mode's server) stays free.
 */
import * as ort from 'onnxruntime-node';
import { RunControl } from './control';
import { evaluateModel } from './eval-run';
import { connectToParent } from './host-link';
import { runTraining } from './loop';

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
  if (init.job === 'evaluate') {
    try {
      link.post({ kind: 'result', report: await evaluateModel(init.target, init.dataDir, init.options) });
    } catch (e) {
      link.post({ kind: 'error', code: errorCode(e), message: e instanceof Error ? e.message : String(e) });
    } finally {
      link.close();
    }
    return;
  }
  try {
    await runTraining(init.options, (event) => link.post({ kind: 'event', event }), control);
  } finally {
    link.post({ kind: 'finished' });
    link.close();
  }
});

/** TrainError and DatasetError carry a stable code; keep it across the host boundary. */
function errorCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}
