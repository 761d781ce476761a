// Closing an image document with unsaved annotations asks first (src/jupyter/unsavedAnnotations.ts),
// in real JupyterLab: the tab's close button and the "Close Tab" command (application:close, what
// its shortcut runs) go through the guard; without edits the tab closes at once.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const h = require('./helpers');

const data = process.env.SEGLAB_DATA;
const FILE = 'unsaved-nuclei.tif';

async function openFromFileBrowser(page, name) {
  const doc = await h.openFromFileBrowser(page, name);
  await expect(doc.locator('.jp-SegLab-layerRow .jp-SegLab-layerName')).toHaveText(['unsaved-nuclei']); // decoded and shown
  return doc;
}

const tab = page => page.locator('#jp-main-dock-panel .lm-TabBar-tab', { hasText: FILE });
const documents = page => page.locator('.jp-SegLab-document');

/** The value the status line reads for `layer` under page pixel (x, y). */
async function valueAt(page, doc, x, y, layer) {
  return (await h.readoutOnceShown(page, doc, x, y, layer)).values[layer];
}

test.beforeEach(async ({ page }) => {
  await page.goto('/lab?reset');
  await h.waitForLab(page);
});

test('closing an image document asks first only when annotations were painted', async ({ page }) => {
  test.setTimeout(90000);
  await h.uploadFile(page, FILE, fs.readFileSync(path.join(data, 'nuclei2d', 'image.tif')));
  const dialogs = page.locator('.jp-Dialog');

  // Untouched: the tab's × closes at once, no dialog.
  await openFromFileBrowser(page, FILE);
  await tab(page).locator('.lm-TabBar-tabCloseIcon').click();
  await expect(documents(page)).toHaveCount(0);
  await expect(tab(page)).toHaveCount(0);
  await expect(dialogs).toHaveCount(0);

  // A new labels layer, painted, and renamed to something that must stay text.
  const doc = await openFromFileBrowser(page, FILE);
  await doc.locator('button[aria-label="New labels layer"]').click();
  const rows = doc.locator('.jp-SegLab-layerRow .jp-SegLab-layerName');
  await expect(rows).toHaveText(['Labels', 'unsaved-nuclei']);
  const y = await h.paintAcrossCentre(page, doc, 50, 10);
  const box = await h.canvasBox(doc);
  const x = Math.round(box.x + box.width / 2);
  expect(await valueAt(page, doc, x, y, 'Labels')).toBe('1');
  const name = '<b>cells</b> & <i>more</i>';
  await rows.filter({ hasText: 'Labels' }).dblclick();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect(rows).toHaveText([name, 'unsaved-nuclei']);

  // The tab's ×: the dialog names the layer (as text) and Cancel keeps everything.
  await tab(page).locator('.lm-TabBar-tabCloseIcon').click();
  await expect(dialogs).toHaveCount(1);
  const dialog = dialogs.first();
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText('Close with unsaved annotations?');
  await expect(dialog.locator('.jp-SegLab-unsavedDialog li')).toHaveText([name]);
  await expect(dialog.locator('.jp-SegLab-unsavedDialog b, .jp-SegLab-unsavedDialog i')).toHaveCount(0);
  await expect(dialog).toContainText('only in this tab');
  await expect(dialog.getByRole('button', { name: 'Close anyway' })).toBeVisible();
  await expect(dialog.locator('button.jp-mod-warn')).toHaveText('Close anyway');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused(); // the default
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialogs).toHaveCount(0);
  await expect(documents(page)).toHaveCount(1);
  await expect(doc).toBeVisible();
  expect(await valueAt(page, doc, x, y, name)).toBe('1');

  // "Close Tab" (the command its shortcut runs), with a second request while the dialog is up:
  // one dialog, and "Close anyway" closes.
  await tab(page).click();
  await page.evaluate(() => window.jupyterapp.commands.execute('application:close'));
  await expect(dialogs).toHaveCount(1);
  await page.evaluate(() => window.jupyterapp.commands.execute('application:close'));
  await page.waitForTimeout(300);
  await expect(dialogs).toHaveCount(1);
  await dialogs.first().getByRole('button', { name: 'Close anyway' }).click();
  await expect(documents(page)).toHaveCount(0);
  await expect(tab(page)).toHaveCount(0);
  await expect(dialogs).toHaveCount(0);
});
