/**
 * Grad-CAM and the learning-rate finder from the studio, in Chromium against serve mode: LeNet-5
 * on a small generated folder; "Find learning rate" draws its curve and fills the form; after a
 * short run, the Grad-CAM toggle and layer picker on an Evaluate drill-down image and a Try it image.
 * Screenshots go to /tmp/shots-explain/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chooseCpuDevice, loadFolderAndMatch, newFromTemplate, openStudioPage, startStudioWithData, trainUntilDone, type StudioWithData } from './studio-steps';

const SHOTS = '/tmp/shots-explain';
let studio: StudioWithData;

/** A screenshot in the light theme, and with `dark` one in the dark theme too. */
async function shoot(page: Page, name: string, dark = false): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  if (!dark) return;
  await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`) });
  await page.getByTestId('theme-toggle').click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  studio = await startStudioWithData('studio-explain-e2e-', { classes: ['bottom', 'middle', 'top'], perClass: 16, size: 28 });
}, 60_000);

afterAll(() => studio?.stop());

/** The number in the learning rate field. */
const lrField = (page: Page) => page.getByLabel('Learning rate', { exact: true });

describe('explain and find the learning rate in the studio', () => {
  it('finds a learning rate, then shows Grad-CAM in Evaluate and Try it', async () => {
    const { page, errors } = await openStudioPage(studio.browser, studio.serve.openUrl);
    await newFromTemplate(page, 'lenet5');
    await loadFolderAndMatch(page, studio.data, 'top');

    // Train tab: the finder draws the curve and puts its suggestion into the form.
    await page.getByTestId('view-train').click();
    await chooseCpuDevice(page);
    const before = await lrField(page).inputValue();
    await shoot(page, 'train-before');
    await page.getByRole('button', { name: 'Find learning rate' }).click();
    await page.getByRole('button', { name: 'Cancel search' }).waitFor();
    await page.getByTestId('lr-curve').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('lr-curve').getAttribute('data-points'))).toBeGreaterThan(20);
    const result = (await page.getByTestId('lr-find-result').textContent()) ?? '';
    const m = /Learning rate set to ([\d.e-]+)/.exec(result);
    expect(m).not.toBeNull();
    expect(await lrField(page).inputValue()).toBe(m![1]);
    expect(m![1]).not.toBe(before);
    await page.getByTestId('lr-suggestion-mark').waitFor();
    await shoot(page, 'train-lr-find', true);

    // A short run to explain.
    await lrField(page).fill('');
    await lrField(page).pressSequentially('0.01');
    await lrField(page).press('Enter');
    await page.getByTestId('train-epochs').fill('');
    await page.getByTestId('train-epochs').pressSequentially('2');
    await page.getByTestId('train-epochs').press('Enter');
    await trainUntilDone(page);

    // Evaluate drill-down: the first image of a cell, its overlay and another layer.
    await page.getByTestId('view-evaluate').click();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 });
    const cell = page.locator('[data-testid="confusion-matrix"] td[data-true="top"][data-pred="top"]');
    await cell.click();
    await page.getByTestId('cell-images').waitFor();
    const toggle = page.getByRole('checkbox', { name: /^Grad-CAM overlay for / }).first();
    await toggle.check();
    const overlay = page.getByRole('img', { name: /^Grad-CAM of .* at conv2$/ }).first();
    await overlay.waitFor({ timeout: 30_000 });
    expect(await overlay.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page
      .getByRole('combobox', { name: /^Grad-CAM layer for / })
      .first()
      .selectOption('conv1');
    await page
      .getByRole('img', { name: /^Grad-CAM of .* at conv1$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await shoot(page, 'evaluate-gradcam');

    // Try it: an uploaded image, toggled on.
    await page.getByTestId('view-predict').click();
    await page.getByTestId('predict-input').setInputFiles(path.join(studio.data, 'top', '003.png'));
    await page.locator('[data-testid="predict-result"] .pred-row').first().waitFor({ timeout: 30_000 });
    await page.getByRole('checkbox', { name: 'Grad-CAM overlay for 003.png' }).check();
    await page.getByRole('img', { name: /^Grad-CAM of 003\.png for \w+ at conv2$/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: 'Grad-CAM layer for 003.png' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Grad-CAM layer for 003.png' }).locator('option').allTextContents()).toEqual(['conv1', 'conv2']);
    await shoot(page, 'predict-gradcam', true);
    await page.getByRole('checkbox', { name: 'Grad-CAM overlay for 003.png' }).uncheck();
    await page.getByRole('img', { name: '003.png', exact: true }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 400_000);
});
