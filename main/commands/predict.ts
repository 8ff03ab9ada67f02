import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { OnnxFormatError } from '../../core/onnx/errors';
import { Predictor, type ImagePrediction } from '../inference/predict';
import { wholeFlag } from './whole-flag';
import { CliError, type CliIO } from './io';
import { refuseProjectAsModel } from './project-as-model';
import { DEVICE_HELP, parseDeviceFlag, selectCliDevice } from './device-flag';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.bmp']);

/** A model file, or a folder holding one (a run folder with an exported model.onnx). */
export function resolveModelPath(arg: string): string {
  let st;
  try {
    st = statSync(arg);
  } catch {
    throw new CliError(`${arg}: no such file or folder`);
  }
  if (!st.isDirectory()) return arg;
  const onnx = readdirSync(arg)
    .filter((f) => f.toLowerCase().endsWith('.onnx'))
    .sort();
  if (onnx.includes('model.onnx')) return path.join(arg, 'model.onnx');
  if (onnx.length === 1) return path.join(arg, onnx[0]!);
  if (onnx.length === 0) throw new CliError(`${arg}: no .onnx model in this folder; create one with "cnn-studio export"`);
  throw new CliError(`${arg}: several .onnx models (${onnx.join(', ')}); name the one to use`);
}

/** Image arguments; a folder stands for the image files directly inside it. */
export function expandImages(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      out.push(a); // reported per file by the predictor ("no such file")
      continue;
    }
    if (!st.isDirectory()) {
      out.push(a);
      continue;
    }
    const files = readdirSync(a)
      .filter((f) => IMAGE_EXT.has(path.extname(f).toLowerCase()))
      .sort();
    if (files.length === 0) throw new CliError(`${a}: no image files in this folder`);
    out.push(...files.map((f) => path.join(a, f)));
  }
  return out;
}

function formatText(results: ImagePrediction[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if ('error' in r) continue;
    lines.push(r.file);
    const width = Math.max(...r.top.map((t) => t.label.length));
    r.top.forEach((t, i) => lines.push(`  ${i + 1}. ${t.label.padEnd(width)}  ${(t.probability * 100).toFixed(2).padStart(6)}%`));
  }
  return lines.join('\n');
}

export function registerPredict(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description('classify images with an ONNX model (preprocessing and class names from its metadata)')
    .argument('<model>', 'an .onnx file, or a folder holding one')
    .argument('<images...>', 'image files (PNG, JPEG, WebP, GIF, TIFF, AVIF) or folders of them')
    .option('-k, --top <K>', 'how many classes to show per image', '5')
    .option('--json', 'print JSON: [{file, top: [{index, label, probability}]} | {file, error}]')
    .option('--threads <N>', 'CPU threads for onnxruntime (default: all)')
    .option('--device <D>', `${DEVICE_HELP}; default cpu`)
    .action(async (modelArg: string, imageArgs: string[], o: { top: string; json?: boolean; threads?: string; device?: string }) => {
      const k = wholeFlag('--top', o.top) ?? 5;
      const threads = wholeFlag('--threads', o.threads);
      const modelPath = resolveModelPath(modelArg);
      refuseProjectAsModel(modelPath, 'predict');
      const images = expandImages(imageArgs);
      const { device } = await selectCliDevice(parseDeviceFlag(o.device, 'cpu'), io, 'predicting');
      let predictor: Predictor;
      try {
        predictor = await Predictor.open(modelPath, { ...(threads === undefined ? {} : { threads }), device });
      } catch (e) {
        if (e instanceof OnnxFormatError) throw new CliError(e.message);
        throw new CliError(`${modelPath}: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        const results = await predictor.predictFiles(images, k);
        if (o.json) io.out(JSON.stringify(results, null, 2));
        else if (results.some((r) => 'top' in r)) io.out(formatText(results));
        const failed = results.filter((r): r is { file: string; error: string } => 'error' in r);
        for (const f of failed) io.err(`error: ${f.error}`);
        if (failed.length > 0) io.setExitCode(1);
      } finally {
        await predictor.close();
      }
    });
}
