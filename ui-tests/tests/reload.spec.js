// Nothing painted is lost on a page reload: each stroke's pixels reach the kernel's copy at
// once (layer-edit), so a viewer shown again after the reload, which asks the kernel for its
// layers, shows what was painted; the class names and colours of the Classify tool, kept in the
// scribbles layer's label_classes, come back too, after a reload and after a kernel restart.
const { test, expect } = require('@playwright/test');
const h = require('./helpers');

const json = out => JSON.parse(out.trim().split('\n').pop());

test('labels painted with the mouse survive a page reload', async ({ page }) => {
  await h.openNewNotebook(page, 'reload.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei")\nlab = v.add_labels(np.zeros(img.shape, np.int32), name="ann")\nv');
  let viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("ann", timeout=60)');
  const box = await h.canvasBox(viewer);
  const target = await h.readoutAt(page, viewer, Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2));
  await h.paintAcrossCentre(page, viewer, 60, 12);
  // The kernel's copy is current without asking the browser (the edit's pixels came with it).
  const before = json(await h.runCode(page, 'import time\ntime.sleep(0.5)\nprint(json.dumps([lab.stale, int((lab.source_data == 1).sum()), int(lab.source_data[' + target.row + ', ' + target.col + '])]))'));
  expect(before[0]).toBe(false);
  expect(before[1]).toBeGreaterThan(500);
  expect(before[2]).toBe(1);

  await page.reload();
  await h.openNotebook(page, 'reload.ipynb'); // the same kernel, still running
  const again = await h.runCodeIndex(page, 'v');
  viewer = h.cellOutput(page, again).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  // The new view asked the kernel for its layers: the painted pixel reads 1 on screen.
  const b2 = await h.canvasBox(viewer);
  await expect
    .poll(async () => (await h.readoutAt(page, viewer, Math.round(b2.x + b2.width / 2), Math.round(b2.y + b2.height / 2))).values.ann)
    .toBe('1');
  const after = json(await h.runCode(page, 'print(json.dumps(int((lab.data == 1).sum())))'));
  expect(after).toBe(before[1]);
});

test('labels painted with the mouse survive a kernel restart (autosave, then restore_annotations)', async ({ page }) => {
  await h.openNewNotebook(page, 'restart.ipynb');
  const setup = 'import os, json, time, tempfile, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))';
  await h.runCode(page, setup + '\nfolder = tempfile.mkdtemp()\nprint(json.dumps(folder))');
  const folder = json(await h.runCode(page, 'print(json.dumps(folder))'));
  const show = `v = Viewer(autosave=${JSON.stringify(folder)})\nv.add_image(img, name="nuclei")\nlab = v.add_labels(np.zeros(img.shape, np.int32), name="ann")`;
  let index = await h.runCodeIndex(page, show + '\nv');
  let viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("ann", timeout=60)');
  await h.paintAcrossCentre(page, viewer, 60, 12);
  const painted = json(await h.runCode(page, 'time.sleep(2)  # autosave writes a second after the last edit\nprint(json.dumps(int((lab.source_data == 1).sum())))'));
  expect(painted).toBeGreaterThan(500);

  await page.evaluate(async () => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath);
    await panel.sessionContext.session.kernel.restart();
  });
  await expect.poll(() => h.runCode(page, 'print("alive")').then(out => out.trim()), { timeout: 60000 }).toBe('alive');
  expect((await h.runCode(page, 'print("v" in dir())')).trim()).toBe('False'); // a fresh kernel
  await h.runCode(page, 'import numpy as np\nfrom seglab import Viewer\n' + setup);
  index = await h.runCodeIndex(page, show + '\nrestored = v.restore_annotations()\nv');
  viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  expect(json(await h.runCode(page, 'print(json.dumps([[l.name for l in restored], int((lab.source_data == 1).sum())]))'))).toEqual([['ann'], painted]);
  const b2 = await h.canvasBox(viewer);
  await expect
    .poll(async () => (await h.readoutAt(page, viewer, Math.round(b2.x + b2.width / 2), Math.round(b2.y + b2.height / 2))).values.ann)
    .toBe('1');
});

