// Orthogonal views in the real JupyterLab on the real nuclei3d stack: the XZ and YZ planes show
// the kernel's vol[:, y, :] and vol[:, :, x].T (values under the pointer and grey levels on
// screen), clicks in them move the linked cursor that the kernel sees as dims.current_step, and
// the main view follows.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());
const steps = async page => json(await h.runCode(page, 'print(json.dumps(list(v.dims.current_step)))'));

/** Page position of a pane's centre offset by (dx, dy) CSS px. */
async function inPane(pane, dx = 0, dy = 0) {
  await pane.scrollIntoViewIfNeeded();
  const box = await pane.boundingBox();
  return { x: Math.round(box.x + box.width / 2) + dx, y: Math.round(box.y + box.height / 2) + dy };
}

test('orthogonal views of nuclei3d: XZ/YZ show the kernel planes and clicks move the linked cursor', async ({ page }) => {
  await h.openNewNotebook(page, 'ortho.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nDATA = os.environ["SEGLAB_DATA"]');
  const index = await h.runCodeIndex(
    page,
    'vol = tifffile.imread(os.path.join(DATA, "nuclei3d", "image.tif"))\nv = Viewer()\nlayer = v.add_image(vol, name="vol", contrast_limits=(0, 1000))\nv'
  );
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  const main = viewer.locator('.jp-SegLab-plane-xy');
  await expect(main).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("vol", timeout=120)');

  const button = viewer.locator('.jp-SegLab-toolbar button[aria-label="Orthogonal views"]');
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  const xz = viewer.locator('.jp-SegLab-plane-xz');
  const yz = viewer.locator('.jp-SegLab-plane-yz');
  await expect(xz).toBeVisible();
  await expect(yz).toBeVisible();
  await expect(xz.locator('.jp-SegLab-planeLabel')).toHaveText('0 × 2');
  await expect(yz.locator('.jp-SegLab-planeLabel')).toHaveText('1 × 0');

  // The values under the pointer in XZ are the kernel's vol[z, y, x] at the cursor's y, and the
  // grey on screen is what the contrast limits make of them.
  const [z0, y0, x0] = await steps(page);
  expect([z0, y0, x0]).toEqual([15, 30, 28]); // napari opens every axis at its middle
  // Readouts and the screenshot first, the kernel afterwards: running a cell scrolls the page.
  await xz.scrollIntoViewIfNeeded();
  const xzBox = await xz.boundingBox();
  const png = await h.screenshotPixels(page);
  const samples = [];
  // A grid inside the pane, off its centre lines (where the crosshair through the cursor runs).
  // The 57 × 31 plane fills the pane's height and about 45% of its width.
  const xs = [-0.2, -0.17, -0.14, -0.11, -0.08, -0.05, 0.04, 0.07, 0.1, 0.13, 0.16, 0.19];
  const ys = [-0.4, -0.3, -0.2, -0.1, 0.09, 0.19, 0.29, 0.39];
  for (const [fx, fy] of xs.flatMap(fx => ys.map(fy => [fx, fy]))) {
    const p = { x: Math.round(xzBox.x + xzBox.width * (0.5 + fx)), y: Math.round(xzBox.y + xzBox.height * (0.5 + fy)) };
    const r = await h.readoutAt(page, viewer, p.x, p.y);
    const a = await h.readoutAt(page, viewer, p.x - 1, p.y - 1);
    const b = await h.readoutAt(page, viewer, p.x + 1, p.y + 1);
    // Only page pixels whose 3 × 3 neighbourhood lies in one voxel: no edge blending.
    const same = q => q.index.join() === r.index.join();
    if (!('vol' in r.values) || !same(a) || !same(b)) continue;
    expect(r.index[1]).toBe(y0); // [z, y, x]: y is the cursor's
    samples.push({ z: r.index[0], x: r.index[2], shown: Number(r.values.vol), grey: h.pixelAt(png, p.x, p.y)[0] });
  }
  expect(samples.length).toBeGreaterThanOrEqual(8);
  const voxels = json(await h.runCode(page, `print(json.dumps([int(vol[z, ${y0}, x]) for z, x in ${JSON.stringify(samples.map(s => [s.z, s.x]))}]))`));
  samples.forEach((s, i) => {
    expect(s.shown).toBe(voxels[i]);
    expect(Math.abs(s.grey - h.expectedGray(voxels[i], 0, 1000))).toBeLessThanOrEqual(2); // the 256-entry LUT, as elsewhere
  });

  // A click in XZ moves the cursor's z and x; the kernel sees it and the main view's slice is z.
  const click = await inPane(xz, 25, -6);
  const target = await h.readoutAt(page, viewer, click.x, click.y);
  await page.mouse.click(click.x + 0.5, click.y + 0.5);
  const [tz, , tx] = target.index;
  await expect.poll(() => steps(page)).toEqual([tz, y0, tx]);
  const m = await inPane(main, 10, 10);
  const r = await h.readoutAt(page, viewer, m.x, m.y);
  expect(r.index[0]).toBe(tz);
  expect(Number(r.values.vol)).toBe(Number((await h.runCode(page, `print(int(vol[${tz}, ${r.row}, ${r.col}]))`)).trim()));

  // A click in YZ moves y and z; YZ's values are vol[z, y, x] at the cursor's new x.
  const click2 = await inPane(yz, -8, 20);
  const target2 = await h.readoutAt(page, viewer, click2.x, click2.y);
  await page.mouse.click(click2.x + 0.5, click2.y + 0.5);
  const [z2, y2, x2] = target2.index;
  expect(x2).toBe(tx);
  await expect.poll(() => steps(page)).toEqual([z2, y2, tx]);
  const voxel2 = Number((await h.runCode(page, `print(int(vol[${z2}, ${y2}, ${tx}]))`)).trim());
  expect(Number(target2.values.vol)).toBe(voxel2);

  // Moving the cursor's y from the kernel moves the XZ plane: its values are vol[:, 5, :] now.
  await h.runCode(page, 'v.dims.set_current_step(1, 5)');
  await expect.poll(() => steps(page)).toEqual([z2, 5, tx]);
  await expect
    .poll(async () => {
      const p = await inPane(xz, 7, 5); // again each time: running a cell scrolls the page
      const q = await h.readoutAt(page, viewer, p.x, p.y);
      const want = (await h.runCode(page, `print(int(vol[${q.index[0]}, 5, ${q.index[2]}]))`)).trim();
      return q.values.vol === want;
    })
    .toBe(true);

  // The shortcut closes them again.
  await main.click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+Shift+Y');
  await expect(xz).toHaveCount(0);
  await expect(button).toHaveAttribute('aria-pressed', 'false');
});
