/**
 * Polygon rasterisation with skimage.draw.polygon's exact rule, so a polygon drawn in the
 * viewer covers the same pixels as `polygon` / `polygon2mask` in the kernel (napari's
 * polygon tool uses polygon2mask).
 *
 * skimage (>= 0.19) tests every pixel centre (r, c) of the vertices' bounding box (rows
 * int(max(0, min r)) .. ceil(max r), columns likewise, clipped to `shape`) with
 * `point_in_polygon` from skimage/_shared/geometry.pyx (O'Rourke, "Computational Geometry
 * in C", ch. 7), and keeps it when the point is inside, on an edge or on a vertex:
 *   - a vertex within 1e-12 of the point (both coordinates): kept;
 *   - with x0 = c_i - c, y0 = r_i - r (and x1, y1 for the previous vertex) and
 *     t = (x0 * y1 - x1 * y0) / (y1 - y0): edges with (y0 > 0) != (y1 > 0) and t > 0 are
 *     right crossings, edges with (y0 < 0) != (y1 < 0) and t < 0 are left crossings;
 *   - kept when either count is odd (both odd: inside; one odd: on an edge).
 *
 * Evaluated per row rather than per pixel: t is (up to rounding) X_edge - c, so along a row
 * each crossing predicate flips once, at an integer threshold found by evaluating t exactly
 * (same operations as skimage) at the few columns next to the crossing. Same pixels, in
 * O(rows * edges + output) instead of O(rows * columns * edges).
 */
export function polygonPixels(
  rows: readonly number[],
  cols: readonly number[],
  shape?: readonly [number, number]
): [Int32Array, Int32Array] {
  if (rows.length !== cols.length) {
    throw new RangeError(`expected as many row as column coordinates, got ${rows.length} and ${cols.length}`);
  }
  if (![...rows, ...cols].every(Number.isFinite)) {
    throw new RangeError('polygon vertices must be finite numbers');
  }
  const n = rows.length;
  if (n === 0) return [new Int32Array(0), new Int32Array(0)];
  const minRow = Math.trunc(Math.max(0, Math.min(...rows)));
  let maxRow = Math.ceil(Math.max(...rows));
  const minCol = Math.trunc(Math.max(0, Math.min(...cols)));
  let maxCol = Math.ceil(Math.max(...cols));
  if (shape) {
    maxRow = Math.min(shape[0] - 1, maxRow);
    maxCol = Math.min(shape[1] - 1, maxCol);
  }
  const outRows: number[] = [];
  const outCols: number[] = [];
  for (let r = minRow; r <= maxRow; r++) {
    for (const [from, to] of rowSpans(rows, cols, r, minCol, maxCol)) {
      for (let c = from; c <= to; c++) {
        outRows.push(r);
        outCols.push(c);
      }
    }
  }
  return [Int32Array.from(outRows), Int32Array.from(outCols)];
}

const VERTEX_EPS = 1e-12;

/** Sorted, disjoint column ranges [from, to] of row r that skimage keeps. */
function rowSpans(rows: readonly number[], cols: readonly number[], r: number, minCol: number, maxCol: number): Array<[number, number]> {
  const n = rows.length;
  // Columns where a right crossing stops counting (t > 0 holds for c < threshold) and
  // where a left crossing starts counting (t < 0 holds for c >= threshold).
  const rightEnds: number[] = [];
  const leftStarts: number[] = [];
  const spans: Array<[number, number]> = [];
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const y0 = rows[i] - r;
    const y1 = rows[j] - r;
    const right = y0 > 0 !== y1 > 0;
    const left = y0 < 0 !== y1 < 0;
    if (!right && !left) continue;
    // skimage's expression, evaluated for one column exactly as point_in_polygon does.
    const t = (c: number): number => ((cols[i] - c) * y1 - (cols[j] - c) * y0) / (y1 - y0);
    const crossing = Math.floor(t(0)); // t(c) = X - c up to rounding, so X ~ t(0)
    if (right) rightEnds.push(firstColumn(crossing, c => !(t(c) > 0)));
    if (left) leftStarts.push(firstColumn(crossing, c => t(c) < 0));
  }
  // Walk the flips in column order: right parity starts at the number of right crossings.
  type Flip = [number, 'right' | 'left'];
  const flips: Flip[] = [...rightEnds.map(c => [c, 'right'] as Flip), ...leftStarts.map(c => [c, 'left'] as Flip)];
  flips.sort((a, b) => a[0] - b[0]);
  let rightOdd = rightEnds.length % 2 === 1;
  let leftOdd = false;
  let from = minCol;
  let k = 0;
  while (from <= maxCol) {
    while (k < flips.length && flips[k][0] <= from) {
      if (flips[k][1] === 'right') rightOdd = !rightOdd;
      else leftOdd = !leftOdd;
      k++;
    }
    const to = k < flips.length ? Math.min(maxCol, flips[k][0] - 1) : maxCol;
    if (rightOdd || leftOdd) spans.push([from, to]);
    from = to + 1;
  }
  // Vertices on this row's pixel centres count whatever the crossings say.
  for (let i = 0; i < n; i++) {
    const c = Math.round(cols[i]);
    const x0 = cols[i] - c;
    const y0 = rows[i] - r;
    if (-VERTEX_EPS < x0 && x0 < VERTEX_EPS && -VERTEX_EPS < y0 && y0 < VERTEX_EPS && c >= minCol && c <= maxCol) {
      spans.push([c, c]);
    }
  }
  return mergeSpans(spans);
}

/**
 * The first column c from `crossing - 1` on where `predicate` holds. The predicates flip
 * once near the crossing: far from it t's sign is certain (rounding errors are ~1e-10 of a
 * pixel), so only columns crossing-1 .. crossing+2 need testing.
 */
function firstColumn(crossing: number, predicate: (c: number) => boolean): number {
  for (let c = crossing - 1; c <= crossing + 1; c++) if (predicate(c)) return c;
  return crossing + 2;
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of spans) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}
