/// <reference types="node" />
// The files `python -m seglab.models export` writes for `arch` with seed 0, through the export
// cache (exported by the first spec that asks, then read from .cache/models). Not a spec file.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const python = path.join(repoRoot, '.venv', 'bin', 'python');

export function exportedModel(arch: string): { encoder: Uint8Array; decoder: Uint8Array } {
  const out = execFileSync(python, ['-c', `from seglab.models import cached_export; print(cached_export(${JSON.stringify(arch)}, seed=0))`], {
    cwd: repoRoot,
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'python-kernel-bridge') },
    maxBuffer: 1 << 24
  });
  const folder = out.toString().trim().split('\n').pop()!;
  return { encoder: fs.readFileSync(path.join(folder, 'encoder.onnx')), decoder: fs.readFileSync(path.join(folder, 'decoder.onnx')) };
}
