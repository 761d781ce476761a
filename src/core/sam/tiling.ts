/**
 * Tiled SAM, as micro-sam does it (`precompute_image_embeddings(tile_shape=, halo=)` and the
 * tiled branches of `prompt_based_segmentation`): the plane is cut into inner blocks of
 * `tileShape` from the top-left corner (the last row/column of blocks clipped to the image),
 * and each tile's *outer* block (inner block grown by `halo` on every side, clipped to the
 * image) is encoded as an ordinary SAM image. A prompt is answered by one tile: it is moved
 * into that tile's local frame, decoded on that tile's embeddings, and the tile's whole mask
 * (outer block) is pasted back into a full-plane mask. An object that crosses an inner-block
 * border is therefore segmented whole as long as the halo covers it.
 *
 * A tile's embeddings: `toRgb8` of the WHOLE plane (one min/max per plane, so an object has the
 * same contrast in every tile that sees it; micro-sam normalises each tile on its own), then
 * `cropPlane(rgb8, shape, tile.outer, 3)` and `prepareImage` on the crop, like any image.
 * seglab.embeddings.compute_embeddings does the same, bit for bit.
 *
 * Tile ids are row-major over the block grid (nifty's `blocking` order, which micro-sam's
 * embedding files use): id = row * columns + column.
 *
 * Boxes are (x0, y0, x1, y1) and points (x, y) = (column, row), as SamPrompt has them; block
 * boxes here are [y0, x0, y1, x1) with exclusive ends, in pixels.
 *
 * When is tiling used? Never implicitly: like micro-sam, only when the user sets `tileShape`.
 * But unlike micro-sam we refuse to silently shrink a huge plane to 1024 px (a 20000² image
 * would lose every object smaller than ~20 px): `planTiling` throws `TilingRequiredError`,
 * with a suggested tile shape, above MAX_UNTILED_SIDE unless the caller allows downscaling.
 */

import type { TypedArray } from '../dtypes';
import type { SamPrompt } from './transforms';
import { roundHalfEven } from '../labels/brush';

/** Longest side (px) SegLab encodes without tiling: at most 4× downscaling into the 1024 input. */
export const MAX_UNTILED_SIDE = 4096;
/** What `TilingRequiredError` suggests (micro-sam's usual choice for light microscopy). */
export const SUGGESTED_TILE_SHAPE: readonly [number, number] = [1024, 1024];
export const SUGGESTED_HALO: readonly [number, number] = [256, 256];

/** [y0, x0, y1, x1): rows y0..y1-1, columns x0..x1-1. */
export type BlockBox = readonly [number, number, number, number];

export interface Tile {
  id: number;
  /** Position in the block grid. */
  row: number;
  column: number;
  inner: BlockBox;
  /** The part of the plane this tile's embeddings are computed from. */
  outer: BlockBox;
}

export interface TileGrid {
  shape: readonly [number, number];
  tileShape: readonly [number, number];
  halo: readonly [number, number];
  rows: number;
  columns: number;
  tiles: Tile[];
}

export class TilingRequiredError extends Error {
  constructor(readonly shape: readonly [number, number]) {
    super(
      `a ${shape[0]} × ${shape[1]} plane is too large to segment without tiling (SAM would shrink it ` +
        `${(Math.max(...shape) / 1024).toFixed(1)}× to 1024 px and lose small objects); set a tile shape, e.g. ` +
        `tileShape [${SUGGESTED_TILE_SHAPE.join(', ')}] with halo [${SUGGESTED_HALO.join(', ')}], or allow downscaling explicitly`
    );
    this.name = 'TilingRequiredError';
  }
}

function checkPair(name: string, v: readonly number[], min: number): void {
  if (v.length !== 2 || !v.every(n => Number.isSafeInteger(n) && n >= min)) {
    throw new RangeError(`expected ${name} to be two integers >= ${min}, got [${v.join(', ')}]`);
  }
}

