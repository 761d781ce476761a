import { NDArray } from '../ndarray';
import { Ellipse, pythonFloatMod } from './ellipse';
import { boundingBox, Point2 } from './primitives';

/**
 * A row-major 2D pixel grid to draw into: a boolean mask (Uint8Array) or a label image (any
 * integer typed array). Pixel (r, c) is `data[r * cols + c]` and covers the integer
 * coordinate (r, c), as in scikit-image and napari: pixel centres sit on integers.
 */
export interface Raster {
  readonly shape: readonly [number, number];
  readonly data: { [index: number]: number; readonly length: number };
}

/** scikit-image's tolerance for calling a point a polygon vertex (see classifyPointInPolygon). */
const VERTEX_EPS = 1e-12;

function checkRaster({ shape, data }: Raster): [number, number] {
  const [rows, cols] = shape;
  const positive = Number.isSafeInteger(rows) && Number.isSafeInteger(cols) && rows > 0 && cols > 0;
  if (!positive || data.length !== rows * cols) {
    const got = `[${shape}] with ${data.length} values`;
    throw new RangeError(`expected a raster of positive integer shape matching its data, got ${got}`);
  }
  return [rows, cols];
}

/**
 * Sets every pixel inside the polygon or on its outline to `value`: exactly the pixels of
 * `skimage.draw.polygon(rows, cols, shape)`. skimage tests every pixel of the bounding box
 * against every edge; here each row first keeps only the edges that straddle it and the
 * vertices that lie on it, then runs the same per-pixel arithmetic on those, which gives the
 * same answer without the cost of a full point-in-polygon test per pixel.
 */
export function fillPolygon(target: Raster, vertices: readonly Point2[], value = 1): void {
  const [rows, cols] = checkRaster(target);
  const n = vertices.length;
  if (n === 0) return;
  const R = vertices.map(v => v[0]);
  const C = vertices.map(v => v[1]);
  const box = boundingBox(vertices)!;
  // Bounds as skimage computes them: int(max(0, min)) .. min(shape - 1, ceil(max)).
  const minR = Math.floor(Math.max(0, box.min[0]));
  const maxR = Math.min(rows - 1, Math.ceil(box.max[0]));
  const minC = Math.floor(Math.max(0, box.min[1]));
  const maxC = Math.min(cols - 1, Math.ceil(box.max[1]));
  const edges: Array<{ i: number; y0: number; y1: number; right: boolean; left: boolean }> = [];
  const rowVertices: number[] = [];
  for (let r = minR; r <= maxR; r++) {
    edges.length = 0;
    rowVertices.length = 0;
    for (let i = 0; i < n; i++) {
      const y0 = R[i] - r;
      const y1 = R[(i + n - 1) % n] - r;
      const right = y0 > 0 !== y1 > 0;
      const left = y0 < 0 !== y1 < 0;
      if (right || left) edges.push({ i, y0, y1, right, left });
      if (y0 > -VERTEX_EPS && y0 < VERTEX_EPS) rowVertices.push(i);
    }
    for (let c = minC; c <= maxC; c++) {
      let hit = rowVertices.some(i => C[i] - c > -VERTEX_EPS && C[i] - c < VERTEX_EPS);
      if (!hit) {
        let rightCrossings = 0;
        let leftCrossings = 0;
        for (const { i, y0, y1, right, left } of edges) {
          const x0 = C[i] - c;
          const x1 = C[(i + n - 1) % n] - c;
          const crossing = (x0 * y1 - x1 * y0) / (y1 - y0);
          if (right && crossing > 0) rightCrossings++;
          if (left && crossing < 0) leftCrossings++;
        }
        // Odd right crossings: inside; parities differing: on an edge. Both count.
        hit = ((rightCrossings | leftCrossings) & 1) === 1;
      }
      if (hit) target.data[r * cols + c] = value;
    }
  }
}

/**
 * Sets the pixels strictly inside the ellipse to `value`: exactly the pixels of
 * `skimage.draw.ellipse(center[0], center[1], radii[0], radii[1], shape, rotation)`,
 * computed with the same bounding box and floating-point operations.
 */
