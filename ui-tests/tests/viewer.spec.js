// Annotation tools in the real JupyterLab, driven with the mouse on real images, each edit read
// back in the kernel and checked against an independent reference (scipy / scikit-image).
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());

async function setup(page, notebook, code) {
  await h.openNewNotebook(page, notebook);
  await h.runCode(page, 'import os, json, tifffile\nDATA = os.environ["SEGLAB_DATA"]');
  const index = await h.runCodeIndex(page, code);
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  return viewer;
}

async function centre(viewer) {
  const box = await h.canvasBox(viewer);
  return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
}

/** Page position of canvas offset (dx, dy) from the centre; cells that ran may have scrolled the page. */
async function at(viewer, dx, dy) {
  const c = await centre(viewer);
  return { x: c.x + dx + 0.5, y: c.y + dy + 0.5 };
}

/** The status readout at canvas offset (dx, dy) from the centre. */
async function readAt(page, viewer, dx, dy) {
  const c = await centre(viewer);
  return h.readoutAt(page, viewer, c.x + dx, c.y + dy);
}

const tool = (viewer, label) => viewer.locator(`.jp-SegLab-toolbar button[aria-label="${label}"]`);

test('paint, erase, fill and undo with the mouse; labels read back exactly in the kernel', async ({ page }) => {
  const viewer = await setup(
    page,
    'labels.ipynb',
    'img = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))\n' +
      'v = Viewer()\nv.add_image(img, name="nuclei")\nlab = v.add_labels(np.zeros(img.shape, np.int32), name="ann")\nv'
  );
  await expect.poll(async () => (await readAt(page, viewer, 0, 0)).values.ann).toBe('0');
  const A = await readAt(page, viewer, -60, 0);
  const B = await readAt(page, viewer, 60, 0);

  await tool(viewer, 'Paint').click();
  const [from, to] = [await at(viewer, -60, 0), await at(viewer, 60, 0)];
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  const painted = json(await h.runCode(page, `
import scipy.ndimage as ndi
d1 = lab.data.copy()
n_components = ndi.label(d1 > 0)[1]
print(json.dumps([int(d1[${A.row}, ${A.col}]), int(d1[${B.row}, ${B.col}]), sorted(np.unique(d1).tolist()), int((d1 > 0).sum()), n_components, str(d1.dtype)]))`));
  const [atA, atB, values, area, components, dtype] = painted;
  expect([atA, atB, values, components, dtype]).toEqual([1, 1, [0, 1], 1, 'int32']);
  // A 10-pixel brush dragged over |B - A| columns: a band of that length and ~10 wide.
  const length = Math.abs(B.col - A.col);
  expect(area).toBeGreaterThan(0.7 * (length * 10 + 78));
  expect(area).toBeLessThan(1.3 * (length * 10 + 78));

  await tool(viewer, 'Erase').click();
  const eraseAt = await at(viewer, -60, 0);
  await page.mouse.click(eraseAt.x, eraseAt.y);
  const erased = json(await h.runCode(page, `
d2 = lab.data.copy()
print(json.dumps([int(d2[${A.row}, ${A.col}]), int(d2[${B.row}, ${B.col}]), int(((d2 != 0) & (d1 == 0)).sum()), int(((d2 == 0) & (d1 != 0)).sum())]))`));
  expect(erased[0]).toBe(0);
  expect(erased[1]).toBe(1);
  expect(erased[2]).toBe(0); // erasing never adds
  expect(erased[3]).toBeGreaterThan(20);
  expect(erased[3]).toBeLessThan(120); // one disc of diameter 10

  // Fill with label 2 at B: exactly scikit-image's flood fill of the same array.
  await h.runCode(page, 'lab.selected_label = 2');
  await tool(viewer, 'Fill').click();
  const fillAt = await at(viewer, 60, 0);
  await page.mouse.click(fillAt.x, fillAt.y);
  const filled = await h.runCode(page, `
from skimage.segmentation import flood_fill
d3 = lab.data.copy()
print(np.array_equal(d3, flood_fill(d2, (${B.row}, ${B.col}), 2, connectivity=1)), int((d3 == 2).sum()))`);
  expect(filled.trim()).toMatch(/^True [1-9]\d*$/);

  // Undo twice returns exactly to the painted state; redo re-applies the erase.
  const undo = viewer.locator('.jp-SegLab-toolbar button[aria-label^="Undo"]');
  const redo = viewer.locator('.jp-SegLab-toolbar button[aria-label^="Redo"]');
  await undo.click();
  expect((await h.runCode(page, 'print(np.array_equal(lab.data, d2))')).trim()).toBe('True');
  await undo.click();
  expect((await h.runCode(page, 'print(np.array_equal(lab.data, d1))')).trim()).toBe('True');
  await redo.click();
  expect((await h.runCode(page, 'print(np.array_equal(lab.data, d2))')).trim()).toBe('True');
  // The status line shows the labels value under the cursor.
  const last = await at(viewer, 60, 0);
  expect((await h.readoutAt(page, viewer, last.x - 0.5, last.y - 0.5)).values.ann).toBe('1');
});

