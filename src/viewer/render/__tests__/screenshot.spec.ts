// Covers src/viewer/render/screenshot.ts: composing the overlay over the WebGL image.
import { compositeOver, flipRows } from '../screenshot';

describe('compositeOver', () => {
  it('keeps the base where the overlay is transparent and replaces it where opaque', () => {
    const base = Uint8ClampedArray.of(10, 20, 30, 255, 10, 20, 30, 255);
    compositeOver(base, Uint8ClampedArray.of(200, 0, 0, 0, 200, 100, 50, 255));
    expect(Array.from(base)).toEqual([10, 20, 30, 255, 200, 100, 50, 255]);
  });

  it('blends translucent overlay pixels as source-over on straight alpha', () => {
    const base = Uint8ClampedArray.of(0, 0, 200, 255);
    compositeOver(base, Uint8ClampedArray.of(255, 0, 0, 128));
    // 128/255 of red over opaque blue.
    expect(Array.from(base)).toEqual([128, 0, 100, 255]);
    const clear = Uint8ClampedArray.of(0, 0, 0, 0);
    compositeOver(clear, Uint8ClampedArray.of(255, 0, 0, 128));
    expect(Array.from(clear)).toEqual([255, 0, 0, 128]);
  });

  it('refuses images of different sizes', () => {
    expect(() => compositeOver(new Uint8Array(8), new Uint8Array(4))).toThrow(/same size/);
  });
});

describe('flipRows', () => {
  it('turns WebGL bottom-up rows top-down', () => {
    const px = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.floor(i / 8));
    flipRows(px, 2, 3);
    expect(Array.from(px.subarray(0, 8))).toEqual(new Array(8).fill(2));
    expect(Array.from(px.subarray(16))).toEqual(new Array(8).fill(0));
  });
});
