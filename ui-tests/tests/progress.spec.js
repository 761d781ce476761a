// Long transfers show their progress: a bar in the viewer's status line while a 128 MB image
// arrives (hidden again once it is in), and a tqdm-style line in the cell that waits for a big
// `layer.data` coming back from the browser.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

/**
 * Kernel code: a labels layer "slow" (8 x 8 at first) whose next data, `data` (256 MB), comes
 * from a slow store: each 8 MiB chunk takes 150 ms to read, so its transfer lasts seconds.
 */
const slowLayer = data =>
  [
    'import time',
    'layer = v.add_labels(np.zeros((8, 8), np.uint8), name="slow")',
    'fast_reader = type(layer)._chunk_reader',
    'layer._chunk_reader = lambda n: (lambda read: (lambda i: (time.sleep(0.15), read(i))[1]))(fast_reader(layer, n))',
    `layer.data = ${data}`
  ].join('\n');

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
      if (!bar.hidden) window.__seglabProgress.push([bar.querySelector('progress').value, bar.querySelector('span').textContent]);
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

test('cancelling a transfer with the x by its bar stops the kernel sending it; layer.refresh() sends it again', async ({ page }) => {
  test.setTimeout(300000);
  await h.openNewNotebook(page, 'cancel.ipynb');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'big = np.random.default_rng(4).integers(0, 4000, size=(8192, 8192), dtype=np.uint16)\n' + slowLayer('big.astype(np.uint32) % 50'));
  const cancel = viewer.locator('.jp-SegLab-statusProgressCancel');
  await expect(cancel).toBeVisible({ timeout: 30000 });
  await cancel.click();
  await expect(viewer.locator('.jp-SegLab-statusProgress')).toBeHidden();
  await expect(viewer.locator('.jp-SegLab-statusMessage')).toContainText('cancelled receiving slow; run layer.refresh() in the kernel');
  const out = await h.runCode(
    page,
    [
      'tid = layer._last_transfer',
      'try:',
      '    v.wait_until_ready("slow", timeout=30)',
      'except RuntimeError as e:',
      '    print("RAISED", e)',
      'print("STOPPED", not v._outbox.sending(tid), layer._cancelled_transfer == tid)'
    ].join('\n')
  );
  expect(out).toContain("RAISED the transfer of layer 'slow' was cancelled in the viewer; layer.refresh() sends it again");
  expect(out).toContain('STOPPED True True');
  // Sent again, it arrives whole and the kernel's copy is what the viewer holds.
  const again = await h.runCode(page, 'layer._chunk_reader = lambda n: fast_reader(layer, n)\nlayer.refresh()\nv.wait_until_ready("slow", timeout=120)\nprint("SAME", np.array_equal(layer.data, big.astype(np.uint32) % 50))');
  expect(again).toContain('SAME True');
});

test('a kernel that dies mid-transfer: the viewer says which layer did not arrive and keeps what it has', async ({ page }) => {
  test.setTimeout(300000);
  await h.openNewNotebook(page, 'dies.ipynb');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nsmall = v.add_labels(np.arange(64, dtype=np.uint8).reshape(8, 8), name="small")\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("small", timeout=60)');
  await h.runCode(page, slowLayer('np.ones((8192, 8192), np.uint32)'));
  await expect(viewer.locator('.jp-SegLab-statusProgressCancel')).toBeVisible({ timeout: 30000 });
  // The kernel process dies (as on an out-of-memory kill); JupyterLab restarts it.
  await page.evaluate(() => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath);
    panel.sessionContext.session.kernel.requestExecute({ code: 'import os\nos._exit(1)' });
  });
  await expect(viewer.locator('.jp-SegLab-statusMessage')).toContainText('the kernel went away while sending slow; those layers did not arrive', { timeout: 60000 });
  await expect(viewer.locator('.jp-SegLab-statusProgress')).toBeHidden();
  // JupyterLab's own notice about the restart, then: what had arrived is still there and readable.
  const notice = page.locator('.jp-Dialog', { hasText: 'appears to have died' });
  await expect(notice).toBeVisible({ timeout: 30000 });
  await notice.locator('button.jp-mod-accept').click();
  await expect(notice).toBeHidden();
  const box = await h.canvasBox(viewer);
  const layers = await viewer.locator('.jp-SegLab-layerList').innerText();
  expect(layers).toContain('small');
  expect(layers).toContain('slow'); // with the data it had before the cut-off transfer
  const readout = await h.readoutAt(page, viewer, Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2));
  expect(readout.values, JSON.stringify(readout)).toEqual({ small: '36', slow: '0' }); // pixel (4, 4) of each 8 x 8 layer
  await expect.poll(() => h.runCode(page, 'print("alive")').then(out => out.trim()), { timeout: 60000 }).toBe('alive');
});