test('add and move a point, draw a rectangle; coordinates read back in the kernel', async ({ page }) => {
  const viewer = await setup(
    page,
    'vectors.ipynb',
    'img = tifffile.imread(os.path.join(DATA, "blobs", "image.tif"))\n' +
      'v = Viewer()\nv.add_image(img, name="blobs")\nboxes = v.add_shapes(name="boxes")\npts = v.add_points(name="pts")\nv'
  );
  await expect.poll(async () => (await readAt(page, viewer, 0, 0)).values.blobs).toBeDefined();
  const P = await readAt(page, viewer, 0, 0);
  await tool(viewer, 'Add points').click();
  const p0 = await at(viewer, 0, 0);
  await page.mouse.click(p0.x, p0.y);
  // Pixel centres at integer coordinates, as in napari: a click in pixel (r, c) gives ~(r, c).
  const [added] = json(await h.runCode(page, 'print(json.dumps(pts.data.tolist()))'));
  expect(Math.abs(added[0] - P.row)).toBeLessThanOrEqual(1);
  expect(Math.abs(added[1] - P.col)).toBeLessThanOrEqual(1);

  await tool(viewer, 'Select points').click();
  const Q = await readAt(page, viewer, 40, 25);
  const [m0, m1] = [await at(viewer, 0, 0), await at(viewer, 40, 25)];
  await page.mouse.move(m0.x, m0.y);
  await page.mouse.down();
  await page.mouse.move(m1.x, m1.y, { steps: 8 });
  await page.mouse.up();
  const moved = json(await h.runCode(page, 'print(json.dumps(pts.data.tolist()))'));
  expect(moved.length).toBe(1);
  expect(Math.abs(moved[0][0] - Q.row)).toBeLessThanOrEqual(1);
  expect(Math.abs(moved[0][1] - Q.col)).toBeLessThanOrEqual(1);

  // Rectangle on the shapes layer: select it in the layer list, then drag a box.
  await viewer.locator('.jp-SegLab-layerList', { hasText: 'boxes' }).getByText('boxes', { exact: true }).click();
  await tool(viewer, 'Add rectangles').click();
  const R0 = await readAt(page, viewer, -70, -40);
  const R1 = await readAt(page, viewer, -10, 30);
  const [r0, r1] = [await at(viewer, -70, -40), await at(viewer, -10, 30)];
  await page.mouse.move(r0.x, r0.y);
  await page.mouse.down();
  await page.mouse.move(r1.x, r1.y, { steps: 8 });
  await page.mouse.up();
  const rect = json(await h.runCode(page, 'print(json.dumps([len(boxes.data), np.asarray(boxes.data[0]).tolist() if len(boxes.data) else []]))'));
  expect(rect[0]).toBe(1);
  const rows = rect[1].map(v => v[0]);
  const cols = rect[1].map(v => v[1]);
  expect(rect[1].length).toBe(4);
  expect(Math.abs(Math.min(...rows) - R0.row)).toBeLessThanOrEqual(1);
  expect(Math.abs(Math.max(...rows) - R1.row)).toBeLessThanOrEqual(1);
  expect(Math.abs(Math.min(...cols) - R0.col)).toBeLessThanOrEqual(1);
  expect(Math.abs(Math.max(...cols) - R1.col)).toBeLessThanOrEqual(1);

  // viewer.screenshot(): the canvas as drawn, RGBA at device resolution, image and vectors composed.
  const size = await viewer.locator('.jp-SegLab-canvasHost canvas').first().evaluate(c => [c.height, c.width]);
  const shot = json(await h.runCode(page, `
shot = v.screenshot()
print(json.dumps([list(shot.shape), str(shot.dtype), int(shot[..., 3].min()), int(len(np.unique(shot[..., 0])))]))`));
  expect(shot[0]).toEqual([size[0], size[1], 4]);
  expect(shot[1]).toBe('uint8');
  expect(shot[2]).toBe(255); // opaque: the black canvas background under everything
  expect(shot[3]).toBeGreaterThan(20); // real image content, not a blank frame
});

