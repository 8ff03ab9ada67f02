/**
 * The start screen's backend: where the bundled sample lives, and opening an ONNX file as a new
 * project (the ONNX importer; the weights stay with the file, the project is unsaved).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../core/api';
import type { Project } from '../../core/graph/project';
import { OnnxFormatError } from '../../core/onnx/errors';
import { importOnnx } from '../../core/onnx/import';
import { loadOnnxModel } from '../onnx/load-model';
import { deployFromMetadata } from '../onnx/project-weights';
import { packageRoot, unpackedAssetPath } from '../paths';

export function sampleLocation(): { projectPath: string; dataDir: string } | null {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return null;
  }
  const projectPath = path.join(root, 'assets', 'sample-fashion-mnist.cnn.json');
  const dataDir = unpackedAssetPath(root, 'assets', 'sample-fashion-mnist');
  return existsSync(projectPath) && existsSync(dataDir) ? { projectPath, dataDir } : null;
}

export async function openOnnxAsProject(file: string): Promise<{ project: Project; warnings: string[] }> {
  try {
    const loaded = await loadOnnxModel(file);
    const imported = importOnnx(loaded.model);
    const name = loaded.model.metadata['model_name'] ?? path.basename(file, path.extname(file));
    const project: Project = {
      name,
      model: imported.document,
      extra: { deploy: deployFromMetadata(imported.metadata), importedFrom: { file: path.basename(file) } },
    };
    return { project, warnings: imported.warnings.map((w) => `${w.node}: ${w.message}`) };
  } catch (e) {
    if (e instanceof OnnxFormatError) {
      const message = e.message.startsWith(file) ? e.message : `${file}: ${e.message}`;
      // The studio's words for a project given as a model (the command line has its own).
      throw new StudioError('invalid-onnx', /JSON text file/.test(message) ? `${message}; open projects with Open (Ctrl+O)` : message);
    }
    throw new StudioError('invalid-onnx', `${file}: ${(e as Error).message}`);
  }
}
