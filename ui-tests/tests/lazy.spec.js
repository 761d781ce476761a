// A lazy 20000 × 20000 uint16 zarr image in the real JupyterLab: it opens without its pixels
// travelling (the descriptor only), the browser asks the kernel for the tiles it draws, and what
// is on screen, zoomed into the real nuclei written into it, is the kernel's z[r, c] in value
// and grey level, before and after a pan that needs new tiles. The kernel never reads the
// whole array: its tile cache holds a few MiB.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());

test('a lazy 20000² zarr opens at once and shows the kernel tiles it needs, before and after a pan', async ({ page }) => {
  await h.openNewNotebook(page, 'lazy.ipynb');
  await h.runCode(
    page,
    [
      'import os, json, tempfile, time, tifffile, zarr',
      'nuclei = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))',
      'root = tempfile.mkdtemp()',
      'z = zarr.create_array(store=os.path.join(root, "big.zarr"), shape=(20000, 20000), chunks=(512, 512), dtype="uint16", fill_value=0)',
      '# real content in the middle (chunks elsewhere are never written: fill value 0)',
      'z[8192:12288, 8192:12288] = np.tile(nuclei, (8, 8))'
    ].join('\n')
  );
  const index = await h.runCodeIndex(page, 't0 = time.perf_counter()\nv = Viewer()\nlayer = v.add_image(z, name="big", contrast_limits=(0, 1000))\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  const host = viewer.locator('.jp-SegLab-canvasHost');
  await expect(host).toBeVisible();
  const opened = json(await h.runCode(page, 'v.wait_until_ready("big", timeout=60)\nprint(json.dumps([layer.lazy, layer.nbytes, time.perf_counter() - t0]))'));
  expect(opened[0]).toBe(true);
  expect(opened[1]).toBe(0); // no pixel travelled with the layer
  expect(opened[2]).toBeLessThan(10);

  // Zoom about the centre (pixel 10000, 10000, inside the nuclei) until pixels are 8 screen
  // pixels wide, so whole pixels can be sampled.
  await host.focus();
  await page.keyboard.press('Home');
  const box = await h.canvasBox(viewer);
  const cx = Math.round(box.x + box.width / 2);
  const cy = Math.round(box.y + box.height / 2);
  for (let i = 0; i < 40; i++) {
    const a = await h.readoutAt(page, viewer, cx - 40, cy);
    const b = await h.readoutAt(page, viewer, cx + 40, cy);
    if (80 / (b.col - a.col) >= 8) break;
    await host.focus();
    await page.keyboard.press('+');
  }

  async function checkScreen(label) {
    await expect.poll(() => host.evaluate(n => n.seglabPending), { message: `${label}: tiles still pending` }).toBe(false);
    const samples = await h.sampleInteriorPixels(page, viewer, 'big', 16);
    expect(samples.length, `${label}: samples with a value`).toBeGreaterThanOrEqual(6);
    const truth = json(await h.runCode(page, `print(json.dumps([int(z[r, c]) for r, c in ${JSON.stringify(samples.map(s => [s.row, s.col]))}]))`));
    samples.forEach((s, i) => {
      expect(Number(s.value), `${label}: value at [${s.row}, ${s.col}]`).toBe(truth[i]);
      expect(Math.abs(s.rgb[0] - h.expectedGray(truth[i], 0, 1000)), `${label}: grey at [${s.row}, ${s.col}]`).toBeLessThanOrEqual(2);
    });
    expect(new Set(truth).size, `${label}: real, varied content`).toBeGreaterThan(3);
    return samples;
  }
  const before = await checkScreen('zoomed in');

  // Pan 600 px right with the keyboard: the view moves onto pixels no tile held yet.
  await host.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  const after = await checkScreen('after the pan');
  expect(Math.min(...after.map(s => s.col))).toBeGreaterThan(Math.max(...before.map(s => s.col)));

  const stats = json(await h.runCode(page, 'c = v.tile_cache\nprint(json.dumps([c.bytes, c.misses, len(c)]))'));
  expect(stats[1]).toBeGreaterThan(0);
  expect(stats[0]).toBeLessThan(64 * 2 ** 20); // of the 800 MB array
});