test('pixel-classification class names and colours survive a page reload', async ({ page }) => {
  await h.openNewNotebook(page, 'reload-classes.ipynb');
  await h.runCode(page, 'import os, json, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei")\nv');
  let viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("nuclei", timeout=60)');
  await viewer.locator('.jp-SegLab-toolbar button[data-action="pixel.toggle"]').click();
  let row = viewer.locator('.jp-SegLab-pixelClass[data-class-index="1"]');
  await row.locator('input.jp-SegLab-pixelClassName').fill('nucleus <b>x</b>');
  await row.locator('input.jp-SegLab-pixelClassName').press('Enter');
  await row.locator('input[type="color"]').fill('#00ff00');
  const classes = [{ name: 'background', color: '#4363d8ff' }, { name: 'nucleus <b>x</b>', color: '#00ff00ff' }];
  // The kernel has them (the scribbles layer's label_classes) without asking the browser.
  await expect
    .poll(async () => json(await h.runCode(page, 'print(json.dumps(list(v.layers["scribbles"].label_classes)))')), { timeout: 30000 })
    .toEqual(classes);

  await page.reload();
  await h.openNotebook(page, 'reload-classes.ipynb'); // the same kernel, still running
  const again = await h.runCodeIndex(page, 'v');
  viewer = h.cellOutput(page, again).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("scribbles", timeout=60)');
  await viewer.locator('.jp-SegLab-toolbar button[data-action="pixel.toggle"]').click();
  row = viewer.locator('.jp-SegLab-pixelClass[data-class-index="1"]');
  await expect(row.locator('input.jp-SegLab-pixelClassName')).toHaveValue('nucleus <b>x</b>');
  await expect(row.locator('input[type="color"]')).toHaveValue('#00ff00');
  await expect(viewer.locator('.jp-SegLab-pixelClass b')).toHaveCount(0); // the name is text, not markup
});

test('pixel-classification class names survive a kernel restart (autosave, then restore_annotations)', async ({ page }) => {
  await h.openNewNotebook(page, 'restart-classes.ipynb');
  const setup = 'import os, json, time, tempfile, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))';
  await h.runCode(page, setup + '\nfolder = tempfile.mkdtemp()');
  const folder = json(await h.runCode(page, 'print(json.dumps(folder))'));
  const show = `v = Viewer(autosave=${JSON.stringify(folder)})\nv.add_image(img, name="nuclei")`;
  let viewer = h.cellOutput(page, await h.runCodeIndex(page, show + '\nv')).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("nuclei", timeout=60)');
  await viewer.locator('.jp-SegLab-toolbar button[data-action="pixel.toggle"]').click();
  const name = viewer.locator('.jp-SegLab-pixelClass[data-class-index="1"] input.jp-SegLab-pixelClassName');
  await name.fill('mitotic nucleus');
  await name.press('Enter');
  // Saved a second after the change, as an edit is.
  await expect
    .poll(async () => json(await h.runCode(page, 'm = os.path.join(folder, "seglab-annotations.json")\nprint(json.dumps([l["label_classes"] for l in json.load(open(m))["layers"]] if os.path.exists(m) else None))')), { timeout: 30000 })
    .toEqual([[{ name: 'background', color: '#4363d8ff' }, { name: 'mitotic nucleus', color: '#ffe119ff' }]]);

  await page.evaluate(async () => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath);
    await panel.sessionContext.session.kernel.restart();
  });
  await expect.poll(() => h.runCode(page, 'print("alive")').then(out => out.trim()), { timeout: 60000 }).toBe('alive');
  await h.runCode(page, 'import numpy as np\nfrom seglab import Viewer\n' + setup);
  viewer = h.cellOutput(page, await h.runCodeIndex(page, show + '\nv.restore_annotations()\nv')).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("scribbles", timeout=60)');
  await viewer.locator('.jp-SegLab-toolbar button[data-action="pixel.toggle"]').click();
  await expect(viewer.locator('.jp-SegLab-pixelClass[data-class-index="1"] input.jp-SegLab-pixelClassName')).toHaveValue('mitotic nucleus');
});
