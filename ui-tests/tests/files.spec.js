// Image files from the file browser, and the viewer's JupyterLab entry points (launcher,
// command palette, settings). Reference pixel values come from tifffile in the project's venv.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const h = require('./helpers');

const data = process.env.SEGLAB_DATA;

function referenceValue(file, row, col) {
  const code = `import tifffile, json; a = tifffile.imread(${JSON.stringify(file)}); print(json.dumps(a[${row}, ${col}].tolist()))`;
  return JSON.parse(h.pythonReference(code));
}

/** What the status line reads at the centre of a document's canvas for `layer`. */
async function readCentre(page, doc, layer) {
  const box = await h.canvasBox(doc);
  return h.readoutOnceShown(page, doc, Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2), layer);
}

test.beforeEach(async ({ page }) => {
  // ?reset: an empty workspace, so tabs restored from earlier tests cannot take focus mid-test.
  await page.goto('/lab?reset');
  await h.waitForLab(page);
});

test('TIFF, RGB TIFF and PNG open from the file browser with exact pixel values', async ({ page }) => {
  await h.uploadFile(page, 'nuclei.tif', fs.readFileSync(path.join(data, 'nuclei2d', 'image.tif')));
  await h.uploadFile(page, 'hela.tif', fs.readFileSync(path.join(data, 'misc', 'hela_cells_rgb.tif')));
  // A grayscale PNG made from the blobs image (deflate-compressed TIFF in the data folder).
  const blobs = JSON.parse(h.pythonReference(
    `import tifffile, json, os; a = tifffile.imread(os.path.join(${JSON.stringify(data)}, 'blobs', 'image.tif')); print(json.dumps([a.shape, a.ravel().tolist()]))`
  ));
  const [[rows, cols], pixels] = blobs;
  const png = new PNG({ width: cols, height: rows, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(pixels);
  await h.uploadFile(page, 'blobs.png', PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));

  const nuclei = await h.openFromFileBrowser(page, 'nuclei.tif');
  const n = await readCentre(page, nuclei, 'nuclei');
  expect(Number(n.values.nuclei)).toBe(referenceValue(path.join(data, 'nuclei2d', 'image.tif'), n.row, n.col));

  const hela = await h.openFromFileBrowser(page, 'hela.tif');
  const c = await readCentre(page, hela, 'hela');
  const rgb = c.values.hela.replace(/[()]/g, '').split(', ').map(Number);
  expect(rgb).toEqual(referenceValue(path.join(data, 'misc', 'hela_cells_rgb.tif'), c.row, c.col));

  const blobsDoc = await h.openFromFileBrowser(page, 'blobs.png');
  const b = await readCentre(page, blobsDoc, 'blobs');
  expect(Number(b.values.blobs)).toBe(pixels[b.row * cols + b.col]);
});

test('a JPEG opens as RGB; a corrupt TIFF shows an error and JupyterLab keeps working', async ({ page }) => {
  await h.uploadFile(page, 'histology.jpg', fs.readFileSync(path.join(data, 'misc', 'histology_he.jpg')));
  const real = fs.readFileSync(path.join(data, 'nuclei2d', 'image.tif'));
  // A valid TIFF header pointing into garbage: what a truncated or damaged download looks like.
  const corrupt = Buffer.concat([real.subarray(0, 8), Buffer.alloc(4096, 0xab)]);
  await h.uploadFile(page, 'corrupt.tif', corrupt);
  await h.uploadFile(page, 'after.tif', real);

  const jpg = await h.openFromFileBrowser(page, 'histology.jpg');
  const j = await readCentre(page, jpg, 'histology');
  expect(j.values.histology).toMatch(/^\(\d+, \d+, \d+\)$/);

  await h.openFromFileBrowser(page, 'corrupt.tif');
  const error = page.locator('.jp-SegLab-document:not(.lm-mod-hidden) .jp-SegLab-overlayError');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Could not open corrupt.tif');

  const after = await h.openFromFileBrowser(page, 'after.tif');
  await readCentre(page, after, 'after');
});

test('launcher card, command palette and settings schema', async ({ page }) => {
  await page.evaluate(() => window.jupyterapp.commands.execute('launcher:create'));
  const card = page.locator('.jp-LauncherCard', { hasText: 'SegLab Viewer' });
  await expect(card).toBeVisible();
  await card.click();
  const panel = page.locator('.jp-SegLab-panel:not(.lm-mod-hidden)');
  await expect(panel.locator('.jp-SegLab-overlay')).toContainText('Drop a .tif');
  const panels = await page.locator('.jp-SegLab-panel').count();

  await page.evaluate(() => window.jupyterapp.commands.execute('apputils:activate-command-palette'));
  await page.keyboard.type('New SegLab Viewer');
  await page.keyboard.press('Enter');
  await expect(page.locator('.jp-SegLab-panel')).toHaveCount(panels + 1);

  const response = await page.request.get('/lab/api/settings/seglab:plugin');
  expect(response.ok()).toBeTruthy();
  const settings = await response.json();
  expect(Object.keys(settings.schema.properties)).toEqual(expect.arrayContaining(['openImageFiles', 'wheelZoomFactor', 'keyPanStep']));

  // Turning openImageFiles off hands PNG back to JupyterLab's image viewer; TIFF stays ours.
  const defaultFactory = file =>
    page.evaluate(f => window.jupyterapp.docRegistry.defaultWidgetFactory(f).name, file);
  expect(await defaultFactory('a.png')).toBe('SegLab Viewer');
  const setOpenImageFiles = value =>
    page.evaluate(v => window.jupyterapp.serviceManager.settings.save('seglab:plugin', JSON.stringify({ openImageFiles: v })), value);
  await setOpenImageFiles(false);
  await page.reload();
  await h.waitForLab(page);
  await expect.poll(() => defaultFactory('a.png')).toBe('Image');
  expect(await defaultFactory('a.tif')).toBe('SegLab Viewer');
  await setOpenImageFiles(true);
  await page.reload();
  await h.waitForLab(page);
  await expect.poll(() => defaultFactory('a.png')).toBe('SegLab Viewer');
});