/** micro-sam's tiling: inner blocks of `tileShape`, outer blocks = inner + `halo`, clipped. */
export function tileGrid(shape: readonly [number, number], tileShape: readonly [number, number], halo: readonly [number, number] = [0, 0]): TileGrid {
  checkPair('shape', shape, 1);
  checkPair('tileShape', tileShape, 1);
  checkPair('halo', halo, 0);
  const [h, w] = shape;
  const rows = Math.ceil(h / tileShape[0]);
  const columns = Math.ceil(w / tileShape[1]);
  const tiles: Tile[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const y0 = r * tileShape[0];
      const x0 = c * tileShape[1];
      const y1 = Math.min(y0 + tileShape[0], h);
      const x1 = Math.min(x0 + tileShape[1], w);
      tiles.push({
        id: r * columns + c,
        row: r,
        column: c,
        inner: [y0, x0, y1, x1],
        outer: [Math.max(y0 - halo[0], 0), Math.max(x0 - halo[1], 0), Math.min(y1 + halo[0], h), Math.min(x1 + halo[1], w)]
      });
    }
  }
  return { shape: [h, w], tileShape: [tileShape[0], tileShape[1]], halo: [halo[0], halo[1]], rows, columns, tiles };
}

export interface TilingOptions {
  tileShape?: readonly [number, number] | null;
  halo?: readonly [number, number] | null;
  /** Encode a plane above MAX_UNTILED_SIDE as one (downscaled) image anyway. */
  allowDownscale?: boolean;
}

/** The grid to use for a plane, or null for one untiled image; see the module comment for the rule. */
export function planTiling(shape: readonly [number, number], options: TilingOptions = {}): TileGrid | null {
  if (options.tileShape) return tileGrid(shape, options.tileShape, options.halo ?? [0, 0]);
  if (Math.max(shape[0], shape[1]) > MAX_UNTILED_SIDE && !options.allowDownscale) throw new TilingRequiredError(shape);
  return null;
}

/** The tile whose inner block holds pixel (row, column) (clamped into the plane). */
export function tileAt(grid: TileGrid, row: number, column: number): Tile {
  const r = Math.min(Math.max(Math.floor(row / grid.tileShape[0]), 0), grid.rows - 1);
  const c = Math.min(Math.max(Math.floor(column / grid.tileShape[1]), 0), grid.columns - 1);
  return grid.tiles[r * grid.columns + c];
}

function overlapArea(box: readonly [number, number, number, number], b: BlockBox): number {
  const [x0, y0, x1, y1] = box;
  const w = Math.min(x1, b[3]) - Math.max(x0, b[1]);
  const h = Math.min(y1, b[2]) - Math.max(y0, b[0]);
  return w > 0 && h > 0 ? w * h : 0;
}

function insideOuter(box: readonly [number, number, number, number], b: BlockBox): boolean {
  return box[0] >= b[1] && box[1] >= b[0] && box[2] <= b[3] && box[3] <= b[2];
}

export interface TilePrompt {
  tile: Tile;
  /** The prompt in the tile's local frame (origin at the outer block's top-left corner). */
  prompt: SamPrompt;
  /** The local image size to give the SAM transforms: the outer block's (height, width). */
  originalSize: [number, number];
  /** Points outside the tile's outer block, dropped (micro-sam drops them with a warning). */
  droppedPoints: number;
  /** Whether the box had to be clipped to the outer block (it did not fit in one tile). */
  boxClipped: boolean;
}

/**
 * The tile that answers a prompt, and the prompt in its frame. The tile is chosen as micro-sam
 * does: the one whose inner block holds the box centre, else the mean of the positive points
 * (all points when there is no positive one), each rounded half-to-even. One deviation: a box
 * that does not fit in that tile's outer block goes to the tile whose outer block holds the
 * largest part of it (ties: the centre's tile, then the lowest id), and is clipped to it
 * (micro-sam clips it to the centre's tile). Points outside the chosen outer block are dropped.
 */
