import type { Command } from 'commander';
import { PRETRAINED, getPretrained, preprocessingOf, weightsUrl, WEIGHTS_TERMS, type PretrainedEntry } from '../../core/pretrained/catalog';
import { PRETRAINED_LATENCY } from '../../core/pretrained/latency';
import { readConfig } from '../config';
import { cachedWeights, downloadWeights, WeightsDownloadError } from '../pretrained/download';
import { downloadProgressPrinter } from '../pretrained/progress-bar';
import { CliError, processIO, type CliIO } from './io';

/** One catalog row as `pretrained list --json` prints it (the facts plus where it comes from and is cached). */
function row(e: PretrainedEntry, baseUrl: string, cached: string | null): Record<string, unknown> {
  const latency = PRETRAINED_LATENCY.figures[e.id];
  return {
    id: e.id,
    label: e.label,
    template: e.template ? { ...e.template } : null,
    templateStatus: e.template ? 'ready' : 'template pending',
    file: e.file,
    url: weightsUrl(e, baseUrl),
    sizeBytes: e.sizeBytes ?? null,
    sizeMiB: e.sizeMiB,
    sha256Prefix: e.sha256Prefix,
    sha256: e.sha256 ?? null,
    top1: e.top1,
    top5: e.top5,
    params: e.params,
    gmacs: e.gmacs,
    cpuLatencyMs: latency ?? null,
    cpuLatencyNote: latency === undefined ? null : PRETRAINED_LATENCY.note,
    preprocessing: preprocessingOf(e),
    studioNormalisation: { mean: e.studioMean, std: e.studioStd },
    cached,
    terms: WEIGHTS_TERMS,
  };
}

function table(rows: Record<string, unknown>[]): string[] {
  const head = ['id', 'size MiB', 'top-1 %', 'params M', 'GMACs', 'CPU ms', 'template', 'cached'];
  const lines = rows.map((r) => [
    String(r.id),
    (r.sizeMiB as number).toFixed(1),
    (r.top1 as number).toFixed(1),
    ((r.params as number) / 1e6).toFixed(1),
    (r.gmacs as number).toFixed(2),
    r.cpuLatencyMs === null ? '-' : (r.cpuLatencyMs as number).toFixed(0),
    r.templateStatus === 'ready' ? 'ready' : 'template pending',
    r.cached ? 'yes' : 'no',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...lines.map(fmt)];
}

export function pretrainedEntryOrThrow(id: string): PretrainedEntry {
  const e = getPretrained(id);
  if (!e) throw new CliError(`no pretrained weights named "${id}"; choose one of ${PRETRAINED.map((x) => x.id).join(', ')}`);
  return e;
}

/** Downloads (or finds in the cache) an entry's weights, with a progress bar on stderr. */
export async function fetchWeightsForCli(e: PretrainedEntry, io: CliIO): Promise<string> {
  const config = readConfig();
  const tty = io === processIO && process.stderr.isTTY === true;
  const bar = downloadProgressPrinter((t) => (tty ? process.stderr.write(t) : io.err(t)), tty);
  try {
    return await downloadWeights(e, { baseUrl: config.weightsUrl, cacheDir: config.checksCache, onProgress: (p) => bar.update(p) });
  } catch (err) {
    if (err instanceof WeightsDownloadError) throw new CliError(err.message);
    throw err;
  } finally {
    bar.done();
  }
}

export function registerPretrained(program: Command, io: CliIO): void {
  const cmd = program.command('pretrained').description("torchvision's ImageNet weights: list the catalog, download into the cache");
  cmd
    .command('list')
    .description('the backbones with size, accuracy, cost, CPU latency, preprocessing and terms')
    .option('--json', 'print the catalog as JSON')
    .action(async (o: { json?: boolean }) => {
      const config = readConfig();
      const rows = await Promise.all(PRETRAINED.map(async (e) => row(e, config.weightsUrl, await cachedWeights(config.checksCache, e))));
      if (o.json) {
        io.out(JSON.stringify({ baseUrl: config.weightsUrl, latencyNote: PRETRAINED_LATENCY.note, models: rows }, null, 2));
        return;
      }
      for (const l of table(rows)) io.out(l);
      io.out('');
      io.out(`top-1: ImageNet-1k validation, torchvision's figures. CPU ms: ${PRETRAINED_LATENCY.note}.`);
      io.out('preprocessing: resize the short side to 256, centre-crop 224, ImageNet mean/std (GoogLeNet: 0.5/0.5, see README).');
      io.out(`weights from ${config.weightsUrl} (CNN_STUDIO_WEIGHTS_URL), cached in ${config.checksCache}/weights.`);
      io.out(WEIGHTS_TERMS);
    });
  cmd
    .command('download')
    .description('download and verify one backbone into the cache (what template --pretrained does first)')
    .argument('<name>', PRETRAINED.map((e) => e.id).join(' | '))
    .action(async (name: string) => {
      const file = await fetchWeightsForCli(pretrainedEntryOrThrow(name), io);
      io.out(`verified ${file}`);
    });
}
