/**
 * Steps the studio's browser tests take the same way a person does, shared so that each suite
 * only spells out what it is about: open a page, start a project from a template, load a folder.
 */
import type { Browser, Page } from 'playwright-core';

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
