/**
 * `cnn-studio info model.onnx`: the ONNX file is imported (core/onnx/import) and reported like a
 * project, so an ONNX model gets the same per-layer table, totals and problems.
 */
import path from 'node:path';
import { analyze } from '../../core/graph/analyze';
import { modelReport } from '../../core/graph/report';
import { OnnxFormatError } from '../../core/onnx/errors';
import { importOnnx } from '../../core/onnx/import';
import { decodeModel } from '../../core/onnx/proto';
import { defaultOpset } from '../../core/onnx/validate';
import type { InfoResult, InfoSource } from '../commands/info';
import { CliError } from '../commands/io';
import { ExternalDataReader } from './load-model';

export function describeImport(file: string, bytes: Uint8Array, collapsed = false): { result: InfoResult; summary: string[] } {
  let model;
  let imported;
  try {
    const reader = new ExternalDataReader(path.dirname(path.resolve(file)));
    model = decodeModel(bytes, { externalData: (ref) => reader.read(ref) });
    imported = importOnnx(model);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  const a = analyze(imported.document);
  const md = imported.metadata;
  const generic = imported.document.nodes.filter((n) => n.type === 'onnx-op').map((n) => String(n.params.opType));
  const summary = [
    `ONNX model: opset ${defaultOpset(model) ?? '?'}, IR ${model.irVersion}, producer ${model.producerName || '?'} ${model.producerVersion}`.trimEnd(),
    `input ${md.inputSize.join('×')} (${md.colorMode}), ${md.classNames.length ? `${md.classNames.length} class names` : 'no class names'}, mean [${md.mean.join(', ')}], std [${md.std.join(', ')}]`,
    `imported as ${imported.document.nodes.length} blocks${imported.modules.length ? ` (modules recovered as groups: ${[...imported.modules].sort().join(', ')})` : ''}${imported.composites.length ? `, recognised: ${[...imported.composites].sort().join(', ')}` : ''}${generic.length ? `, ${generic.length} kept as ONNX ops (${[...new Set(generic)].join(', ')})` : ''}`,
    ...imported.warnings.map((w) => `warning: ${w.node}: ${w.message}`),
  ];
  return { result: { report: modelReport(a, { collapsed }), totals: a.totals, title: `${file}\n${summary.join('\n')}` }, summary };
}

export const onnxInfoSource: InfoSource = {
  name: 'onnx',
  // ModelProto starts with ir_version (field 1, varint: tag 0x08) in every writer we know.
  matches: (file, head) => file.toLowerCase().endsWith('.onnx') || head[0] === 0x08,
  load: (file, bytes, opts) => describeImport(file, bytes, opts.collapsed).result,
};
