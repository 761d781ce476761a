/**
 * Reading a block of an image with a halo, reflected at the image's borders.
 *
 * The reflection is scipy.ndimage's mode 'mirror' (d c b | a b c d | c b a: the edge pixel is
 * not repeated), which is also vigra's BORDER_TREATMENT_REFLECT, what ilastik's filters use.
 * A halo wider than the image keeps folding (period 2(n-1)); a 1-pixel axis repeats its pixel.
 *
 * Computing a filter on the padded block and keeping the block's own pixels gives the same
 * values whichever blocks an image is cut into, provided the halo covers the filter's reach
 * (./featureSet.ts says how wide that is).
 */

/** scipy's 'mirror' index: where coordinate i (any integer) reads from on an axis of length n. */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - j;
}

export interface Block {
  /** First pixel of the block along each axis (in the image's coordinates). */
  start: readonly number[];
  /** The block's extent along each axis. */
  shape: readonly number[];
}

/**
 * The block grown by `halo[a]` on both sides of each axis a, read from `image` (C-ordered, of
 * `imageShape`; any numeric typed array, one channel) as float32 with mirrored borders.
 */
export function readPadded(image: ArrayLike<number>, imageShape: readonly number[], block: Block, halo: readonly number[]): { data: Float32Array; shape: number[] } {
  const nd = imageShape.length;
  if (block.start.length !== nd || block.shape.length !== nd || halo.length !== nd) {
    throw new RangeError(`expected a ${nd}-D block and halo for a ${nd}-D image`);
  }
  const shape = block.shape.map((n, a) => n + 2 * halo[a]);
  const strides = imageShape.map((_, a) => imageShape.slice(a + 1).reduce((x, y) => x * y, 1));
  // Per axis, the image offset each padded coordinate reads from.
  const offsets = shape.map((n, a) => {
    const o = new Int32Array(n);
    for (let i = 0; i < n; i++) o[i] = mirrorIndex(block.start[a] + i - halo[a], imageShape[a]) * strides[a];
    return o;
  });
  const total = shape.reduce((x, y) => x * y, 1);
  const data = new Float32Array(total);
  const last = nd - 1;
  const rowLen = shape[last];
  const lastOffsets = offsets[last];
  const rows = total / rowLen;
  const idx = new Array<number>(nd).fill(0);
  for (let row = 0; row < rows; row++) {
    let base = 0;
    for (let a = 0; a < last; a++) base += offsets[a][idx[a]];
    const dst = row * rowLen;
    for (let i = 0; i < rowLen; i++) data[dst + i] = image[base + lastOffsets[i]];
    for (let a = last - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return { data, shape };
}

/** The centre of a padded array: `halo[a]` cut from both ends of every axis. */
export function cropHalo(data: Float32Array, shape: readonly number[], halo: readonly number[], out: Float32Array, outOffset = 0): void {
  const nd = shape.length;
  const inner = shape.map((n, a) => n - 2 * halo[a]);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const rowLen = inner[nd - 1];
  const rows = inner.slice(0, nd - 1).reduce((x, y) => x * y, 1);
  const idx = new Array<number>(nd - 1).fill(0);
  for (let row = 0; row < rows; row++) {
    let src = halo[nd - 1];
    for (let a = 0; a < nd - 1; a++) src += (idx[a] + halo[a]) * strides[a];
    out.set(data.subarray(src, src + rowLen), outOffset + row * rowLen);
    for (let a = nd - 2; a >= 0; a--) {
      if (++idx[a] < inner[a]) break;
      idx[a] = 0;
    }
  }
}
