/**
 * The data doctor in the Data tab, in Chromium against serve mode: a folder with planted
 * problems (Fashion-MNIST images filed under the wrong class, brightened copies), a run trained
 * on it, then Examine images, Move to class, Exclude, Undo and Retrain as a person would,
 * checking the folder on disk after each. Screenshots under /tmp/shots-doctor/.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from './harness';
import { runTraining } from '../../main/trainer/loop';
import type { ProjectJson } from '../../main/trainer/types';
import { settings } from '../helpers/trainer-fixtures';
import { plantedDataset, type Planted } from '../main/doctor/planted';

const SHOTS = '/tmp/shots-doctor';
let serve: ServeProcess;
let browser: Browser;
let work: string;
let planted: Planted;

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'studio-doctor-e2e-'));
  await fs.mkdir(SHOTS, { recursive: true });
  planted = await plantedDataset(path.join(work, 'data'), { perClass: 40, mislabelsPerClass: 3 });
  const home = path.join(work, 'home');
  const project = JSON.parse(await fs.readFile(path.resolve(__dirname, '../../assets/sample-fashion-mnist.cnn.json'), 'utf8')) as ProjectJson;
  const end = await runTraining(
    {
      project,
      dataDir: planted.root,
      outDir: path.join(home, 'runs', 'planted-run'),
      cacheDir: path.join(home, 'cache'),
      settings: settings({ epochs: 3, batchSize: 32, lr: 2e-3, valSplit: 0.2, seed: 3 }),
      threads: 1,
    },
    () => undefined,
  );
  expect(end.type).toBe('done');
  process.env['CNN_STUDIO_HOME'] = home;
  [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  delete process.env['CNN_STUDIO_HOME'];
  await fs.rm(work, { recursive: true, force: true });
});

describe('data doctor in the Data tab', () => {
  it('examines the planted folder, moves, excludes, undoes and retrains', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.openUrl);
    await page.getByTestId('start-sample').click();
    await page.getByTestId('view-data').click();
    // The sample's own folder loads first (1,200 images, fully decoded to find broken files): let
    // it finish, as a person would see it finish, before asking for another folder.
    await page.getByTestId('dataset-summary').getByText('1200', { exact: true }).waitFor({ timeout: 120_000 });
    const field = page.getByRole('textbox', { name: 'Dataset folder' });
    await field.fill('');
    await field.pressSequentially(planted.root);
    await page.getByRole('button', { name: 'Load' }).click();
    await page.getByTestId('dataset-summary').getByText('4', { exact: true }).waitFor();
    expect(await page.locator('[data-testid="dataset-classes"] [data-class]').count()).toBe(4);
    const doctor = page.getByRole('region', { name: 'Data doctor' });
    await doctor.getByRole('combobox', { name: 'Run' }).selectOption({ index: 0 });
    await doctor.scrollIntoViewIfNeeded();
    await shot(page, 'doctor-before');

    await doctor.getByRole('button', { name: 'Examine images' }).click();
    await doctor
      .getByRole('status')
      .getByText(/fold \d of 5: training on \d+ images/)
      .waitFor({ timeout: 60_000 });
    await shot(page, 'doctor-progress');
    await doctor.getByTestId('doctor-method').waitFor({ timeout: 120_000 });
    const mislabels = doctor.getByRole('region', { name: 'Suspected label errors' });
    const duplicates = doctor.getByRole('region', { name: 'Near-duplicates' });
    await mislabels.locator('img').first().waitFor();
    await doctor.scrollIntoViewIfNeeded();
    const mislabelText = (await mislabels.textContent()) ?? '';
    const found = planted.mislabels.filter((rel) => mislabelText.includes(rel));
    expect(found.length).toBeGreaterThanOrEqual(Math.ceil(planted.mislabels.length / 2));
    const dupText = (await duplicates.textContent()) ?? '';
    expect(planted.copies.filter(([, copy]) => dupText.includes(copy)).length).toBeGreaterThanOrEqual(planted.copies.length - 1);
    await shot(page, 'doctor-report');
    await page.getByTestId('theme-toggle').click();
    await duplicates.scrollIntoViewIfNeeded();
    await shot(page, 'doctor-duplicates-dark');
    await page.getByTestId('theme-toggle').click();

    // Move the first planted mislabel to the suggested class (the picker's preset).
    const rel = found[0]!;
    await mislabels.getByRole('button', { name: `Move ${rel} to class` }).click();
    await mislabels
      .getByText(/^moved to /)
      .first()
      .waitFor();
    expect(await exists(path.join(planted.root, rel))).toBe(false);
    const journal = (await fs.readFile(path.join(planted.root, '.cnn-studio-journal.jsonl'), 'utf8')).trim().split('\n');
    const moved = JSON.parse(journal.at(-1)!) as { from: string; to: string };
    expect(moved.from).toBe(rel);
    expect(await exists(path.join(planted.root, moved.to))).toBe(true);

    // Exclude a brightened copy from its duplicate group, then undo that.
    const copy = planted.copies.map(([, c]) => c).find((c) => dupText.includes(c))!;
    await duplicates.getByRole('button', { name: `Exclude ${copy}` }).click();
    await duplicates.getByText('excluded').first().waitFor();
    expect(await fs.readFile(path.join(planted.root, '.cnn-studio-exclude'), 'utf8')).toContain(copy);
    await shot(page, 'doctor-after-actions');
    await doctor.getByRole('button', { name: 'Undo' }).click();
    await duplicates.getByRole('button', { name: `Exclude ${copy}` }).waitFor();
    expect(await fs.readFile(path.join(planted.root, '.cnn-studio-exclude'), 'utf8')).not.toContain(copy);
    expect(await exists(path.join(planted.root, copy))).toBe(true);

    // Retrain on the corrected folder: the Train tab shows a new run.
    await doctor.getByRole('button', { name: 'Retrain' }).click();
    await page.getByTestId('train-status').waitFor({ timeout: 60_000 });
    await page.getByTestId('train-stop').click({ timeout: 60_000 });
    await shot(page, 'doctor-retrain');
    expect(errors).toEqual([]);
  }, 300_000);
});
