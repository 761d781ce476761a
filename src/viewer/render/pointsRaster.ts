import { PointsProjection } from './pointsProjection';

/** A pixel box [x0, x1) x [y0, y1) in device pixels. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Antialiased disc coverage for one radius pair and sub-pixel offset (0..255 per pixel). */
interface DiscMask {
  /** Half side: the mask covers offsets -reach..reach around the centre pixel. */
  reach: number;
  outer: Uint8Array;
  inner: Uint8Array;
  /** Per mask row, the columns [spanStart, spanEnd) with any coverage... */
  spanStart: Int32Array;
  spanEnd: Int32Array;
  /** ...and [solidStart, solidEnd) where the face covers the pixel fully (empty: start = end). */
  solidStart: Int32Array;
  solidEnd: Int32Array;
}

/** Sub-pixel positions are quantised to quarters: 16 masks per radius. */
const SUBPIXEL = 4;
const MAX_MASKS = 4096;

/**
 * Software rasteriser for many small antialiased discs into a straight-alpha RGBA buffer, for
 * when a Canvas2D path would be slow: Chromium without GPU raster (remote desktops, blocked
 * GPUs, the CI machines) fills 10,000 arcs in 50-120 ms, while this writes them in a few ms
 * and costs one image upload. Each disc is a face colour and a border ring; coverage masks
 * are cached per (radius, border radius, quarter-pixel offset), so a frame is table lookups
 * and blends, in layer order (the later point on top, as napari draws).
 *
 * The buffer stays allocated between frames; only the region drawn last time is cleared.
 */
export class PointsRaster {
  width = 0;
  height = 0;
  pixels = new Uint8ClampedArray(0);
  /** Region drawn since the last clear (null: the buffer is all transparent). */
  drawn: PixelBox | null = null;
  /** `pixels` as little-endian RGBA words, for runs of solid pixels. */
  private words = new Uint32Array(0);
  private readonly masks = new Map<number, DiscMask>();
  private readonly face = new Uint8Array(4);
  private readonly ring = new Uint8Array(4);

  /**
   * Makes the buffer `width` x `height` device pixels, all transparent: `pixels` when given
   * (an ImageData's own array, so putImageData needs no copy), else a new array.
   */
  resize(width: number, height: number, pixels?: Uint8ClampedArray): void {
    if (pixels && pixels.length !== width * height * 4) {
      throw new RangeError(`expected ${width * height * 4} bytes for ${width} x ${height} RGBA pixels, got ${pixels.length}`);
    }
    this.width = width;
    this.height = height;
    this.pixels = pixels ?? new Uint8ClampedArray(width * height * 4);
    this.pixels.fill(0);
    this.words = new Uint32Array(this.pixels.buffer, this.pixels.byteOffset, width * height);
    this.drawn = null;
  }

  /** Clears what the last draw wrote. */
  clear(): void {
    const box = this.drawn;
    if (!box) return;
    const stride = this.width * 4;
    for (let y = box.y0; y < box.y1; y++) this.pixels.fill(0, y * stride + box.x0 * 4, y * stride + box.x1 * 4);
    this.drawn = null;
  }

