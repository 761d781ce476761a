// The model registry and cache in the real JupyterLab: a model configured in the settings by
// its seglab-model.json on the Jupyter server, fetched through the browser's model store,
// served from Cache Storage the second time (also after a reload), and the cache cleared from
// the command palette.
const { test, expect } = require('@playwright/test');
const crypto = require('crypto');
const h = require('./helpers');

const folder = 'models/tiny model'; // a space: the path must be URL-encoded on its way
const id = 'tiny-test-model';

function someBytes(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
const sha256 = b => crypto.createHash('sha256').update(b).digest('hex');

// Not real ONNX graphs: the store moves and checks bytes; running them is samSession's job.
const encoder = someBytes(300 * 1024 + 3, 1);
const decoder = someBytes(40 * 1024 + 1, 2);
const manifest = {
  format: 1,
  id: 'from-manifest',
  family: 'mobile_sam',
  arch: 'vit_t',
  input_size: 1024,
  pixel_mean: [123.675, 116.28, 103.53],
  pixel_std: [58.395, 57.12, 57.375],
  encoder: { file: 'encoder.onnx', sha256: sha256(encoder), bytes: encoder.length },
  decoder: { file: 'decoder.onnx', sha256: sha256(decoder), bytes: decoder.length },
  weights: 'test bytes, not a model',
  opset: 17
};

const saveSettings = (page, value) =>
  page.evaluate(v => window.jupyterapp.serviceManager.settings.save('seglab:plugin', JSON.stringify(v)), value);
const command = (page, name, args = {}) => page.evaluate(([n, a]) => window.jupyterapp.commands.execute(n, a), [name, args]);

/** Loads the model through the store in the page; returns its bytes (as arrays) and cache flags. */
const loadModel = page =>
  page.evaluate(async modelId => {
    const m = await window.jupyterapp.commands.execute('seglab:load-model', { id: modelId });
    return { id: m.entry.id, family: m.entry.family, encoder: Array.from(m.encoder), decoder: Array.from(m.decoder), fromCache: m.fromCache };
  }, id);

test('a model configured by manifest is fetched once, served from Cache Storage, and the cache cleared from the palette', async ({ page }) => {
  await page.goto('/lab?reset');
  await h.waitForLab(page);
  for (const dir of ['models', folder]) {
    const r = await page.request.put(`/api/contents/${encodeURI(dir)}`, { data: { type: 'directory' } });
    expect(r.ok(), `mkdir ${dir}`).toBeTruthy();
  }
  await h.uploadFile(page, encodeURI(`${folder}/encoder.onnx`), encoder);
  await h.uploadFile(page, encodeURI(`${folder}/decoder.onnx`), decoder);
  await h.uploadFile(page, encodeURI(`${folder}/seglab-model.json`), Buffer.from(JSON.stringify(manifest)));
  await saveSettings(page, { models: [{ manifest: `${folder}/seglab-model.json`, id, name: 'Tiny' }], defaultModel: id });
  await page.reload();
  await h.waitForLab(page);

  // The manifest is fetched when the settings load; then the registry lists the model.
  // (Polled with the problems, so a failure shows why the model is missing. Other plugins may
  // add models of their own, e.g. the bundled prompter: only ours is looked at.)
  const listing = async () => {
    const { models, problems } = await command(page, 'seglab:list-models');
    return { ours: models.filter(m => m.origin === 'settings'), problems };
  };
  await expect
    .poll(listing, { timeout: 30000 })
    .toEqual({ ours: [{ id, family: 'mobile_sam', name: 'Tiny', origin: 'settings' }], problems: [] });
  expect((await command(page, 'seglab:list-models')).defaultModel).toBe(id);

  const onnxRequests = [];
  page.on('request', r => {
    if (r.url().endsWith('.onnx')) onnxRequests.push(r.url());
  });
  const first = await loadModel(page);
  expect(first.fromCache).toEqual({ encoder: false, decoder: false });
  expect(Buffer.from(first.encoder).equals(encoder)).toBe(true);
  expect(Buffer.from(first.decoder).equals(decoder)).toBe(true);
  const base = new URL(page.url()).origin;
  expect(onnxRequests.sort()).toEqual([`${base}/files/models/tiny%20model/decoder.onnx`, `${base}/files/models/tiny%20model/encoder.onnx`]);

  // 127.0.0.1 is a secure context: Cache Storage, persistent.
  const usage = await command(page, 'seglab:show-model-cache-usage');
  expect(usage).toEqual({ bytes: encoder.length + decoder.length, entries: 2, persistent: true });
  await expect(page.locator('.jp-Dialog')).toContainText('2 model files');
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Ok' }).click();
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);

  // Known sha256 + cached copy: no request at all, in this page and after a reload.
  const second = await loadModel(page);
  expect(second.fromCache).toEqual({ encoder: true, decoder: true });
  expect(Buffer.from(second.encoder).equals(encoder)).toBe(true);
  await page.reload();
  await h.waitForLab(page);
  await expect.poll(async () => (await command(page, 'seglab:list-models')).models.some(m => m.id === id), { timeout: 30000 }).toBe(true);
  const afterReload = await loadModel(page);
  expect(afterReload.fromCache).toEqual({ encoder: true, decoder: true });
  expect(Buffer.from(afterReload.decoder).equals(decoder)).toBe(true);
  expect(onnxRequests).toHaveLength(2);

  // The command palette's "Clear SegLab Model Cache": a dialog says what was freed.
  await page.evaluate(() => window.jupyterapp.commands.execute('apputils:activate-command-palette'));
  await page.keyboard.type('Clear SegLab Model Cache');
  await page.keyboard.press('Enter');
  const total = encoder.length + decoder.length;
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('SegLab model cache cleared');
  await expect(dialog).toContainText(`Freed ${(total / 1024).toFixed(1)} KiB (${total.toLocaleString('en-US')} bytes) in 2 model files.`);
  await dialog.getByRole('button', { name: 'Ok' }).click();
  expect(await page.evaluate(async () => (await (await caches.open('seglab-models')).keys()).length)).toBe(0);

  // Gone from the cache: the next load downloads again.
  const third = await loadModel(page);
  expect(third.fromCache).toEqual({ encoder: false, decoder: false });
  expect(onnxRequests).toHaveLength(4);

  await saveSettings(page, {});
  for (const f of ['encoder.onnx', 'decoder.onnx', 'seglab-model.json', '']) {
    await page.request.delete(`/api/contents/${encodeURI(f ? `${folder}/${f}` : folder)}`);
  }
  await page.request.delete('/api/contents/models');
});

test('a wrongly described model is left out with a message saying what was expected', async ({ page }) => {
  await page.goto('/lab?reset');
  await h.waitForLab(page);
  await saveSettings(page, { models: [{ id: 'bad', family: 'sam2', encoder: 'file:///tmp/e.onnx', decoder: 'd.onnx' }] });
  await page.reload();
  await h.waitForLab(page);
  await expect.poll(async () => (await command(page, 'seglab:list-models')).problems.length, { timeout: 30000 }).toBe(1);
  const { models, problems } = await command(page, 'seglab:list-models');
  expect(models.filter(m => m.origin === 'settings')).toEqual([]);
  expect(problems[0]).toContain('models[0] ("bad"): family: "sam2" (SAM 2) is not supported yet');
  expect(problems[0]).toContain('"file:" URLs are not supported');
  await saveSettings(page, {});
});
