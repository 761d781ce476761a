// Features per block equal the whole image's (the halo covers every filter's reach), and bad
// input is refused with a message saying what was expected.
import { computeBlockFeatures, wholeImage } from '../blockFeatures';
import { featureHalo, FeatureSpec, FILTERS } from '../featureSet';
import { mirrorIndex } from '../pad';

function image(h: number, w: number): Float32Array {
  const a = new Float32Array(h * w);
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) * 50 + ((i * 7919) % 101);
  return a;
}

const SPECS: FeatureSpec[] = FILTERS.flatMap(filter => [1.0, 3.5].map(sigma => ({ filter, sigma })));

describe('block features', () => {
  it('gives every block the values the whole image has there', () => {
    const [h, w] = [70, 90];
    const data = image(h, w);
    const whole = computeBlockFeatures({ data, shape: [h, w] }, wholeImage([h, w]), SPECS);
    for (const [y0, x0, bh, bw] of [[0, 0, 30, 40], [30, 40, 40, 50], [5, 77, 20, 13], [69, 0, 1, 90]]) {
      const part = computeBlockFeatures({ data, shape: [h, w] }, { start: [y0, x0], shape: [bh, bw] }, SPECS);
      expect(part.names).toEqual(whole.names);
      for (let f = 0; f < part.names.length; f++) {
        for (let y = 0; y < bh; y++) {
          for (let x = 0; x < bw; x++) {
            expect(part.data[f * bh * bw + y * bw + x]).toBe(whole.data[f * h * w + (y0 + y) * w + x0 + x]);
          }
        }
      }
    }
  });

  it('computes each channel of a multichannel image as its own image', () => {
    const [h, w] = [40, 30];
    const a = image(h, w);
    const b = a.map(v => 2 * v - 5);
    const rgb = new Float32Array(h * w * 2);
    for (let i = 0; i < h * w; i++) [rgb[2 * i], rgb[2 * i + 1]] = [a[i], b[i]];
    const both = computeBlockFeatures({ data: rgb, shape: [h, w], channels: 2 }, wholeImage([h, w]), SPECS);
    const one = computeBlockFeatures({ data: b, shape: [h, w] }, wholeImage([h, w]), SPECS);
    expect(both.names.length).toBe(2 * one.names.length);
    expect(both.names[one.names.length]).toMatch(/ch1$/);
    expect(Array.from(both.data.subarray(one.data.length))).toEqual(Array.from(one.data));
  });

  it('mirrors as scipy mode "mirror" does, folding again past the far end', () => {
    expect([-3, -2, -1, 0, 3, 4, 5, 6, 9].map(i => mirrorIndex(i, 4))).toEqual([3, 2, 1, 0, 3, 2, 1, 0, 3]);
    expect(mirrorIndex(-5, 1)).toBe(0);
  });

  it('refuses NaN pixels, scales the image cannot hold, unknown filters and blocks outside', () => {
    const [h, w] = [20, 20];
    const data = image(h, w);
    data[45] = NaN;
    expect(() => computeBlockFeatures({ data, shape: [h, w] }, wholeImage([h, w]), SPECS.slice(0, 1))).toThrow(/non-finite value \(NaN\).*finite pixels/);
    const clean = image(h, w);
    expect(featureHalo([{ filter: 'gaussian', sigma: 10 }], { ndim: 2 })).toEqual([35, 35]);
    expect(() => computeBlockFeatures({ data: clean, shape: [h, w] }, wholeImage([h, w]), [{ filter: 'gaussian', sigma: 10 }])).toThrow(/σ=10 reaches 35 px along axis 0, but the image is 20 px/);
    expect(() => computeBlockFeatures({ data: clean, shape: [h, w] }, wholeImage([h, w]), [{ filter: 'sobel' as never, sigma: 1 }])).toThrow(/unknown filter "sobel": expected one of gaussian/);
    expect(() => computeBlockFeatures({ data: clean, shape: [h, w] }, wholeImage([h, w]), [])).toThrow(/at least one feature/);
    expect(() => computeBlockFeatures({ data: clean, shape: [h, w] }, { start: [15, 0], shape: [10, 5] }, SPECS.slice(0, 1))).toThrow(/not inside the image/);
    expect(() => computeBlockFeatures({ data: clean, shape: [h, w] }, wholeImage([h, w]), [{ filter: 'gaussian', sigma: -1 }])).toThrow(/positive finite σ/);
  });
});
