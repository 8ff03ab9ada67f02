/**
 * cnn-studio export-pytorch <project> -o DIR [--checkpoint PATH]: writes a PyTorch project
 * (model.py, train.py, export_onnx.py, README.md, requirements.txt, weights.safetensors) that
 * torchrun trains on one or many GPUs with the studio's recipe.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { exportPytorch, PytorchExportError } from '../../core/export-pytorch/index';
import { writeFolder } from '../fs/write-folder';
import { ExportSourceError, pytorchSource } from '../export-pytorch/source';
import { CliError, type CliIO } from './io';

/** The output folder must be a folder, and files already there are replaced only with --force. */
async function refuseExisting(dir: string, files: string[], force: boolean): Promise<void> {
  const st = await fs.stat(dir).catch(() => null);
  if (st && !st.isDirectory()) throw new CliError(`${dir} is a file; -o takes the folder to write the Python project into`);
  if (!st || force) return;
  const present = files.filter((f) => existsSync(path.join(dir, f)));
  if (present.length > 0) throw new CliError(`${dir} already holds ${present.join(', ')}; pass --force to overwrite them, or choose another folder`);
}

export function registerExportPytorch(program: Command, io: CliIO): void {
  program
    .command('export-pytorch')
    .description('export a project (or a training run folder) as a PyTorch project that torchrun trains on many GPUs, with the same recipe')
    .argument('<project>', 'a project file (.json) or a training run folder')
    .requiredOption('-o, --output <dir>', 'the folder to write the Python project into')
    .option('-f, --force', 'overwrite files of the same names already in the folder')
    .option(
      '--checkpoint <path>',
      "weights from this checkpoint, or a run folder (its best checkpoint and recipe); default: the run folder's best.ckpt or the project's imported weights",
    )
    .action(async (arg: string, o: { output: string; checkpoint?: string; force?: boolean }) => {
      let src;
      try {
        src = await pytorchSource(arg, o.checkpoint);
      } catch (e) {
        if (e instanceof ExportSourceError) throw new CliError(e.message);
        throw e;
      }
      const name = src.project.name || path.basename(src.projectFile, '.json');
      let result;
      try {
        result = exportPytorch(src.project.model, { projectName: name, recipe: src.recipe, ...(src.weights ? { weights: src.weights } : {}) });
      } catch (e) {
        if (e instanceof PytorchExportError) throw new CliError(`${src.projectFile}: ${e.message}`);
        throw e;
      }
      await refuseExisting(
        o.output,
        result.files.map((f) => f.path),
        o.force === true,
      );
      try {
        // All files or none: a failure (a full disk) leaves no partial folder behind.
        await writeFolder(o.output, result.files);
      } catch (e) {
        throw new CliError(`nothing written to ${o.output}: ${e instanceof Error ? e.message : String(e)}`);
      }
      io.out(`wrote ${o.output}: ${result.files.map((f) => f.path).join(', ')} (class ${result.className})`);
      io.out(src.checkpoint ? `weights: ${src.checkpoint}` : "weights: none (the model starts from PyTorch's initialisation; pass --checkpoint)");
      for (const w of result.warnings) io.err(`warning: ${w}`);
    });
}
