/**
 * Composes the vector overlay over the WebGL image into one RGBA image for screenshots.
 * Both inputs are straight (not premultiplied) RGBA bytes of the same size in device pixels,
 * rows top to bottom (flip WebGL's readPixels rows first, or draw both canvases into one 2D
 * canvas, which does the same in the browser).
 */
export function compositeOver(base: Uint8ClampedArray | Uint8Array, overlay: Uint8ClampedArray | Uint8Array): void {
  if (base.length !== overlay.length || base.length % 4 !== 0) {
    throw new RangeError(`expected two RGBA images of the same size, got ${base.length} and ${overlay.length} bytes`);
  }
  for (let o = 0; o < base.length; o += 4) {
    const a = overlay[o + 3];
    if (a === 0) continue;
    if (a === 255) {
      base[o] = overlay[o];
      base[o + 1] = overlay[o + 1];
      base[o + 2] = overlay[o + 2];
      base[o + 3] = 255;
      continue;
    }
    // Porter-Duff "source over" on straight alpha.
    const sa = a / 255;
    const da = base[o + 3] / 255;
    const outA = sa + da * (1 - sa);
    for (let c = 0; c < 3; c++) {
      base[o + c] = Math.round((overlay[o + c] * sa + base[o + c] * da * (1 - sa)) / outA);
    }
    base[o + 3] = Math.round(outA * 255);
  }
}

/** Reverses the row order of an RGBA image in place (WebGL's readPixels is bottom-up). */
export function flipRows(pixels: Uint8ClampedArray | Uint8Array, width: number, height: number): void {
  const stride = width * 4;
  if (pixels.length !== stride * height) {
    throw new RangeError(`expected ${stride * height} bytes for a ${width} x ${height} RGBA image, got ${pixels.length}`);
  }
  const row = new Uint8Array(stride);
  for (let top = 0, bottom = height - 1; top < bottom; top++, bottom--) {
    row.set(pixels.subarray(top * stride, (top + 1) * stride));
    pixels.copyWithin(top * stride, bottom * stride, (bottom + 1) * stride);
    pixels.set(row, bottom * stride);
  }
}