export function fillEllipse(target: Raster, e: Ellipse, value = 1): void {
  const [rows, cols] = checkRaster(target);
  const rotation = pythonFloatMod(e.rotation, Math.PI);
  const sinA = Math.sin(rotation);
  const cosA = Math.cos(rotation);
  const [rRadius, cRadius] = e.radii;
  const rExtent = Math.abs(rRadius * cosA) + cRadius * sinA;
  const cExtent = rRadius * sinA + Math.abs(cRadius * cosA);
  const top = Math.max(0, Math.ceil(e.center[0] - rExtent));
  const left = Math.max(0, Math.ceil(e.center[1] - cExtent));
  const bottom = Math.min(rows - 1, Math.floor(e.center[0] + rExtent));
  const right = Math.min(cols - 1, Math.floor(e.center[1] + cExtent));
  // skimage evaluates on a grid shifted to the box's corner; shifting the centre the same way
  // keeps every intermediate value identical.
  const shiftedR = e.center[0] - top;
  const shiftedC = e.center[1] - left;
  for (let i = 0; i <= bottom - top; i++) {
    const r = i - shiftedR;
    for (let j = 0; j <= right - left; j++) {
      const c = j - shiftedC;
      const a = (r * cosA + c * sinA) / rRadius;
      const b = (r * sinA - c * cosA) / cRadius;
      if (a * a + b * b < 1) target.data[(top + i) * cols + left + j] = value;
    }
  }
}

/**
 * The pixels of the Bresenham line from (r0, c0) to (r1, c1), both ends included: the
 * algorithm of `skimage.draw.line`, in the same order.
 */
export function bresenhamLine(r0: number, c0: number, r1: number, c1: number): { rows: number[]; cols: number[] } {
  if (![r0, c0, r1, c1].every(Number.isSafeInteger)) {
    throw new RangeError(`expected integer line ends, got (${r0}, ${c0}) and (${r1}, ${c1})`);
  }
  let x = c0;
  let y = r0;
  let dx = Math.abs(c1 - c0);
  let dy = Math.abs(r1 - r0);
  let sx = c1 - c0 > 0 ? 1 : -1;
  let sy = r1 - r0 > 0 ? 1 : -1;
  const steep = dy > dx;
  if (steep) {
    [x, y] = [y, x];
    [dx, dy] = [dy, dx];
    [sx, sy] = [sy, sx];
  }
  let d = 2 * dy - dx;
  const rowsOut: number[] = new Array(dx + 1);
  const colsOut: number[] = new Array(dx + 1);
  for (let i = 0; i < dx; i++) {
    rowsOut[i] = steep ? x : y;
    colsOut[i] = steep ? y : x;
    while (d >= 0) {
      y += sy;
      d -= 2 * dx;
    }
    x += sx;
    d += 2 * dy;
  }
  rowsOut[dx] = r1;
  colsOut[dx] = c1;
  return { rows: rowsOut, cols: colsOut };
}

/** numpy's `round` for one value: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const frac = x - f;
  if (frac !== 0.5) return frac < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Draws a polyline (closed: back to the first vertex) one pixel wide, as napari's
 * `path_to_mask` does: vertices clipped to the raster, rounded half-to-even, and joined with
 * `skimage.draw.line`. Unlike napari, a path whose vertices all round to one pixel draws that
 * pixel instead of nothing.
 */
export function drawPath(target: Raster, vertices: readonly Point2[], value = 1, closed = false): void {
  const [rows, cols] = checkRaster(target);
  const clip = (x: number, hi: number): number => roundHalfEven(Math.min(hi, Math.max(0, x)));
  const pixels = vertices.map(([r, c]) => [clip(r, rows - 1), clip(c, cols - 1)]);
  if (closed && pixels.length > 2) pixels.push(pixels[0]);
  if (pixels.length === 1) pixels.push(pixels[0]);
  for (let k = 0; k + 1 < pixels.length; k++) {
    const line = bresenhamLine(pixels[k][0], pixels[k][1], pixels[k + 1][0], pixels[k + 1][1]);
    for (let i = 0; i < line.rows.length; i++) target.data[line.rows[i] * cols + line.cols[i]] = value;
  }
}

function emptyMask(shape: readonly [number, number]): NDArray & { data: Uint8Array } {
  const [rows, cols] = shape;
  if (!(Number.isSafeInteger(rows) && Number.isSafeInteger(cols) && rows > 0 && cols > 0)) {
    throw new RangeError(`expected a mask shape of two positive integers, got [${shape}]`);
  }
  return { dtype: 'bool', shape: [rows, cols], data: new Uint8Array(rows * cols) };
}

/** Boolean mask of `skimage.draw.polygon2mask(shape, vertices)`. */
export function polygonMask(vertices: readonly Point2[], shape: readonly [number, number]): NDArray {
  const mask = emptyMask(shape);
  fillPolygon({ shape, data: mask.data }, vertices);
  return mask;
}

/** Boolean mask of the pixels `skimage.draw.ellipse` returns for this ellipse and shape. */
export function ellipseMask(e: Ellipse, shape: readonly [number, number]): NDArray {
  const mask = emptyMask(shape);
  fillEllipse({ shape, data: mask.data }, e);
  return mask;
}

/** Boolean mask of a one-pixel-wide polyline (see drawPath). */
export function pathMask(vertices: readonly Point2[], shape: readonly [number, number], closed = false): NDArray {
  const mask = emptyMask(shape);
  drawPath({ shape, data: mask.data }, vertices, 1, closed);
  return mask;
}
