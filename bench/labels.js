// Benchmark: labels editing in SegLab's model (the code the browser runs) against scikit-image
// / numpy doing the same edit on the same real data, measured side by side in one run.
//
//   node bench/labels.js [--out bench/results/labels.json]
//
// Needs the TypeScript compiled to CommonJS in .cache/bench-lib (bench/run does it).
const path = require('path');
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '..');
const lib = path.join(repo, '.cache', 'bench-lib');
const { LabelsLayer } = require(path.join(lib, 'viewer', 'model', 'labelsLayer.js'));
const { floodFill } = require(path.join(lib, 'core', 'labels', 'floodFill.js'));
const python = path.join(repo, '.venv', 'bin', 'python');
const data = path.resolve(process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data'));
const out = process.argv.includes('--out') ? path.resolve(process.argv[process.argv.indexOf('--out') + 1]) : path.join(repo, 'bench', 'results', 'labels.json');

const median = v => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const p95 = v => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** nuclei2d's labels tiled 2 x 2 (1024 x 1024 uint32): a real background region of ~0.9 Mpx. */
function tiledNuclei() {
  const raw = execFileSync(python, ['-c', `import sys, numpy as np, tifffile
a = tifffile.imread(sys.argv[1]).astype('<u4')
sys.stdout.buffer.write(np.tile(a, (2, 2)).tobytes())`, path.join(data, 'nuclei2d', 'labels.tif')], { maxBuffer: 1 << 26 });
  return new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function peer(code) {
  return JSON.parse(execFileSync(python, ['-c', code, path.join(data, 'nuclei2d', 'labels.tif')], { encoding: 'utf-8', maxBuffer: 1 << 26 }));
}

function benchFill(runs) {
  const base = tiledNuclei();
  const times = [];
  let filled = 0;
  for (let r = 0; r < runs; r++) {
    const array = { dtype: 'uint32', shape: [1024, 1024], data: base.slice() };
    const t0 = process.hrtime.bigint();
    const diff = floodFill(array, [0, 0], 7, { axes: [0, 1], contiguous: true });
    times.push(ms(t0));
    filled = diff.indices.length;
  }
  const ref = peer(`import sys, json, time, numpy as np, tifffile
from skimage.segmentation import flood_fill
a = np.tile(tifffile.imread(sys.argv[1]).astype(np.uint32), (2, 2))
times = []
for _ in range(${runs}):
    b = a.copy(); t0 = time.perf_counter(); f = flood_fill(b, (0, 0), 7, connectivity=1, in_place=True); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"times": times, "filled": int((f == 7).sum() - (a == 7).sum())}))`);
  return { times, filled, ref };
}

function benchBrush(size, events) {
  const shape = [4096, 4096];
  const layer = new LabelsLayer({ dtype: 'uint32', shape, data: new Uint32Array(shape[0] * shape[1]) }, { id: 'b', name: 'b' });
  layer.brushSize = size;
  layer.selectedLabel = 3;
  const times = [];
  layer.beginStroke();
  for (let i = 0; i < events; i++) {
    // A diagonal stroke, 6 px between pointer events (a fast hand at 60 Hz).
    const t0 = process.hrtime.bigint();
    layer.paintAt([500 + i * 4.2, 500 + i * 4.3], [0, 1]);
    times.push(ms(t0));
  }
  const t0 = process.hrtime.bigint();
  layer.endStroke();
  const end = ms(t0);
  const ref = peer(`import json, time, numpy as np
from skimage.draw import disk
a = np.zeros((4096, 4096), np.uint32)
times = []
for i in range(${events}):
    t0 = time.perf_counter()
    rr, cc = disk((500 + i * 4.2, 500 + i * 4.3), ${size} / 2, shape=a.shape)
    a[rr, cc] = 3
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"times": times}))`);
  return { times, end, ref };
}

function record(name, ours, theirs, peerName, extra) {
  const value = median(ours);
  const peerValue = median(theirs);
  return {
    name,
    value: Number(value.toFixed(4)),
    unit: 'ms',
    p95: Number(p95(ours).toFixed(4)),
    peer: peerName,
    peer_value: Number(peerValue.toFixed(4)),
    ratio: Number((value / peerValue).toFixed(3)),
    runs: ours.length,
    ...extra
  };
}

function main() {
  const results = [];
  const fill = benchFill(15);
  results.push(record('labels_fill_nuclei2d_tiled_1024_background', fill.times, fill.ref.times, 'skimage.segmentation.flood_fill (connectivity=1, in place)', { pixels_filled: fill.filled, peer_pixels_filled: fill.ref.filled, target_ms: 50 }));
  for (const size of [10, 40]) {
    const brush = benchBrush(size, 300);
    results.push(record(`labels_paint_event_4096x4096_uint32_brush${size}`, brush.times, brush.ref.times, 'numpy a[skimage.draw.disk(...)] = label per event', { stroke_end_ms: Number(brush.end.toFixed(3)), target_ms: 8 }));
  }
  const env = { node: process.version, cpus: os.cpus().length, cpu_model: os.cpus()[0] && os.cpus()[0].model, date: new Date().toISOString(), note: 'model time only; the texture upload of the dirty rectangle is in render.json' };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ benchmark: 'labels', environment: env, results }, null, 2) + '\n');
  for (const r of results) console.log(`${r.name.padEnd(48)} ${String(r.value).padStart(9)} ms (p95 ${r.p95})   peer ${String(r.peer_value).padStart(9)} ms   ratio ${r.ratio}`);
  if (fill.filled !== fill.ref.filled) {
    console.error(`fill disagrees with scikit-image: ${fill.filled} vs ${fill.ref.filled} pixels`);
    process.exitCode = 1;
  }
}

main();
