// Benchmark: a lazy 20000 × 20000 uint16 zarr image in the real JupyterLab (headless Debian
// Chromium, a real kernel): time to open it, and time from a pan to the new tiles drawn (the
// browser asks the kernel for each region, the kernel reads zarr, the tile is uploaded), with
// the kernel reading the same number of regions straight from zarr in the same run as the peer;
// plus the kernel's and the tab's memory while browsing; and a lazy 100 x 2048² stack: time to
// open it and from a slice change to its tiles drawn, against the kernel reading those regions.
//
//   node bench/lazy.js [--pans 24] [--slices 20] [--out bench/results/lazy.json]
const path = require('path');
const fs = require('fs');
const { median, environment } = require('./transfer');
const { withLab, repo } = require('./lab');

const { runCode, cellOutput, runCodeIndex, readoutAt, canvasBox } = require(path.join(repo, 'ui-tests', 'tests', 'helpers.js'));

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const pans = Number(arg('--pans', '24'));
const slices = Number(arg('--slices', '20'));
const out = path.resolve(arg('--out', path.join(repo, 'bench', 'results', 'lazy.json')));
const p95 = v => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))];
const json = text => JSON.parse(text.trim().split('\n').pop());

const SETUP = `
import os, json, tempfile, time, resource, tifffile, zarr
nuclei = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d", "image.tif"))
path = os.path.join(tempfile.mkdtemp(), "big.zarr")
z = zarr.create_array(store=path, shape=(20000, 20000), chunks=(512, 512), dtype="uint16", fill_value=0)
# Real content in a band 4096 rows high across the whole width: what the pans travel over.
z[8192:12288, :] = np.tile(nuclei, (8, 40))[:, :20000]
def rss_mib():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024
`;

/**
 * Pans one key press right (50 px) `steps` times; returns the ms until no tile is pending and
 * whether the pan needed tiles that were not on the GPU (a frame drawn without them).
 */
function timedPan(host, steps) {
  return host.evaluate(async (node, n) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) node.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    // The pan's frame, then every frame until the last missing tile arrived and was drawn.
    await new Promise(r => requestAnimationFrame(() => r()));
    const waited = node.seglabPending;
    while (node.seglabPending) await new Promise(r => requestAnimationFrame(() => r()));
    return { ms: performance.now() - t0, waited };
  }, steps);
}

const STACK_SETUP = `
stack_path = os.path.join(tempfile.mkdtemp(), "stack.zarr")
zs = zarr.create_array(store=stack_path, shape=(100, 2048, 2048), chunks=(1, 512, 512), dtype="uint16", fill_value=0)
plane = np.tile(nuclei, (-(-2048 // nuclei.shape[0]), -(-2048 // nuclei.shape[1])))[:2048, :2048]
for i in range(100):  # every slice different: the nuclei shifted by 7 px a slice
    zs[i] = np.roll(plane, 7 * i, axis=1)
`;

