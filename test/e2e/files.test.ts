/**
 * Files a person writes from the studio (issue 15, items 4 and 5), in Chromium against serve
 * mode: the bundled sample opens as an untitled copy (Save asks where, and the install's assets
 * folder is never written); ONNX export goes to the run folder by default, a folder target
 * writes <folder>/<run>.onnx, and serve mode's save dialog asks for a file name.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serializeProject } from '../../core/graph/project';
import type { ModelDocument } from '../../core/graph/types';
import { launchBrowser, repoRoot, startServe, type ServeProcess } from './harness';
import { makeDataset, tinyProject } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';

const SHOTS = '/tmp/shots-ux-cli';
const RUN_ID = 'tiny-run';
let serve: ServeProcess;
let browser: Browser;
let work: string;
let runDir: string;
let page: Page | null = null;

const sampleFile = path.join(repoRoot, 'assets', 'sample-fashion-mnist.cnn.json');

async function shot(p: Page, name: string): Promise<void> {
  await fs.mkdir(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Clears a field and types into it key by key, as a person does. */
async function typeInto(p: Page, label: string, text: string): Promise<void> {
  const field = p.getByLabel(label, { exact: true });
  await field.fill('');
  await field.pressSequentially(text);
}

beforeAll(async () => {
  work = tempDir('studio-files-e2e-');
  const home = path.join(work, 'home');
  process.env['CNN_STUDIO_HOME'] = home;
  // A finished run in the studio's runs folder, trained by the CLI (one epoch of a tiny model).
  const data = await makeDataset(path.join(work, 'data'), { classes: ['a', 'b'], perClass: 12, size: 8 });
  const p = tinyProject(8);
  const projectFile = path.join(work, 'tiny.json');
  await fs.writeFile(projectFile, serializeProject({ name: p.name, model: p.model as ModelDocument, extra: {} }));
  runDir = path.join(home, 'runs', RUN_ID);
  await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, 'bin/cnn-studio.cjs'),
      'train',
      projectFile,
      '--data',
      data,
      '--out',
      runDir,
      '--epochs',
      '1',
      '--batch',
      '8',
      '--device',
      'cpu',
      '--threads',
      '1',
      '--cache-dir',
      path.join(work, 'cache'),
      '--json',
    ],
    { cwd: work },
  );
  [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
}, 120_000);

afterEach(async () => {
  await page?.close();
  page = null;
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  delete process.env['CNN_STUDIO_HOME'];
});

async function openStudio(): Promise<Page> {
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(serve.openUrl);
  await page.getByRole('button', { name: /Bundled sample/ }).waitFor();
  return page;
}

describe('files written from the studio', () => {
  it('the bundled sample opens as an untitled copy: Save asks where, and never writes into assets/', async () => {
    const p = await openStudio();
    const before = readFileSync(sampleFile, 'utf8');
    await p.getByRole('button', { name: /Bundled sample/ }).click();
    // The sample's images are loaded in the Data step.
    await p.locator('[data-testid="dataset-classes"] [data-class]').first().waitFor({ timeout: 30_000 });
    // Save on an untitled project opens the save dialog (it does not write the file it came from).
    await p.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = p.getByTestId('file-browser');
    await dialog.waitFor();
    await expect.poll(async () => p.getByLabel('File path').inputValue()).toMatch(/\.cnn\.json$/);
    expect(await p.getByLabel('File path').inputValue()).not.toContain(`${path.sep}assets${path.sep}`);
    await shot(p, 'sample-save-dialog');
    // Typing the install's own file is refused with the reason; the file is unchanged.
    await typeInto(p, 'File path', sampleFile);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => p.getByRole('alert').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/part of the studio's install/));
    await shot(p, 'sample-save-refused');
    expect(readFileSync(sampleFile, 'utf8')).toBe(before);
    // Not remembered as a recent file either.
    expect(await p.evaluate(() => localStorage.getItem('cnn-studio-recent') ?? '')).not.toContain('sample-fashion-mnist');
  });

  it('export: default into the run folder, a folder target writes <folder>/<run>.onnx, the dialog asks for a file name', async () => {
    const p = await openStudio();
    await p.getByTestId('view-export').click();
    const pathField = p.getByLabel('ONNX file', { exact: true });
    const defaultTarget = path.join(runDir, `${RUN_ID}.onnx`);
    expect(await pathField.getAttribute('placeholder')).toBe(defaultTarget);
    await shot(p, 'export-default-target');

    // The default: into the run folder.
    await p.getByRole('button', { name: 'Export ONNX' }).click();
    await p.getByTestId('export-done').waitFor({ timeout: 30_000 });
    expect(existsSync(defaultTarget)).toBe(true);

    // A folder typed into the path field: <folder>/<run>.onnx, no system error.
    const folder = path.join(work, 'exports');
    await fs.mkdir(folder);
    await typeInto(p, 'ONNX file', folder);
    await p.getByRole('button', { name: 'Export ONNX' }).click();
    await expect.poll(async () => (await p.getByTestId('export-done').textContent()) ?? '', { timeout: 30_000 }).toContain(path.join(folder, `${RUN_ID}.onnx`));
    expect(existsSync(path.join(folder, `${RUN_ID}.onnx`))).toBe(true);
    expect(await p.getByRole('alert').allTextContents()).toEqual([]);

    // Browse…: the folder and a file name; without a name it says so instead of returning the folder.
    await p.getByRole('button', { name: 'Browse…' }).first().click();
    const picker = p.getByTestId('path-picker');
    await picker.getByTestId('picker-list').waitFor();
    // The panel's target is the folder typed above: the dialog opens in it, offering <run>.onnx.
    await expect.poll(async () => picker.locator('.browser-where code').textContent()).toBe(folder);
    expect(await p.getByLabel('File name', { exact: true }).inputValue()).toBe(`${RUN_ID}.onnx`);
    await shot(p, 'export-save-dialog');
    await picker.getByTitle('Parent folder').click();
    await expect.poll(async () => picker.locator('.browser-where code').textContent()).toBe(work);
    await typeInto(p, 'Folder', folder);
    await p.getByLabel('Folder', { exact: true }).press('Enter');
    await expect.poll(async () => picker.locator('.browser-where code').textContent()).toBe(folder);
    await typeInto(p, 'File name', '');
    await picker.getByRole('button', { name: 'Save here' }).click();
    await picker.getByRole('alert').filter({ hasText: 'Type a file name to save as.' }).waitFor();
    await shot(p, 'export-save-dialog-no-name');
    await typeInto(p, 'File name', 'mine');
    await picker.getByRole('button', { name: 'Save here' }).click();
    await picker.waitFor({ state: 'detached' });
    expect(await pathField.inputValue()).toBe(path.join(folder, 'mine.onnx'));
    await p.getByRole('button', { name: 'Export ONNX' }).click();
    await expect.poll(() => existsSync(path.join(folder, 'mine.onnx')), { timeout: 30_000 }).toBe(true);
    await shot(p, 'export-done');
  });
});
