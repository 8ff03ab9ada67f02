/**
 * Evaluation of a run for the studio: the trainer's report (confusion matrix, per-class
 * precision/recall/F1, misclassified images most confident first) plus thumbnails of the mistakes,
 * so clicking a confusion-matrix cell shows the images at once.
 */
import { StudioError, type EvalView } from '../../core/api';
import { readRunJson, TrainError, type RunJson } from '../trainer/index';
import { evaluateOffThread, type OffThreadOptions } from '../trainer/evaluate-off-thread';
import { DatasetError } from '../data/index';
import { thumbnails } from './images';

const MAX_MISTAKES = 500;
const MAX_THUMBS = 300;

export interface EvaluateRequest {
  /** another image folder to score the run on; default: the run's own data */
  dataDir?: string;
  /** prefer the evaluation kept with the run (its best epoch on the validation images) */
  kept?: boolean;
}

export async function evaluateRun(runId: string, runDir: string, req: EvaluateRequest, cacheDir?: string, how: OffThreadOptions = {}): Promise<EvalView> {
  const run = await readRunJson(runDir);
  const data = req.dataDir ?? run.data.root;
  // The trainer keeps its best epoch's validation metrics in run.json (loop.ts): showing them costs
  // nothing. They answer a plain Evaluate too where evaluating again would score the same images
  // (no test/ folder besides val/) or the training images (a folder of classes has no held-out
  // folder). Runs from before the metrics were kept are evaluated now.
  const kept = run.evaluation && run.evaluation.samples > 0 ? run.evaluation : null;
  if (!req.dataDir && kept && (req.kept || !hasSeparateTestSplit(run))) {
    // Runs written before the diagonal samples were kept have none.
    const e = { ...kept, leastConfidentCorrect: kept.leastConfidentCorrect ?? [] };
    return { ...e, runId, dataDir: run.data.root, split: 'val', classes: run.data.classes, thumbs: await cellThumbs(e) };
  }
  try {
    // In the trainer host (a utility process in the app, a worker thread in serve mode):
    // onnxruntime's session.run would block this (Electron's main) thread.
    const r = await evaluateOffThread(runDir, data, { maxMisclassified: MAX_MISTAKES, ...(cacheDir ? { cacheDir } : {}) }, how);
    return {
      runId,
      dataDir: r.data,
      split: r.split,
      classes: r.classes,
      samples: r.samples,
      accuracy: r.accuracy,
      top5: r.top5,
      perClass: r.perClass,
      confusion: r.confusion,
      misclassified: r.misclassified,
      leastConfidentCorrect: r.leastConfidentCorrect,
      loss: r.loss,
      thumbs: await cellThumbs(r),
    };
  } catch (e) {
    if (e instanceof TrainError || e instanceof DatasetError) throw new StudioError('eval-failed', e.message);
    throw e;
  }
}

/** A test/ folder beside val/: Evaluate scores it (eval-run.ts pickSplit), not the validation images. */
function hasSeparateTestSplit(run: RunJson): boolean {
  return run.data.layout === 'split-folders' && run.data.valSource === 'val-folder' && (run.data.counts['test']?.some((n) => n > 0) ?? false);
}

/** Thumbnails for what the confusion matrix's cells show: the mistakes, and the unsure correct ones. */
function cellThumbs(e: Pick<EvalView, 'misclassified' | 'leastConfidentCorrect'>): Promise<Record<string, string>> {
  const paths = [...e.misclassified.slice(0, MAX_THUMBS), ...e.leastConfidentCorrect].map((m) => m.path);
  return thumbnails(paths, 56);
}
