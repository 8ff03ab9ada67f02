/**
 * The dataset panel's scan: classes with counts per split and a few thumbnails, the scanner's
 * warnings (imbalance, odd folders), the files that cannot be decoded (with their names), and the
 * size/colour of a sample image so the panel can match the Input block to it.
 */
import sharp from 'sharp';
import { StudioError, type ApiRequest, type DatasetScan } from '../../core/api';
import { DatasetError, scanImageFolder, type ImageEntry } from '../data/index';
import { findUnreadable } from '../data/verify';
import { thumbnail } from './images';

const THUMBS_PER_CLASS = 4;
/** A full decode finds truncated files; beyond this many images the scan would keep the panel waiting. */
const VERIFY_LIMIT = 20000;

export async function scanDataset(req: ApiRequest<'scanDataset'>): Promise<DatasetScan> {
  let scan;
  try {
    scan = await scanImageFolder(req.path, { valSplit: req.valSplit ?? 0.1 });
  } catch (e) {
    if (e instanceof DatasetError) throw new StudioError('invalid-dataset', e.message);
    throw e;
  }
  // With only a test/ folder, validation reads the test images: count each file once.
  const seen = new Set<string>();
  const all: ImageEntry[] = [...scan.splits.train, ...scan.splits.val, ...(scan.splits.test ?? [])].filter((e) => !seen.has(e.path) && seen.add(e.path));
  const testIsVal = scan.valSource === 'test-folder';
  const corrupt = all.length <= VERIFY_LIMIT ? await findUnreadable(all, { concurrency: 4 }) : [];
  const bad = new Set(corrupt.map((c) => c.path));
  const byClass = new Map<number, ImageEntry[]>();
  for (const e of all) if (!bad.has(e.path)) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e].slice(0, THUMBS_PER_CLASS));
  const classes = await Promise.all(
    scan.classes.map(async (name, i) => ({
      name,
      train: scan.counts.train[i] ?? 0,
      val: scan.counts.val[i] ?? 0,
      test: testIsVal ? 0 : (scan.counts.test?.[i] ?? 0),
      thumbs: (await Promise.all((byClass.get(i) ?? []).map((e) => thumbnail(e.path, 48)))).filter((t): t is string => t !== null),
    })),
  );
  const first = all.find((e) => !bad.has(e.path));
  let sample: DatasetScan['sample'] = null;
  if (first) {
    const m = await sharp(first.path)
      .metadata()
      .catch(() => null);
    if (m?.width && m.height) sample = { width: m.width, height: m.height, channels: (await looksGray(first.path)) ? 1 : 3 };
  }
  const warnings = [...scan.warnings, ...scan.skipped.map((s) => `${s.path}: ${s.reason}`)];
  if (all.length > VERIFY_LIMIT) warnings.push(`more than ${VERIFY_LIMIT} images: unreadable files are found when training starts`);
  return { root: scan.root, layout: scan.layout, valSource: scan.valSource, classes, total: all.length, warnings, corrupt, sample };
}

/** Grey when every pixel has R = G = B: many grey datasets are stored as RGB files. */
async function looksGray(file: string): Promise<boolean> {
  try {
    const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').resize(32, 32, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
    if (info.channels < 3) return true;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
    return true;
  } catch {
    return false;
  }
}
