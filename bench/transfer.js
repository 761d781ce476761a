// Benchmark: numpy -> viewer -> numpy through a real JupyterLab, a real kernel and headless
// Debian Chromium, against a bare websocket on loopback in the same browser and the same run.
//
//   node bench/transfer.js [--sizes 1,16,128] [--runs 3] [--out bench/results/transfer.json]
//
// kernel -> browser: `v.add_image(arr)` until the frontend confirmed the layer (layer-ready);
// browser -> kernel: `v.layers[name].data` (request, frontend sends what it holds, kernel
// assembles). Both checked bit-exact. The peer streams the same bytes in the same 8 MiB chunks.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');

const repo = path.resolve(__dirname, '..');
const uiTests = path.join(repo, 'ui-tests');
const { chromium } = require(require.resolve('playwright-core', { paths: [uiTests] }));
const launchOptions = require(path.join(uiTests, 'chromium.js'));
const { waitForLab, runCode, openNewNotebook, freePort } = require(path.join(uiTests, 'tests', 'helpers.js'));

const MB = 1 << 20;
const CHUNK = 8 * MB; // seglab's default chunk (DEFAULT_CHUNK_BYTES)

function parseArgs(argv) {
  const args = { sizes: [1, 16, 128], runs: 3, out: path.join(repo, 'bench', 'results', 'transfer.json') };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (key === '--sizes') args.sizes = value.split(',').map(Number);
    else if (key === '--runs') args.runs = Number(value);
    else if (key === '--out') args.out = path.resolve(value);
    else throw new Error(`unknown option ${key} (expected --sizes, --runs, --out)`);
  }
  if (!args.sizes.every(s => Number.isFinite(s) && s > 0) || !(args.runs >= 1)) {
    throw new Error('--sizes must be positive MB numbers, --runs at least 1');
  }
  return args;
}

