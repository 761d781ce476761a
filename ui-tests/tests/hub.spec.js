// SegLab in a single-user server of a real JupyterHub (pip jupyterhub, npm
// configurable-http-proxy, the dummy authenticator and the simple local-process spawner, all on
// loopback): the extension's static files, the comm and the lazy tile requests all resolve
// behind /user/<name>/. Log in, open a notebook, show an image and a lazy zarr, and read
// pixels on screen back against the kernel.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require('./helpers');

const repo = path.resolve(__dirname, '..', '..');
const venv = path.join(repo, '.venv', 'bin');
const proxy = path.join(repo, 'ui-tests', 'node_modules', '.bin', 'configurable-http-proxy');
const json = out => JSON.parse(out.trim().split('\n').pop());

let hub;
let hubUrl;
let root;

test.beforeAll(async () => {
  test.setTimeout(180000);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-hub-'));
  const [port, hubPort, apiPort] = [await h.freePort(), await h.freePort(), await h.freePort()];
  hubUrl = `http://127.0.0.1:${port}`;
  const config = `
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = ${hubPort}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:${apiPort}"
c.ConfigurableHTTPProxy.command = [${JSON.stringify(proxy)}]
c.JupyterHub.db_url = "sqlite:///${path.join(root, 'hub.sqlite')}"
c.JupyterHub.cookie_secret_file = ${JSON.stringify(path.join(root, 'cookie_secret'))}
c.JupyterHub.pid_file = ${JSON.stringify(path.join(root, 'hub.pid'))}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = ${JSON.stringify(path.join(root, 'home', '{username}'))}
c.Spawner.cmd = [${JSON.stringify(path.join(venv, 'jupyterhub-singleuser'))}]
c.Spawner.args = ["--allow-root", "--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"SEGLAB_DATA": ${JSON.stringify(process.env.SEGLAB_DATA)}, "PATH": ${JSON.stringify(`${venv}:${process.env.PATH}`)}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
`;
  fs.writeFileSync(path.join(root, 'jupyterhub_config.py'), config);
  hub = await h.startServer(path.join(venv, 'jupyterhub'), ['-f', path.join(root, 'jupyterhub_config.py')], 'JupyterHub is now running', {
    cwd: root,
    env: { ...process.env, PATH: `${venv}:${process.env.PATH}` }
  });
});

test.afterAll(async () => {
  if (hub) {
    hub.kill('SIGTERM');
    await new Promise(resolve => setTimeout(resolve, 3000));
  }
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('SegLab works in a JupyterHub single-user server under /user/<name>/', async ({ page }) => {
  test.setTimeout(240000);
  await page.goto(`${hubUrl}/hub/login`);
  await page.locator('input[name="username"]').fill('alice');
  await page.locator('input[name="password"]').fill('any');
  await page.locator('input[type="submit"], button[type="submit"]').first().click();
  await page.waitForURL(/\/user\/alice\/lab/, { timeout: 180000 });
  await h.waitForLab(page);
  // The extension is loaded from the prefixed static path.
  const extension = await page.evaluate(() => [...document.scripts].map(s => s.src).find(src => src.includes('/extensions/seglab/')));
  expect(extension).toContain('/user/alice/lab/extensions/seglab/');

  const notebook = await page.evaluate(async () => {
    const panel = await window.jupyterapp.commands.execute('notebook:create-new', { kernelName: 'python3' });
    await panel.context.ready;
    await panel.sessionContext.ready;
    return panel.context.path;
  });
  await page.evaluate(p => (window.__seglabNotebookPath = p), notebook);
  await page.waitForFunction(
    () => {
      const w = [...window.jupyterapp.shell.widgets('main')].find(w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath);
      const kernel = w && w.sessionContext.session && w.sessionContext.session.kernel;
      return kernel && kernel.status === 'idle';
    },
    null,
    { timeout: 120000 }
  );
  await h.runCode(
    page,
    [
      'import os, json, tempfile, numpy as np, tifffile, zarr',
      'from seglab import Viewer',
      'img = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))',
      'z = zarr.create_array(store=os.path.join(tempfile.mkdtemp(), "lazy.zarr"), shape=img.shape, chunks=(128, 128), dtype=img.dtype)',
      'z[...] = img'
    ].join('\n')
  );
  for (const [name, data] of [['eager', 'img'], ['lazy', 'z']]) {
    const index = await h.runCodeIndex(page, `v = Viewer()\nv.add_image(${data}, name="${name}", contrast_limits=(0, 1000))\nv`);
    const viewer = h.cellOutput(page, index).locator('.jp-SegLab-viewer');
    await expect(viewer.locator('.jp-SegLab-canvasHost')).toBeVisible();
    // Zoomed in (8 screen pixels per pixel) so that whole pixels can be sampled.
    await h.runCode(page, `v.wait_until_ready("${name}", timeout=60)\nv.camera.center = (256, 256)\nv.camera.zoom = 8`);
    await expect.poll(async () => (await h.sampleInteriorPixels(page, viewer, name, 16)).length, { message: `${name}: pixels with values` }).toBeGreaterThanOrEqual(4);
    const samples = await h.sampleInteriorPixels(page, viewer, name, 16);
    const truth = json(await h.runCode(page, `print(json.dumps([int(img[r, c]) for r, c in ${JSON.stringify(samples.map(s => [s.row, s.col]))}]))`));
    samples.forEach((s, i) => {
      expect(Number(s.value), `${name} value at [${s.row}, ${s.col}]`).toBe(truth[i]);
      expect(Math.abs(s.rgb[0] - h.expectedGray(truth[i], 0, 1000))).toBeLessThanOrEqual(2);
    });
  }
  expect(json(await h.runCode(page, 'print(json.dumps(v.tile_cache.misses))'))).toBeGreaterThan(0); // tiles went through the hub's proxy
});
