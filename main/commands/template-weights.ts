/**
 * `template NAME --pretrained | --weights FILE`: a template project that starts from weights.
 * --pretrained takes the catalog's file for the template (downloaded and verified, or the cached
 * copy); --weights takes a file the person has (the offline route). Both write the project, its
 * checkpoint and the backbone's preprocessing (main/pretrained/pretrained-project.ts).
 */
import path from 'node:path';
import { PRETRAINED, type PretrainedEntry } from '../../core/pretrained/catalog';
import { getTemplate } from '../../core/templates/index';
import { plainFsError, resolveOutputFile } from '../fs/user-paths';
import { PretrainedProjectError, writePretrainedProject } from '../pretrained/pretrained-project';
import { WeightsFileError } from '../pretrained/weights-file';
import { WriteFailure } from '../fs/atomic-write';
import { fetchWeightsForCli } from './pretrained';
import { CliError, type CliIO } from './io';
import { templateModel, type TemplateFlags } from './template-options';

/** The catalog entry whose weights fit template `name` (GoogLeNet: its torchvision variant). */
function entryForTemplate(name: string): PretrainedEntry | null {
  return PRETRAINED.find((e) => e.template?.id === name || (e.template === null && e.id === name)) ?? null;
}

/** The catalog entry for --pretrained, refusing templates without published weights. */
function pretrainedEntry(name: string): PretrainedEntry {
  const entry = entryForTemplate(name);
  const ids = PRETRAINED.filter((e) => e.template).map((e) => e.id);
  if (!entry)
    throw new CliError(
      `--pretrained: there are no published ImageNet weights for "${name}"; choose one of ${ids.join(', ')}, or pass your own with --weights FILE`,
    );
  if (!entry.template)
    throw new CliError(`--pretrained: ${entry.label} is in the catalog, but its studio template is pending; choose one of ${ids.join(', ')}`);
  return entry;
}

export async function writeWithWeights(name: string, o: TemplateFlags, io: CliIO): Promise<void> {
  if (o.pretrained && o.weights !== undefined) throw new CliError('pass either --pretrained or --weights FILE, not both');
  const entry = o.pretrained ? pretrainedEntry(name) : entryForTemplate(name);
  const t = getTemplate(name)!;
  // The weights were trained with one variant (GoogLeNet: torchvision's layout).
  const variant = o.variant ?? entry?.template?.variant ?? t.variants[0]!;
  const { model } = templateModel(name, o, variant);
  const output = await resolveOutputFile(o.output, { defaultName: `${name}.json`, force: o.force === true });
  const weightsFile = o.weights !== undefined ? path.resolve(o.weights) : await fetchWeightsForCli(entry!, io);
  const label = `${entry?.label ?? t.label} (${o.pretrained ? 'ImageNet weights' : path.basename(weightsFile)})`;
  try {
    const r = await writePretrainedProject({ label, model, weightsFile, entry, output, force: o.force === true });
    io.out(`wrote ${r.project}: ${label}, ${r.params.toLocaleString('en-US')} parameters`);
    io.out(
      `wrote ${r.checkpoint}: the weights${r.skipped ? ` (${r.skipped} tensors of the file not used by the model: batch norm counters, auxiliary heads)` : ''}`,
    );
    if (entry)
      io.out(
        `preprocessing: centre crop, RGB, mean ${entry.studioMean.join('/')}, std ${entry.studioStd.join('/')}; training on a folder replaces the classifier for its classes and keeps this normalisation`,
      );
  } catch (e) {
    if (e instanceof WeightsFileError || e instanceof PretrainedProjectError) throw new CliError(e.message);
    if (e instanceof WriteFailure) throw new CliError(`${output}: cannot write (${plainFsError(e)})`);
    throw e;
  }
}
