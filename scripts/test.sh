#!/usr/bin/env bash
# Runs every SegLab test: jest (TypeScript units), pytest (Python, with a real kernel comm round
# trip) and the ui-tests (Playwright in Debian's Chromium against a real `jupyter lab` that the
# test config starts). Installs and builds whatever is missing first (scripts/setup.sh).
#
#   scripts/test.sh             everything
#   SEGLAB_DATA=/path/to/data   real microscopy images (default: ../shared/data)
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
scripts/setup.sh --no-start || { echo "test.sh: setup failed" >&2; exit 1; }
export PATH="$repo/.venv/bin:$PATH"
export SEGLAB_DATA="${SEGLAB_DATA:-$(cd "$repo/.." && pwd)/shared/data}"
[[ -d "$SEGLAB_DATA" ]] || { echo "test.sh: SEGLAB_DATA=$SEGLAB_DATA is not a folder of test images" >&2; exit 1; }

declare -a summary=()
failed=0
suite() {
  local name="$1"; shift
  printf '\n\033[1m=== %s ===\033[0m\n' "$name"
  local t0=$SECONDS
  if "$@"; then
    summary+=("PASS  $name ($((SECONDS - t0)) s)")
  else
    summary+=("FAIL  $name ($((SECONDS - t0)) s)")
    failed=1
  fi
}

# onnxruntime-web loads its WASM glue with a dynamic import(), which jest's module sandbox only
# allows with Node's VM modules (the SAM specs run the real model files through it).
suite "jest (TypeScript units)" env NODE_OPTIONS=--experimental-vm-modules npx jest --silent
suite "pytest (python-kernel-bridge)" .venv/bin/python -m pytest python-kernel-bridge/tests -q
suite "ui-tests (Playwright, real JupyterLab + Chromium)" bash -c 'cd ui-tests && npx playwright test'

printf '\n\033[1m=== summary ===\033[0m\n'
printf '%s\n' "${summary[@]}"
exit "$failed"
