// Covers src/core/histogram.ts against numpy.histogram on a real image and on edge cases.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { histogram } from '../histogram';
import { NDArray } from '../ndarray';

const repo = path.resolve(__dirname, '..', '..', '..');
const python = path.join(repo, '.venv', 'bin', 'python');
const data = process.env.SEGLAB_DATA || path.join(repo, '..', 'shared', 'data');

describe('histogram', () => {
  it('counts like numpy.histogram, last bin closed', () => {
    const a: NDArray = { dtype: 'float64', shape: [6], data: new Float64Array([0, 0.5, 1, 1.5, 2, 3]) };
    const h = histogram(a, 3, [0, 3]);
    expect(Array.from(h.counts)).toEqual([2, 2, 2]);
    expect(h.range).toEqual([0, 3]);
  });

  it('skips NaN and ±Inf and reports how many', () => {
    const a: NDArray = { dtype: 'float32', shape: [5], data: new Float32Array([NaN, 1, Infinity, 2, -Infinity]) };
    const h = histogram(a, 2);
    expect(h.range).toEqual([1, 2]);
    expect(Array.from(h.counts)).toEqual([1, 1]);
    expect(h.nonFinite).toBe(3);
  });

  it('gives a valid range for a constant image and rejects bad arguments', () => {
    const a: NDArray = { dtype: 'uint16', shape: [3], data: new Uint16Array([7, 7, 7]) };
    expect(histogram(a, 4).range).toEqual([7, 8]);
    expect(() => histogram(a, 0)).toThrow(/positive integer/);
    expect(() => histogram(a, 4, [5, 5])).toThrow(/low < high/);
  });

  const file = path.join(data, 'nuclei2d', 'image.tif');
  (fs.existsSync(file) && fs.existsSync(python) ? it : it.skip)('matches numpy.histogram on nuclei2d (512x512 uint16)', () => {
    const run = (code: string) => execFileSync(python, ['-c', `import json, sys, numpy as np, tifffile\na = tifffile.imread(sys.argv[1])\n${code}`, file], { maxBuffer: 1 << 24 });
    const raw = run("sys.stdout.buffer.write(a.astype('<u2').tobytes())");
    const pixels = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const ref = JSON.parse(run('c, e = np.histogram(a, bins=64); print(json.dumps([c.tolist(), [float(e[0]), float(e[-1])]]))').toString());
    const h = histogram({ dtype: 'uint16', shape: [512, 512], data: pixels }, 64);
    expect(h.range).toEqual(ref[1]);
    expect(Array.from(h.counts)).toEqual(ref[0]);
  });
});
