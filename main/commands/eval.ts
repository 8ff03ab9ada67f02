/**
 * cnn-studio eval <RUN_DIR | model.onnx> --data DIR [--json]: accuracy, top-5 (more than 5
 * classes), per-class precision/recall/F1/support, the confusion matrix and the misclassified
 * images, on DIR's test/ split (else val/, else every image).
 */
import type { Command } from 'commander';
import { evaluateModel, type EvalReport } from '../trainer/eval-run';
import { TrainError } from '../trainer/run-folder';
import { DatasetError } from '../data/errors';
import type { SplitName } from '../data/scan';
import { statSync } from 'node:fs';
import { wholeFlag } from './whole-flag';
import { CliError, type CliIO } from './io';
import { refuseProjectAsModel } from './project-as-model';
import { DEVICE_HELP, parseDeviceFlag, selectCliDevice } from './device-flag';
import { addCacheDirOption, cacheDirFlag, type CacheDirFlags } from './cache-flag';

interface EvalFlags extends CacheDirFlags {
  data: string;
  json?: boolean;
  split?: string;
  batch?: string;
  threads?: string;
  showMistakes?: string;
  device?: string;
}

function formatReport(r: EvalReport, mistakes: number): string {
  const lines: string[] = [];
  const p = (x: number): string => `${(x * 100).toFixed(2)}%`;
  lines.push(`${r.model} on ${r.data} (${r.split}, ${r.samples} images)`);
  lines.push(`accuracy ${p(r.accuracy)}${r.top5 !== null ? `   top-5 ${p(r.top5)}` : ''}${r.loss !== null ? `   loss ${r.loss.toFixed(4)}` : ''}`);
  const w = Math.max(5, ...r.perClass.map((c) => c.class.length));
  lines.push('', `${'class'.padEnd(w)}  precision  recall     f1  support`);
  for (const c of r.perClass)
    lines.push(
      `${c.class.padEnd(w)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4).padStart(6)}  ${c.f1.toFixed(4).padStart(5)}  ${String(c.support).padStart(7)}`,
    );
  lines.push('', 'confusion (rows: true class, columns: predicted)');
  const cw = Math.max(4, ...r.confusion.flat().map((n) => String(n).length));
  r.confusion.forEach((row, i) => lines.push(`${r.classes[i]!.padEnd(w)}  ${row.map((n) => String(n).padStart(cw)).join(' ')}`));
  if (r.misclassified.length > 0) {
    lines.push('', `misclassified: ${r.misclassified.length} (most confident first${r.misclassified.length > mistakes ? `, first ${mistakes}` : ''})`);
    for (const m of r.misclassified.slice(0, mistakes)) lines.push(`  ${m.path}  ${m.true} -> ${m.predicted} (${p(m.confidence)})`);
  }
  if (r.corrupt.length > 0)
    lines.push(
      '',
      `${r.corrupt.length} unreadable file(s) skipped: ${r.corrupt
        .slice(0, 5)
        .map((c) => c.path)
        .join(', ')}${r.corrupt.length > 5 ? ', ...' : ''}`,
    );
  return lines.join('\n');
}

export function registerEval(program: Command, io: CliIO): void {
  const cmd = program
    .command('eval')
    .description('evaluate a trained run folder or a model.onnx on a folder of images')
    .argument('<model>', 'a run folder (run.json + checkpoints) or an exported .onnx model')
    .requiredOption('--data <DIR>', 'image folder: DIR/<class>/<image>, or DIR/train + DIR/test|val')
    .option('--json', 'print {accuracy, top5, perClass, confusion, misclassified, ...} as JSON')
    .option('--split <name>', 'train | val | test (default: test, else val, else all images)')
    .option('--batch <B>', 'batch size (default 64)')
    .option('--threads <N>', 'CPU threads for onnxruntime (default: physical cores)')
    .option('--show-mistakes <N>', 'misclassified images listed in the text report (default 10)', '10')
    .option('--device <D>', `${DEVICE_HELP}; default cpu`);
  addCacheDirOption(cmd).action(async (target: string, o: EvalFlags) => {
    const split = o.split === undefined ? undefined : (['train', 'val', 'test'] as const).find((s) => s === o.split);
    if (o.split !== undefined && !split) throw new CliError(`--split: "${o.split}" is not one of train, val, test`);
    const batchSize = wholeFlag('--batch', o.batch);
    const threads = wholeFlag('--threads', o.threads);
    const mistakes = wholeFlag('--show-mistakes', o.showMistakes) ?? 10;
    const choice = parseDeviceFlag(o.device, 'cpu');
    const cacheDir = cacheDirFlag(o, io);
    if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) refuseProjectAsModel(target, 'eval');
    const { device } = await selectCliDevice(choice, io, 'evaluating');
    let r: EvalReport;
    try {
      r = await evaluateModel(target, o.data, {
        ...(split ? { split: split as SplitName } : {}),
        ...(batchSize ? { batchSize } : {}),
        ...(threads ? { threads } : {}),
        ...(cacheDir ? { cacheDir } : {}),
        device,
      });
    } catch (e) {
      if (e instanceof TrainError || e instanceof DatasetError) throw new CliError(e.message);
      throw new CliError(`${target}: ${(e as Error).message}`);
    }
    if (o.json) {
      io.out(
        JSON.stringify({
          accuracy: r.accuracy,
          top5: r.top5,
          perClass: r.perClass,
          confusion: r.confusion,
          misclassified: r.misclassified,
          loss: r.loss,
          samples: r.samples,
          classes: r.classes,
          split: r.split,
          model: r.model,
          data: r.data,
          corrupt: r.corrupt,
        }),
      );
    } else {
      io.out(formatReport(r, mistakes));
    }
  });
}
