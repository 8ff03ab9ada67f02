/**
 * The Data tab's doctor: runs the data doctor (main/doctor/doctor.ts) for a run of the studio's
 * runs folder, and applies the panel's Move / Exclude / Undo to the dataset folder
 * (main/data/dataset-edits.ts, which confines every path to that folder). Problems the person can
 * fix come back as StudioErrors naming the file.
 */
import { StudioError } from '../../core/api';
import type { DatasetEditResult, DoctorReport } from '../../core/data/doctor-report';
import { DatasetError } from '../data/errors';
import { excludeImage, moveToClass, pendingEdits, undoLastEdit, type DatasetEdit } from '../data/dataset-edits';
import { runDoctor, type DoctorOptions } from '../doctor/doctor';
import { readRunJson, TrainError } from '../trainer/run-folder';

async function asStudioError<T>(code: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DatasetError) throw new StudioError(code, e.message);
    if (e instanceof TrainError) throw new StudioError(e.code, e.message);
    throw e;
  }
}

export async function doctorForRun(runDir: string, dataDir: string | undefined, o: DoctorOptions): Promise<DoctorReport> {
  return asStudioError('invalid-dataset', async () => runDoctor(runDir, dataDir ?? (await readRunJson(runDir)).data.root, o));
}

async function result(dataDir: string, edit: Promise<DatasetEdit>): Promise<DatasetEditResult> {
  const done = await edit;
  return { edit: done, undoable: (await pendingEdits(dataDir)).length };
}

export function doctorMove(dataDir: string, rel: string, toClass: string): Promise<DatasetEditResult> {
  return asStudioError('dataset-edit', () => result(dataDir, moveToClass(dataDir, rel, toClass)));
}

export function doctorExclude(dataDir: string, rel: string): Promise<DatasetEditResult> {
  return asStudioError('dataset-edit', () => result(dataDir, excludeImage(dataDir, rel)));
}

export function doctorUndo(dataDir: string): Promise<DatasetEditResult> {
  return asStudioError('dataset-edit', () => result(dataDir, undoLastEdit(dataDir)));
}
