#!/usr/bin/env bash
# Installs everything SegLab needs on a fresh machine (Node 20, npm, Python 3.11, Debian),
# builds the extension and, unless --no-start is given, starts JupyterLab with the quickstart.
#
#   scripts/setup.sh              install + build + start JupyterLab (examples/quickstart.ipynb)
#   scripts/setup.sh --no-start   install + build only (used by scripts/test.sh and CI)
#   scripts/setup.sh --port=9999  other options go to `jupyter lab`
#
# Idempotent: each step is skipped when its inputs (lock files, requirements, sources)
# have not changed since it last ran.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
start=1
lab_args=()
for arg in "$@"; do
  case "$arg" in
    --no-start) start=0 ;;
    *) lab_args+=("$arg") ;;
  esac
done

stamps="$repo/.cache/setup"
mkdir -p "$stamps"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
# A step re-runs only when the hash of its input files differs from the one recorded after
# it last succeeded: `stale NAME FILE...` tests, `record NAME FILE...` records.
digest() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }
stale() { local name="$1"; shift; [[ "$(cat "$stamps/$name" 2>/dev/null)" != "$(digest "$@")" ]]; }
record() { local name="$1"; shift; digest "$@" > "$stamps/$name"; }

# 1. Debian's Chromium (the only browser the ui-tests use; never a downloaded one).
if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian's chromium"
  sudo_cmd=""
  [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# 2. Python virtual environment inside the repository (ignored by git).
if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv"
  python3 -m venv .venv
fi
if stale python python-kernel-bridge/requirements-dev.txt python-kernel-bridge/requirements-models.txt; then
  log "installing Python packages into .venv (PyTorch for model export included: ~1 min, ~5 GB)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r python-kernel-bridge/requirements-dev.txt -r python-kernel-bridge/requirements-models.txt
  record python python-kernel-bridge/requirements-dev.txt python-kernel-bridge/requirements-models.txt
fi
export PATH="$repo/.venv/bin:$PATH"

# 3. npm packages: the extension's and the ui-tests' (Playwright without its browser download).
if [[ ! -d node_modules ]] || stale npm package-lock.json; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  record npm package-lock.json
fi
if [[ ! -d ui-tests/node_modules ]] || stale npm-ui ui-tests/package-lock.json; then
  log "installing ui-tests npm packages"
  (cd ui-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  record npm-ui ui-tests/package-lock.json
fi

# 4. Build the prebuilt extension when any source changed.
mapfile -t build_inputs < <(printf "%s\n" package.json tsconfig.json install.json scripts/webpack.config.js; find src style schema python-kernel-bridge/seglab/models/prompter -type f | sort)
if [[ ! -f python-kernel-bridge/seglab/labextension/package.json ]] || stale build "${build_inputs[@]}"; then
  log "building the JupyterLab extension"
  npm run --silent build:prod > "$stamps/build.log" 2>&1 ||
    { tail -n 60 "$stamps/build.log" >&2; echo "setup.sh: build failed (log: $stamps/build.log)" >&2; exit 1; }
  record build "${build_inputs[@]}"
fi

# 5. The kernel bridge, editable, with the built extension linked into the venv's
#    share/jupyter/labextensions (so rebuilds show up without reinstalling).
if ! .venv/bin/python -c "import seglab" 2>/dev/null || stale pip-seglab python-kernel-bridge/pyproject.toml; then
  log "installing python-kernel-bridge (editable) and linking the extension"
  .venv/bin/python -m pip install -q --no-build-isolation --no-deps -e python-kernel-bridge
  .venv/bin/jupyter labextension develop --overwrite python-kernel-bridge >/dev/null
  record pip-seglab python-kernel-bridge/pyproject.toml
fi
.venv/bin/jupyter labextension list 2>&1 | grep -q "seglab.*enabled.*OK" ||
  { echo "setup.sh: the seglab extension is not enabled in .venv's JupyterLab" >&2; exit 1; }
log "ready: .venv, node_modules, extension built and installed"

if [[ "$start" == 1 ]]; then
  export SEGLAB_DATA="${SEGLAB_DATA:-$(cd "$repo/.." && pwd)/shared/data}"
  log "starting JupyterLab (SEGLAB_DATA=$SEGLAB_DATA)"
  [[ "$(id -u)" == 0 ]] && lab_args+=(--allow-root)
  exec .venv/bin/jupyter lab "${lab_args[@]}" examples/quickstart.ipynb
fi
