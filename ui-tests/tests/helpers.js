// Small helpers to drive the real JupyterLab: open notebooks, run cells, read outputs, and
// read what the SegLab viewer shows (its status line and the pixels on screen).
const { expect } = require('@playwright/test');
const { PNG } = require('pngjs');
const net = require('net');
const path = require('path');
const { execFileSync, spawn } = require('child_process');

const repo = path.resolve(__dirname, '..', '..');
const python = process.env.SEGLAB_PYTHON || path.join(repo, '.venv', 'bin', 'python');

async function waitForLab(page) {
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.shell, null, { timeout: 120000 });
  await page.locator('#jp-main-dock-panel').waitFor();
}

async function openNotebook(page, notebookPath) {
  // ?reset: start from an empty workspace, not the tabs an earlier test left open.
  await page.goto(`/lab/tree/${notebookPath}?reset`);
  await waitForLab(page);
  // Cells run in this notebook from now on, whatever panel has focus.
  await page.evaluate(p => (window.__seglabNotebookPath = p), notebookPath);
  await page.waitForFunction(
    () => {
      const w = [...window.jupyterapp.shell.widgets('main')].find(
        w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath
      );
      const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
      return kernel && kernel.status === 'idle' && w.content && w.content.widgets.length > 0;
    },
    null,
    { timeout: 120000 }
  );
}

/** Runs cell `index` of the current notebook and returns its text output. */
async function runCell(page, index) {
  return page.evaluate(async i => {
    // Notebook commands act on the active notebook: bring it back if a panel took focus.
    const panel = [...window.jupyterapp.shell.widgets('main')].find(
      w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath
    );
    window.jupyterapp.shell.activateById(panel.id);
    panel.content.activeCellIndex = i;
    await window.jupyterapp.commands.execute('notebook:run-cell');
    const model = panel.content.widgets[i].model;
    // run-cell resolves when the reply came; outputs are complete by then.
    return model.outputs
      .toJSON()
      .map(o => {
        if (o.output_type === 'stream') return Array.isArray(o.text) ? o.text.join('') : o.text;
        if (o.output_type === 'error') return `ERROR ${o.ename}: ${o.evalue}`;
        const data = o.data || {};
        const text = data['text/plain'];
        return text ? (Array.isArray(text) ? text.join('') : text) : '';
      })
      .join('');
  }, index);
}

/** Appends a code cell with `code` to the current notebook, runs it and returns its output. */
async function runCode(page, code) {
  return (await runCodeWithIndex(page, code)).output;
}

/** As runCode, but returns the new cell's index (to find its output area). */
async function runCodeIndex(page, code) {
  return (await runCodeWithIndex(page, code)).index;
}

async function runCodeWithIndex(page, code) {
  const index = await page.evaluate(code => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(
      w => w.hasClass('jp-NotebookPanel') && w.context.path === window.__seglabNotebookPath
    );
    window.jupyterapp.shell.activateById(panel.id);
    const notebook = panel.content;
    notebook.activeCellIndex = notebook.widgets.length - 1;
    return window.jupyterapp.commands.execute('notebook:insert-cell-below').then(() => {
      notebook.activeCell.model.sharedModel.setSource(code);
      return notebook.activeCellIndex;
    });
  }, code);
  const out = await runCell(page, index);
  expect(out, `cell failed:\n${code}`).not.toContain('ERROR ');
  return { output: out, index };
}

/** The output area of cell `index`. */
function cellOutput(page, index) {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(index).locator('.jp-OutputArea');
}

/**
 * Hovers the integer page pixel (x, y) at its centre and returns what the viewer's status line
 * says is there: the slice index on every axis (`index`; `row`, `col` are its last two, the
 * displayed axes unless transposed) and each layer's value.
 */
