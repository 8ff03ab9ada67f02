import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { analyze } from '../../core/graph/analyze';
import { parseProject, serializeProject, type Project } from '../../core/graph/project';
import { OnnxFormatError } from '../../core/onnx/errors';
import { importOnnx } from '../../core/onnx/import';
import { defaultOpset } from '../../core/onnx/validate';
import { atomicWrite } from '../fs/atomic-write';
import { plainFsError, resolveOutputFile } from '../fs/user-paths';
import { loadOnnxModel } from '../onnx/load-model';
import { deployFromMetadata, weightsCheckpoint } from '../onnx/project-weights';
import { CliError, type CliIO } from './io';
import { refuseProjectAsModel } from './project-as-model';

function inputSizeOption(v: string | undefined): [number, number, number] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(/[,x×]/).map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) throw new CliError(`--input-size: "${v}" is not C,H,W (e.g. 3,224,224)`);
  return parts as [number, number, number];
}

export function registerImport(program: Command, io: CliIO): void {
  program
    .command('import')
    .description('import an ONNX model as an editable project (blocks, weights in a checkpoint next to it)')
    .argument('<model>', 'an .onnx file')
    .requiredOption('-o, --output <project.json>', 'the project file to write, or a folder (writes <folder>/<model>.json); weights go to <name>.ckpt beside it')
    .option('--name <name>', 'project name (default: the model name in its metadata, or the file name)')
    .option('--input-size <C,H,W>', 'input size, for models whose height and width are symbolic')
    .option('-f, --force', 'overwrite the project and checkpoint if they exist')
    .action(async (file: string, o: { output: string; name?: string; inputSize?: string; force?: boolean }) => {
      refuseProjectAsModel(file, 'import');
      const force = o.force === true;
      const output = await resolveOutputFile(o.output, { defaultName: `${path.basename(file, path.extname(file)) || 'model'}.json`, force });
      const out = path.resolve(output);
      const ckpt = out.replace(/\.json$/i, '') + '.ckpt';
      if (existsSync(ckpt) && !force) throw new CliError(`${ckpt} exists; pass --force to overwrite it`);
      const inputSize = inputSizeOption(o.inputSize);
      let loaded;
      let imported;
      try {
        loaded = await loadOnnxModel(file);
        imported = importOnnx(loaded.model, inputSize ? { inputSize } : {});
      } catch (e) {
        if (e instanceof OnnxFormatError) throw new CliError(e.message.startsWith(file) ? e.message : `${file}: ${e.message}`);
        throw e;
      }
      // Exporters' graph names ("main_graph", "torch_jit") say nothing; the file name does.
      const name = o.name ?? loaded.model.metadata.model_name ?? path.basename(file, path.extname(file));
      const project: Project = {
        name,
        model: imported.document,
        extra: {
          weights: path.basename(ckpt),
          deploy: deployFromMetadata(imported.metadata),
          importedFrom: {
            file: path.basename(file),
            producer: `${loaded.model.producerName} ${loaded.model.producerVersion}`.trim(),
            opset: defaultOpset(loaded.model) ?? null,
          },
        },
      };
      const text = serializeProject(project);
      // The file must open again: a project the studio cannot read back is never written.
      parseProject(text);
      const a = analyze(imported.document);
      const shapes = new Map(a.graph.weights.map((w) => [w.name, w.shape]));
      try {
        await atomicWrite(ckpt, weightsCheckpoint(imported.weights, shapes));
        await atomicWrite(out, text);
      } catch (e) {
        throw new CliError(`${output}: cannot write (${plainFsError(e)})`);
      }
      const counts = new Map<string, number>();
      for (const n of imported.document.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
      const generic = imported.document.nodes.filter((n) => n.type === 'onnx-op').map((n) => String(n.params.opType));
      io.out(
        `wrote ${output}: "${name}", ${imported.document.nodes.length} blocks (${[...counts].map(([t, c]) => `${c} ${t}`).join(', ')}), ${a.totals.params.toLocaleString('en-US')} parameters`,
      );
      io.out(`wrote ${output.replace(/\.json$/i, '')}.ckpt: the imported weights`);
      if (imported.modules.length) io.out(`${imported.modules.length} module(s) recovered as groups: ${imported.modules.sort().join(', ')}`);
      if (imported.composites.length) io.out(`recognised as studio blocks: ${imported.composites.sort().join(', ')}`);
      if (generic.length) io.out(`${generic.length} op(s) have no block and are kept as "ONNX op" blocks: ${[...new Set(generic)].join(', ')}`);
      for (const w of imported.warnings) io.err(`warning: ${w.node}: ${w.message}`);
      for (const d of a.diagnostics.filter((x) => x.severity === 'error')) io.err(`problem: ${d.message}`);
    });
}
