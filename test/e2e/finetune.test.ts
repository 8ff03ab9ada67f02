/**
 * Fine-tuning from the Train tab, in Chromium against serve mode: LeNet-5 from the templates, the
 * Freeze select (backbone) and the two-phase recipe, a 3-epoch run without augmentation (so the
 * frozen blocks' features are cached), and the run log saying what each phase trained.
 * Screenshots under /tmp/shots-freeze/.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from './harness';
import { makeDataset } from '../helpers/trainer-fixtures';
import { openStudioPage, newFromTemplate, loadFolderAndMatch } from './studio-steps';

const SHOTS = '/tmp/shots-freeze';
let serve: ServeProcess;
let browser: Browser;
let work: string;
let data: string;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Types `text` into a number field as a person does, then commits it with Enter. */
async function typeNumber(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill('');
  await field.pressSequentially(text);
  await field.press('Enter');
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'studio-finetune-e2e-'));
  data = await makeDataset(path.join(work, 'data'), { classes: ['bottom', 'middle', 'top'], perClass: 12, size: 28 });
  process.env['CNN_STUDIO_HOME'] = path.join(work, 'home');
  [serve, browser] = await Promise.all([startServe(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  delete process.env['CNN_STUDIO_HOME'];
  await fs.rm(work, { recursive: true, force: true });
});

describe('fine-tuning from the Train tab', () => {
  it('freezes the backbone, trains the head then the last stage, and logs both phases', async () => {
    const { page, errors } = await openStudioPage(browser, serve.openUrl, { width: 1360, height: 1000 });
    await newFromTemplate(page, 'lenet5');
    await loadFolderAndMatch(page, data, 'top');

    await page.getByTestId('view-train').click();
    await shot(page, 'train-before');
    await typeNumber(page, 'Epochs', '3');
    await typeNumber(page, 'Batch size', '8');
    const freeze = page.getByLabel('Freeze', { exact: true });
    // The choices: the keywords, then every block before the classifier head, in order.
    const options = await freeze.locator('option').allTextContents();
    expect(options.slice(0, 3)).toEqual(['the blocks frozen in the editor', 'nothing (train every block)', 'backbone (train the classifier head only)']);
    expect(options.some((o) => /^up to and including /.test(o))).toBe(true);
    const twoPhase = page.getByLabel('Two phases: then unfreeze the last stage');
    expect(await twoPhase.isDisabled()).toBe(true);
    await freeze.selectOption({ label: 'backbone (train the classifier head only)' });
    await twoPhase.check();
    expect(await page.getByLabel('Phase 2 epochs', { exact: true }).inputValue()).toBe('1');
    await typeNumber(page, 'Phase 2 learning-rate scale', '0.2');
    const unfreeze = page.getByLabel('Phase 2 unfreezes from');
    expect((await unfreeze.locator('option').allTextContents())[0]).toBe('the last frozen block with parameters');
    await unfreeze.selectOption({ label: 'fc1 and the blocks after it' });
    await page.getByRole('combobox', { name: /^Augmentation/ }).selectOption('none');
    await page.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByTestId('train-device').selectOption('cpu');
    await shot(page, 'train-finetune-settings');

    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 180_000 });
    await page.getByText(/^Log \(/).click();
    const log = (await page.locator('.run-log pre').textContent()) ?? '';
    expect(log).toMatch(/phase 1: \d+ block\(s\) frozen/);
    expect(log).toMatch(/computed once per image and cached/);
    expect(log).toMatch(/phase 2: .*blocks from fc1 on were unfrozen and train at 0\.2 x the learning rate/);
    await shot(page, 'train-finetune-done');
    expect(errors).toEqual([]);
  }, 300_000);
});