async function readoutAt(page, viewer, x, y) {
  await page.mouse.move(x + 0.5, y + 0.5);
  const text = (await viewer.locator('.jp-SegLab-statusCursor').textContent()) || '';
  const m = /^\[(-?\d+(?:, -?\d+)+)\]/.exec(text);
  if (!m) {
    // Empty when the pointer is not over the canvas (e.g. the point is scrolled out of view).
    if (text === '') return { index: [], row: NaN, col: NaN, values: {} };
    throw new Error(`unexpected status text ${JSON.stringify(text)}`);
  }
  // [i0, ..., row, col] in world axis order; a "(x, y unit)" part is the physical position.
  const index = m[1].split(', ').map(Number);
  const values = {};
  for (const part of text.split('  ').slice(1)) {
    if (part.startsWith('(')) continue;
    const idx = part.lastIndexOf(': ');
    values[part.slice(0, idx)] = part.slice(idx + 2);
  }
  return { index, row: index[index.length - 2], col: index[index.length - 1], values };
}

async function screenshotPixels(page) {
  return PNG.sync.read(await page.screenshot());
}

function pixelAt(png, x, y) {
  const i = (y * png.width + x) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

/**
 * For page pixels inside the viewer whose whole 3×3 neighbourhood lies in one data pixel (so
 * no sub-pixel blending can blur the answer), returns readout and screen colour together.
 */
async function sampleInteriorPixels(page, viewer, layerName, count = 16) {
  const box = await canvasBox(viewer);
  const png = await screenshotPixels(page);
  const samples = [];
  const grid = Math.ceil(Math.sqrt(count * 3));
  for (let gy = 1; gy < grid && samples.length < count; gy++) {
    for (let gx = 1; gx < grid && samples.length < count; gx++) {
      const x = Math.round(box.x + (box.width * gx) / grid);
      const y = Math.round(box.y + (box.height * gy) / grid);
      const centre = await readoutAt(page, viewer, x, y);
      if (!(layerName in centre.values)) continue;
      const a = await readoutAt(page, viewer, x - 1, y - 1);
      const b = await readoutAt(page, viewer, x + 1, y + 1);
      if (a.row !== centre.row || a.col !== centre.col || b.row !== centre.row || b.col !== centre.col) continue;
      samples.push({ x, y, row: centre.row, col: centre.col, value: centre.values[layerName], rgb: pixelAt(png, x, y) });
    }
  }
  return samples;
}

/** Scrolls the viewer's canvas into view and returns its page box (outputs move as cells run). */
async function canvasBox(viewer) {
  const host = viewer.locator('.jp-SegLab-canvasHost');
  await host.scrollIntoViewIfNeeded();
  return host.boundingBox();
}

/** The grey level SegLab's shader should produce for `v` with contrast limits [lo, hi]. */
function expectedGray(v, lo, hi) {
  return Math.round(Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 255);
}

/** Runs Python (the project's venv) as an independent reference, returns stdout. */
function pythonReference(code) {
  return execFileSync(python, ['-c', code], { encoding: 'utf-8', env: process.env });
}

module.exports = {
  waitForLab,
  openNotebook,
  runCell,
  runCode,
  runCodeIndex,
  cellOutput,
  readoutAt,
  sampleInteriorPixels,
  canvasBox,
  screenshotPixels,
  pixelAt,
  expectedGray,
  pythonReference,
  repo
};

/** Puts a file on the Jupyter server through the contents REST API (as an upload would). */
async function uploadFile(page, serverPath, bytes) {
  const response = await page.request.put(`/api/contents/${serverPath}`, {
    data: { type: 'file', format: 'base64', content: Buffer.from(bytes).toString('base64') }
  });
  expect(response.ok(), `upload of ${serverPath}`).toBeTruthy();
}

/** Creates an empty notebook on the server and opens it. */
async function openNewNotebook(page, serverPath) {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: [{ cell_type: 'code', id: 'first', metadata: {}, source: 'import numpy as np\nfrom seglab import Viewer', outputs: [], execution_count: null }]
  };
  const response = await page.request.put(`/api/contents/${serverPath}`, { data: { type: 'notebook', format: 'json', content: notebook } });
  expect(response.ok()).toBeTruthy();
  await openNotebook(page, serverPath);
  await runCell(page, 0);
}

