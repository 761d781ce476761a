// Runs a reference computation in the project's venv (numpy, scipy, scikit-image) within a
// jest test: JSON in on stdin as `data`, JSON out on stdout. Used by the parity tests.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
export const venvPython = path.join(repoRoot, '.venv', 'bin', 'python');
export const haveVenv = fs.existsSync(venvPython);
export const dataDir = process.env.SEGLAB_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');

/** `it` when the venv exists, `it.skip` (with a warning) when it does not. */
export function itWithPython(what: string): jest.It {
  if (!haveVenv) {
    // eslint-disable-next-line no-console
    console.warn(`skipping ${what}: no venv python at ${venvPython}`);
    return it.skip;
  }
  return it;
}

/** Runs `script` with `data` (parsed from stdin JSON) in scope; the script must print one JSON value. */
export function runPython<T>(script: string, input: unknown): T {
  const prelude = 'import json, os, sys\nimport numpy as np\ndata = json.loads(sys.stdin.read())\n';
  const out = execFileSync(venvPython, ['-c', prelude + script], {
    input: JSON.stringify(input),
    env: { ...process.env, SEGLAB_DATA: dataDir },
    maxBuffer: 256 * 1024 * 1024
  });
  return JSON.parse(out.toString('utf8')) as T;
}

/** A small seeded generator (mulberry32) so random test cases are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flat indices of the non-zero pixels, the form the Python side returns masks in. */
export function nonzeroIndices(data: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i]) out.push(i);
  return out;
}
