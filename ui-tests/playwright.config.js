// End-to-end tests: a real `jupyter lab` (started here, on loopback, in a fresh temporary root),
// a real Python kernel, real Chromium from Debian.
const path = require('path');
const os = require('os');
const fs = require('fs');
const chromium = require('./chromium');

const repo = path.resolve(__dirname, '..');
const port = Number(process.env.SEGLAB_TEST_PORT || 8891);
// Workers load this file again: they must reuse the root of the server the main process started.
const root = process.env.SEGLAB_TEST_ROOT || fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-ui-'));
const dataDir = path.resolve(process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data'));
const jupyter = process.env.SEGLAB_JUPYTER || path.join(repo, '.venv', 'bin', 'jupyter');

// The served folder holds a copy of examples/ so the tests never write into the repository.
// Settings and workspaces live beside it, not in it: a folder appearing in the file browser
// mid-test would shift the rows a test is about to double-click.
const served = path.join(root, 'files');
if (!fs.existsSync(path.join(served, 'examples'))) {
  fs.cpSync(path.join(repo, 'examples'), path.join(served, 'examples'), { recursive: true });
}
fs.mkdirSync(path.join(root, 'settings'), { recursive: true });
process.env.SEGLAB_TEST_ROOT = root;
process.env.SEGLAB_DATA = dataDir;

module.exports = {
  testDir: './tests',
  timeout: 180000,
  expect: { timeout: 30000 },
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1400, height: 1000 },
    launchOptions: chromium,
    trace: 'retain-on-failure'
  },
  webServer: {
    command: [
      jupyter,
      'lab',
      '--no-browser',
      '--allow-root',
      `--port=${port}`,
      '--ServerApp.ip=127.0.0.1',
      "--IdentityProvider.token=''",
      "--ServerApp.password=''",
      '--ServerApp.disable_check_xsrf=True',
      // window.jupyterapp lets tests run commands and read cell outputs without brittle clicks.
      '--LabApp.expose_app_in_browser=True',
      '--ServerApp.log_level=WARN',
      `--ServerApp.root_dir=${served}`,
      `--LabApp.user_settings_dir=${path.join(root, 'settings')}`,
      `--LabApp.workspaces_dir=${path.join(root, 'workspaces')}`
    ].join(' '),
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 120000,
    reuseExistingServer: false,
    env: { ...process.env, SEGLAB_DATA: dataDir },
    stdout: 'ignore',
    stderr: 'pipe'
  }
};
