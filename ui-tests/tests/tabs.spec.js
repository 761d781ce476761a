// A second browser tab on the same notebook: both show the kernel's viewer, and what is
// painted in one appears in the other and in the kernel (PROTOCOL.md, "Several tabs"). Nothing
// painted in either tab is lost, and neither shows an error.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());

/** Drags the Paint tool down a column `dx` CSS px right of the canvas centre. */
async function paintColumn(page, viewer, dx, halfHeight) {
  await viewer.locator('.jp-SegLab-toolbar button[aria-label="Paint"]').click();
  const box = await h.canvasBox(viewer);
  const x = Math.round(box.x + box.width / 2 + dx);
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y - halfHeight);
  await page.mouse.down();
  await page.mouse.move(x, y + halfHeight, { steps: 12 });
  await page.mouse.up();
  return x;
}

async function valueAt(page, viewer, x, y) {
  return (await h.readoutAt(page, viewer, Math.round(x), Math.round(y))).values.ann;
}

test('what one tab paints shows in the other and reaches the kernel, both ways', async ({ page, context }) => {
  test.setTimeout(240000);
  await h.openNewNotebook(page, 'tabs.ipynb');
  await h.runCode(page, 'import os, json, time, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei")\nlab = v.add_labels(np.zeros(img.shape, np.int32), name="ann")\nv');
  const viewerA = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewerA.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("ann", timeout=60)');

  // The second tab: the same notebook, the same kernel; it shows the same viewer.
  const second = await context.newPage();
  await h.openNotebook(second, 'tabs.ipynb');
  const indexB = await h.runCodeIndex(second, 'v');
  const viewerB = h.cellOutput(second, indexB).locator('.jp-SegLab-viewer');
  await expect(viewerB.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await expect.poll(() => h.runCode(second, 'print(len(v._clients))').then(o => Number(o.trim()))).toBeGreaterThanOrEqual(2);
  const boxB = await h.canvasBox(viewerB);
  await expect.poll(() => valueAt(second, viewerB, boxB.x + boxB.width / 2, boxB.y + boxB.height / 2)).toBe('0');

  // Tab A paints label 1 across the middle row: tab B shows it.
  await page.bringToFront();
  const boxA = await h.canvasBox(viewerA);
  const rowA = await h.paintAcrossCentre(page, viewerA, 60, 12);
  await second.bringToFront();
  await expect.poll(() => valueAt(second, viewerB, boxB.x + boxB.width / 2 - 30, rowA - boxA.y + boxB.y), { timeout: 20000 }).toBe('1');

  // Tab B paints label 2 down a column: tab A shows it, and the kernel has both strokes.
  await h.runCode(second, 'lab.selected_label = 2');
  const columnB = await paintColumn(second, viewerB, 40, 60);
  await page.bringToFront();
  await expect.poll(() => valueAt(page, viewerA, columnB - boxB.x + boxA.x, boxA.y + boxA.height / 2 - 40), { timeout: 20000 }).toBe('2');
  const counts = json(await h.runCode(page, 'time.sleep(0.5)\nprint(json.dumps([int((lab.source_data == 1).sum()), int((lab.source_data == 2).sum()), lab.stale]))'));
  expect(counts[0]).toBeGreaterThan(300);
  expect(counts[1]).toBeGreaterThan(300);
  expect(counts[2]).toBe(false);
  // layer.data (asking a frontend) agrees with the kernel's copy: neither tab lost a stroke.
  expect(json(await h.runCode(page, 'kept = lab.source_data.copy()\nprint(json.dumps(bool(np.array_equal(lab.data, kept))))'))).toBe(true);
  for (const viewer of [viewerA, viewerB]) {
    await expect(viewer.locator('.jp-SegLab-statusError')).toHaveCount(0);
  }
  await second.close();
});
