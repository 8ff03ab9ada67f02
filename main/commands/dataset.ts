import type { Command } from 'commander';
import { scanImageFolder, type ScanResult, type SplitName } from '../data/scan';
import { prepareDataset } from '../data/dataset';
import { findUnreadable } from '../data/verify';
import { DatasetError, type FileIssue } from '../data/errors';
import { RESIZE_POLICIES, type DecodeSpec, type ResizePolicy } from '../data/decode';
import { CACHE_DIR_HELP } from './cache-flag';
import { cacheCapNotes } from '../data/cache-admin';
import { decodeProgressText, decodeRate } from '../../core/data/decode-progress';
import { readConfig } from '../config';
import { CliError, type CliIO } from './io';
import { MAX_IMAGE_SIDE } from '../../core/blocks/params';

interface DatasetFlags {
  input?: string;
  resize: string;
  valSplit: string;
  seed: string;
  cacheDir?: string;
  verify: boolean;
  json?: boolean;
}

/** "1x28x28" -> {channels, height, width} */
export function parseInputShape(text: string): Pick<DecodeSpec, 'channels' | 'height' | 'width'> {
  const m = /^(\d+)x(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) throw new CliError(`--input: "${text}" is not CxHxW (for example 1x28x28 or 3x224x224)`);
  const [c, h, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (c !== 1 && c !== 3) throw new CliError(`--input: ${c} channels; use 1 (grey) or 3 (RGB)`);
  if (h < 1 || w < 1 || h > MAX_IMAGE_SIDE || w > MAX_IMAGE_SIDE) throw new CliError(`--input: ${h}x${w} is outside 1..${MAX_IMAGE_SIDE}`);
  return { channels: c, height: h, width: w };
}

function describeLayout(s: ScanResult): string {
  if (s.valSource === 'val-folder') return `train/ and val/ folders${s.splits.test ? ', test/ folder' : ''}`;
  if (s.valSource === 'test-folder') return 'train/ and test/ folders (test/ used for validation)';
  if (s.valSource === 'none') return 'class folders, no validation split';
  return `class folders, ${Math.round(s.valSplit * 1000) / 10}% stratified validation split (seed ${s.seed})`;
}

/** Per-class counts; test/ is not repeated when it already serves as the validation split. */
function countTable(classes: readonly string[], counts: Partial<Record<SplitName, number[]>>, valIsTest: boolean): string[] {
  const cols = (['train', 'val', 'test'] as const).filter((k) => counts[k] && !(k === 'test' && valIsTest));
  const w = Math.max(5, ...classes.map((c) => c.length));
  const lines = [`  ${'class'.padEnd(w)}${cols.map((c) => c.padStart(8)).join('')}`];
  classes.forEach((c, i) => lines.push(`  ${c.padEnd(w)}${cols.map((k) => String(counts[k]![i]).padStart(8)).join('')}`));
  lines.push(`  ${'total'.padEnd(w)}${cols.map((k) => String(counts[k]!.reduce((a, b) => a + b, 0)).padStart(8)).join('')}`);
  return lines;
}

function issueLines(title: string, list: readonly FileIssue[], max: number): string[] {
  if (list.length === 0) return [];
  const lines = [`${title} (${list.length}):`];
  for (const f of list.slice(0, max)) lines.push(`  ${f.path}: ${f.reason}`);
  if (list.length > max) lines.push(`  ... and ${list.length - max} more (--json lists all)`);
  return lines;
}

/** The numeric and choice flags, checked; a bad one is a CliError naming it. */
function checkedFlags(o: DatasetFlags): { valSplit: number; seed: number; shape: ReturnType<typeof parseInputShape> | null } {
  const valSplit = Number(o.valSplit);
  if (!(valSplit >= 0 && valSplit < 1)) throw new CliError(`--val-split: "${o.valSplit}" is not a fraction in [0, 1)`);
  const seed = Number(o.seed);
  if (!Number.isSafeInteger(seed)) throw new CliError(`--seed: "${o.seed}" is not a whole number`);
  if (!(RESIZE_POLICIES as readonly string[]).includes(o.resize)) throw new CliError(`--resize: "${o.resize}"; use ${RESIZE_POLICIES.join(', ')}`);
  return { valSplit, seed, shape: o.input === undefined ? null : parseInputShape(o.input) };
}

export function registerDataset(program: Command, io: CliIO): void {
  program
    .command('dataset')
    .description('check an image-folder dataset: classes, counts per split, warnings and unreadable files')
    .argument('<root>', 'folder with one sub-folder per class (or train/ and val/ or test/ folders of them)')
    .option('--input <CxHxW>', 'decode at the model input size and fill the decode cache (e.g. 1x28x28); also prints mean/std')
    .option('--resize <policy>', `how images are fitted to --input: ${RESIZE_POLICIES.join(' | ')}`, 'stretch')
    .option('--val-split <F>', 'fraction of each class held out for validation when there is no val/ or test/ folder', '0.1')
    .option('--seed <N>', 'seed of the validation split', '0')
    .option('--cache-dir <DIR>', CACHE_DIR_HELP)
    .option('--no-verify', 'without --input: only list files, do not decode them to find unreadable ones')
    .option('--json', 'print one JSON object')
    .action(async (root: string, o: DatasetFlags) => {
      const { valSplit, seed, shape } = checkedFlags(o);
      let last = Date.now();
      const progress = (done: number, total: number): void => {
        if (o.json || Date.now() - last < 2000) return;
        last = Date.now();
        io.err(`decoding: ${done}/${total} images`);
      };
      const started = Date.now();
      try {
        if (shape) {
          const spec: DecodeSpec = { ...shape, resize: o.resize as ResizePolicy };
          const d = await prepareDataset(root, {
            valSplit,
            seed,
            input: spec,
            ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
            onProgress: (p) => {
              if (p.decoded + p.failed === 0 || o.json || Date.now() - last < 2000) return;
              last = Date.now();
              io.err(decodeProgressText(p, decodeRate(p, (last - started) / 1000)));
            },
          });
          const seconds = (Date.now() - started) / 1000;
          const c = d.cache;
          await c.close();
          const result = {
            root: d.scan.root,
            layout: d.scan.layout,
            valSource: d.scan.valSource,
            classes: d.classes,
            counts: d.counts,
            warnings: [...d.warnings, ...cacheCapNotes(c.opened, readConfig().datasetCacheMaxBytes)],
            corrupt: d.corrupt,
            skipped: d.skipped,
            input: { ...spec },
            mean: d.mean,
            std: d.std,
            cache: { dir: c.dir, hits: c.opened.hits, decoded: c.opened.decoded, failed: c.opened.failed, seconds },
          };
          if (o.json) return io.out(JSON.stringify(result, null, 2));
          const lines = [
            `Dataset ${result.root}: ${describeLayout(d.scan)}`,
            `Classes: ${d.classes.length} (usable images per split)`,
            ...countTable(d.classes, d.counts, d.scan.valSource === 'test-folder'),
          ];
          lines.push(
            `Input ${spec.channels}x${spec.height}x${spec.width} (${spec.resize}): ${c.opened.decoded} decoded, ${c.opened.hits} from cache in ${seconds.toFixed(1)} s; cache ${c.dir}`,
          );
          const f = (xs: number[]): string => `[${xs.map((x) => x.toFixed(4)).join(', ')}]`;
          lines.push(`Normalisation (computed on train): mean ${f(d.mean)} std ${f(d.std)}`);
          io.out(
            [
              ...lines,
              ...(result.warnings.length ? ['Warnings:', ...result.warnings.map((w) => `  - ${w}`)] : []),
              ...issueLines('Unreadable files, skipped', d.corrupt, 50),
              ...issueLines('Not used', d.skipped, 20),
            ].join('\n'),
          );
          return;
        }
        const scan = await scanImageFolder(root, { valSplit, seed });
        const files = [...scan.splits.train, ...scan.splits.val, ...(scan.splits.test && scan.valSource !== 'test-folder' ? scan.splits.test : [])];
        const corrupt = o.verify ? await findUnreadable(files, { onProgress: progress }) : [];
        const bad = new Set(corrupt.map((x) => x.path));
        const counts: Partial<Record<SplitName, number[]>> = {};
        for (const k of ['train', 'val', 'test'] as const) {
          const list = scan.splits[k];
          if (!list) continue;
          counts[k] = scan.classes.map((_, i) => list.filter((e) => e.label === i && !bad.has(e.path)).length);
        }
        const warnings = [...scan.warnings];
        if (corrupt.length > 0) warnings.push(`${corrupt.length} file${corrupt.length > 1 ? 's' : ''} could not be read and will be skipped`);
        const result = {
          root: scan.root,
          layout: scan.layout,
          valSource: scan.valSource,
          classes: scan.classes,
          counts,
          warnings,
          corrupt,
          skipped: scan.skipped,
          verified: o.verify,
        };
        if (o.json) return io.out(JSON.stringify(result, null, 2));
        const lines = [
          `Dataset ${scan.root}: ${describeLayout(scan)}`,
          `Classes: ${scan.classes.length} (${o.verify ? 'readable' : 'listed'} images per split)`,
          ...countTable(scan.classes, counts, scan.valSource === 'test-folder'),
        ];
        io.out(
          [
            ...lines,
            ...(warnings.length ? ['Warnings:', ...warnings.map((w) => `  - ${w}`)] : []),
            ...issueLines('Unreadable files, skipped', corrupt, 50),
            ...issueLines('Not used', scan.skipped, 20),
          ].join('\n'),
        );
      } catch (e) {
        if (e instanceof DatasetError) throw new CliError(e.message);
        throw e;
      }
    });
}
