// viewer.camera and mouse_click_callbacks in the real JupyterLab: the camera Python sets is the
// view on screen (the readout at the canvas centre), a mouse pan comes back to viewer.camera,
// and a click calls the kernel's callback with the world point under the pointer.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());

test('viewer.camera both ways, and clicks reach mouse_click_callbacks', async ({ page }) => {
  await h.openNewNotebook(page, 'camera.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei")\nclicks = []\nv.mouse_click_callbacks.append(lambda viewer, e: clicks.append([list(e.position), e.button, list(e.modifiers)]))\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("nuclei", timeout=60)');
  // The frontend fitted the view and told the kernel.
  await expect.poll(async () => json(await h.runCode(page, 'print(json.dumps(v.camera.zoom))'))).toBeLessThan(2);

  await h.runCode(page, 'v.camera.center = (100.5, 300.5)\nv.camera.zoom = 4');
  let box = await h.canvasBox(viewer);
  let c = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  await expect.poll(async () => {
    const r = await h.readoutAt(page, viewer, c.x, c.y);
    return [r.row, r.col];
  }).toEqual([100, 300]);
  // 40 screen px at zoom 4 are 10 pixels.
  const right = await h.readoutAt(page, viewer, c.x + 40, c.y);
  expect(right.col).toBe(310);

  // A mouse pan of 80 px left and 40 px up moves the centre by (+10, +20) world units.
  box = await h.canvasBox(viewer);
  c = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  await page.mouse.move(c.x - 80, c.y - 40, { steps: 8 });
  await page.mouse.up();
  await expect
    .poll(async () => json(await h.runCode(page, 'print(json.dumps([v.camera.center, v.camera.zoom]))')))
    .toEqual([[110.5, 320.5], 4]);

  // A click (press and release in place) calls the callback with the world point.
  box = await h.canvasBox(viewer);
  const at = { x: Math.round(box.x + box.width / 2) + 20, y: Math.round(box.y + box.height / 2) - 12 };
  const r = await h.readoutAt(page, viewer, at.x, at.y);
  await page.mouse.click(at.x + 0.5, at.y + 0.5);
  const clicks = async () => json(await h.runCode(page, 'print(json.dumps(clicks))'));
  await expect.poll(clicks).toHaveLength(1);
  const [[position, button, modifiers]] = await clicks();
  expect(button).toBe(1);
  expect(modifiers).toEqual([]);
  expect([Math.floor(position[0]), Math.floor(position[1])]).toEqual([r.row, r.col]);
});
