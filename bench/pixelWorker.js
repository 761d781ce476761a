// Worker thread for bench/pixel.js: runs SegLab's pixel-classification core (the TypeScript
// the browser's workers run, compiled to .cache/bench-lib) on its share of the work.
const { parentPort, workerData } = require('worker_threads');
const path = require('path');
const lib = path.join(__dirname, '..', '.cache', 'bench-lib', 'core');
const { computeBlockFeatures } = require(path.join(lib, 'features', 'blockFeatures.js'));
const { trainTrees } = require(path.join(lib, 'forest', 'forest.js'));
const { accumulateCodes, encodeFeatures } = require(path.join(lib, 'forest', 'compiled.js'));

let forest = null;

parentPort.on('message', msg => {
  if (msg.kind === 'features') {
    const { image, shape, block, specs } = msg;
    const t = performance.now();
    const r = computeBlockFeatures({ data: new Float32Array(image), shape }, block, specs);
    parentPort.postMessage({ ms: performance.now() - t, data: r.data }, [r.data.buffer]);
  } else if (msg.kind === 'train') {
    const t = performance.now();
    const binned = { ...msg.binned, codes: new Uint8Array(msg.binned.codes), thresholds: msg.binned.thresholds.map(a => new Float32Array(a)) };
    const part = trainTrees(binned, new Uint8Array(msg.y), msg.nClasses, msg.from, msg.to, { seed: msg.seed });
    parentPort.postMessage({ ms: performance.now() - t, part });
  } else if (msg.kind === 'forest') {
    forest = msg.forest; // kept: a pool's workers hold the trained forest between predictions
    parentPort.postMessage({ ms: 0 });
  } else if (msg.kind === 'predict') {
    // Pixels [from, to) of the shared feature stack: coded, then every tree.
    const t = performance.now();
    const m = msg.to - msg.from;
    const codes = encodeFeatures(forest, new Float32Array(msg.x), msg.n, msg.from, msg.to);
    const sums = new Float32Array(forest.nClasses * m);
    accumulateCodes(forest, codes, m, sums);
    parentPort.postMessage({ ms: performance.now() - t, sums }, [sums.buffer]);
  }
});
void workerData;
