// Benchmark: SAM-family models (MobileSAM vit_t and SAM ViT-B, the files
// `python -m seglab.models export` writes, seeded weights) on onnxruntime-web's WASM backend, in
// headless Debian Chromium and in Node, against onnxruntime in Python (CPU) on the same files,
// measured side by side in one run: encoder time per 1024² image and decoder latency per click
// (one point prompt), each with 1 thread and with 2 (the machine's cores). WebGPU on
// SwiftShader is run for correctness only (its masks against WASM's).
//
//   node bench/sam.js [--archs vit_t,vit_b,prompter] [--clicks 20] [--encodes 3] [--webgpu-timeout 240] [--out bench/results/sam.json]
// ('prompter' is SegLab's own small nucleus model, python-kernel-bridge/seglab/models/prompter.)
//
// The page is served by this script with COOP/COEP headers, so it is cross-origin isolated and
// onnxruntime-web may use threads there. Needs .cache/bench-lib (bench/run compiles it).
const path = require('path');
const fs = require('fs');
const os = require('os');
const http = require('http');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '..');
const uiTests = path.join(repo, 'ui-tests');
const { chromium } = require(require.resolve('playwright-core', { paths: [uiTests] }));
const launchOptions = require(path.join(uiTests, 'chromium.js'));
const lib = path.join(repo, '.cache', 'bench-lib');
const { prepareImage, toRgb8, promptArrays } = require(path.join(lib, 'core', 'sam', 'transforms.js'));
const python = path.join(repo, '.venv', 'bin', 'python');
const data = path.resolve(process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data'));
const ortDist = path.join(repo, 'node_modules', 'onnxruntime-web', 'dist');

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const archs = arg('--archs', 'vit_t,vit_b').split(',');
const clicks = Number(arg('--clicks', '20'));
const encodes = Number(arg('--encodes', '3'));
const out = path.resolve(arg('--out', path.join(repo, 'bench', 'results', 'sam.json')));
const { median } = require('./transfer');
const WEBGPU_TIMEOUT_MS = Number(arg('--webgpu-timeout', '240')) * 1000;
const round = (x, d = 1) => Number(x.toFixed(d));

function py(code, args = []) {
  return execFileSync(python, ['-c', code, ...args], { cwd: repo, encoding: 'utf-8', maxBuffer: 1 << 28, env: { ...process.env, SEGLAB_DATA: data } });
}

/** The exported model folder (from the cache after the first export); 'prompter': SegLab's bundled nucleus model. */
function modelFolder(arch) {
  if (arch === 'prompter') return py('from seglab.models import bundled_prompter; print(bundled_prompter())').trim().split('\n').pop();
  return py(`from seglab.models import cached_export; print(cached_export(${JSON.stringify(arch)}, seed=0))`).trim().split('\n').pop();
}

/** nuclei2d prepared as SegLab prepares it, and `clicks` point prompts on nuclei (1024 frame). */
function inputs() {
  const raw = Buffer.from(py(`import sys, tifffile, numpy as np
a = tifffile.imread(sys.argv[1]).astype('<u2'); sys.stdout.write(a.tobytes().hex())`, [path.join(data, 'nuclei2d', 'image.tif')]).trim(), 'hex');
  const image = { dtype: 'uint16', shape: [512, 512], data: new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2) };
  const prepared = prepareImage(toRgb8(image, false), 512, 512);
  const centroids = JSON.parse(py(`import sys, json, tifffile, numpy as np
from skimage.measure import regionprops
props = [p for p in regionprops(tifffile.imread(sys.argv[1])) if p.area >= 30]
pick = np.random.default_rng(0).choice(len(props), ${clicks}, replace=False)
print(json.dumps([[props[i].centroid[1], props[i].centroid[0]] for i in pick]))`, [path.join(data, 'nuclei2d', 'labels.tif')]));
  const prompts = centroids.map(p => promptArrays({ points: [p], labels: [1] }, [512, 512]));
  return { tensor: prepared.tensor, prompts };
}

