/**
 * Matches a state_dict onto a model's weights by name: the templates use torchvision's names
 * (conv1.weight, layer1.0.bn1.running_mean, ...), so a torchvision file maps one to one. Tensors
 * torchvision keeps that the studio has no use for are skipped: batch norm's num_batches_tracked
 * counters and GoogLeNet's auxiliary classifiers (aux1, aux2), which only training in the paper used.
 */
import type { NamedArray } from './torch-pth';

export interface ModelWeight {
  name: string;
  shape: readonly number[];
}

/** Names in a file the mapping ignores, with why (for the report). */
const IGNORED: { pattern: RegExp; why: string }[] = [
  { pattern: /(^|\.)num_batches_tracked$/, why: "batch norm's step counters" },
  { pattern: /^aux[12]\./, why: "GoogLeNet's auxiliary classifiers" },
];

export class WeightsMismatchError extends Error {
  override readonly name = 'WeightsMismatchError';
  constructor(
    readonly missing: string[],
    readonly unexpected: string[],
    readonly shapes: string[],
  ) {
    super(mismatchMessage(missing, unexpected, shapes));
  }
}

const LIST_AT_MOST = 12;
function list(names: string[]): string {
  const shown = names.slice(0, LIST_AT_MOST).join(', ');
  return names.length > LIST_AT_MOST ? `${shown} and ${names.length - LIST_AT_MOST} more` : shown;
}

function mismatchMessage(missing: string[], unexpected: string[], shapes: string[]): string {
  const parts = ['the weights file does not match the model'];
  if (missing.length) parts.push(`${missing.length} model weight(s) have no tensor in the file: ${list(missing)}`);
  if (unexpected.length) parts.push(`${unexpected.length} tensor(s) in the file have no weight in the model: ${list(unexpected)}`);
  if (shapes.length) parts.push(`${shapes.length} shape mismatch(es): ${list(shapes)}`);
  return parts.join('; ');
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Every model weight from the file, by name and shape; otherwise a WeightsMismatchError that lists
 * the unmatched names both ways and the shape mismatches. `skipped` counts the ignored tensors.
 */
export function mapStateDict(model: readonly ModelWeight[], file: ReadonlyMap<string, NamedArray>): { weights: Map<string, Float32Array>; skipped: number } {
  const missing: string[] = [];
  const shapes: string[] = [];
  const weights = new Map<string, Float32Array>();
  const wanted = new Set(model.map((w) => w.name));
  for (const w of model) {
    const t = file.get(w.name);
    if (!t) missing.push(w.name);
    else if (!sameShape(t.shape, w.shape)) shapes.push(`${w.name} is [${t.shape.join(', ')}] in the file, [${w.shape.join(', ')}] in the model`);
    else weights.set(w.name, t.data);
  }
  let skipped = 0;
  const unexpected: string[] = [];
  for (const name of file.keys()) {
    if (wanted.has(name)) continue;
    if (IGNORED.some((i) => i.pattern.test(name))) skipped++;
    else unexpected.push(name);
  }
  if (missing.length || unexpected.length || shapes.length) throw new WeightsMismatchError(missing, unexpected, shapes);
  return { weights, skipped };
}
