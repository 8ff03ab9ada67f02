/**
 * Steps the studio's browser tests take the same way a person does, shared so that each suite
 * only spells out what it is about: a served studio with a generated image folder, open a page,
 * start a project from a template, load a folder, train a short run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, repoRoot, startServe, type ServeProcess } from './harness';
import { makeDataset, type DatasetSpec } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';

/** Serve mode with its own studio home, a browser, and a generated image folder to train on. */
export interface StudioWithData {
  /** The suite's folder: `data/` (the images) and `home/` (CNN_STUDIO_HOME) are in it. */
  work: string;
  data: string;
  home: string;
  serve: ServeProcess;
  browser: Browser;
  /** Closes the browser and serve mode and forgets the home (call it in afterAll); the folder goes with the file's tests. */
  stop(): Promise<void>;
}

/**
 * Makes `<tmp>/<prefix>XXXXXX/data` from `dataset`, points CNN_STUDIO_HOME at `home/` next to it,
 * runs `prepare` (a suite's work before serve mode starts, such as a CLI training run into the
 * home's runs folder), then starts serve mode and the browser.
 */
export async function startStudioWithData(
  prefix: string,
  dataset: DatasetSpec,
  prepare?: (s: Pick<StudioWithData, 'work' | 'data' | 'home'>) => Promise<void> | void,
): Promise<StudioWithData> {
  const work = tempDir(prefix);
  const data = await makeDataset(path.join(work, 'data'), dataset);
  const home = path.join(work, 'home');
  process.env['CNN_STUDIO_HOME'] = home;
  await prepare?.({ work, data, home });
  const [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
  const stop = async (): Promise<void> => {
    await browser.close();
    await serve.stop();
    delete process.env['CNN_STUDIO_HOME'];
  };
  return { work, data, home, serve, browser, stop };
}

/** A new page on the studio's URL, with its uncaught exceptions collected in `errors`. */
export async function openStudioPage(browser: Browser, url: string, viewport = { width: 1360, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

/** New → a template from the gallery, with its default size. */
export async function newFromTemplate(page: Page, id: string): Promise<void> {
  await page.getByTestId('new').click();
  await page.getByTestId(`template-${id}`).click();
  await page.getByTestId('templates-dialog').waitFor({ state: 'detached' });
}

/**
 * The Data tab: type the folder (character by character, into a field the backend may have
 * pre-filled), load it, wait until `someClass` is listed, and match the model to the data.
 */
export async function loadFolderAndMatch(page: Page, folder: string, someClass: string): Promise<void> {
  await page.getByTestId('view-data').click();
  const field = page.getByTestId('dataset-path');
  await field.fill('');
  await field.pressSequentially(folder);
  await page.getByTestId('dataset-load').click();
  await page.locator(`[data-testid="dataset-classes"] [data-class="${someClass}"]`).waitFor();
  await page.getByTestId('match-all').click();
  await page.getByTestId('input-match').waitFor();
}

/** The Train tab's device select on the CPU, once the provider probe has finished. */
export async function chooseCpuDevice(page: Page): Promise<void> {
  await page.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
  await page.getByTestId('train-device').selectOption('cpu');
}

/** Start on the Train tab, then wait until the run's status says done. */
export async function trainUntilDone(page: Page): Promise<void> {
  await page.getByTestId('train-start').click();
  await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 180_000 });
}

/** Runs the bundled CLI (`bin/cnn-studio.cjs args...`) and throws its stderr when it fails. */
export function runCli(args: string[]): string {
  const env = { ...process.env, CNN_STUDIO_NO_REEXEC: '1' };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/cnn-studio.cjs'), ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`cnn-studio ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** A short CPU training run by the CLI (one thread), e.g. a finished run in the studio's runs folder before serve mode starts. */
export function trainWithCli(project: string, data: string, runDir: string, o: { epochs: number; batch: number }): void {
  runCli(['train', project, '--data', data, '--out', runDir, '--epochs', String(o.epochs), '--batch', String(o.batch), '--device', 'cpu', '--threads', '1']);
}
