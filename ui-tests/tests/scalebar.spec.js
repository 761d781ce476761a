// napari's scale bar in the real JupyterLab: set from the kernel on an image with scale 0.5 µm
// per pixel, its label and width checked against the camera zoom measured independently (the
// fitted view from the canvas size, then the wheel zoom from the status readout), its corner,
// hiding, and a unit that looks like HTML shown as text.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const TARGET_PX = 100; // the screen length the bar aims for (src/viewer/ui/scaleBar.ts)
const IMAGE_WORLD = 512 * 0.5; // nuclei2d is 512 × 512 pixels of 0.5 µm

/** The largest 1, 2 or 5 × 10^k µm whose bar fits in TARGET_PX at `zoom` px/µm, by trying them all. */
function niceMicrons(zoom) {
  let best = 0;
  for (let k = -6; k <= 6; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${k}`);
      if (v <= (TARGET_PX / zoom) * (1 + 1e-9) && v > best) best = v;
    }
  }
  return best;
}

/** '20 µm', '1 mm', '500 nm': the SI prefix that keeps the number in 1..999. */
function labelOf(um) {
  if (um >= 1000) return `${um / 1000} mm`;
  if (um < 1) return `${Math.round(um * 1000)} nm`;
  return `${um} µm`;
}

/** µm of a label such as '20 µm' or '1 mm'. */
function micronsOf(label) {
  const m = /^(\d+(?:\.\d+)?) (nm|µm|mm)$/.exec(label);
  if (!m) throw new Error(`unexpected scale bar label ${JSON.stringify(label)}`);
  return Number(m[1]) * { nm: 1e-3, µm: 1, mm: 1e3 }[m[2]];
}

/** What the scale bar shows, and where it sits in its canvas. */
function readBar(host) {
  return host.locator('.jp-SegLab-scaleBar').evaluate(el => {
    const bar = el.querySelector('.jp-SegLab-scaleBar-bar');
    const r = el.getBoundingClientRect();
    const hr = el.parentElement.getBoundingClientRect();
    return {
      hidden: el.hidden,
      widthStyle: parseFloat(bar.style.width),
      widthDrawn: bar.getBoundingClientRect().width,
      label: el.querySelector('.jp-SegLab-scaleBar-label').textContent,
      aria: el.getAttribute('aria-label'),
      role: el.getAttribute('role'),
      elements: el.querySelectorAll('*').length,
      gaps: { left: r.left - hr.left, right: hr.right - r.right, top: r.top - hr.top, bottom: hr.bottom - r.bottom }
    };
  });
}

/**
 * Screen pixels per status-readout column along the canvas' middle row, from where the column
 * changes (binary search), independent of the scale bar and of the readout's unit.
 */
async function pxPerReadoutColumn(page, viewer) {
  const box = await h.canvasBox(viewer);
  const y = Math.round(box.y + box.height / 2);
  const xa = Math.round(box.x + 20);
  const xb = Math.round(box.x + box.width - 20);
  const col = async x => (await h.readoutAt(page, viewer, x, y)).col;
  const firstAt = async (c, lo, hi) => {
    // col(lo) < c <= col(hi); columns grow with x.
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if ((await col(mid)) >= c) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const c1 = (await col(xa)) + 1;
  const c2 = await col(xb);
  expect(c2 - c1).toBeGreaterThan(10);
  return ((await firstAt(c2, xa, xb)) - (await firstAt(c1, xa, xb))) / (c2 - c1);
}

test('the scale bar shows a nice length in µm that follows the zoom', async ({ page }) => {
  await h.openNewNotebook(page, 'scalebar.ipynb');
  await h.runCode(page, 'import os, tifffile\nDATA = os.environ["SEGLAB_DATA"]');
  const index = await h.runCodeIndex(
    page,
    'img = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))\nv = Viewer()\nv.add_image(img, name="nuclei", scale=(0.5, 0.5))\nv'
  );
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  const host = viewer.locator('.jp-SegLab-canvasHost').first();
  await expect(host).toBeVisible();
  const bar = host.locator('.jp-SegLab-scaleBar');
  await expect(bar).toBeHidden(); // napari's default: no scale bar
  const box = await h.canvasBox(viewer);
  await expect.poll(async () => (await h.readoutAt(page, viewer, Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2))).values.nuclei).toBeDefined();

  expect(await h.runCode(page, "v.scale_bar.visible = True; v.scale_bar.unit = 'um'\nprint(v.scale_bar)")).toContain(
    "ScaleBar(visible=True, unit='um', position='bottom_right')"
  );
  await expect(bar).toBeVisible();

  // Fit the image (Home): the zoom is then napari's reset view, 95 % of the canvas' short side.
  await host.focus();
  await page.keyboard.press('Home');
  const size = await host.evaluate(el => ({ width: el.clientWidth, height: el.clientHeight }));
  const fitted = (Math.min(size.width, size.height) / IMAGE_WORLD) * 0.95; // px per µm
  await expect.poll(async () => (await readBar(host)).label).toBe(labelOf(niceMicrons(fitted)));
  let shown = await readBar(host);
  expect(Math.abs(shown.widthStyle / micronsOf(shown.label) / fitted - 1)).toBeLessThan(1e-4); // CSS keeps ~6 digits
  expect(Math.abs(shown.widthDrawn - shown.widthStyle)).toBeLessThan(0.1);
  expect(shown.widthStyle).toBeGreaterThan(0.4 * TARGET_PX);
  expect(shown.widthStyle).toBeLessThanOrEqual(TARGET_PX);
  expect([shown.role, shown.aria]).toEqual(['img', `Scale bar: ${shown.label}`]);
  expect(shown.gaps.right).toBeGreaterThanOrEqual(0);
  expect(shown.gaps.right).toBeLessThan(20);
  expect(shown.gaps.bottom).toBeGreaterThanOrEqual(0);
  expect(shown.gaps.bottom).toBeLessThan(20);

  // Zoom in with the wheel about the centre; measure the new zoom from the readout's columns.
  const before = await pxPerReadoutColumn(page, viewer);
  const b = await h.canvasBox(viewer);
  await page.mouse.move(Math.round(b.x + b.width / 2) + 0.5, Math.round(b.y + b.height / 2) + 0.5);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await readBar(host)).label).not.toBe(shown.label);
  const zoom = (fitted * (await pxPerReadoutColumn(page, viewer))) / before;
  expect(zoom / fitted).toBeGreaterThan(2); // five notches of the wheel
  shown = await readBar(host);
  const um = micronsOf(shown.label);
  // The readout pins the zoom to about 1 %: the label is the nice length for a zoom that close.
  expect([niceMicrons(zoom * 0.98), niceMicrons(zoom * 1.02)]).toContain(um);
  expect(Math.abs(shown.widthStyle / um / zoom - 1)).toBeLessThan(0.02);
  expect(shown.aria).toBe(`Scale bar: ${shown.label}`);

  // Another corner; a unit that looks like HTML stays text; hidden again from the kernel.
  await h.runCode(page, "v.scale_bar.position = 'top_left'\nv.scale_bar.unit = '<img src=x>'");
  await expect.poll(async () => (await readBar(host)).label).toMatch(/^[\d.]+ <img src=x>$/);
  shown = await readBar(host);
  expect(shown.elements).toBe(2); // the bar and the label, nothing parsed from the unit
  expect(shown.gaps.left).toBeGreaterThanOrEqual(0);
  expect(shown.gaps.left).toBeLessThan(20);
  expect(shown.gaps.top).toBeGreaterThanOrEqual(0);
  expect(shown.gaps.top).toBeLessThan(20);
  await h.runCode(page, 'v.scale_bar.visible = False');
  await expect(bar).toBeHidden();
});
