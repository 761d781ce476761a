// Covers src/viewer/render/pointsRaster.ts: the software disc rasteriser's coverage, colours,
// borders, stacking order, clipping and clearing, checked on its pixel buffer.
import { PointsProjection } from '../pointsProjection';
import { PointsRaster } from '../pointsRaster';

/** A projection holding the given discs (x, y, radius in CSS px, colour index), in this order. */
function discs(list: Array<[number, number, number, number]>): { proj: PointsProjection; colorIndex: Uint32Array } {
  const proj = new PointsProjection();
  const n = list.length;
  proj.x = Float32Array.from(list, d => d[0]);
  proj.y = Float32Array.from(list, d => d[1]);
  proj.radius = Float32Array.from(list, d => d[2]);
  proj.index = Int32Array.from(list, (_, i) => i);
  proj.count = n;
  return { proj, colorIndex: Uint32Array.from(list, d => d[3]) };
}

const RED_GREEN = Uint8Array.of(255, 0, 0, 255, 0, 255, 0, 255);
const NO_BORDER = [0, 0, 0, 0];

function pixel(r: PointsRaster, x: number, y: number): number[] {
  const o = (y * r.width + x) * 4;
  return Array.from(r.pixels.subarray(o, o + 4));
}

function coverage(r: PointsRaster): number {
  let sum = 0;
  for (let o = 3; o < r.pixels.length; o += 4) sum += r.pixels[o] / 255;
  return sum;
}

describe('PointsRaster', () => {
  it('draws an antialiased disc whose coverage is its area', () => {
    const r = new PointsRaster();
    r.resize(40, 40);
    const { proj, colorIndex } = discs([[20.3, 19.6, 6, 0]]);
    r.drawDiscs(proj, colorIndex, RED_GREEN, NO_BORDER, 0, 1);
    expect(pixel(r, 20, 19)).toEqual([255, 0, 0, 255]);
    expect(pixel(r, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(r, 20, 28)).toEqual([0, 0, 0, 0]); // beyond radius + 1
    expect(coverage(r)).toBeGreaterThan(Math.PI * 36 * 0.98);
    expect(coverage(r)).toBeLessThan(Math.PI * 36 * 1.02);
    // Rim pixels are partly covered, in the face colour.
    const rim = pixel(r, 26, 19);
    expect(rim.slice(0, 3)).toEqual([255, 0, 0]);
    expect(rim[3]).toBeGreaterThan(0);
    expect(rim[3]).toBeLessThan(255);
    // The drawn box holds every touched pixel (x 14..26, y 13..26).
    const box = r.drawn!;
    expect(box.x0).toBeLessThanOrEqual(14);
    expect(box.x1).toBeGreaterThanOrEqual(27);
    expect(box.y0).toBeLessThanOrEqual(13);
    expect(box.y1).toBeGreaterThanOrEqual(27);
  });

  it('scales by the device pixel ratio', () => {
    const r = new PointsRaster();
    r.resize(80, 80);
    const { proj, colorIndex } = discs([[20, 20, 6, 0]]);
    r.drawDiscs(proj, colorIndex, RED_GREEN, NO_BORDER, 0, 2);
    expect(coverage(r)).toBeCloseTo(Math.PI * 144, -1);
    expect(pixel(r, 40, 40)).toEqual([255, 0, 0, 255]);
  });

  it('draws napari borders inside the disc', () => {
    const r = new PointsRaster();
    r.resize(40, 40);
    const { proj, colorIndex } = discs([[20, 20, 10, 1]]);
    // Border 20% of the diameter: a ring 4 px wide inside radius 10.
    r.drawDiscs(proj, colorIndex, RED_GREEN, [0, 0, 255, 255], 0.2, 1);
    expect(pixel(r, 20, 20)).toEqual([0, 255, 0, 255]);
    expect(pixel(r, 28, 20)).toEqual([0, 0, 255, 255]); // 8.5 px from the centre: in the ring
    expect(pixel(r, 24, 20)).toEqual([0, 255, 0, 255]); // 4.5 px: face
  });

  it('puts later points on top and blends translucent faces over what is there', () => {
    const r = new PointsRaster();
    r.resize(30, 30);
    const palette = Uint8Array.of(255, 0, 0, 255, 0, 0, 255, 128);
    const { proj, colorIndex } = discs([
      [15, 15, 5, 0],
      [15, 15, 3, 1]
    ]);
    r.drawDiscs(proj, colorIndex, palette, NO_BORDER, 0, 1);
    // Half-transparent blue over opaque red.
    const [red, green, blue, alpha] = pixel(r, 15, 15);
    expect(alpha).toBe(255);
    expect(red).toBeCloseTo(127, -1);
    expect(green).toBe(0);
    expect(blue).toBeCloseTo(128, -1);
    // Alone over transparent, a translucent face keeps its colour and alpha.
    const t = new PointsRaster();
    t.resize(30, 30);
    const one = discs([[15, 15, 3, 1]]);
    t.drawDiscs(one.proj, one.colorIndex, palette, NO_BORDER, 0, 1);
    expect(pixel(t, 15, 15)).toEqual([0, 0, 255, 128]);
  });

  it('clips at the buffer edges without wrapping into the next row', () => {
    const r = new PointsRaster();
    r.resize(20, 10);
    const { proj, colorIndex } = discs([
      [0.5, 8, 4, 0],
      [19.5, 0, 4, 1],
      [-30, 5, 4, 0]
    ]);
    r.drawDiscs(proj, colorIndex, RED_GREEN, NO_BORDER, 0, 1);
    expect(pixel(r, 0, 8)).toEqual([255, 0, 0, 255]);
    expect(pixel(r, 19, 7)[3]).toBe(0); // the red disc at x = 0.5 must not appear at the previous row's end
    expect(pixel(r, 19, 0)).toEqual([0, 255, 0, 255]);
    expect(pixel(r, 0, 1)[3]).toBe(0); // nor the green one at the next row's start
  });

  it('clears exactly what it drew', () => {
    const r = new PointsRaster();
    r.resize(30, 30);
    const { proj, colorIndex } = discs([[5, 5, 3, 0], [25, 25, 3, 1]]);
    r.drawDiscs(proj, colorIndex, RED_GREEN, NO_BORDER, 0, 1);
    expect(coverage(r)).toBeGreaterThan(50);
    r.clear();
    expect(coverage(r)).toBe(0);
    expect(r.drawn).toBeNull();
  });

  it('writes into a given ImageData array and refuses one of the wrong size', () => {
    const r = new PointsRaster();
    const data = new Uint8ClampedArray(10 * 10 * 4);
    r.resize(10, 10, data);
    const { proj, colorIndex } = discs([[5, 5, 2, 0]]);
    r.drawDiscs(proj, colorIndex, RED_GREEN, NO_BORDER, 0, 1);
    expect(data[(5 * 10 + 5) * 4 + 3]).toBe(255);
    expect(() => r.resize(10, 10, new Uint8ClampedArray(12))).toThrow(/expected 400 bytes/);
  });
});
