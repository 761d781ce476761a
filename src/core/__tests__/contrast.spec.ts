// Covers src/core/contrast.ts: autoContrastLimits per dtype, non-finite values, and one real uint16 microscopy image.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { autoContrastLimits } from '../contrast';
import { DType, TypedArray } from '../dtypes';
import { ndarrayFromBuffer, NDArray } from '../ndarray';

const arr = (dtype: DType, data: TypedArray, shape = [data.length]): NDArray => ({ dtype, shape, data });

describe('autoContrastLimits', () => {
  it('uses the full dtype range for uint8, whatever the content', () => {
    expect(autoContrastLimits(arr('uint8', new Uint8Array([10, 20, 30])))).toEqual([0, 255]);
    expect(autoContrastLimits(arr('uint8', new Uint8Array([7, 7])))).toEqual([0, 255]);
  });

  it('uses [0, 1] for bool', () => {
    expect(autoContrastLimits(arr('bool', new Uint8Array([0, 0, 0])))).toEqual([0, 1]);
    expect(autoContrastLimits(arr('bool', new Uint8Array([1, 0, 1])))).toEqual([0, 1]);
  });

  it('uses the data min/max for uint16 (not the dtype range)', () => {
    const data = new Uint16Array([500, 120, 4095, 777, 121]);
    expect(autoContrastLimits(arr('uint16', data))).toEqual([120, 4095]);
  });

  it('finds the min/max wherever they are (first and last element)', () => {
    expect(autoContrastLimits(arr('uint32', new Uint32Array([1, 5, 3, 9])))).toEqual([1, 9]);
    expect(autoContrastLimits(arr('uint32', new Uint32Array([9, 5, 3, 1])))).toEqual([1, 9]);
    expect(autoContrastLimits(arr('uint32', new Uint32Array([4294967295, 0])))).toEqual([0, 4294967295]);
  });

  it('handles negative signed integers', () => {
    expect(autoContrastLimits(arr('int16', new Int16Array([-32768, -5, 100, 32767])))).toEqual([-32768, 32767]);
    expect(autoContrastLimits(arr('int8', new Int8Array([-3, -7, -1])))).toEqual([-7, -1]);
  });

  it('ignores NaN, +Inf and -Inf in float images', () => {
    const data = new Float32Array([NaN, 0.25, Infinity, -3.5, -Infinity, 2, NaN]);
    expect(autoContrastLimits(arr('float32', data))).toEqual([-3.5, 2]);
    const f64 = new Float64Array([-Infinity, 1e300, -1e-300, Infinity]);
    expect(autoContrastLimits(arr('float64', f64))).toEqual([-1e-300, 1e300]);
  });

  it('ignores a leading NaN (it must not become the min or max)', () => {
    expect(autoContrastLimits(arr('float64', new Float64Array([NaN, 3, 4])))).toEqual([3, 4]);
  });

  it('returns [0, 1] when no value is finite', () => {
    expect(autoContrastLimits(arr('float32', new Float32Array([NaN, NaN])))).toEqual([0, 1]);
    expect(autoContrastLimits(arr('float64', new Float64Array([Infinity, -Infinity, NaN])))).toEqual([0, 1]);
  });

  it('returns [v, v + 1] for a constant image', () => {
    expect(autoContrastLimits(arr('uint16', new Uint16Array([42, 42, 42])))).toEqual([42, 43]);
    expect(autoContrastLimits(arr('float32', new Float32Array([-0.5, NaN, -0.5])))).toEqual([-0.5, 0.5]);
    expect(autoContrastLimits(arr('int16', new Int16Array([-9])))).toEqual([-9, -8]);
  });

  it('handles int64 and uint64 (BigInt) arrays, returning numbers', () => {
    const i64 = new BigInt64Array([-(2n ** 40n), 5n, 123456789n]);
    const lim = autoContrastLimits(arr('int64', i64));
    expect(lim).toEqual([-(2 ** 40), 123456789]);
    expect(typeof lim[0]).toBe('number');
    expect(autoContrastLimits(arr('uint64', new BigUint64Array([7n, 3n, 2n ** 33n])))).toEqual([3, 2 ** 33]);
    expect(autoContrastLimits(arr('int64', new BigInt64Array([6n, 6n])))).toEqual([6, 7]);
  });
});

describe('autoContrastLimits on a real microscopy image', () => {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const python = path.join(repoRoot, '.venv', 'bin', 'python');
  const dataDir = process.env.SEGLAB_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data');
  const haveVenv = fs.existsSync(python);
  const run = haveVenv ? it : it.skip;
  if (!haveVenv) {
    // eslint-disable-next-line no-console
    console.warn(`skipping the real-image contrast test: no venv python at ${python}`);
  }

  run('matches numpy min()/max() on nuclei2d/image.tif (uint16)', () => {
    // First line: JSON with numpy's view of the image; then the raw little-endian uint16 pixels.
    const script = [
      'import json, os, sys, tifffile',
      'a = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d/image.tif"))',
      'meta = dict(dtype=str(a.dtype), shape=list(a.shape), min=int(a.min()), max=int(a.max()))',
      'sys.stdout.buffer.write(json.dumps(meta).encode() + b"\\n")',
      'sys.stdout.buffer.write(a.astype("<u2").tobytes())'
    ].join('\n');
    const out = execFileSync(python, ['-c', script], {
      env: { ...process.env, SEGLAB_DATA: dataDir },
      maxBuffer: 256 * 1024 * 1024
    });
    const newline = out.indexOf(0x0a);
    const meta = JSON.parse(out.subarray(0, newline).toString('utf8'));
    expect(meta.dtype).toBe('uint16'); // so that astype("<u2") changed no value
    const pixels = out.subarray(newline + 1);
    const bytes = new Uint8Array(pixels.byteLength);
    bytes.set(pixels);
    const image = ndarrayFromBuffer(bytes.buffer, 'uint16', meta.shape);
    expect(image.data.length).toBe(meta.shape[0] * meta.shape[1]);
    expect(meta.max).toBeGreaterThan(meta.min); // a real image, not a constant one
    expect(autoContrastLimits(image)).toEqual([meta.min, meta.max]);
  });
});
