// A real JupyterLab (on a free loopback port, in a temporary root) and headless Debian
// Chromium on it, for the browser benchmarks: `withLab(notebook, async page => ...)`.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { freePort, startProcess } = require('./transfer');

const repo = path.resolve(__dirname, '..');
const uiTests = path.join(repo, 'ui-tests');
const { chromium } = require(require.resolve('playwright-core', { paths: [uiTests] }));
const launchOptions = require(path.join(uiTests, 'chromium.js'));
const { waitForLab, openNewNotebook } = require(path.join(uiTests, 'tests', 'helpers.js'));

/** Runs `body(page, browser)` on a fresh notebook `notebook` in a fresh JupyterLab; cleans up. */
async function withLab(notebook, body) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-bench-'));
  const port = await freePort();
  let lab;
  let browser;
  try {
    lab = await startProcess(
      path.join(repo, '.venv', 'bin', 'jupyter'),
      [
        'lab', '--no-browser', '--allow-root', `--port=${port}`, '--ServerApp.ip=127.0.0.1', '--IdentityProvider.token=', '--ServerApp.disable_check_xsrf=True',
        // Not cross-origin isolated: served with COOP/COEP, JupyterLab 4.5 loads but notebook
        // cells never finished in our try, so browser timers keep their 0.1 ms grain.
        '--LabApp.expose_app_in_browser=True', `--ServerApp.root_dir=${root}`, `--LabApp.workspaces_dir=${path.join(root, 'workspaces')}`
      ],
      { env: { ...process.env, SEGLAB_DATA: path.resolve(process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data')) } },
      l => l.includes('is running at'),
      'jupyter lab'
    );
    browser = await chromium.launch(launchOptions);
    const page = await (await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(600000);
    await page.goto('/lab?reset');
    await waitForLab(page);
    await openNewNotebook(page, notebook);
    return await body(page, browser);
  } finally {
    if (browser) await browser.close();
    if (lab) lab.kill('SIGTERM');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { withLab, repo };