/** onnxruntime in Python on the same files and inputs: median ms per encode and per decode. */
function pythonPeer(folder, tensor, prompts, threads) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sam-bench-'));
  fs.writeFileSync(path.join(tmp, 'input.bin'), Buffer.from(tensor.buffer));
  fs.writeFileSync(path.join(tmp, 'prompts.json'), JSON.stringify(prompts.map(p => ({ coords: Array.from(p.coords), labels: Array.from(p.labels) }))));
  const res = JSON.parse(
    py(`import sys, json, time, os, numpy as np, onnxruntime as ort
folder, tmp, threads, encodes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
o = ort.SessionOptions(); o.intra_op_num_threads = threads; o.inter_op_num_threads = 1
enc = ort.InferenceSession(os.path.join(folder, "encoder.onnx"), o, providers=["CPUExecutionProvider"])
dec = ort.InferenceSession(os.path.join(folder, "decoder.onnx"), o, providers=["CPUExecutionProvider"])
x = np.fromfile(os.path.join(tmp, "input.bin"), np.float32).reshape(1, 3, 1024, 1024)
te = []
for i in range(encodes):
    t = time.perf_counter(); emb = enc.run(["image_embeddings"], {"image": x})[0]; te.append(time.perf_counter() - t)
names = [i.name for i in dec.get_inputs()]
td = []
for p in json.load(open(os.path.join(tmp, "prompts.json"))):
    n = len(p["labels"])
    feeds = {"image_embeddings": emb, "point_coords": np.array(p["coords"], np.float32).reshape(1, n, 2),
             "point_labels": np.array(p["labels"], np.float32)[None], "mask_input": np.zeros((1, 1, 256, 256), np.float32),
             "has_mask_input": np.zeros(1, np.float32)}
    if "orig_im_size" in names: feeds["orig_im_size"] = np.array([1024, 1024], np.float32)
    dec.run(["iou_predictions", "low_res_masks"], feeds)  # warm
    t = time.perf_counter(); dec.run(["iou_predictions", "low_res_masks"], feeds); td.append(time.perf_counter() - t)
print(json.dumps({"encode": sorted(te)[len(te) // 2] * 1000, "decode": sorted(td)[len(td) // 2] * 1000, "version": ort.__version__}))`, [folder, tmp, String(threads), String(encodes)])
      .trim()
      .split('\n')
      .pop()
  );
  fs.rmSync(tmp, { recursive: true, force: true });
  return res;
}

/** The same runs in Node with onnxruntime-web's WASM backend (SegLab's SamSession). */
async function nodeRun(folder, tensor, prompts, threads) {
  const ort = require(path.join(repo, 'node_modules', 'onnxruntime-web'));
  ort.env.wasm.numThreads = threads;
  const { SamSession } = require(path.join(lib, 'compute', 'sam', 'samSession.js'));
  const files = { encoder: fs.readFileSync(path.join(folder, 'encoder.onnx')), decoder: fs.readFileSync(path.join(folder, 'decoder.onnx')) };
  const session = await SamSession.create(ort, files, ['wasm']);
  const te = [];
  let emb;
  for (let i = 0; i < encodes; i++) {
    const t = performance.now();
    emb = await session.encode(tensor);
    te.push(performance.now() - t);
  }
  const td = [];
  for (const p of prompts) {
    await session.decode(emb, p.coords, p.labels);
    const t = performance.now();
    await session.decode(emb, p.coords, p.labels);
    td.push(performance.now() - t);
  }
  await session.dispose();
  return { encode: median(te), decode: median(td) };
}