/** Moves the first dims slider to \`step\` (as a drag does); ms until no tile is pending. */
function timedSlice(viewer, step) {
  return viewer.evaluate(async (node, s) => {
    const range = node.querySelector('.jp-SegLab-dimsSlider');
    const host = node.querySelector('.jp-SegLab-canvasHost');
    const t0 = performance.now();
    range.value = String(s);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise(r => requestAnimationFrame(() => r()));
    while (host.seglabPending) await new Promise(r => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  }, step);
}

/**
 * A lazy 100 × 2048² uint16 zarr stack: time to open it, and from a slice change to that
 * slice's tiles drawn (the whole slice in view, as when scrolling through a stack), against
 * the kernel reading the regions the viewer asked for straight from the same zarr.
 */
async function stackResults(page, slices) {
  await runCode(page, STACK_SETUP);
  const index = await runCodeIndex(page, 't0 = time.perf_counter()\nvs = Viewer()\nstack = vs.add_image(zarr.open_array(stack_path, mode="r"), name="stack", contrast_limits=(0, 1000))\nvs');
  const openS = json(await runCode(page, 'vs.wait_until_ready("stack", timeout=120)\nprint(json.dumps(time.perf_counter() - t0))'));
  const viewer = cellOutput(page, index).locator('.jp-SegLab-viewer');
  await viewer.locator('.jp-SegLab-canvasHost').scrollIntoViewIfNeeded();
  await timedSlice(viewer, 0); // the first view's tiles
  const before = json(await runCode(page, 'print(json.dumps(vs.tile_cache.misses))'));
  const times = [];
  for (let i = 1; i <= slices; i++) times.push(await timedSlice(viewer, (i * 37) % 100)); // never a cached slice twice in a row
  const after = json(await runCode(page, 'print(json.dumps(vs.tile_cache.misses))'));
  const regions = (after - before) / slices;
  // The peer: the kernel reading the regions the viewer asked for on its last slice change
  // (from the tile cache's keys) straight from a fresh handle on the same zarr.
  const last = (slices * 37) % 100;
  const peer = json(
    await runCode(
      page,
      `from seglab.lazy import region_of
keys = [k for k in list(vs._tile_cache._entries) if k[0] == stack.id and k[3][0] == ${last}]
fresh = zarr.open_array(stack_path, mode="r")
ts = []
for i in range(5):
    t = time.perf_counter()
    for k in keys:
        np.asarray(fresh[region_of(fresh.shape, k[3], k[4], k[5], False)])
    ts.append(time.perf_counter() - t)
print(json.dumps([sorted(ts)[len(ts) // 2] * 1000, len(keys)]))`
    )
  );
  const value = median(times);
  return [
    { name: 'lazy_open_100x2048x2048_uint16_zarr', value: Number((openS * 1000).toFixed(1)), unit: 'ms', note: 'add_image of the 800 MB stack until the frontend confirmed the layer (no pixels travel)', peer: null, peer_value: null, ratio: null },
    {
      name: 'lazy_slice_change_to_tiles_drawn_100x2048x2048_uint16_zarr',
      value: Number(value.toFixed(1)),
      unit: 'ms',
      p95: Number(p95(times).toFixed(1)),
      slice_changes: times.length,
      regions_per_change: Number(regions.toFixed(2)),
      peer: `the kernel reading the ${peer[1]} region(s) of a slice change straight from the same zarr (median)`,
      peer_value: Number(peer[0].toFixed(1)),
      ratio: Number((value / peer[0]).toFixed(2))
    }
  ];
}

async function main() {
  await withLab('lazy.ipynb', async (page, browser) => {
    await runCode(page, SETUP);
    const index = await runCodeIndex(page, 't0 = time.perf_counter()\nv = Viewer()\nlayer = v.add_image(zarr.open_array(path, mode="r"), name="big", contrast_limits=(0, 1000))\nv');
    const openS = json(await runCode(page, 'v.wait_until_ready("big", timeout=120)\nprint(json.dumps(time.perf_counter() - t0))'));
    const viewer = cellOutput(page, index).locator('.jp-SegLab-viewer');
    const host = viewer.locator('.jp-SegLab-canvasHost');
    await host.scrollIntoViewIfNeeded();
    await host.focus();
    await page.keyboard.press('Home');
    // Zoom about the centre (inside the band) to about one screen pixel per image pixel.
    const box = await canvasBox(viewer);
    const cx = Math.round(box.x + box.width / 2);
    const cy = Math.round(box.y + box.height / 2);
    for (let i = 0; i < 60; i++) {
      const a = await readoutAt(page, viewer, cx - 100, cy);
      const b = await readoutAt(page, viewer, cx + 100, cy);
      if (200 / (b.col - a.col) >= 1) break;
      await host.focus();
      await page.keyboard.press('+');
    }
    await page.mouse.move(0, 0);
    await host.evaluate(async node => {
      while (node.seglabPending) await new Promise(r => requestAnimationFrame(() => r()));
    });
    const before = json(await runCode(page, 'print(json.dumps([v.tile_cache.misses, rss_mib()]))'));
    const heapBefore = await page.evaluate(() => performance.memory.usedJSHeapSize / 2 ** 20);
    const all = [];
    for (let i = 0; i < pans; i++) all.push(await timedPan(host, 6)); // 300 px each
    const times = all.map(p => p.ms);
    const fetching = all.filter(p => p.waited).map(p => p.ms);
    const after = json(await runCode(page, 'print(json.dumps([v.tile_cache.misses, rss_mib(), v.tile_cache.bytes / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))'));
    const heapAfter = await page.evaluate(() => performance.memory.usedJSHeapSize / 2 ** 20);
    const gpu = await host.evaluate(n => n.seglabTileCache);
    const regionsPerPan = (after[0] - before[0]) / pans;
    // The peer: the kernel reading that many 514² regions (a tile and its halo) straight from
    // a fresh handle on the same zarr, from a part of the band no pan touched.
    const peer = json(
      await runCode(
        page,
        `fresh = zarr.open_array(path, mode="r")
k = max(1, round(${regionsPerPan}))
ts = []
for i in range(${pans}):
    c0 = 512 * (2 * i % 36)
    t = time.perf_counter()
    for j in range(k):
        np.asarray(fresh[11000:11514, c0 + 514 * j % 19000:c0 + 514 * j % 19000 + 514])
    ts.append(time.perf_counter() - t)
print(json.dumps([sorted(ts)[len(ts) // 2] * 1000, k]))`
      )
    );
    const value = median(times);
    const results = [
      { name: 'lazy_open_20000x20000_uint16_zarr', value: Number((openS * 1000).toFixed(1)), unit: 'ms', note: 'add_image of the zarr until the frontend confirmed the layer (no pixels travel)', peer: null, peer_value: null, ratio: null },
      {
        name: 'lazy_pan_to_tiles_drawn_20000x20000_uint16_zarr',
        value: Number(value.toFixed(1)),
        unit: 'ms',
        p95: Number(p95(times).toFixed(1)),
        pans: times.length,
        pan_px: 300,
        // The pans that had to wait for the kernel (the others found their tiles cached).
        pans_fetching: fetching.length,
        fetching_median: fetching.length ? Number(median(fetching).toFixed(1)) : null,
        fetching_p95: fetching.length ? Number(p95(fetching).toFixed(1)) : null,
        regions_per_pan: Number(regionsPerPan.toFixed(2)),
        peer: `the kernel reading ${peer[1]} region(s) of 514² straight from the same zarr (median per pan)`,
        peer_value: Number(peer[0].toFixed(1)),
        ratio: Number((value / peer[0]).toFixed(2)),
        target_p95_ms: 150
      },
      {
        name: 'lazy_memory_while_panning',
        unit: 'MiB',
        kernel_rss_before: Number(before[1].toFixed(1)),
        kernel_rss_after: Number(after[1].toFixed(1)),
        kernel_peak_rss: Number(after[3].toFixed(1)),
        kernel_tile_cache: Number(after[2].toFixed(1)),
        tab_js_heap_before: Number(heapBefore.toFixed(1)),
        tab_js_heap_after: Number(heapAfter.toFixed(1)),
        gpu_tile_bytes: gpu.bytes / 2 ** 20,
        image_bytes: (20000 * 20000 * 2) / 2 ** 20
      }
    ];
    results.push(...(await stackResults(page, slices)));
    for (const r of results) console.log(JSON.stringify(r));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ benchmark: 'lazy', environment: environment(browser), results }, null, 2) + '\n');
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
