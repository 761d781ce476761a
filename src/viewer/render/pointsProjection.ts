import { CanvasSize } from '../model/camera';
import { LayerView } from '../tools/coordinates';

/**
 * A points layer's data as the overlay keeps it between frames: copied out of the layer once
 * per change (the layer's getters copy), with each point's face colour reduced to an index
 * into a small palette so a frame can batch one fill per colour.
 */
export interface PointsSnapshot {
  readonly ndim: number;
  readonly count: number;
  /** Row-major N x ndim data coordinates. */
  readonly coords: Float64Array;
  /** Diameters in data units. */
  readonly sizes: Float64Array;
  /** Per point, its face colour's index in `palette`. */
  readonly colorIndex: Uint32Array;
  /** CSS colours (rgba(...)), one per distinct face colour. */
  readonly palette: readonly string[];
  /** The same colours as straight-alpha RGBA bytes, 4 per entry (for the software rasteriser). */
  readonly paletteRgba: Uint8Array;
}

/** A colour channel in [0, 1] as an 8-bit value. */
function q8(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

/** 'rgba(r, g, b, a)' of a colour in [0, 1] floats, channels quantised to 8 bits. */
export function cssColor(r: number, g: number, b: number, a: number): string {
  const q = q8;
  return `rgba(${q(r)}, ${q(g)}, ${q(b)}, ${Math.round(Math.min(1, Math.max(0, a)) * 1000) / 1000})`;
}

/**
 * Builds the snapshot from the arrays a PointsLayer hands out. Colours equal after 8-bit
 * quantisation share a palette entry, so colour-by-category gives one batch per category and
 * a continuous ramp at most 256 batches.
 */
export function snapshotPoints(ndim: number, coords: Float64Array, sizes: Float64Array, faceColors: Float32Array): PointsSnapshot {
  const count = sizes.length;
  const colorIndex = new Uint32Array(count);
  const keys = new Map<number, number>();
  const palette: string[] = [];
  const rgba: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * 4;
    const q = q8;
    // 32-bit key of the quantised colour; >>> 0 keeps it a non-negative integer.
    const key = ((q(faceColors[o]) << 24) | (q(faceColors[o + 1]) << 16) | (q(faceColors[o + 2]) << 8) | q(faceColors[o + 3])) >>> 0;
    let index = keys.get(key);
    if (index === undefined) {
      index = palette.length;
      keys.set(key, index);
      palette.push(cssColor(faceColors[o], faceColors[o + 1], faceColors[o + 2], faceColors[o + 3]));
      rgba.push(q(faceColors[o]), q(faceColors[o + 1]), q(faceColors[o + 2]), q(faceColors[o + 3]));
    }
    colorIndex[i] = index;
  }
  return { ndim, count, coords, sizes, colorIndex, palette, paletteRgba: Uint8Array.from(rgba) };
}

/**
 * Per frame: the points of the current slice that fall on the canvas, in screen pixels and
 * grouped by colour. All buffers are kept and only grown, so a frame allocates nothing
 * proportional to the number of points.
 *
 * After `project`, entries k in [0, count) hold x[k], y[k], radius[k] (CSS px) and index[k]
 * (the point's index in the layer); `order[bucketStart[b] .. bucketStart[b + 1])` lists the
 * entries of palette colour b.
 */
export class PointsProjection {
  x = new Float32Array(0);
  y = new Float32Array(0);
  radius = new Float32Array(0);
  index = new Int32Array(0);
  order = new Int32Array(0);
  bucketStart = new Int32Array(1);
  count = 0;
  /** Largest radius kept, CSS px. */
  maxRadius = 0;
  private bucketFill = new Int32Array(0);
  private bucketCount = new Int32Array(0);

  /**
   * Projects the snapshot through `view`. A point is kept when its sliced coordinates round
   * to the current slice (napari's rule, as PointsLayer.visibleIndices) and its disc, widened
   * by `margin` px (borders, selection rings), touches the canvas.
   */
  project(points: PointsSnapshot, view: LayerView, size: CanvasSize, margin = 4): void {
    this.reserve(points.count, points.palette.length);
    const { coords, sizes, colorIndex, ndim } = points;
    const { sx, sy, bx, by, rowAxis, colAxis, slicedAxes, sliceIndex } = view;
    // A diameter in data units becomes a radius in pixels; anisotropic scale takes the mean.
    const radiusScale = (Math.abs(sx) + Math.abs(sy)) / 4;
    const nPalette = points.palette.length;
    const bucketCount = this.bucketCount;
    bucketCount.fill(0, 0, nPalette);
    const nSliced = slicedAxes.length;
    let k = 0;
    let maxRadius = 0;
    for (let i = 0; i < points.count; i++) {
      const base = i * ndim;
      let onSlice = true;
      for (let s = 0; s < nSliced; s++) {
        const axis = slicedAxes[s];
        if (Math.floor(coords[base + axis] + 0.5) !== sliceIndex[axis]) {
          onSlice = false;
          break;
        }
      }
      if (!onSlice) continue;
      const x = coords[base + colAxis] * sx + bx;
      const y = coords[base + rowAxis] * sy + by;
      const r = sizes[i] * radiusScale;
      const reach = r + margin;
      if (x + reach < 0 || y + reach < 0 || x - reach > size.width || y - reach > size.height) continue;
      this.x[k] = x;
      this.y[k] = y;
      this.radius[k] = r;
      if (r > maxRadius) maxRadius = r;
      this.index[k] = i;
      bucketCount[colorIndex[i]]++;
      k++;
    }
    this.count = k;
    this.maxRadius = maxRadius;
    // Counting sort of the kept entries by colour, stable so layer order holds within a colour.
    const start = this.bucketStart;
    start[0] = 0;
    for (let b = 0; b < nPalette; b++) start[b + 1] = start[b] + bucketCount[b];
    const fill = this.bucketFill;
    fill.set(start.subarray(0, nPalette));
    for (let e = 0; e < k; e++) {
      const b = colorIndex[this.index[e]];
      this.order[fill[b]++] = e;
    }
  }

  private reserve(points: number, colors: number): void {
    if (this.x.length < points) {
      const n = Math.max(points, this.x.length * 2, 64);
      this.x = new Float32Array(n);
      this.y = new Float32Array(n);
      this.radius = new Float32Array(n);
      this.index = new Int32Array(n);
      this.order = new Int32Array(n);
    }
    if (this.bucketCount.length < colors) {
      const n = Math.max(colors, this.bucketCount.length * 2, 16);
      this.bucketCount = new Int32Array(n);
      this.bucketFill = new Int32Array(n);
      this.bucketStart = new Int32Array(n + 1);
    }
  }
}
