// Covers src/core/colormaps.ts (and the generated colormapData.ts): every table against
// matplotlib run in this test, names, copies, colormapColor's clamping and NaN.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COLORMAP_NAMES, ColormapName, colormapColor, colormapLUT, isColormapName, LUT_SIZE } from '../colormaps';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
const haveVenv = fs.existsSync(python);
if (!haveVenv) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the matplotlib colormap parity test: no venv python at ${python}`);
}

/**
 * matplotlib's float RGBA for each of our maps, 256 entries. Single-hue ramps have no
 * matplotlib name, so they are built with matplotlib from their end colours (black to the
 * named colour), which is how napari defines them.
 */
function matplotlibTables(): Record<string, number[][]> {
  const script = `
import json, matplotlib, numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
ramps = dict(green='#00ff00', magenta='#ff00ff', cyan='#00ffff', red='#ff0000', blue='#0000ff', yellow='#ffff00')
out = {}
for name in ${JSON.stringify(COLORMAP_NAMES)}:
    if name in ramps:
        cmap = LinearSegmentedColormap.from_list(name, [(0, 0, 0), to_rgb(ramps[name])], N=256)
    else:
        cmap = matplotlib.colormaps[name]
    assert cmap.N == 256, name
    out[name] = cmap(np.arange(256)).tolist()
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(python, ['-c', script], { maxBuffer: 64 * 2 ** 20 }).toString('utf8'));
}

describe('colormaps', () => {
  (haveVenv ? it : it.skip)('every table matches matplotlib within 1/255 per channel, alpha opaque', () => {
    const reference = matplotlibTables();
    for (const name of COLORMAP_NAMES) {
      const lut = colormapLUT(name);
      const ref = reference[name];
      expect(ref).toHaveLength(LUT_SIZE);
      let worst = 0;
      for (let i = 0; i < LUT_SIZE; i++) {
        for (let c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(lut[i * 4 + c] / 255 - ref[i][c]));
        }
        expect(lut[i * 4 + 3]).toBe(255);
      }
      // Rounding to bytes costs at most half a step; allow a whole one as stated in the brief.
      expect({ name, worst: worst <= 1 / 255 + 1e-12 }).toEqual({ name, worst: true });
    }
  });

  it('offers napari’s common names, all distinct', () => {
    for (const name of ['gray', 'gray_r', 'viridis', 'magma', 'inferno', 'plasma', 'turbo', 'green', 'magenta', 'cyan', 'red', 'blue', 'yellow']) {
      expect(isColormapName(name)).toBe(true);
    }
    expect(new Set(COLORMAP_NAMES).size).toBe(COLORMAP_NAMES.length);
    for (const bad of ['Gray', 'grey', '', 'jet', undefined, 3]) expect(isColormapName(bad)).toBe(false);
  });

  it('perceptual tables differ from each other and run dark to light (viridis, magma, inferno)', () => {
    const luminance = (lut: Uint8Array, i: number) => 0.2126 * lut[i * 4] + 0.7152 * lut[i * 4 + 1] + 0.0722 * lut[i * 4 + 2];
    const luts = (['viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo'] as ColormapName[]).map(colormapLUT);
    for (let a = 0; a < luts.length; a++) {
      for (let b = a + 1; b < luts.length; b++) expect(Buffer.from(luts[a]).equals(Buffer.from(luts[b]))).toBe(false);
    }
    for (const lut of luts.slice(0, 3)) expect(luminance(lut, 255)).toBeGreaterThan(luminance(lut, 0) + 150);
  });

  it('linear ramps go from black to the full colour; gray_r is gray reversed', () => {
    const green = colormapLUT('green');
    expect(Array.from(green.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    expect(Array.from(green.subarray(128 * 4, 129 * 4))).toEqual([0, 128, 0, 255]);
    expect(Array.from(green.subarray(255 * 4))).toEqual([0, 255, 0, 255]);
    const gray = colormapLUT('gray');
    const grayR = colormapLUT('gray_r');
    for (let i = 0; i < LUT_SIZE; i++) {
      expect(gray[i * 4]).toBe(i);
      expect(grayR[i * 4 + 1]).toBe(gray[(255 - i) * 4 + 1]);
    }
  });

  it('colormapLUT returns a fresh copy each time', () => {
    const lut = colormapLUT('magma');
    lut.fill(7);
    expect(colormapLUT('magma')[0]).not.toBe(7);
    expect(colormapLUT('magma')).not.toBe(colormapLUT('magma'));
  });

  it('colormapColor picks the nearest entry, clamps out-of-range values and makes NaN transparent', () => {
    const lut = colormapLUT('viridis');
    const at = (i: number) => Array.from(lut.subarray(i * 4, i * 4 + 4));
    expect(colormapColor('viridis', 0)).toEqual(at(0));
    expect(colormapColor('viridis', 1)).toEqual(at(255));
    expect(colormapColor('viridis', 0.5)).toEqual(at(128)); // 127.5 rounds up
    expect(colormapColor('viridis', 100 / 255 + 0.001)).toEqual(at(100));
    expect(colormapColor('viridis', -3)).toEqual(at(0));
    expect(colormapColor('viridis', Infinity)).toEqual(at(255));
    expect(colormapColor('viridis', NaN)).toEqual([0, 0, 0, 0]);
  });

  it('rejects unknown names with the list of valid ones', () => {
    expect(() => colormapLUT('jet' as ColormapName)).toThrow(/unknown colormap "jet"; expected one of gray, gray_r, viridis/);
  });
});