/** A TCP port free on loopback now (for servers a test or benchmark starts). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * With the Paint tool, drags the mouse along the canvas' middle row from `halfWidth` CSS px
 * left of the centre to as far right of it; returns the page y of that row.
 */
async function paintAcrossCentre(page, viewer, halfWidth, steps = 10) {
  await viewer.locator('.jp-SegLab-toolbar button[aria-label="Paint"]').click();
  const box = await canvasBox(viewer);
  const x = box.x + box.width / 2;
  const y = Math.round(box.y + box.height / 2);
  await page.mouse.move(x - halfWidth, y);
  await page.mouse.down();
  await page.mouse.move(x + halfWidth, y, { steps });
  await page.mouse.up();
  return y;
}

/**
 * Starts a server process (JupyterHub, a Notebook 7 server) and resolves with it once its
 * output contains `readyText`; rejects with the end of its log if it exits or takes too long.
 */
function startServer(command, args, readyText, options = {}, timeoutMs = 90000) {
  const child = spawn(command, args, options);
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(command)} did not start:\n${log.slice(-3000)}`)), timeoutMs);
    const onData = chunk => {
      log += chunk.toString();
      if (log.includes(readyText)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => reject(new Error(`${path.basename(command)} exited with ${code}:\n${log.slice(-3000)}`)));
  });
}

module.exports.uploadFile = uploadFile;
module.exports.freePort = freePort;
module.exports.paintAcrossCentre = paintAcrossCentre;
module.exports.startServer = startServer;
module.exports.openNewNotebook = openNewNotebook;

/** Opens `name` from the file browser (double-click) and returns the SegLab document shown. */
async function openFromFileBrowser(page, name) {
  await page.evaluate(() => window.jupyterapp.commands.execute('filebrowser:refresh'));
  // Double-click only once the listing shows every file on the server: a listing that re-sorts
  // between the two clicks would open the neighbour instead.
  const onServer = (await (await page.request.get('/api/contents/')).json()).content.length;
  await expect(page.locator('.jp-DirListing-item')).toHaveCount(onServer);
  const item = page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) });
  await item.dblclick();
  const doc = page.locator('.jp-SegLab-document:not(.lm-mod-hidden)');
  await expect(doc).toBeVisible();
  await expect(page.locator('.lm-TabBar-tab.lm-mod-current', { hasText: name })).toBeVisible();
  return doc;
}

/** The status line's readout at page pixel (x, y), once it shows a value for `layer` (decoding may still run). */
async function readoutOnceShown(page, viewer, x, y, layer) {
  let readout;
  await expect
    .poll(async () => {
      readout = await readoutAt(page, viewer, x, y);
      return readout.values[layer];
    })
    .toBeDefined();
  return readout;
}

module.exports.openFromFileBrowser = openFromFileBrowser;
module.exports.readoutOnceShown = readoutOnceShown;

/**
 * Centres viewer `name` (a kernel variable) on pixel (row, col) at `zoom` and returns the page
 * point of that pixel's centre, once the status line's readout confirms it.
 */
async function centreOn(page, viewer, name, row, col, zoom) {
  const { expect } = require('@playwright/test');
  await runCode(page, `${name}.camera.center = (${row} + 0.5, ${col} + 0.5)\n${name}.camera.zoom = ${zoom}`);
  const box = await canvasBox(viewer);
  const at = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  await expect.poll(async () => {
    const r = await readoutAt(page, viewer, at.x, at.y);
    return [r.row, r.col];
  }).toEqual([row, col]);
  return at;
}

module.exports.centreOn = centreOn;