/** Serves the page, onnxruntime-web's files and the models, cross-origin isolated. */
function serve(folders, tensor, prompts) {
  const page = `<!doctype html><meta charset="utf-8"><script type="module">
import * as ort from '/ort/ort.all.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
const bytes = async url => new Uint8Array(await (await fetch(url)).arrayBuffer());
window.bench = async (arch, ep, threads, encodes) => {
  ort.env.wasm.numThreads = threads;
  const tensor = new Float32Array((await bytes('/input.bin')).buffer);
  const prompts = await (await fetch('/prompts.json')).json();
  const opts = { executionProviders: [ep] };
  const enc = await ort.InferenceSession.create(await bytes('/models/' + arch + '/encoder.onnx'), opts);
  const dec = await ort.InferenceSession.create(await bytes('/models/' + arch + '/decoder.onnx'), opts);
  const te = []; let emb;
  for (let i = 0; i < encodes; i++) {
    const t = performance.now();
    emb = (await enc.run({ image: new ort.Tensor('float32', tensor, [1, 3, 1024, 1024]) })).image_embeddings;
    te.push(performance.now() - t);
  }
  const td = []; const masks = [];
  for (const p of prompts) {
    const n = p.labels.length;
    const feeds = { image_embeddings: emb, point_coords: new ort.Tensor('float32', Float32Array.from(p.coords), [1, n, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.from(p.labels), [1, n]),
      mask_input: new ort.Tensor('float32', new Float32Array(65536), [1, 1, 256, 256]), has_mask_input: new ort.Tensor('float32', Float32Array.of(0), [1]) };
    if (dec.inputNames.includes('orig_im_size')) feeds.orig_im_size = new ort.Tensor('float32', Float32Array.of(1024, 1024), [2]);
    await dec.run(feeds);
    const t = performance.now();
    const o = await dec.run(feeds, ['iou_predictions', 'low_res_masks']);
    td.push(performance.now() - t);
    masks.push(Array.from(o.low_res_masks.data, v => (v > 0 ? 1 : 0)).join(''));
  }
  await enc.release(); await dec.release();
  const med = v => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { encode: med(te), decode: med(td), masks, isolated: crossOriginIsolated, threads: ort.env.wasm.numThreads };
};
window.ready = true;
</script>`;
  const server = http.createServer((req, res) => {
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const url = decodeURIComponent(req.url.split('?')[0]);
    let body = null;
    let type = 'application/octet-stream';
    if (url === '/') [body, type] = [page, 'text/html'];
    else if (url === '/input.bin') body = Buffer.from(tensor.buffer);
    else if (url === '/prompts.json') [body, type] = [JSON.stringify(prompts.map(p => ({ coords: Array.from(p.coords), labels: Array.from(p.labels) }))), 'application/json'];
    else if (url.startsWith('/ort/') && !url.includes('..')) {
      const file = path.join(ortDist, url.slice(5));
      if (fs.existsSync(file)) [body, type] = [fs.readFileSync(file), file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript'];
    } else {
      const m = /^\/models\/([a-z_]+)\/(encoder|decoder)\.onnx$/.exec(url);
      if (m && folders[m[1]]) body = fs.readFileSync(path.join(folders[m[1]], `${m[2]}.onnx`));
    }
    if (body === null) {
      res.writeHead(404, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': type });
    res.end(body);
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function webgpuCheck(server, arch, wasm) {
  const browser = await chromium.launch({ ...launchOptions, headless: true });
  let gpu;
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.ready === true);
    const adapter = await page.evaluate(async () => {
      const a = navigator.gpu && (await navigator.gpu.requestAdapter());
      return a ? `${a.info.vendor} ${a.info.architecture}` : null;
    });
    // SwiftShader emulates the GPU on the CPU: a big encoder may take very long; give up after WEBGPU_TIMEOUT_MS.
    const run = page.evaluate(([a]) => window.bench(a, 'webgpu', 1, 1), [arch]);
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`no result within ${WEBGPU_TIMEOUT_MS / 1000} s`)), WEBGPU_TIMEOUT_MS));
    gpu = adapter ? { adapter, ...(await Promise.race([run, timeout])) } : { error: 'no WebGPU adapter' };
  } catch (err) {
    gpu = { error: String(err.message || err).split('\n')[0].slice(0, 300) };
  } finally {
    await browser.close().catch(() => {});
  }
  return {
    name: `sam_${arch}_webgpu_swiftshader_masks_vs_wasm`,
    value: gpu.masks ? round(agreement(gpu.masks, wasm.masks), 4) : null,
    unit: 'worst mask IoU over all clicks and outputs',
    target: '>= 0.99',
    adapter: gpu.adapter ?? null,
    note: gpu.error ? `WebGPU run failed: ${gpu.error}` : 'times on SwiftShader are not GPU times',
    encode_ms_swiftshader: gpu.encode ? round(gpu.encode) : null
  };
}

