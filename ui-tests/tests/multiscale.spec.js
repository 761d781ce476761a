// Multiscale images in the real JupyterLab: a napari-style pyramid from the kernel whose levels
// are told apart by their content (level 0 the real nuclei, levels 1 and 2 flat greys), so the
// screen shows which level the viewer draws at each zoom: the coarsest whose pixels are still
// no larger than a screen pixel (napari's rule), level 0 once magnified. Values under the
// pointer always come from level 0, and the GPU tile memory stays within its bound.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

/** The grey levels on screen at a 5 × 5 grid around the canvas centre. */
async function centreGreys(page, viewer) {
  const box = await h.canvasBox(viewer);
  const png = await h.screenshotPixels(page);
  const out = [];
  for (let i = -2; i <= 2; i++) {
    for (let j = -2; j <= 2; j++) out.push(h.pixelAt(png, Math.round(box.x + box.width / 2 + 23 * i), Math.round(box.y + box.height / 2 + 17 * j))[0]);
  }
  return out;
}

/** Screen pixels per level-0 pixel, from the readout columns 200 px apart on the middle row. */
async function screenPerPixel(page, viewer) {
  const box = await h.canvasBox(viewer);
  const y = Math.round(box.y + box.height / 2);
  const x = Math.round(box.x + box.width / 2);
  const a = await h.readoutAt(page, viewer, x - 100, y);
  const b = await h.readoutAt(page, viewer, x + 100, y);
  return 200 / (b.col - a.col);
}

test('a pyramid shows the level that matches the zoom; values come from level 0', async ({ page }) => {
  await h.openNewNotebook(page, 'multiscale.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nDATA = os.environ["SEGLAB_DATA"]\nnuclei = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(
    page,
    [
      'big = np.tile(nuclei, (4, 4))  # 2048 x 2048 uint16, real content',
      'pyramid = [big, np.full((1024, 1024), 800, np.uint16), np.full((512, 512), 200, np.uint16)]',
      'v = Viewer()',
      'layer = v.add_image(pyramid, name="pyr", contrast_limits=(0, 1000))',
      'v'
    ].join('\n')
  );
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("pyr", timeout=120)');
  expect(JSON.parse((await h.runCode(page, 'print(json.dumps([layer.multiscale, [list(s) for s in layer.level_shapes]]))')).trim())).toEqual([
    true,
    [[2048, 2048], [1024, 1024], [512, 512]]
  ]);

  const flat = (greys, v) => greys.every(g => Math.abs(g - h.expectedGray(v, 0, 1000)) <= 2);
  const host = viewer.locator('.jp-SegLab-canvasHost');
  await host.focus();
  await page.keyboard.press('Home');
  // Fitted into a canvas far smaller than 2048 px: a level-2 pixel (4 level-0 pixels) is at
  // most one screen pixel, so level 2 (flat 200) shows.
  const s0 = await screenPerPixel(page, viewer);
  expect(s0).toBeLessThanOrEqual(0.25);
  await expect.poll(async () => flat(await centreGreys(page, viewer), 200)).toBe(true);

  // Zoom in about the centre until level 2's pixels would be larger than a screen pixel:
  // level 1 (flat 800) takes over, exactly in the band napari's rule gives.
  let s = s0;
  while (s <= 0.25 * 1.01) {
    await host.focus();
    await page.keyboard.press('+');
    s = await screenPerPixel(page, viewer);
  }
  expect(s).toBeLessThanOrEqual(0.5);
  await expect.poll(async () => flat(await centreGreys(page, viewer), 800)).toBe(true);

  // Past one screen pixel per level-1 pixel, level 0 (the real nuclei) shows, and what is on
  // screen is what the readout says level 0 holds.
  while (s <= 0.5 * 1.01) {
    await host.focus();
    await page.keyboard.press('+');
    s = await screenPerPixel(page, viewer);
  }
  await expect.poll(async () => new Set(await centreGreys(page, viewer)).size).toBeGreaterThan(5);
  // Magnified (several screen pixels per data pixel) so that whole pixels can be sampled.
  while (s < 8) {
    await host.focus();
    await page.keyboard.press('+');
    s = await screenPerPixel(page, viewer);
  }
  const samples = await h.sampleInteriorPixels(page, viewer, 'pyr', 16);
  expect(samples.length).toBeGreaterThanOrEqual(4);
  const truth = JSON.parse((await h.runCode(page, `print(json.dumps([int(big[r, c]) for r, c in ${JSON.stringify(samples.map(q => [q.row, q.col]))}]))`)).trim());
  samples.forEach((q, i) => {
    expect(Number(q.value)).toBe(truth[i]);
    expect(Math.abs(q.rgb[0] - h.expectedGray(truth[i], 0, 1000))).toBeLessThanOrEqual(2);
  });

  // GPU memory for image tiles is bounded by the LRU cache whatever was browsed.
  const stats = await host.evaluate(n => n.seglabTileCache);
  expect(stats.tiles).toBeGreaterThan(0);
  expect(stats.bytes).toBeLessThanOrEqual(stats.budget);
});