/** Starts a child process and resolves once `ready(line)` matched a line of its output. */
function startProcess(command, args, options, ready, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = data => {
      log += data;
      if (ready(log)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => reject(new Error(`${what} exited with ${code}:\n${log.slice(-3000)}`)));
    setTimeout(() => reject(new Error(`${what} did not start in 120 s:\n${log.slice(-3000)}`)), 120000);
  });
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs in the page: the bare websocket figures (seconds per transfer) for each size. */
async function measurePeer(page, wsPort, sizes, runs) {
  return page.evaluate(
    async ({ wsPort, sizes, runs, CHUNK, MB }) => {
      const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`);
      ws.binaryType = 'arraybuffer';
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('websocket peer unreachable'));
      });
      const out = {};
      for (const size of sizes) {
        const nbytes = Math.round(size * MB);
        const upload = new Uint8Array(nbytes);
        for (let i = 0; i < nbytes; i += 4096) upload[i] = (i * 2654435761) >>> 24;
        out[size] = { down: [], up: [] };
        for (let r = 0; r < runs; r++) {
          // server -> browser: received chunks are kept, as SegLab keeps them to assemble.
          let t0 = performance.now();
          await new Promise(resolve => {
            const parts = [];
            let got = 0;
            ws.onmessage = e => {
              parts.push(e.data);
              got += e.data.byteLength;
              if (got >= nbytes) {
                const whole = new Uint8Array(nbytes);
                let offset = 0;
                for (const p of parts) {
                  whole.set(new Uint8Array(p), offset);
                  offset += p.byteLength;
                }
                resolve(whole);
              }
            };
            ws.send(`send ${nbytes} ${CHUNK}`);
          });
          out[size].down.push((performance.now() - t0) / 1000);
          // browser -> server
          t0 = performance.now();
          await new Promise(resolve => {
            ws.onmessage = e => {
              if (typeof e.data === 'string' && e.data.startsWith('got ')) resolve();
            };
            ws.send(`recv ${nbytes}`);
            for (let offset = 0; offset < nbytes; offset += CHUNK) {
              ws.send(upload.slice(offset, Math.min(nbytes, offset + CHUNK)));
            }
          });
          out[size].up.push((performance.now() - t0) / 1000);
        }
      }
      ws.close();
      return out;
    },
    { wsPort, sizes, runs, CHUNK, MB }
  );
}

/** Runs in the kernel: SegLab figures (seconds) and bit-exactness for each size. */
async function measureSeglab(page, sizes, runs) {
  await runCode(page, 'import json, time\nv = Viewer()\nv');
  const code = `
rng = np.random.default_rng(1)
results = {}
for size in ${JSON.stringify(sizes)}:
    arr = rng.integers(0, 65536, size=(int(size * 2**20) // 2 // 1024, 1024), dtype=np.uint16)
    results[size] = {"down": [], "up": [], "bit_exact": True, "nbytes": arr.nbytes}
    for r in range(${runs}):
        t0 = time.perf_counter()
        v.add_image(arr, name="bench")
        v.wait_until_ready("bench", timeout=600)
        results[size]["down"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        back = v.layers["bench"].fetch(timeout=600)
        results[size]["up"].append(time.perf_counter() - t0)
        results[size]["bit_exact"] &= bool(back.dtype == arr.dtype and back.shape == arr.shape
                                           and back.tobytes() == arr.tobytes())
        v.layers.remove("bench")
        del back
print("RESULTS" + json.dumps(results))`;
  const output = await runCode(page, code);
  const line = output.split('\n').find(l => l.startsWith('RESULTS'));
  if (!line) throw new Error(`no results from the kernel:\n${output}`);
  return JSON.parse(line.slice('RESULTS'.length));
}

function environment(browser) {
  const pyVersions = require('child_process')
    .execFileSync(path.join(repo, '.venv', 'bin', 'python'), [
      '-c',
      'import json, sys, jupyterlab, ipywidgets, ipykernel, numpy; print(json.dumps({"python": sys.version.split()[0], "jupyterlab": jupyterlab.__version__, "ipywidgets": ipywidgets.__version__, "ipykernel": ipykernel.__version__, "numpy": numpy.__version__}))'
    ])
    .toString();
  return {
    ...JSON.parse(pyVersions),
    chromium: browser.version(),
    node: process.version,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0] && os.cpus()[0].model,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    chunk_bytes: CHUNK,
    date: new Date().toISOString()
  };
}

function records(sizes, seglab, peer, runs) {
  const rows = [];
  for (const size of sizes) {
    for (const [direction, label] of [
      ['down', 'kernel_to_browser'],
      ['up', 'browser_to_kernel']
    ]) {
      const mb = seglab[size].nbytes / MB;
      const value = mb / median(seglab[size][direction]);
      const peerValue = size / median(peer[size][direction]);
      rows.push({
        name: `transfer_${label}_${size}MB_uint16`,
        value: Number(value.toFixed(2)),
        unit: 'MB/s',
        peer: `raw websocket on loopback (python websockets ${direction === 'down' ? '->' : '<-'} same Chromium page, 8 MiB messages)`,
        peer_value: Number(peerValue.toFixed(2)),
        ratio: Number((value / peerValue).toFixed(3)),
        runs,
        seconds: seglab[size][direction].map(s => Number(s.toFixed(4))),
        peer_seconds: peer[size][direction].map(s => Number(s.toFixed(4))),
        bit_exact: seglab[size].bit_exact
      });
    }
  }
  return rows;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-bench-'));
  const [labPort, wsPort] = [await freePort(), await freePort()];
  const python = path.join(repo, '.venv', 'bin', 'python');
  const children = [];
  let browser;
  try {
    children.push(
      await startProcess(python, [path.join(__dirname, 'ws_peer.py'), '--port', String(wsPort)], {}, l => l.includes('listening'), 'websocket peer')
    );
    children.push(
      await startProcess(
        path.join(repo, '.venv', 'bin', 'jupyter'),
        ['lab', '--no-browser', '--allow-root', `--port=${labPort}`, '--ServerApp.ip=127.0.0.1', "--IdentityProvider.token=", '--ServerApp.disable_check_xsrf=True', '--LabApp.expose_app_in_browser=True', `--ServerApp.root_dir=${root}`, `--LabApp.workspaces_dir=${path.join(root, 'workspaces')}`],
        {},
        l => l.includes('is running at'),
        'jupyter lab'
      )
    );
    browser = await chromium.launch(launchOptions);
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${labPort}`, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto('/lab?reset');
    await waitForLab(page);
    await openNewNotebook(page, 'bench.ipynb');
    console.log(`sizes ${args.sizes.join(', ')} MB, ${args.runs} runs each`);
    const seglab = await measureSeglab(page, args.sizes, args.runs);
    const peer = await measurePeer(page, wsPort, args.sizes, args.runs);
    const result = { benchmark: 'transfer', environment: environment(browser), results: records(args.sizes, seglab, peer, args.runs) };
    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    fs.writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
    for (const r of result.results) {
      console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(9)} MB/s   websocket ${String(r.peer_value).padStart(9)} MB/s   ratio ${r.ratio}   bit-exact ${r.bit_exact}`);
    }
    console.log(`wrote ${path.relative(process.cwd(), args.out)}`);
    if (!result.results.every(r => r.bit_exact)) process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    for (const child of children) child.kill('SIGTERM');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { freePort, startProcess, median, environment };

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