function agreement(a, b) {
  // Mean IoU of the thresholded masks of two runs, over all clicks and all four outputs.
  const ious = a.map((m, i) => {
    let inter = 0;
    let union = 0;
    for (let k = 0; k < m.length; k++) {
      const x = m[k] === '1';
      const y = b[i][k] === '1';
      inter += x && y ? 1 : 0;
      union += x || y ? 1 : 0;
    }
    return union ? inter / union : 1;
  });
  return Math.min(...ious);
}

async function main() {
  const { tensor, prompts } = inputs();
  const folders = Object.fromEntries(archs.map(a => [a, modelFolder(a)]));
  const server = await serve(folders, tensor, prompts);
  const browser = await chromium.launch({ ...launchOptions, headless: true });
  const page = await browser.newPage();
  page.on('console', msg => process.env.SEGLAB_BENCH_DEBUG && console.log('page:', msg.text()));
  page.on('pageerror', err => console.error('page error:', err.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.ready === true);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const results = [];
  const wasmOneThread = {};
  for (const arch of archs) {
    const folder = folders[arch];
    const sizes = { encoder_mb: round(fs.statSync(path.join(folder, 'encoder.onnx')).size / 2 ** 20), decoder_mb: round(fs.statSync(path.join(folder, 'decoder.onnx')).size / 2 ** 20) };
    for (const threads of [1, 2]) {
      const step = what => process.env.SEGLAB_BENCH_DEBUG && console.log(`${arch}, ${threads} thread(s): ${what}`);
      step('python');
      const peer = pythonPeer(folder, tensor, prompts, threads);
      step('node');
      const nodeR = await nodeRun(folder, tensor, prompts, threads);
      step('chromium');
      const chrome = await page.evaluate(([a, t, e]) => window.bench(a, 'wasm', t, e), [arch, threads, encodes]);
      for (const [what, unit] of [['encode', 'ms per 1024² image'], ['decode', 'ms per click']]) {
        for (const [where, value] of [['chromium', chrome[what]], ['node', nodeR[what]]]) {
          results.push({
            name: `sam_${arch}_${what}_wasm_${threads}thread_${where}`,
            value: round(value),
            unit,
            peer: `onnxruntime ${peer.version} in Python, CPU, intra_op_num_threads=${threads}, same ONNX files`,
            peer_value: round(peer[what]),
            ratio: round(value / peer[what], 2),
            target: what === 'decode' ? 'ratio <= 1.0 and <= 16 ms' : 'ratio <= 1.2',
            ...(where === 'chromium' ? { cross_origin_isolated: chrome.isolated, wasm_threads: chrome.threads } : {}),
            ...sizes
          });
        }
      }
      if (threads === 1) wasmOneThread[arch] = chrome;
      console.log(JSON.stringify(results.slice(-5)));
    }
  }
  await browser.close();
  // WebGPU on SwiftShader, in a browser of its own (a GPU-process crash must not end the run):
  // correctness only, its masks against WASM's.
  for (const arch of archs) results.push(await webgpuCheck(server, arch, wasmOneThread[arch]));
  server.close();
  const environment = {
    node: process.version,
    chromium: browser.version(),
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0] && os.cpus()[0].model,
    cross_origin_isolated: isolated,
    onnxruntime_web: require(path.join(repo, 'node_modules', 'onnxruntime-web', 'package.json')).version,
    date: new Date().toISOString()
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ benchmark: 'sam', environment, results }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
