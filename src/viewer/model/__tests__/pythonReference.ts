// Runs the project's venv Python (numpy, tifffile) as an independent reference for the viewer
// model tests. Not a test file itself (no .spec): imported by the specs that need it.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
export const python = path.join(repoRoot, '.venv', 'bin', 'python');
export const dataDir = process.env.SEGLAB_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
export const haveReference = fs.existsSync(python) && fs.existsSync(dataDir);

if (!haveReference) {
  // eslint-disable-next-line no-console
  console.warn(`skipping numpy reference tests: need ${python} and ${dataDir}`);
}

/**
 * Runs `script` with `request` available as the Python variable `request` (parsed JSON).
 * The script writes one JSON line, then optionally raw bytes; both come back.
 */
export function runPython<Meta>(script: string, request: unknown): { meta: Meta; bytes: Uint8Array } {
  const prelude = 'import json, os, sys\nimport numpy as np\nrequest = json.loads(os.environ["SEGLAB_REQUEST"])\n';
  const out = execFileSync(python, ['-c', prelude + script], {
    env: { ...process.env, SEGLAB_DATA: dataDir, SEGLAB_REQUEST: JSON.stringify(request) },
    maxBuffer: 256 * 2 ** 20
  });
  const newline = out.indexOf(0x0a);
  const bytes = new Uint8Array(out.byteLength - newline - 1);
  bytes.set(out.subarray(newline + 1)); // own, aligned buffer: typed arrays of any width can view it
  return { meta: JSON.parse(out.subarray(0, newline).toString('utf8')), bytes };
}
