/// <reference types="node" />
// Runs numpy/scipy/scikit-image from the project's venv as an independent reference inside a
// test, and brings back the arrays a script emits. Not a spec file: imported by the specs.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DType, typedArrayConstructor } from '../../dtypes';
import { ndarrayFromBuffer, NDArray } from '../../ndarray';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
export const dataDir = process.env.SEGLAB_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
export const haveReference = fs.existsSync(python) && fs.existsSync(path.join(dataDir, 'nuclei2d', 'labels.tif'));

/** `it` when the venv and the data are there, `it.skip` (with a warning) otherwise. */
export function itWithReference(name: string, fn: () => void, timeout?: number): void {
  if (haveReference) {
    it(name, fn, timeout);
  } else {
    it.skip(`${name} (no venv python at ${python} or no data in ${dataDir})`, fn);
  }
}

// The script sees `DATA` (the data folder), `arg` (the JSON argument) and `emit(name, array)`.
const PRELUDE = `
import json, os, sys
import numpy as np
DATA = os.environ["SEGLAB_DATA"]
arg = json.loads(os.environ["SEGLAB_ARG"])
_out = []
def emit(name, a):
    a = np.asarray(a)
    if a.dtype == bool:
        a = a.astype(np.uint8)
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
    _out.append((name, a.dtype.name, list(a.shape), a.tobytes()))
`;
const EPILOGUE = `
header = [dict(name=n, dtype=d, shape=s, nbytes=len(b)) for n, d, s, b in _out]
sys.stdout.buffer.write(json.dumps(header).encode() + b"\\n")
for _, _, _, b in _out:
    sys.stdout.buffer.write(b)
`;

/** Runs `script` and returns every emitted array by name, as NDArrays over fresh buffers. */
export function runReference(script: string, arg: unknown = null): Record<string, NDArray> {
  const out = execFileSync(python, ['-c', PRELUDE + script + EPILOGUE], {
    env: { ...process.env, SEGLAB_DATA: dataDir, SEGLAB_ARG: JSON.stringify(arg) },
    maxBuffer: 1024 * 1024 * 1024
  });
  const newline = out.indexOf(0x0a);
  const header = JSON.parse(out.subarray(0, newline).toString('utf8')) as Array<{
    name: string;
    dtype: string;
    shape: number[];
    nbytes: number;
  }>;
  const result: Record<string, NDArray> = {};
  let offset = newline + 1;
  for (const { name, dtype, shape, nbytes } of header) {
    const bytes = new Uint8Array(nbytes);
    bytes.set(out.subarray(offset, offset + nbytes));
    offset += nbytes;
    // A scalar becomes shape [1]; an empty array (ndarrayFromBuffer refuses 0-length axes)
    // becomes an empty typed array of its dtype.
    const dims = shape.length === 0 ? [1] : shape;
    result[name] = dims.includes(0)
      ? { dtype: dtype as DType, shape: dims, data: new (typedArrayConstructor(dtype as DType))(0) }
      : ndarrayFromBuffer(bytes.buffer, dtype, dims);
  }
  return result;
}

/** Plain numbers of an integer NDArray (intp coordinates etc.). */
export function numbersOf(array: NDArray): number[] {
  return Array.from(array.data as ArrayLike<number | bigint>, Number);
}
