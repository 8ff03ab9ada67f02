/**
 * The start screen's "Fine-tune a pretrained model": the catalog with latency and cache state,
 * and preparing a backbone: download (one at a time, cancellable, progress as `pretrained`
 * events), then a project in <studio home>/pretrained/<id>.json with its checkpoint beside it,
 * which the page opens; training it on a folder replaces the classifier for the folder's classes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError, type PretrainedCatalogRow, type PretrainedProgress } from '../../core/api';
import { PRETRAINED, WEIGHTS_TERMS, type PretrainedEntry } from '../../core/pretrained/catalog';
import { PRETRAINED_LATENCY } from '../../core/pretrained/latency';
import { buildTemplate } from '../../core/templates/index';
import { readConfig } from '../config';
import { WriteFailure } from '../fs/atomic-write';
import { cachedWeights, DownloadCancelled, downloadWeights, WeightsDownloadError } from '../pretrained/download';
import { PretrainedProjectError, writePretrainedProject } from '../pretrained/pretrained-project';
import { WeightsFileError } from '../pretrained/weights-file';

export interface PretrainedServiceOptions {
  /** The studio home: projects go to its pretrained/ folder. */
  home: string;
  emit(p: PretrainedProgress): void;
  /** The backbones offered (default: the catalog; tests pass entries for files they make). */
  catalog?: readonly PretrainedEntry[];
}

export class PretrainedService {
  private current: AbortController | null = null;

  private readonly entries: readonly PretrainedEntry[];

  constructor(private readonly opts: PretrainedServiceOptions) {
    this.entries = opts.catalog ?? PRETRAINED;
  }

  async catalog(): Promise<PretrainedCatalogRow[]> {
    const { checksCache } = readConfig();
    return Promise.all(
      this.entries.map(async (e) => ({
        id: e.id,
        label: e.label,
        sizeMiB: e.sizeMiB,
        top1: e.top1,
        params: e.params,
        gmacs: e.gmacs,
        cpuLatencyMs: PRETRAINED_LATENCY.figures[e.id] ?? null,
        latencyNote: PRETRAINED_LATENCY.note,
        available: e.template !== null,
        cached: (await cachedWeights(checksCache, e)) !== null,
        terms: WEIGHTS_TERMS,
      })),
    );
  }

  cancel(): { cancelled: boolean } {
    if (!this.current) return { cancelled: false };
    this.current.abort();
    return { cancelled: true };
  }

  async prepare(id: string): Promise<{ projectPath: string; label: string }> {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) throw new StudioError('unknown-backbone', `no pretrained backbone named "${id}"`);
    if (!entry.template) throw new StudioError('template-pending', `${entry.label}: the studio has no template for it yet (template pending)`);
    if (this.current) throw new StudioError('busy', 'another pretrained download is in progress; cancel it or wait for it');
    const { weightsUrl, checksCache } = readConfig();
    const ac = new AbortController();
    this.current = ac;
    const emit = (p: Omit<PretrainedProgress, 'id'>): void => this.opts.emit({ id, ...p });
    try {
      const file = await downloadWeights(entry, {
        baseUrl: weightsUrl,
        cacheDir: checksCache,
        signal: ac.signal,
        onProgress: (p) => emit({ state: 'downloading', received: p.received, total: p.total }),
      });
      emit({ state: 'writing', received: 0, total: null });
      const label = `${entry.label} (ImageNet weights)`;
      const model = buildTemplate(entry.template.id, entry.template.variant ? { variant: entry.template.variant } : {});
      const output = path.join(this.opts.home, 'pretrained', `${entry.id}.json`);
      await fs.mkdir(path.dirname(output), { recursive: true });
      const r = await writePretrainedProject({ label, model, weightsFile: file, entry, output, force: true });
      emit({ state: 'done', received: 0, total: null });
      return { projectPath: r.project, label };
    } catch (e) {
      if (e instanceof DownloadCancelled) {
        emit({ state: 'cancelled', received: 0, total: null, message: e.message });
        throw new StudioError('cancelled', e.message);
      }
      const known = e instanceof WeightsDownloadError || e instanceof WeightsFileError || e instanceof PretrainedProjectError || e instanceof WriteFailure;
      emit({ state: 'failed', received: 0, total: null, message: e instanceof Error ? e.message : String(e) });
      if (known) throw new StudioError('pretrained-failed', e.message);
      throw e;
    } finally {
      this.current = null;
    }
  }
}
