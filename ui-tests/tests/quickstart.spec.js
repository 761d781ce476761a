// The quickstart notebook in a real JupyterLab: the image reaches the viewer, is drawn with the
// right grey levels, pans and zooms with the mouse and keyboard, and comes back to the kernel.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

function parseJSONLine(output) {
  const line = output.trim().split('\n').pop();
  return JSON.parse(line);
}

test('quickstart notebook shows the nuclei image, pans, zooms and reads data back', async ({ page }) => {
  await h.openNotebook(page, 'examples/quickstart.ipynb');

  const loaded = await h.runCell(page, 1);
  expect(loaded).toContain('(512, 512) uint16');
  await h.runCell(page, 2);
  const viewer = h.cellOutput(page, 2).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  let box, cx, cy;
  // Running cells scrolls the notebook; bring the viewer back before each mouse interaction.
  const locate = async () => {
    box = await h.canvasBox(viewer);
    cx = Math.round(box.x + box.width / 2);
    cy = Math.round(box.y + box.height / 2);
  };
  await locate();
  // The pixels arrive over the comm after the cell finished: wait until the layer answers.
  await expect.poll(async () => (await h.readoutAt(page, viewer, cx, cy)).values.nuclei).toBeDefined();

  const [lo, hi] = parseJSONLine(await h.runCode(page, 'import json; print(json.dumps([int(image.min()), int(image.max())]))'));
  await locate();

  // Zoom in so screen pixels sit well inside data pixels, then compare the canvas with the data.
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -250);
  await expect.poll(async () => (await h.readoutAt(page, viewer, cx + 40, cy)).col - (await h.readoutAt(page, viewer, cx, cy)).col).toBeLessThan(10);

  // Only screen pixels whose neighbours fall in the same data pixel are compared (zoom > 2), so
  // the compositor's sub-pixel placement of the canvas cannot blur the answer.
  const checkPixels = async label => {
    const samples = await h.sampleInteriorPixels(page, viewer, 'nuclei', 16);
    expect(samples.length, `${label}: interior samples`).toBeGreaterThanOrEqual(8);
    for (const s of samples) {
      const want = h.expectedGray(Number(s.value), lo, hi);
      expect(Math.abs(s.rgb[0] - want), `${label}: grey at [${s.row}, ${s.col}] value ${s.value}`).toBeLessThanOrEqual(2);
      expect(s.rgb[1]).toBe(s.rgb[0]);
      expect(s.rgb[2]).toBe(s.rgb[0]);
    }
    // The status line must report the kernel's own pixel values at those coordinates.
    const coords = JSON.stringify(samples.map(s => [s.row, s.col, Number(s.value)]));
    const ok = await h.runCode(page, `print(all(int(image[r, c]) == v for r, c, v in ${coords}))`);
    expect(ok.trim(), `${label}: status values match the kernel array`).toBe('True');
    await locate();
    return samples;
  };
  const before = await checkPixels('after zoom');
  // Non-trivial content: a test over an all-black canvas would prove nothing.
  const greys = new Set(before.map(s => s.rgb[0]));
  expect(greys.size).toBeGreaterThan(3);

  // Drag: the data point under the mouse moves with it.
  const anchor = await h.readoutAt(page, viewer, cx, cy);
  await page.mouse.move(cx + 0.5, cy + 0.5);
  await page.mouse.down();
  await page.mouse.move(cx + 60.5, cy + 35.5, { steps: 6 });
  await page.mouse.up();
  const moved = await h.readoutAt(page, viewer, cx + 60, cy + 35);
  expect(Math.abs(moved.row - anchor.row)).toBeLessThanOrEqual(1);
  expect(Math.abs(moved.col - anchor.col)).toBeLessThanOrEqual(1);
  const shifted = await h.readoutAt(page, viewer, cx, cy);
  expect(anchor.col - shifted.col).toBeGreaterThan(5);
  await checkPixels('after pan');

  // Wheel zoom keeps the point under the cursor fixed and scales distances around it.
  const q = await h.readoutAt(page, viewer, cx, cy);
  const farBefore = await h.readoutAt(page, viewer, cx + 200, cy);
  await page.mouse.move(cx + 0.5, cy + 0.5); // the wheel zooms about the pointer
  await page.mouse.wheel(0, -100); // one notch: x1.25
  await expect.poll(async () => (await h.readoutAt(page, viewer, cx + 200, cy)).col).not.toBe(farBefore.col);
  const qAfter = await h.readoutAt(page, viewer, cx, cy);
  const farAfter = await h.readoutAt(page, viewer, cx + 200, cy);
  expect(Math.abs(qAfter.col - q.col)).toBeLessThanOrEqual(1);
  const ratio = (farBefore.col - q.col) / (farAfter.col - qAfter.col);
  expect(ratio).toBeGreaterThan(1.1);
  expect(ratio).toBeLessThan(1.45);

  // Keyboard: arrow right moves the view right, Home fits the whole image again.
  await viewer.locator('.jp-SegLab-canvasHost').focus();
  const k0 = await h.readoutAt(page, viewer, cx, cy);
  await page.keyboard.press('ArrowRight');
  const k1 = await h.readoutAt(page, viewer, cx, cy);
  expect(k1.col).toBeGreaterThan(k0.col);
  await page.keyboard.press('Home');
  const corner = await h.readoutAt(page, viewer, Math.round(box.x + 2), Math.round(box.y + box.height / 2));
  expect(corner.values.nuclei).toBeUndefined(); // the fitted image leaves a margin
  await locate();
  const centre = await h.readoutAt(page, viewer, cx, cy);
  expect(Math.abs(centre.row - 256)).toBeLessThanOrEqual(2);
  expect(Math.abs(centre.col - 256)).toBeLessThanOrEqual(2);

  // The compute backend line says what this browser really offers.
  const backend = await viewer.locator('.jp-SegLab-statusBackend').textContent();
  const truth = await page.evaluate(async () => {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return { webgpu: !!adapter, isolated: self.crossOriginIsolated };
  });
  expect(backend).toContain(truth.webgpu ? 'WebGPU (' : 'no WebGPU');
  expect(backend).toContain(truth.isolated ? 'cross-origin isolated' : 'not cross-origin isolated');
  expect(backend).toMatch(/WASM( SIMD)?, \d+ threads?/);

  // Data read back in the kernel comes from the browser, byte for byte.
  const back = await h.runCell(page, 4);
  expect(back).toContain('uint16 (512, 512) identical: True');

  // The same viewer model opens as a main-area panel from Python.
  await h.runCell(page, 6);
  const panel = page.locator('.jp-SegLab-panel');
  await expect(panel).toBeVisible();
  const pbox = await panel.locator('.jp-SegLab-canvasHost').boundingBox();
  const inPanel = await h.readoutAt(page, panel, Math.round(pbox.x + pbox.width / 2), Math.round(pbox.y + pbox.height / 2));
  expect(inPanel.values.nuclei).toBeDefined();
  const ok = await h.runCode(page, `print(int(image[${inPanel.row}, ${inPanel.col}]) == ${inPanel.values.nuclei})`);
  expect(ok.trim()).toBe('True');
});
