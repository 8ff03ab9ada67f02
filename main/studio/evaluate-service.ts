/**
 * Evaluation of a run for the studio: the trainer's report (confusion matrix, per-class
 * precision/recall/F1, misclassified images most confident first) plus thumbnails of the mistakes,
 * so clicking a confusion-matrix cell shows the images at once.
 */
import { StudioError, type EvalView } from '../../core/api';
import { readRunJson, TrainError } from '../trainer/index';
import { evaluateOffThread, type OffThreadOptions } from '../trainer/evaluate-off-thread';
import { DatasetError } from '../data/index';
import { thumbnails } from './images';

const MAX_MISTAKES = 500;
const MAX_THUMBS = 300;

export async function evaluateRun(runId: string, runDir: string, dataDir: string | undefined, cacheDir?: string, how: OffThreadOptions = {}): Promise<EvalView> {
  const run = await readRunJson(runDir);
  const data = dataDir ?? run.data.root;
  // A folder of classes has no held-out folder: evaluating it again would score the training
  // images too. The run kept its best epoch's validation metrics (its held-out split): use those.
  if (!dataDir && run.data.layout === 'class-folders' && run.evaluation && run.evaluation.samples > 0) {
    // Runs written before the diagonal samples were kept have none.
    const e = { ...run.evaluation, leastConfidentCorrect: run.evaluation.leastConfidentCorrect ?? [] };
    return { ...e, runId, dataDir: run.data.root, split: 'val', classes: run.data.classes, thumbs: await cellThumbs(e) };
  }
  try {
    // In the trainer host (a utility process in the app, a worker thread in serve mode):
    // onnxruntime's session.run would block this (Electron's main) thread.
    const r = await evaluateOffThread(runDir, data, { maxMisclassified: MAX_MISTAKES, ...(cacheDir ? { cacheDir } : {}) }, how);
    return {
      runId, dataDir: r.data, split: r.split, classes: r.classes, samples: r.samples, accuracy: r.accuracy, top5: r.top5,
      perClass: r.perClass, confusion: r.confusion, misclassified: r.misclassified, leastConfidentCorrect: r.leastConfidentCorrect,
      loss: r.loss, thumbs: await cellThumbs(r),
    };
  } catch (e) {
    if (e instanceof TrainError || e instanceof DatasetError) throw new StudioError('eval-failed', e.message);
    throw e;
  }
}

/** Thumbnails for what the confusion matrix's cells show: the mistakes, and the unsure correct ones. */
function cellThumbs(e: Pick<EvalView, 'misclassified' | 'leastConfidentCorrect'>): Promise<Record<string, string>> {
  const paths = [...e.misclassified.slice(0, MAX_THUMBS), ...e.leastConfidentCorrect].map((m) => m.path);
  return thumbnails(paths, 56);
}