  /**
   * Draws the projected points (CSS px, scaled here by `dpr`) in layer order. `palette` holds
   * RGBA bytes per face colour (4 per entry, straight alpha), `border` the border's RGBA
   * bytes, `borderWidth` napari's border as a fraction of the diameter.
   */
  drawDiscs(proj: PointsProjection, colorIndex: Uint32Array, palette: Uint8Array, border: ArrayLike<number>, borderWidth: number, dpr: number): void {
    const { width, height, pixels, words } = this;
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    const hasBorder = borderWidth > 0 && border[3] > 0;
    const innerFactor = hasBorder ? Math.max(0, 1 - 2 * borderWidth) : 1;
    const ring = this.ring;
    ring[0] = border[0];
    ring[1] = border[1];
    ring[2] = border[2];
    ring[3] = hasBorder ? border[3] : 0;
    const ringRgb = ring[0] | (ring[1] << 8) | (ring[2] << 16);
    // Visit entries in layer order: the projection keeps them that way before sorting by colour.
    for (let k = 0; k < proj.count; k++) {
      const cx = proj.x[k] * dpr;
      const cy = proj.y[k] * dpr;
      const r = Math.max(proj.radius[k] * dpr, 0.5);
      const ix = Math.floor(cx);
      const iy = Math.floor(cy);
      const mask = this.maskFor(r, r * innerFactor, Math.round((cx - ix) * SUBPIXEL), Math.round((cy - iy) * SUBPIXEL));
      const reach = mask.reach;
      const ya = Math.max(0, iy - reach);
      const yb = Math.min(height, iy + reach + 1);
      if (ya >= yb || ix + reach < 0 || ix - reach >= width) continue;
      const c = colorIndex[proj.index[k]] * 4;
      const face = this.face;
      face[0] = palette[c];
      face[1] = palette[c + 1];
      face[2] = palette[c + 2];
      face[3] = palette[c + 3];
      // An opaque face: its fully covered pixels (no ring there) are one 32-bit store each.
      const solid = face[3] === 255;
      const faceRgb = face[0] | (face[1] << 8) | (face[2] << 16);
      const faceWord = (faceRgb | (255 << 24)) >>> 0;
      const fa = face[3] / 65025; // alpha / 255 times coverage / 255
      const ba = ring[3] / 65025;
      const left = ix - reach;
      const side = 2 * reach + 1;
      const { outer, inner, spanStart, spanEnd, solidStart, solidEnd } = mask;
      // One loop per row, no calls: per-row calls (even TypedArray.fill) cost more than the
      // few pixels of a small disc.
      for (let y = ya; y < yb; y++) {
        const m = y - iy + reach;
        const xs = Math.max(0, left + spanStart[m]);
        const xe = Math.min(width, left + spanEnd[m]);
        if (xs >= xe) continue;
        const ss = solid ? left + solidStart[m] : xe;
        const se = solid ? left + solidEnd[m] : xe;
        const rowWord = y * width;
        const maskRow = m * side - left;
        for (let x = xs; x < xe; x++) {
          if (x >= ss && x < se) {
            words[rowWord + x] = faceWord;
            continue;
          }
          const cover = outer[maskRow + x];
          if (cover === 0) continue;
          const cin = inner[maskRow + x];
          const i = rowWord + x;
          if (words[i] === 0 && (cin === cover || cin === 0)) {
            // Over transparent and one colour only (face inside, ring at the rim): the colour
            // with the coverage as alpha, no division. x * 257 + 32896 >> 16 is round(x / 255).
            const alpha = cin === cover ? (face[3] * cin * 257 + 32896) >> 16 : (ring[3] * cover * 257 + 32896) >> 16;
            if (alpha > 0) words[i] = ((cin === cover ? faceRgb : ringRgb) | (alpha << 24)) >>> 0;
            continue;
          }
          const aFace = fa * cin;
          const aRing = ba * (cover - cin);
          const a = aFace + aRing;
          if (a <= 0) continue;
          // Premultiplied source: face inside, border ring around it.
          const sr = face[0] * aFace + ring[0] * aRing;
          const sg = face[1] * aFace + ring[1] * aRing;
          const sb = face[2] * aFace + ring[2] * aRing;
          const o = i * 4;
          const da = pixels[o + 3];
          if (da === 0) {
            pixels[o] = (sr / a + 0.5) | 0;
            pixels[o + 1] = (sg / a + 0.5) | 0;
            pixels[o + 2] = (sb / a + 0.5) | 0;
            pixels[o + 3] = (a * 255 + 0.5) | 0;
          } else {
            // Source over a straight-alpha destination.
            const keep = (da / 255) * (1 - a);
            const outA = a + keep;
            pixels[o] = ((sr + pixels[o] * keep) / outA + 0.5) | 0;
            pixels[o + 1] = ((sg + pixels[o + 1] * keep) / outA + 0.5) | 0;
            pixels[o + 2] = ((sb + pixels[o + 2] * keep) / outA + 0.5) | 0;
            pixels[o + 3] = (outA * 255 + 0.5) | 0;
          }
        }
        if (xs < x0) x0 = xs;
        if (xe > x1) x1 = xe;
      }
      if (ya < y0) y0 = ya;
      if (yb > y1) y1 = yb;
    }
    if (x0 < x1 && y0 < y1) {
      const d = this.drawn;
      this.drawn = d ? { x0: Math.min(d.x0, x0), y0: Math.min(d.y0, y0), x1: Math.max(d.x1, x1), y1: Math.max(d.y1, y1) } : { x0, y0, x1, y1 };
    }
  }

  /**
   * Coverage of the discs of radius `outer` and `inner` around a centre at (fx, fy) quarters
   * of a pixel right of and below the centre pixel's corner: each pixel's coverage is
   * approximated by its centre's distance to the rim, clamp(r + 0.5 - d, 0, 1), the usual
   * one-pixel antialiasing ramp.
   */
  private maskFor(outer: number, inner: number, fx: number, fy: number): DiscMask {
    const ro = Math.round(outer * SUBPIXEL);
    const ri = Math.round(inner * SUBPIXEL);
    const key = ((ro * 1024 + ri) * (SUBPIXEL + 1) + fx) * (SUBPIXEL + 1) + fy;
    let mask = this.masks.get(key);
    if (mask) return mask;
    if (this.masks.size >= MAX_MASKS) this.masks.clear();
    const rOuter = ro / SUBPIXEL;
    const rInner = ri / SUBPIXEL;
    const reach = Math.ceil(rOuter + 1);
    const side = 2 * reach + 1;
    const cx = reach + fx / SUBPIXEL;
    const cy = reach + fy / SUBPIXEL;
    const outerMask = new Uint8Array(side * side);
    const innerMask = new Uint8Array(side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        outerMask[y * side + x] = Math.round(255 * Math.min(1, Math.max(0, rOuter + 0.5 - d)));
        innerMask[y * side + x] = Math.round(255 * Math.min(1, Math.max(0, rInner + 0.5 - d)));
      }
    }
    const spanStart = new Int32Array(side);
    const spanEnd = new Int32Array(side);
    const solidStart = new Int32Array(side);
    const solidEnd = new Int32Array(side);
    for (let y = 0; y < side; y++) {
      let a = side;
      let b = 0;
      let sa = side;
      let sb = 0;
      for (let x = 0; x < side; x++) {
        const i = y * side + x;
        if (outerMask[i] > 0) [a, b] = [Math.min(a, x), x + 1];
        // A disc's full-coverage pixels in a row are contiguous.
        if (innerMask[i] === 255) [sa, sb] = [Math.min(sa, x), x + 1];
      }
      spanStart[y] = a;
      spanEnd[y] = Math.max(a, b);
      solidStart[y] = sa;
      solidEnd[y] = Math.max(sa, sb);
    }
    mask = { reach, outer: outerMask, inner: innerMask, spanStart, spanEnd, solidStart, solidEnd };
    this.masks.set(key, mask);
    return mask;
  }
}
