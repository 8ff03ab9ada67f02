/**
 * The studio's runs live in one folder (<studio home>/runs/<run id>). The page names a run by its
 * id only; the path is always resolved here, and an id that is not a plain folder name is refused.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../core/api';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export function runDirOf(runsRoot: string, id: string): string {
  if (!RUN_ID.test(id) || id.includes('..')) throw new StudioError('invalid-request', `"${id}" is not a run id`);
  return path.join(runsRoot, id);
}

export function existingRunDir(runsRoot: string, id: string): string {
  const dir = runDirOf(runsRoot, id);
  if (!existsSync(path.join(dir, 'run.json'))) throw new StudioError('not-found', `no training run "${id}" in ${runsRoot}`);
  return dir;
}

/** A new, unused id: the project's name and the time, e.g. "LeNet-5-20260128-101500". */
export function newRunId(runsRoot: string, projectName: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const base = `${(projectName || 'run').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run'}-${stamp}`;
  let id = base;
  for (let i = 2; existsSync(path.join(runsRoot, id)); i++) id = `${base}-${i}`;
  return id;
}

export async function listRunIds(runsRoot: string): Promise<string[]> {
  const entries = await fs.readdir(runsRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && RUN_ID.test(e.name) && existsSync(path.join(runsRoot, e.name, 'run.json'))).map((e) => e.name);
}
