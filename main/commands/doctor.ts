/**
 * cnn-studio doctor RUN_DIR --data DIR [--json]: suspected label errors, near-duplicates (and
 * train/validation leakage), outliers and unreadable files of an image folder, judged with a
 * trained run (main/doctor/doctor.ts).
 */
import type { Command } from 'commander';
import type { DoctorReport } from '../../core/data/doctor-report';
import { runDoctor } from '../doctor/doctor';
import { TrainError } from '../trainer/run-folder';
import { DatasetError } from '../data/errors';
import { addCacheDirOption, cacheDirFlag, type CacheDirFlags } from './cache-flag';
import { CliError, type CliIO } from './io';

interface DoctorFlags extends CacheDirFlags {
  data: string;
  json?: boolean;
  folds: string;
  epochs?: string;
  threads?: string;
  show: string;
}

function whole(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${flag}: "${v}" is not a whole number >= ${min}`);
  return n;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function formatReport(r: DoctorReport, show: number): string {
  const m = r.method;
  const lines = [
    `${r.data}: ${r.images} images, ${r.classes.length} classes, judged with ${r.run}`,
    `out-of-sample predictions: ${m.crossValidated} images by ${m.folds}-fold cross-validation (${m.epochs} epoch(s) per fold)${m.heldOut ? `, ${m.heldOut} held-out images by the run's model` : ''}`,
    '',
    `suspected label errors: ${r.suspectedMislabels.length}${r.suspectedMislabels.length > show ? ` (first ${show})` : ''}`,
  ];
  for (const x of r.suspectedMislabels.slice(0, show)) lines.push(`  ${x.path}  filed as ${x.label}, looks like ${x.suggested} (${pct(x.confidence)})`);
  lines.push('', `near-duplicate groups: ${r.duplicates.length}${r.duplicates.length > show ? ` (first ${show})` : ''}`);
  for (const d of r.duplicates.slice(0, show)) {
    const tags = [d.crossSplit ? 'LEAKAGE across splits' : '', d.crossClass ? 'across classes' : ''].filter(Boolean).join(', ');
    lines.push(
      `  correlation ${d.similarity.toFixed(3)}, embedding cosine ${d.embeddingCosine.toFixed(3)}, hash distance ${d.hashDistance}${tags ? ` (${tags})` : ''}: ${d.paths.join('  ')}`,
    );
  }
  lines.push('', `outliers: ${r.outliers.length}`);
  for (const o of r.outliers.slice(0, show)) lines.push(`  ${o.path}  (${o.label}; nearest class ${o.nearest}, distance ${o.distance.toFixed(3)})`);
  lines.push('', `unreadable files: ${r.unreadable.length}`);
  for (const u of r.unreadable.slice(0, show)) lines.push(`  ${u.path}  (${u.reason})`);
  return lines.join('\n');
}

export function registerDoctor(program: Command, io: CliIO): void {
  const cmd = program
    .command('doctor')
    .description('find suspected label errors, near-duplicates (and train/validation leakage), outliers and unreadable images')
    .argument('<run>', 'a run folder (run.json, project.json, model.onnx) trained on the data')
    .requiredOption('--data <DIR>', 'the image folder to examine: DIR/<class>/<image>, or DIR/train + DIR/val|test')
    .option('--json', 'print {suspectedMislabels, duplicates, outliers, unreadable, method, ...} as JSON')
    .option('--folds <K>', 'cross-validation folds for out-of-sample predictions', '5')
    .option('--epochs <N>', "epochs per fold model (default: the run's, at most 5)")
    .option('--threads <N>', 'CPU threads for onnxruntime (default: physical cores)')
    .option('--show <N>', 'entries listed per section in the text report', '20');
  addCacheDirOption(cmd).action(async (runDir: string, o: DoctorFlags) => {
    const folds = whole('--folds', o.folds, 2)!;
    const epochs = whole('--epochs', o.epochs, 1);
    const threads = whole('--threads', o.threads, 1);
    const show = whole('--show', o.show, 0)!;
    const cacheDir = cacheDirFlag(o, io);
    let r: DoctorReport;
    try {
      r = await runDoctor(runDir, o.data, {
        folds,
        ...(epochs ? { epochs } : {}),
        ...(threads ? { threads } : {}),
        ...(cacheDir ? { cacheDir } : {}),
        ...(o.json ? {} : { onLog: (m: string) => io.err(m) }),
      });
    } catch (e) {
      if (e instanceof TrainError || e instanceof DatasetError) throw new CliError(e.message);
      throw new CliError(`${runDir}: ${(e as Error).message}`);
    }
    io.out(o.json ? JSON.stringify(r) : formatReport(r, show));
  });
}
