/**
 * `cnn-studio explain RUN_DIR|model.onnx IMAGE`: Grad-CAM of one image (core/explain through
 * main/inference/explain.ts) as text, JSON, or an overlay PNG.
 */
import type { Command } from 'commander';
import { ExplainError } from '../../core/explain/grad-cam';
import { OnnxFormatError } from '../../core/onnx/errors';
import type { Model } from '../../core/onnx/ir';
import { readMetadata } from '../../core/onnx/metadata';
import { atomicWrite } from '../fs/atomic-write';
import { explainImage, overlayPng, type Explanation } from '../inference/explain';
import { ImageDecodeError } from '../inference/preprocess';
import { loadOnnxModel } from '../onnx/load-model';
import { CliError, type CliIO } from './io';
import { resolveModelPath } from './predict';
import { refuseProjectAsModel } from './project-as-model';

interface ExplainFlags {
  layer?: string;
  class?: string;
  output?: string;
  json?: boolean;
}

function classFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n)) throw new CliError(`--class: "${v}" is not a class index (0, 1, 2, ...)`);
  return n;
}

async function loadModel(modelPath: string): Promise<Model> {
  try {
    return (await loadOnnxModel(modelPath)).model;
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new CliError(e.message);
    throw new CliError(`${modelPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The map as a few rows of numbers, for a terminal. */
function formatText(r: Explanation, image: string): string {
  const p = r.probabilities[r.class] ?? 0;
  const rows = r.heatmap.map((row) => row.map((v) => v.toPrecision(3).padStart(9)).join(''));
  return [
    `${image}: class ${r.class} (${r.label}, ${(p * 100).toFixed(2)}%), layer ${r.layer}, map ${r.heatmap.length}x${r.heatmap[0]?.length ?? 0}`,
    ...rows,
  ].join('\n');
}

async function explainAction(modelArg: string, image: string, o: ExplainFlags, io: CliIO): Promise<void> {
  const classIndex = classFlag(o.class);
  const modelPath = resolveModelPath(modelArg);
  refuseProjectAsModel(modelPath, 'explain');
  const model = await loadModel(modelPath);
  let result: Explanation;
  try {
    result = await explainImage(model, image, { ...(o.layer === undefined ? {} : { layer: o.layer }), ...(classIndex === undefined ? {} : { classIndex }) });
  } catch (e) {
    if (e instanceof ExplainError) throw new CliError(`${modelPath}: ${e.message}`);
    if (e instanceof ImageDecodeError) throw new CliError(e.message);
    throw e;
  }
  if (o.output) {
    const png = await overlayPng(image, readMetadata(model), result.heatmap);
    await atomicWrite(o.output, png);
  }
  if (o.json) io.out(JSON.stringify(result));
  else io.out(formatText(result, image) + (o.output ? `\noverlay written to ${o.output}` : ''));
}

export function registerExplain(program: Command, io: CliIO): void {
  program
    .command('explain')
    .description('Grad-CAM: which parts of an image drove a class score, at a conv layer')
    .argument('<model>', 'a run folder (its model.onnx) or an .onnx file')
    .argument('<image>', 'the image file')
    .option('--layer <NAME>', 'conv layer (block name, e.g. conv2); default: the last conv layer')
    .option('--class <K>', 'class index to explain; default: the predicted class')
    .option('-o, --output <PNG>', 'write the image with the map drawn over it')
    .option('--json', 'print JSON: {class, label, layer, heatmap (rows at the layer resolution), probabilities, classes, layers}')
    .action((modelArg: string, image: string, o: ExplainFlags) => explainAction(modelArg, image, o, io));
}
