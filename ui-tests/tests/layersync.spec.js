// viewer.layers in the kernel and the layer list in the real JupyterLab stay the same both ways:
// a layer deleted with the mouse leaves viewer.layers, a labels layer made and painted in the
// viewer joins it with its pixels, and Python's layers.move reorders the list on screen.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());
const names = async page => json(await h.runCode(page, 'print(json.dumps(v.layers.names()))'));

test('layers removed, made and painted in the viewer reach viewer.layers; layers.move reaches the viewer', async ({ page }) => {
  await h.openNewNotebook(page, 'layersync.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei")\nv.add_points(name="seeds")\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("seeds", timeout=60)');
  const rows = viewer.locator('.jp-SegLab-layerRow .jp-SegLab-layerName');
  await expect(rows).toHaveText(['seeds', 'nuclei']); // the list shows the top first

  // Delete "seeds" with the layer list's button.
  await rows.filter({ hasText: 'seeds' }).click();
  await viewer.locator('button[aria-label="Delete selected layers"]').click();
  await expect(rows).toHaveText(['nuclei']);
  await expect.poll(() => names(page)).toEqual(['nuclei']);

  // A new labels layer, painted with the mouse: the kernel adopts it with what was painted.
  await rows.filter({ hasText: 'nuclei' }).click();
  await viewer.locator('button[aria-label="New labels layer"]').click();
  await expect(rows).toHaveText(['Labels', 'nuclei']);
  await expect.poll(() => names(page)).toEqual(['nuclei', 'Labels']);
  await h.paintAcrossCentre(page, viewer, 50, 10);
  const painted = json(await h.runCode(page, 'lab = v.layers["Labels"]\nd = lab.data\nprint(json.dumps([list(d.shape), str(d.dtype), int((d == 1).sum()), sorted(np.unique(d).tolist())]))'));
  expect(painted[0]).toEqual([512, 512]); // sized like the image it was made over
  expect(painted[2]).toBeGreaterThan(300); // a 100 px stroke of a 10 px brush
  expect(painted[3]).toEqual([0, 1]);

  // Python reorders; the list on screen follows.
  await h.runCode(page, 'v.layers.move(1, 0)');
  await expect(rows).toHaveText(['nuclei', 'Labels']);
  expect(await names(page)).toEqual(['Labels', 'nuclei']);
});