export function promptToTile(grid: TileGrid, prompt: SamPrompt): TilePrompt {
  const points = prompt.points ?? [];
  const labels = prompt.labels ?? [];
  let tile: Tile;
  if (prompt.box) {
    const [x0, y0, x1, y1] = prompt.box;
    tile = tileAt(grid, roundHalfEven((y0 + y1) / 2), roundHalfEven((x0 + x1) / 2));
    if (!insideOuter(prompt.box, tile.outer)) {
      let best = overlapArea(prompt.box, tile.outer);
      for (const t of grid.tiles) {
        const a = overlapArea(prompt.box, t.outer);
        if (a > best) {
          best = a;
          tile = t;
        }
      }
    }
  } else {
    if (points.length === 0) throw new RangeError('expected at least one point or a box');
    const use = labels.some(l => l === 1) ? points.filter((_, i) => labels[i] === 1) : points;
    const cy = use.reduce((s, p) => s + p[1], 0) / use.length;
    const cx = use.reduce((s, p) => s + p[0], 0) / use.length;
    tile = tileAt(grid, roundHalfEven(cy), roundHalfEven(cx));
  }
  const [oy0, ox0, oy1, ox1] = tile.outer;
  const local: SamPrompt = {};
  const keptPoints: Array<[number, number]> = [];
  const keptLabels: Array<0 | 1> = [];
  points.forEach(([x, y], i) => {
    const lx = x - ox0;
    const ly = y - oy0;
    if (lx >= 0 && ly >= 0 && lx < ox1 - ox0 && ly < oy1 - oy0) {
      keptPoints.push([lx, ly]);
      keptLabels.push(labels[i]);
    }
  });
  if (points.length) {
    local.points = keptPoints;
    local.labels = keptLabels;
  }
  let boxClipped = false;
  if (prompt.box) {
    const [x0, y0, x1, y1] = prompt.box;
    const clipped: [number, number, number, number] = [
      Math.max(x0 - ox0, 0),
      Math.max(y0 - oy0, 0),
      Math.min(x1 - ox0, ox1 - ox0),
      Math.min(y1 - oy0, oy1 - oy0)
    ];
    boxClipped = !insideOuter(prompt.box, tile.outer);
    local.box = clipped;
  }
  return { tile, prompt: local, originalSize: [oy1 - oy0, ox1 - ox0], droppedPoints: points.length - keptPoints.length, boxClipped };
}

/**
 * micro-sam's `_mask_to_tile`: the tile whose inner block holds the (rounded) centroid of the
 * mask, and the mask cropped to that tile's outer block. Null for an empty mask.
 */
export function maskToTile(grid: TileGrid, mask: Uint8Array): { tile: Tile; localMask: Uint8Array } | null {
  const [h, w] = grid.shape;
  if (mask.length !== h * w) throw new RangeError(`expected a ${h} × ${w} mask, got ${mask.length} values`);
  let n = 0;
  let sy = 0;
  let sx = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) {
        n++;
        sy += y;
        sx += x;
      }
    }
  }
  if (n === 0) return null;
  const tile = tileAt(grid, roundHalfEven(sy / n), roundHalfEven(sx / n));
  return { tile, localMask: cropPlane(mask, [h, w], tile.outer) };
}

/** A (H, W, channels) row-major plane's block [y0, x0, y1, x1) as a new array of the same type. */
export function cropPlane<T extends TypedArray>(plane: T, shape: readonly [number, number], block: BlockBox, channels = 1): T {
  const [, w] = shape;
  const [y0, x0, y1, x1] = block;
  const bw = x1 - x0;
  const out = new (plane.constructor as new (n: number) => T)((y1 - y0) * bw * channels);
  const src = plane as unknown as Uint8Array; // any typed array: subarray/set are element-wise
  const dst = out as unknown as Uint8Array;
  for (let y = y0; y < y1; y++) dst.set(src.subarray((y * w + x0) * channels, (y * w + x1) * channels), (y - y0) * bw * channels);
  return out;
}

/**
 * micro-sam's `_tile_to_full_mask`: a tile-local mask (the outer block's size) pasted into a
 * full-plane mask of zeros (or into `into`, overwriting the outer block).
 */
export function pasteTileMask(tileMask: Uint8Array, tile: Tile, shape: readonly [number, number], into?: Uint8Array): Uint8Array {
  const [h, w] = shape;
  const [y0, x0, y1, x1] = tile.outer;
  const bw = x1 - x0;
  if (tileMask.length !== (y1 - y0) * bw) throw new RangeError(`expected a ${y1 - y0} × ${bw} tile mask, got ${tileMask.length} values`);
  const out = into ?? new Uint8Array(h * w);
  for (let y = y0; y < y1; y++) out.set(tileMask.subarray((y - y0) * bw, (y - y0 + 1) * bw), y * w + x0);
  return out;
}
