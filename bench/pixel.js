// Benchmark: pixel classification (issue 6), SegLab in Node against scipy.ndimage /
// scikit-image / scikit-learn in Python, measured side by side in one run:
// - ilastik's full filter set (6 filters × 7 scales) on a 1024² float32 image (nuclei2d tiled
//   2 × 2): SegLab on 1 thread and on 2 worker threads (two row blocks with their halo) vs
//   scipy.ndimage (+ scikit-image's closed-form eigenvalues), single-threaded as scipy is;
// - a random forest, 100 trees, 50 000 samples × 40 features (real features of that image,
//   labels from its ground truth): training on 2 workers vs scikit-learn n_jobs=2; prediction of
//   the 1 048 576 pixels, same; and both forests' foreground F1 on all pixels;
// - the filter set again in Debian's headless Chromium, on the page's thread and in two Web
//   Workers (./pixelChromium.js), its features checked against Node's.
//
//   node bench/pixel.js [--out bench/results/pixel.json]     (bench/run pixel compiles the lib)
const path = require('path');
const fs = require('fs');
const os = require('os');
const { Worker } = require('worker_threads');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '..');
const lib = path.join(repo, '.cache', 'bench-lib', 'core');
const { computeBlockFeatures, wholeImage } = require(path.join(lib, 'features', 'blockFeatures.js'));
const { FILTERS, ILASTIK_SCALES } = require(path.join(lib, 'features', 'featureSet.js'));
const { prepare, assemble } = require(path.join(lib, 'forest', 'forest.js'));
const { argmaxClasses } = require(path.join(lib, 'forest', 'predict.js'));
const { compileForest } = require(path.join(lib, 'forest', 'compiled.js'));
const { chromiumFilters } = require('./pixelChromium');
const python = path.join(repo, '.venv', 'bin', 'python');
const data = path.resolve(process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data'));
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const out = path.resolve(arg('--out', path.join(repo, 'bench', 'results', 'pixel.json')));
const round = (x, d = 3) => Number(x.toFixed(d));
const N = 1024;
const SAMPLES = 50000;
const FEATURES = 40;

const PEER = `
import json, os, sys, time
import numpy as np, tifffile
from scipy import ndimage as ndi
from skimage.feature import hessian_matrix_eigvals, structure_tensor_eigenvalues
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score
tmp = sys.argv[1]
img = np.fromfile(os.path.join(tmp, "image.f32"), np.float32).reshape(${N}, ${N})
kw = dict(mode="mirror", truncate=3.5)
def filters():
    out = []
    for s in ${JSON.stringify(ILASTIK_SCALES)}:
        out.append(ndi.gaussian_filter(img, s, **kw))
        out.append(ndi.gaussian_laplace(img, s, **kw))
        out.append(ndi.gaussian_gradient_magnitude(img, s, **kw))
        out.append(ndi.gaussian_filter(img, s, **kw) - ndi.gaussian_filter(img, 0.66 * s, **kw))
        gy, gx = ndi.gaussian_filter(img, s, order=(1, 0), **kw), ndi.gaussian_filter(img, s, order=(0, 1), **kw)
        t = [ndi.gaussian_filter(p, 0.5 * s, **kw) for p in (gy * gy, gy * gx, gx * gx)]
        out.extend(structure_tensor_eigenvalues(t))
        h = [ndi.gaussian_filter(img, s, order=o, **kw) for o in ((2, 0), (1, 1), (0, 2))]
        out.extend(hessian_matrix_eigvals(h))
    return out
times = []
for _ in range(2):
    t = time.perf_counter(); filters(); times.append(time.perf_counter() - t)
x = np.fromfile(os.path.join(tmp, "train_x.f32"), np.float32).reshape(${FEATURES}, -1).T
y = np.fromfile(os.path.join(tmp, "train_y.u8"), np.uint8)
allx = np.fromfile(os.path.join(tmp, "all_x.f32"), np.float32).reshape(${FEATURES}, -1).T
truth = np.fromfile(os.path.join(tmp, "truth.u8"), np.uint8)
t = time.perf_counter()
rf = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0).fit(x, y)
train = time.perf_counter() - t
t = time.perf_counter(); p = rf.predict_proba(allx); predict = time.perf_counter() - t
print(json.dumps({"filters_s": min(times), "train_s": train, "predict_s": predict,
                  "f1": f1_score(truth, p.argmax(1) == 1)}))
`;

/** Two long-lived workers, as the browser keeps its pool (start-up is not measured). */
const pool = [0, 1].map(() => new Worker(path.join(__dirname, 'pixelWorker.js')));

function runWorkers(jobs) {
  return Promise.all(jobs.map(({ message, transfer }, k) => new Promise((resolve, reject) => {
    const w = pool[k];
    const onError = err => reject(err);
    w.once('message', m => {
      w.off('error', onError);
      resolve(m);
    });
    w.once('error', onError);
    w.postMessage(message, transfer || []);
  })));
}

function f1(pred, truth) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] === 1 && truth[i] === 1) tp++;
    else if (pred[i] === 1) fp++;
    else if (truth[i] === 1) fn++;
  }
  return (2 * tp) / (2 * tp + fp + fn);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-pixel-'));
  // nuclei2d and its ground truth, tiled 2 × 2 to 1024².
  const raw = execFileSync(python, ['-c', `import sys, numpy as np, tifffile
a = tifffile.imread(sys.argv[1]).astype(np.float32); l = (tifffile.imread(sys.argv[2]) > 0).astype(np.uint8)
sys.stdout.buffer.write(np.tile(a, (2, 2)).tobytes() + np.tile(l, (2, 2)).tobytes())`, path.join(data, 'nuclei2d', 'image.tif'), path.join(data, 'nuclei2d', 'labels.tif')], { maxBuffer: 1 << 26 });
  const image = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + N * N * 4));
  const truth = new Uint8Array(raw.buffer.slice(raw.byteOffset + N * N * 4, raw.byteOffset + N * N * 5));
  fs.writeFileSync(path.join(tmp, 'image.f32'), Buffer.from(image.buffer));
  fs.writeFileSync(path.join(tmp, 'truth.u8'), Buffer.from(truth.buffer));
  const specs = ILASTIK_SCALES.flatMap(sigma => FILTERS.map(filter => ({ filter, sigma })));

  // Filters: one thread, then two workers with a row block each.
  let single = Infinity;
  let features;
  for (let r = 0; r < 2; r++) {
    const t = performance.now();
    features = computeBlockFeatures({ data: image, shape: [N, N] }, wholeImage([N, N]), specs);
    single = Math.min(single, performance.now() - t);
  }
  let parallel = Infinity;
  for (let r = 0; r < 2; r++) {
    const t = performance.now();
    const halves = [{ start: [0, 0], shape: [N / 2, N] }, { start: [N / 2, 0], shape: [N / 2, N] }];
    await runWorkers(halves.map(block => ({ message: { kind: 'features', image: image.buffer.slice(0), shape: [N, N], block, specs } })));
    parallel = Math.min(parallel, performance.now() - t);
  }
  const nFeatures = features.names.length;
  let nodeChecksum = 0;
  for (let i = 0; i < features.data.length; i++) nodeChecksum += Math.abs(features.data[i]);
  const chrome = await chromiumFilters(image, N);
  const sameAsNode = c => Math.abs(c - nodeChecksum) <= 1e-9 * nodeChecksum;

  // Forest data: the first 40 feature channels at 50 000 random pixels.
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const where = Int32Array.from({ length: SAMPLES }, () => Math.floor(rand() * N * N));
  const x = new Float32Array(FEATURES * SAMPLES);
  const allx = features.data.subarray(0, FEATURES * N * N);
  for (let f = 0; f < FEATURES; f++) for (let k = 0; k < SAMPLES; k++) x[f * SAMPLES + k] = allx[f * N * N + where[k]];
  const y = Uint8Array.from(where, i => truth[i]);
  fs.writeFileSync(path.join(tmp, 'train_x.f32'), Buffer.from(x.buffer));
  fs.writeFileSync(path.join(tmp, 'train_y.u8'), Buffer.from(y.buffer));
  fs.writeFileSync(path.join(tmp, 'all_x.f32'), Buffer.from(allx.buffer, allx.byteOffset, allx.byteLength));

  const t0 = performance.now();
  const binned = prepare({ x, y, nSamples: SAMPLES, nFeatures: FEATURES, nClasses: 2 });
  const parts = await runWorkers([[0, 50], [50, 100]].map(([from, to]) => ({
    message: { kind: 'train', binned: { ...binned, codes: binned.codes.buffer.slice(0), thresholds: binned.thresholds.map(a => a.buffer.slice(0)) }, y: y.buffer.slice(0), nClasses: 2, from, to, seed: 0 }
  })));
  const forest = assemble(parts.map(p => p.part), y, 2, binned);
  const trainMs = performance.now() - t0;
  const compiled = compileForest(forest.trees, forest.thresholds);
  await runWorkers([0, 1].map(() => ({ message: { kind: 'forest', forest: compiled } })));
  const shared = new SharedArrayBuffer(allx.byteLength);
  new Float32Array(shared).set(allx);
  const total = new Float32Array(2 * N * N);
  let predictMs = Infinity;
  for (let r = 0; r < 2; r++) {
    const t1 = performance.now();
    const halves = [[0, (N * N) / 2], [(N * N) / 2, N * N]];
    const parts2 = await runWorkers(halves.map(([from, to]) => ({ message: { kind: 'predict', x: shared, n: N * N, from, to } })));
    halves.forEach(([from, to], k) => {
      const m = to - from;
      for (let c = 0; c < 2; c++) for (let i = 0; i < m; i++) total[c * N * N + from + i] = parts2[k].sums[c * m + i] / forest.trees.length;
    });
    predictMs = Math.min(predictMs, performance.now() - t1);
  }
  const oursF1 = f1(argmaxClasses(total, 2, N * N), truth);

  const peer = JSON.parse(execFileSync(python, ['-c', PEER, tmp], { encoding: 'utf-8', env: { ...process.env, OMP_NUM_THREADS: '2' } }).trim().split('\n').pop());
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const w of pool) await w.terminate();
  const nodes = forest.trees.reduce((a, t) => a + t.feature.length, 0);
  const results = [
    { name: 'filters_full_set_1024_float32_2workers', value: round(parallel / 1000), unit: 's', peer: 'scipy.ndimage + skimage eigenvalues (1 thread)', peer_value: round(peer.filters_s), ratio: round(parallel / 1000 / peer.filters_s), target_ratio: 1.0, features: nFeatures },
    { name: 'filters_full_set_1024_float32_1thread', value: round(single / 1000), unit: 's', peer: 'scipy.ndimage + skimage eigenvalues (1 thread)', peer_value: round(peer.filters_s), ratio: round(single / 1000 / peer.filters_s) },
    { name: 'filters_full_set_1024_float32_chromium_2workers', value: round(chrome.parallel.ms / 1000), unit: 's', peer: 'scipy.ndimage + skimage eigenvalues (1 thread)', peer_value: round(peer.filters_s), ratio: round(chrome.parallel.ms / 1000 / peer.filters_s), target_ratio: 1.0, browser: chrome.version, same_features_as_node: sameAsNode(chrome.parallel.checksum), note: 'two Web Workers, a row block each with its halo (as the Classify tool\'s pool)' },
    { name: 'filters_full_set_1024_float32_chromium_1thread', value: round(chrome.single.ms / 1000), unit: 's', peer: 'scipy.ndimage + skimage eigenvalues (1 thread)', peer_value: round(peer.filters_s), ratio: round(chrome.single.ms / 1000 / peer.filters_s), browser: chrome.version, same_features_as_node: sameAsNode(chrome.single.checksum) },
    { name: 'forest_train_100trees_50000x40_2workers', value: round(trainMs / 1000), unit: 's', peer: 'sklearn RandomForestClassifier(n_estimators=100, n_jobs=2)', peer_value: round(peer.train_s), ratio: round(trainMs / 1000 / peer.train_s), target_ratio: 0.5, nodes_per_tree: Math.round(nodes / forest.trees.length) },
    { name: 'forest_predict_1M_pixels_2workers', value: round(predictMs / 1000), unit: 's', peer: 'sklearn predict_proba (n_jobs=2)', peer_value: round(peer.predict_s), ratio: round(predictMs / 1000 / peer.predict_s), target_ratio: 0.5, note: 'features coded to uint8 bins once, then tree by tree, four pixels walking each tree together (src/core/forest/compiled.ts)' },
    { name: 'forest_foreground_f1_all_pixels', value: round(oursF1, 4), unit: 'F1', peer: 'sklearn, same samples', peer_value: round(peer.f1, 4), difference_points: round(100 * (oursF1 - peer.f1), 2), target: '±1 point' }
  ];
  const report = { benchmark: 'pixel', environment: { node: process.version, cpus: os.cpus().length, cpu_model: os.cpus()[0].model.split(' ').slice(0, 2).join(' '), date: new Date().toISOString() }, results };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  for (const r of results) console.log(`${r.name}: ${r.value} ${r.unit} vs ${r.peer_value} (${r.ratio ?? r.difference_points})`);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
