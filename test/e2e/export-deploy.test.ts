/**
 * The Export tab's deploy report, in Chromium against serve mode: a LeNet-5 run trained by the
 * CLI into the studio's runs folder, exported as int8 from the tab; the table shows fp32 and int8
 * side by side (size, held-out accuracy, agreement, latency, throughput), the int8 row marked as
 * the file. Screenshots (light and dark) under /tmp/shots-deploy/.
 */
import { mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newFromTemplate, openStudioPage, runCli, startStudioWithData, trainWithCli, type StudioWithData } from './studio-steps';

const SHOTS = '/tmp/shots-deploy';
let studio: StudioWithData;

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-light.png`), fullPage: true });
  await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: path.join(SHOTS, `${name}-dark.png`), fullPage: true });
  await page.getByTestId('theme-toggle').click();
}

beforeAll(async () => {
  studio = await startStudioWithData('studio-deploy-e2e-', { classes: ['bottom', 'middle', 'top'], perClass: 30, size: 28 }, ({ work, data, home }) => {
    const project = path.join(work, 'lenet.json');
    runCli(['template', 'lenet5', '--input', '1x28x28', '--classes', '3', '-o', project]);
    trainWithCli(project, data, path.join(home, 'runs', 'lenet-deploy'), { epochs: 2, batch: 16 });
  });
}, 240_000);

afterAll(() => studio?.stop());

describe('Export tab: deploy report', () => {
  it('exports int8 and shows fp32 vs int8 as a table', async () => {
    const { page, errors } = await openStudioPage(studio.browser, studio.serve.openUrl);
    await newFromTemplate(page, 'lenet5');
    await page.getByTestId('view-export').click();
    const runPicker = page.getByLabel('Run');
    await expect.poll(async () => runPicker.locator('option').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/lenet/i));
    await runPicker.selectOption({ index: 0 });
    await page.getByLabel('Precision').selectOption('int8');
    const out = path.join(studio.work, 'lenet.int8.onnx');
    const file = page.getByLabel('ONNX file');
    await file.click();
    await file.pressSequentially(out);
    await shoot(page, 'export-before');
    await page.getByRole('button', { name: 'Export ONNX' }).click();
    const table = page.getByRole('table', { name: 'Deploy report' });
    await table.waitFor({ timeout: 120_000 });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    await expect.poll(() => rows.nth(0).textContent()).toMatch(/^fp32cpu\d+ KiB\d+\.\d%100\.0%[\d.]+ \/ [\d.]+ ms\d+ images\/s$/);
    expect(await rows.nth(1).textContent()).toMatch(/^int8 \(this file\)cpu\d+ KiB\d+\.\d% \([+−±]\d+\.\d\)\d+\.\d%[\d.]+ \/ [\d.]+ ms\d+ images\/s$/);
    await expect.poll(() => page.getByTestId('export-done').textContent()).toContain('lenet.int8.onnx.report.json');
    const report = JSON.parse(await fs.readFile(`${out}.report.json`, 'utf8')) as { precision: string; rows: unknown[] };
    expect(report).toMatchObject({ precision: 'int8' });
    await shoot(page, 'export-report');
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
