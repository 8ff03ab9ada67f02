/**
 * The mobile templates from the gallery: each opens from the New dialog with no problems, its
 * blocks named after torchvision's modules, and stays readable with every composite expanded.
 * Screenshots (gallery, each template after Expand all) go to /tmp/shots-nets/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, selectNode, settle } from './editor-helpers';
import { closeDialogs, closeEditor, openEditor, type EditorSession } from './harness';
import { zoomLevel } from './layout-helpers';

const SHOTS = '/tmp/shots-nets';
const MOBILE = [
  ['mobilenet_v2', 'MobileNetV2', 'features.3'],
  ['mobilenet_v3_small', 'MobileNetV3-Small', 'features.4'],
  ['mobilenet_v3_large', 'MobileNetV3-Large', 'features.4'],
  ['efficientnet_b0', 'EfficientNet-B0', 'features.2.1'],
] as const;

const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `${name}.png`) });

describe('mobile templates in the editor', () => {
  let s: EditorSession;
  const home = mkdtempSync(path.join(os.tmpdir(), 'cnn-mobile-e2e-'));
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    s = await openEditor(home);
  }, 60_000);
  afterAll(async () => {
    await closeEditor(s);
    rmSync(home, { recursive: true, force: true });
  });

  it('the gallery lists them with their input and class options', async () => {
    const p = s.page;
    await p.getByRole('button', { name: /^Templates/ }).click();
    for (const [id, label] of MOBILE) {
      const card = p.getByTestId(`template-card-${id}`);
      await expect(card.getByText(label, { exact: true }).isVisible()).resolves.toBe(true);
      await expect(p.getByLabel(`${label} input C×H×W`).inputValue()).resolves.toBe('3×224×224');
    }
    await p.getByTestId('template-card-efficientnet_b0').scrollIntoViewIfNeeded();
    await shot(p, 'gallery-mobile');
    await closeDialogs(p);
  }, 60_000);

  it.each(MOBILE)(
    '%s opens at 3×96×96 with 7 classes, no problems, and expands',
    async (id, label, inner) => {
      const p = s.page;
      await p.getByTestId('new').click();
      const size = p.getByLabel(`${label} input C×H×W`);
      await size.fill('');
      await size.pressSequentially('3x96x96');
      const classes = p.getByLabel(`${label} classes`);
      await classes.fill('');
      await classes.pressSequentially('7');
      await p.getByTestId(`template-${id}`).click();
      // A template opened before counts as a document: the studio may ask before replacing it.
      const discard = p.getByTestId('confirm-discard');
      await Promise.race([discard.waitFor(), p.getByTestId('templates-dialog').waitFor({ state: 'detached' })]);
      if (await discard.count()) await discard.click();
      await p.getByTestId('templates-dialog').waitFor({ state: 'detached' });
      await node(p, inner).waitFor();
      expect(await p.getByTestId('problem-count').count()).toBe(0);
      await settle(p);
      await shot(p, `${id}-collapsed`);
      await selectNode(p, inner);
      await p.getByTestId('inspector').waitFor();
      await shot(p, `${id}-inspector`);
      await p.getByTestId('expand-all').click();
      await settle(p);
      // A whole expanded net would be a thin column fitted whole: the view shows its start, readable.
      expect(await zoomLevel(p)).toBeGreaterThanOrEqual(0.15);
      await shot(p, `${id}-expanded`);
      expect(await p.getByTestId('problem-count').count()).toBe(0);
      expect(s.errors).toEqual([]);
    },
    120_000,
  );
});
