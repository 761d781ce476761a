/**
 * Pillow's bilinear resize of 8-bit images (`Image.resize(size, Image.BILINEAR)`), reproduced
 * exactly: SAM's predictor resizes its input with it (through torchvision's `to_pil_image` and
 * `resize`), so the encoder sees the same pixels only if this does what Pillow's Resample.c
 * does. That is a separable convolution with a triangle filter whose support grows with the
 * downscaling factor (antialiasing), coefficients normalised per output pixel, then turned
 * into 22-bit fixed point; the horizontal pass runs first, over the rows the vertical pass
 * needs, into an 8-bit intermediate image.
 */

const PRECISION_BITS = 32 - 8 - 2;

interface Coefficients {
  /** Per output pixel: first input index and count. */
  bounds: Int32Array;
  /** Fixed-point coefficients, `ksize` per output pixel. */
  weights: Int32Array;
  ksize: number;
}

function triangle(x: number): number {
  const t = Math.abs(x);
  return t < 1 ? 1 - t : 0;
}

/** Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, for one axis. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale; // bilinear: support 1
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // C's (int) truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    k.fill(0);
    for (let x = 0; x < xmax; x++) {
      const w = triangle((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resizes an 8-bit image of `channels` interleaved channels (H, W, C) from `height` × `width`
 * to `outHeight` × `outWidth` as Pillow's BILINEAR does; returns the new (H, W, C) pixels.
 */
export function resizeBilinearLikePillow(
  src: Uint8Array,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number
): Uint8Array {
  if (src.length !== height * width * channels) {
    throw new RangeError(`expected ${height * width * channels} bytes for a ${height} × ${width} × ${channels} image, got ${src.length}`);
  }
  if (!(outHeight >= 1 && outWidth >= 1 && Number.isInteger(outHeight) && Number.isInteger(outWidth))) {
    throw new RangeError(`expected a positive integer output size, got ${outHeight} × ${outWidth}`);
  }
  const horiz = coefficients(width, outWidth);
  const vert = coefficients(height, outHeight);
  const needHorizontal = outWidth !== width;
  const needVertical = outHeight !== height;
  // The rows of the source the vertical pass reads.
  const first = vert.bounds[0];
  const last = vert.bounds[outHeight * 2 - 2] + vert.bounds[outHeight * 2 - 1];
  let image = src;
  let rows = height;
  let rowOffset = 0;
  let cols = width;
  if (needHorizontal) {
    rows = last - first;
    const tmp = new Uint8Array(rows * outWidth * channels);
    const { bounds, weights, ksize } = horiz;
    for (let y = 0; y < rows; y++) {
      const inRow = (y + first) * width * channels;
      const outRow = y * outWidth * channels;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = bounds[xx * 2];
        const xmax = bounds[xx * 2 + 1];
        const kOff = xx * ksize;
        for (let c = 0; c < channels; c++) {
          let acc = 1 << (PRECISION_BITS - 1);
          for (let x = 0; x < xmax; x++) acc += src[inRow + (x + xmin) * channels + c] * weights[kOff + x];
          tmp[outRow + xx * channels + c] = clip8(acc);
        }
      }
    }
    image = tmp;
    cols = outWidth;
    rowOffset = first; // the vertical bounds count from the first row kept
  }
  if (!needVertical) return image === src ? src.slice() : image;
  const out = new Uint8Array(outHeight * cols * channels);
  const { bounds, weights, ksize } = vert;
  const stride = cols * channels;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2] - (needHorizontal ? rowOffset : 0);
    const ymax = bounds[yy * 2 + 1];
    const kOff = yy * ksize;
    for (let i = 0; i < stride; i++) {
      let acc = 1 << (PRECISION_BITS - 1);
      for (let y = 0; y < ymax; y++) acc += image[(y + ymin) * stride + i] * weights[kOff + y];
      out[yy * stride + i] = clip8(acc);
    }
  }
  return out;
}
