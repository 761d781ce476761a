// SegLab in Jupyter Notebook 7 (the same prebuilt extension, a different shell): a real
// `jupyter notebook` server on loopback, a notebook opened in its own page, a viewer shown in
// a cell output whose pixels on screen equal the kernel's, and a stroke painted with the mouse
// read back in the kernel.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./helpers');

const repo = path.resolve(__dirname, '..', '..');
const venv = path.join(repo, '.venv', 'bin');
const json = out => JSON.parse(out.trim().split('\n').pop());

let server;
let base;
let root;

test.beforeAll(async () => {
  test.setTimeout(120000);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-nb7-'));
  const port = await h.freePort();
  base = `http://127.0.0.1:${port}`;
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: [{ cell_type: 'code', id: 'first', metadata: {}, source: 'import numpy as np\nfrom seglab import Viewer', outputs: [], execution_count: null }]
  };
  fs.writeFileSync(path.join(root, 'nb7.ipynb'), JSON.stringify(notebook));
  server = await h.startServer(
    path.join(venv, 'jupyter'),
    ['notebook', '--no-browser', '--allow-root', `--port=${port}`, '--ServerApp.ip=127.0.0.1', '--IdentityProvider.token=', '--ServerApp.disable_check_xsrf=True', '--JupyterNotebookApp.expose_app_in_browser=True', `--ServerApp.root_dir=${root}`],
    'is running at',
    { env: { ...process.env, PATH: `${venv}:${process.env.PATH}` } }
  );
});

test.afterAll(async () => {
  if (server) server.kill('SIGTERM');
  await new Promise(resolve => setTimeout(resolve, 1000));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('Notebook 7: a viewer in a cell output shows the kernel pixels and paints back to the kernel', async ({ page }) => {
  test.setTimeout(180000);
  await page.goto(`${base}/notebooks/nb7.ipynb`);
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.shell, null, { timeout: 120000 });
  await page.evaluate(() => (window.__seglabNotebookPath = 'nb7.ipynb'));
  await page.waitForFunction(
    () => {
      const w = [...window.jupyterapp.shell.widgets('main')].find(w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath);
      const kernel = w && w.sessionContext.session && w.sessionContext.session.kernel;
      return kernel && kernel.status === 'idle' && w.content.widgets.length > 0;
    },
    null,
    { timeout: 120000 }
  );
  await h.runCell(page, 0);
  await h.runCode(page, 'import os, json, tifffile\nimg = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))');
  const index = await h.runCodeIndex(page, 'v = Viewer()\nv.add_image(img, name="nuclei", contrast_limits=(0, 1000))\nlab = v.add_labels(np.zeros(img.shape, np.int32), name="ann")\nv');
  const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
  await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
  await h.runCode(page, 'v.wait_until_ready("ann", timeout=60)\nv.camera.center = (256, 256)\nv.camera.zoom = 8\nlab.opacity = 0');
  await expect.poll(async () => (await h.sampleInteriorPixels(page, viewer, 'nuclei', 16)).length).toBeGreaterThanOrEqual(4);
  const samples = await h.sampleInteriorPixels(page, viewer, 'nuclei', 16);
  const truth = json(await h.runCode(page, `print(json.dumps([int(img[r, c]) for r, c in ${JSON.stringify(samples.map(s => [s.row, s.col]))}]))`));
  samples.forEach((s, i) => {
    expect(Number(s.value)).toBe(truth[i]);
    expect(Math.abs(s.rgb[0] - h.expectedGray(truth[i], 0, 1000))).toBeLessThanOrEqual(2);
  });

  await h.paintAcrossCentre(page, viewer, 40, 8);
  // 80 screen px at zoom 8 are 10 pixels of a 10-pixel brush: about 100 + 78 painted.
  const painted = json(await h.runCode(page, 'print(json.dumps(int((lab.data == 1).sum())))'));
  expect(painted).toBeGreaterThan(100);
  expect(painted).toBeLessThan(400);
});
