import type { Command } from 'commander';
import { analyze } from '../../core/graph/analyze';
import { ProjectFileError } from '../../core/graph/errors';
import { trainingMemory, type OptimizerKind } from '../../core/graph/memory';
import { parseProject } from '../../core/graph/project';
import { modelReport, type ModelReport } from '../../core/graph/report';
import type { Totals } from '../../core/graph/analyze';
import { CliError, type CliIO } from './io';
import { onnxInfoSource } from '../onnx/info-source';
import { MAX_MODEL_BYTES } from '../onnx/load-model';
import { FileReadError, readRegularFile } from '../fs/read-regular-file';

/**
 * Where `info` gets a report from. Each source says whether it reads a file (by name and first
 * bytes); the first that does wins. Project files are built in; an ONNX source registers itself
 * with registerInfoSource (it should turn the model into a report the same way).
 */
export interface InfoSource {
  name: string;
  matches(file: string, head: Uint8Array): boolean;
  load(file: string, bytes: Uint8Array, opts: { collapsed: boolean }): Promise<InfoResult> | InfoResult;
}

export interface InfoResult {
  report: ModelReport;
  /** Full totals, when the source has them (training memory needs buffers). */
  totals?: Totals;
  title?: string;
}

const projectSource: InfoSource = {
  name: 'project',
  matches: (file, head) =>
    file.toLowerCase().endsWith('.json') ||
    file.toLowerCase().endsWith('.cnnstudio') ||
    head[head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0] === 0x7b /* '{', after a UTF-8 BOM if any */,
  load(file, bytes, opts) {
    let project;
    try {
      project = parseProject(new TextDecoder().decode(bytes));
    } catch (e) {
      if (e instanceof ProjectFileError) throw new CliError(`${file}: ${e.message}`);
      throw e;
    }
    const a = analyze(project.model);
    return { report: modelReport(a, opts), totals: a.totals, title: project.name };
  },
};

const sources: InfoSource[] = [onnxInfoSource, projectSource];

/** Adds a source ahead of the built-in project reader (e.g. ONNX files). */
export function registerInfoSource(s: InfoSource): void {
  sources.unshift(s);
}

const int = (n: number) => n.toLocaleString('en-US');
export function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}
export function humanBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatReport(r: InfoResult, memory: { batch: number; optimizer: OptimizerKind }): string {
  const rows = r.report.layers.map((l) => [
    l.name,
    l.type,
    l.outputShape ? l.outputShape.join('×') : '?',
    l.params ? int(l.params) : '-',
    l.macs ? humanCount(l.macs) : '-',
    l.receptiveField ? `${l.receptiveField.size} (j${l.receptiveField.jump})` : '-',
  ]);
  const head = ['layer', 'block', 'output', 'params', 'MACs', 'receptive field'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 3 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (r.title) out.push(r.title, '');
  out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) out.push(line(row));
  const t = r.report.totals;
  out.push('');
  out.push(`parameters:        ${int(t.params)} (${int(t.trainableParams)} trainable, ${int(t.params - t.trainableParams)} non-trainable)`);
  out.push(`MACs per sample:   ${humanCount(t.macs)} (${int(t.macs)})`);
  out.push(`activations:       ${humanBytes(t.activationBytes)} per sample`);
  if (r.totals) {
    const m = trainingMemory({ totals: r.totals }, { batchSize: memory.batch, optimizer: memory.optimizer });
    out.push(
      `training memory:   ~${humanBytes(m.total)} at batch ${memory.batch} with ${memory.optimizer} (weights ${humanBytes(m.weights)}, grads ${humanBytes(m.gradients)}, optimizer ${humanBytes(m.optimizerState)}, activations ${humanBytes(m.activations)})`,
    );
  }
  const diags = r.report.diagnostics;
  if (diags.length) {
    out.push('', `${diags.length} problem(s):`);
    for (const d of diags) {
      const fixes = d.fixes.length ? `  [fix: ${d.fixes.map((f) => f.label).join(' | ')}]` : '';
      out.push(`  ${d.severity} ${d.code}: ${d.message}${fixes}`);
    }
  }
  return out.join('\n');
}

const OPTIMIZERS: OptimizerKind[] = ['sgd', 'sgd-momentum', 'adam', 'adamw'];

export function registerInfo(program: Command, io: CliIO): void {
  program
    .command('info')
    .description('print the per-layer table (shapes, parameters, MACs, receptive field), totals and problems of a model')
    .argument('<model>', 'a project file (.json) or an ONNX model (.onnx)')
    .option('--json', 'print JSON: {layers, totals, diagnostics}')
    .option('--collapsed', 'one row per block as drawn (composites not expanded)')
    .option('--batch <n>', 'batch size for the training memory estimate', '32')
    .option('--optimizer <name>', `optimizer for the training memory estimate: ${OPTIMIZERS.join(', ')}`, 'adam')
    .action(async (file: string, opts: { json?: boolean; collapsed?: boolean; batch: string; optimizer: string }) => {
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1) throw new CliError(`--batch: "${opts.batch}" is not a whole number >= 1`);
      if (!OPTIMIZERS.includes(opts.optimizer as OptimizerKind)) throw new CliError(`--optimizer: "${opts.optimizer}" is not one of ${OPTIMIZERS.join(', ')}`);
      let bytes: Uint8Array;
      try {
        bytes = await readRegularFile(file, { limit: MAX_MODEL_BYTES, what: 'a model file' });
      } catch (e) {
        if (e instanceof FileReadError) throw new CliError(e.message);
        throw e;
      }
      const source = sources.find((s) => s.matches(file, bytes.subarray(0, 16)));
      if (!source) throw new CliError(`${file}: not a project file or a model this version of CNN Studio can read`);
      const result = await source.load(file, bytes, { collapsed: opts.collapsed === true });
      if (opts.json) io.out(JSON.stringify(result.report, null, 2));
      else io.out(formatReport(result, { batch, optimizer: opts.optimizer as OptimizerKind }));
      if (result.report.diagnostics.some((d) => d.severity === 'error')) io.setExitCode(1);
    });
}