test('nuclei3d: the slider changes the slice; dragging a contrast handle reaches the kernel', async ({ page }) => {
  const viewer = await setup(
    page,
    'volume.ipynb',
    'vol = tifffile.imread(os.path.join(DATA, "nuclei3d", "image.tif"))\nv = Viewer()\nlayer = v.add_image(vol, name="vol")\nv'
  );
  await expect.poll(async () => (await readAt(page, viewer, 0, 0)).values.vol).toBeDefined();
  const [z0] = json(await h.runCode(page, 'print(json.dumps(list(v.dims.current_step)))'));
  expect(z0).toBe(15); // napari opens a 31-slice axis at its middle

  const slider = viewer.locator('.jp-SegLab-dimsSlider').first();
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => json(await h.runCode(page, 'print(json.dumps(list(v.dims.current_step)))'))[0]).toBe(17);
  // What the status line shows is the kernel's voxel on slice 17.
  const here = await at(viewer, 0, 0);
  const r = await h.readoutAt(page, viewer, here.x - 0.5, here.y - 0.5);
  const voxel = (await h.runCode(page, `print(int(vol[17, ${r.row}, ${r.col}]))`)).trim();
  expect(r.values.vol).toBe(voxel);

  // Dragging the upper contrast handle of the histogram lowers the kernel's contrast limits.
  const [lo0, hi0] = json(await h.runCode(page, 'print(json.dumps([float(x) for x in layer.contrast_limits]))'));
  const handle = viewer.locator('.jp-SegLab-histogramHandle[data-handle="high"]');
  const box = await handle.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect
    .poll(async () => json(await h.runCode(page, 'print(json.dumps([float(x) for x in layer.contrast_limits]))'))[1])
    .toBeLessThan(hi0 - (hi0 - lo0) * 0.1);
});

test('uint64 label ids above 2^24 show exactly in the status line and in their own colours', async ({ page }) => {
  // The colour definition of src/core/labels/labelColors.ts, re-derived in Python here, so the
  // GPU shader is checked against the written rule, not against its own TypeScript twin.
  const viewer = await setup(
    page,
    'bigids.ipynb',
    `M = 0xffffffff
def fmix(h):
    h ^= h >> 16; h = (h * 0x85ebca6b) & M; h ^= h >> 13; h = (h * 0xc2b2ae35) & M; h ^= h >> 16
    return h
def chan(k, s, v):
    w = min(min(k, 256), 1024 - min(k, 1024))
    return v - (v * s * w) // 65280
def colour(i):
    lo, hi = i & M, i >> 32
    h = fmix(lo ^ fmix(hi))
    hue = ((h & 0xffff) * 1536) >> 16; sat = 150 + ((((h >> 16) & 0xff) * 106) >> 8); val = 170 + (((h >> 24) * 86) >> 8)
    return [chan((1280 + hue) % 1536, sat, val), chan((768 + hue) % 1536, sat, val), chan((256 + hue) % 1536, sat, val)]
ids = [2**24 + 1, 2**40 + 3, 2**63 + 5, 2**64 - 1]
big = np.zeros((64, 64), np.uint64)
big[:32, :32], big[:32, 32:], big[32:, :32], big[32:, 32:] = ids
v = Viewer()
v.add_labels(big, name="ids", opacity=1.0)
v`
  );
  await expect.poll(async () => (await readAt(page, viewer, 0, 0)).values.ids).toBeDefined();
  const expected = json(await h.runCode(page, 'print(json.dumps([[str(i), colour(i)] for i in ids]))'));
  const c = await centre(viewer); // the 64 x 64 image fills the view: 20 px off centre is ~3 pixels
  const png = await h.screenshotPixels(page);
  const seen = [];
  for (const [fy, fx] of [[-1, -1], [-1, 1], [1, -1], [1, 1]]) {
    const probe = await h.readoutAt(page, viewer, c.x + fx * 20, c.y + fy * 20);
    seen.push([probe.values.ids, h.pixelAt(png, c.x + fx * 20, c.y + fy * 20)]);
  }
  for (let q = 0; q < 4; q++) {
    const [id, rgb] = seen[q];
    expect(id).toBe(expected[q][0]);
    for (let k = 0; k < 3; k++) expect(Math.abs(rgb[k] - expected[q][1][k]), `id ${id} channel ${k}`).toBeLessThanOrEqual(1);
  }
});
