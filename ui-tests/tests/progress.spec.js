// Long transfers show their progress: a bar in the viewer's status line while a 128 MB image
// arrives (hidden again once it is in), and a tqdm-style line in the cell that waits for a big
// `layer.data` coming back from the browser.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

test('a 128 MB image shows a progress bar in the viewer, and reading it back a line in the cell', async ({ page }) => {
  test.setTimeout(300000);
  await h.openNewNotebook(page, 'progress.ipynb');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  // Record every value the bar shows while the transfer runs.
  await viewer.evaluate(node => {
    const bar = node.querySelector('.jp-SegLab-statusProgress');
    window.__seglabProgress = [];
    new MutationObserver(() => {
      if (!bar.hidden) window.__seglabProgress.push([bar.querySelector('progress').value, bar.textContent]);
    }).observe(bar, { attributes: true, subtree: true, childList: true, characterData: true });
  });
  await h.runCode(page, 'big = np.random.default_rng(3).integers(0, 4000, size=(8192, 8192), dtype=np.uint16)\nlayer = v.add_image(big, name="big")\nv.wait_until_ready("big", timeout=240)');
  const seen = await page.evaluate(() => window.__seglabProgress);
  expect(seen.length).toBeGreaterThan(3); // 16 chunks of 8 MiB
  expect(seen.every(([, label]) => label === 'receiving big')).toBe(true);
  const values = seen.map(([v]) => v);
  expect(values.some(v => v > 0 && v < 1)).toBe(true);
  expect([...values].sort((a, b) => a - b)).toEqual(values); // only forward
  await expect(viewer.locator('.jp-SegLab-statusProgress')).toBeHidden();

  const out = await h.runCode(page, 'back = layer.data\nprint("SAME", np.array_equal(back, big))');
  expect(out).toContain('SAME True');
  expect(out).toMatch(/receiving the data of layer 'big': 100% \(128 \/ 128 MB\) in [\d.]+ s/);
});
