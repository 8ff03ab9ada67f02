/**
 * Fine-tuning from the Train tab, in Chromium against serve mode: LeNet-5 from the templates, the
 * Freeze select (backbone) and the two-phase recipe, a 3-epoch run without augmentation (so the
 * frozen blocks' features are cached), and the run log saying what each phase trained.
 * Screenshots under /tmp/shots-freeze/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chooseCpuDevice, loadFolderAndMatch, newFromTemplate, openStudioPage, startStudioWithData, trainUntilDone, type StudioWithData } from './studio-steps';

const SHOTS = '/tmp/shots-freeze';
let studio: StudioWithData;

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
  studio = await startStudioWithData('studio-finetune-e2e-', { classes: ['bottom', 'middle', 'top'], perClass: 12, size: 28 });
}, 60_000);

afterAll(() => studio?.stop());

describe('fine-tuning from the Train tab', () => {
  it('freezes the backbone, trains the head then the last stage, and logs both phases', async () => {
    const { page, errors } = await openStudioPage(studio.browser, studio.serve.openUrl, { width: 1360, height: 1000 });
    await newFromTemplate(page, 'lenet5');
    await loadFolderAndMatch(page, studio.data, 'top');

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
    await chooseCpuDevice(page);
    await shot(page, 'train-finetune-settings');

    await trainUntilDone(page);
    await page.getByText(/^Log \(/).click();
    const log = (await page.locator('.run-log pre').textContent()) ?? '';
    expect(log).toMatch(/phase 1: \d+ block\(s\) frozen/);
    expect(log).toMatch(/computed once per image and cached/);
    expect(log).toMatch(/phase 2: .*blocks from fc1 on were unfrozen and train at 0\.2 x the learning rate/);
    await shot(page, 'train-finetune-done');
    expect(errors).toEqual([]);
  }, 300_000);
});
