// bench/pixel.js's filter benchmark in Debian's headless Chromium: the same compiled
// TypeScript (src/core/features, CommonJS in .cache/bench-lib) served to a page as one script,
// run on the page's thread and in two Web Workers (a row block each, with its halo), as the
// Classify tool's worker pool runs it. Returns the best of two runs and a checksum of the
// features, which pixel.js compares with Node's (same code: the values must match).
const http = require('http');
const path = require('path');
const fs = require('fs');

const repo = path.resolve(__dirname, '..');
const uiTests = path.join(repo, 'ui-tests');
const FEATURE_MODULES = ['kernels', 'pad', 'eigen', 'featureSet', 'blockFeatures'];

/** The feature modules as one script defining `SegLabFeatures` (a minimal CommonJS loader). */
function bundle() {
  const dir = path.join(repo, '.cache', 'bench-lib', 'core', 'features');
  const defs = FEATURE_MODULES.map(name => {
    const source = fs.readFileSync(path.join(dir, `${name}.js`), 'utf8');
    return `${JSON.stringify(`./${name}`)}: function (module, exports, require) {\n${source}\n}`;
  });
  return `(function () {
  const defs = {${defs.join(',\n')}};
  const cache = {};
  function req(id) {
    if (cache[id]) return cache[id].exports;
    if (!defs[id]) throw new Error('bench bundle: no module ' + id);
    const module = { exports: {} };
    cache[id] = module;
    defs[id](module, module.exports, req);
    return module.exports;
  }
  self.SegLabFeatures = req('./blockFeatures');
  self.SegLabFeatureSet = req('./featureSet');
})();`;
}

const PAGE = `<!doctype html><script src="/features.js"></script><script>
const sum = a => { let s = 0; for (let i = 0; i < a.length; i++) s += Math.abs(a[i]); return s; };
async function image() { return new Float32Array(await (await fetch('/image.f32')).arrayBuffer()); }
const specs = () => SegLabFeatureSet.ILASTIK_SCALES.flatMap(sigma => SegLabFeatureSet.FILTERS.map(filter => ({ filter, sigma })));
window.single = async n => {
  const data = await image();
  const t = performance.now();
  const r = SegLabFeatures.computeBlockFeatures({ data, shape: [n, n] }, SegLabFeatures.wholeImage([n, n]), specs());
  return { ms: performance.now() - t, checksum: sum(r.data), features: r.names.length };
};
let workers = null;
window.parallel = async n => {
  const data = await image();
  if (!workers) {
    const code = await (await fetch('/features.js')).text() + '\\nonmessage = e => { const { data, n, block, specs } = e.data; const r = SegLabFeatures.computeBlockFeatures({ data: new Float32Array(data), shape: [n, n] }, block, specs); postMessage(r.data, [r.data.buffer]); };';
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    workers = [new Worker(url), new Worker(url)];
  }
  const blocks = [{ start: [0, 0], shape: [n / 2, n] }, { start: [n / 2, 0], shape: [n / 2, n] }];
  const t = performance.now();
  const parts = await Promise.all(blocks.map((block, k) => new Promise(resolve => {
    workers[k].onmessage = e => resolve(e.data);
    workers[k].postMessage({ data: data.buffer.slice(0), n, block, specs: specs() });
  })));
  return { ms: performance.now() - t, checksum: parts.reduce((a, p) => a + sum(p), 0) };
};
window.ready = true;
</script>`;

/** { single, parallel } milliseconds (best of `runs`), the browser's version and the checksums. */
async function chromiumFilters(image, n, runs = 2) {
  const { chromium } = require(require.resolve('playwright-core', { paths: [uiTests] }));
  const launchOptions = require(path.join(uiTests, 'chromium.js'));
  const script = bundle();
  const server = http.createServer((req, res) => {
    const body = req.url === '/' ? PAGE : req.url === '/features.js' ? script : req.url === '/image.f32' ? Buffer.from(image.buffer, image.byteOffset, image.byteLength) : null;
    if (body === null) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': req.url === '/' ? 'text/html' : req.url.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
    res.end(body);
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ ...launchOptions, headless: true });
  try {
    const page = await browser.newPage();
    page.on('pageerror', err => console.error('page error:', err.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.ready === true);
    let single = null;
    let parallel = null;
    for (let r = 0; r < runs; r++) {
      const s = await page.evaluate(size => window.single(size), n);
      const p = await page.evaluate(size => window.parallel(size), n);
      if (!single || s.ms < single.ms) single = s;
      if (!parallel || p.ms < parallel.ms) parallel = p;
    }
    return { single, parallel, version: browser.version() };
  } finally {
    await browser.close();
    server.close();
  }
}

module.exports = { chromiumFilters };
