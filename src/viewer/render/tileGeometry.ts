/**
 * Where the tiles of one pyramid level lie, in level-0 data pixels of the displayed plane
 * (rows, cols; pixel k covers [k, k + 1) as everywhere in the renderer). Pure arithmetic, so
 * level choice, culling and fallback drawing are tested without a GPU.
 */

/** Texels per tile side. Small enough that a pan uploads little, large enough for few draws. */
export const TILE_SIZE = 512;

export interface LevelGeometry {
  /** The level's plane in texels. */
  rows: number;
  cols: number;
  /** Level-0 pixels per texel, [rows, cols]. */
  factor: readonly [number, number];
  /** Level 0's plane in pixels: tiles are clipped to it. */
  rows0: number;
  cols0: number;
}

/** A rectangle in level-0 data pixels: [top, bottom) × [left, right). */
export interface DataRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface TileIndex {
  tr: number;
  tc: number;
}

/** The tile indices of `level` that meet `rect` (an empty list when they do not overlap). */
export function tilesInRect(level: LevelGeometry, rect: DataRect, tile = TILE_SIZE): TileIndex[] {
  const span = (lo: number, hi: number, f: number, n: number): [number, number] => [
    Math.max(0, Math.floor(lo / f / tile)),
    Math.min(Math.ceil(n / tile), Math.ceil(hi / f / tile))
  ];
  const [r0, r1] = span(rect.top, rect.bottom, level.factor[0], level.rows);
  const [c0, c1] = span(rect.left, rect.right, level.factor[1], level.cols);
  const out: TileIndex[] = [];
  for (let tr = r0; tr < r1; tr++) {
    for (let tc = c0; tc < c1; tc++) out.push({ tr, tc });
  }
  return out;
}

/** Texels of a tile, [rows, cols] (edge tiles are smaller). */
export function tileTexels(level: LevelGeometry, { tr, tc }: TileIndex, tile = TILE_SIZE): [number, number] {
  return [Math.min(tile, level.rows - tr * tile), Math.min(tile, level.cols - tc * tile)];
}

/**
 * The level-0 rectangle a tile stands for. A virtual level's last texel may reach past the
 * image (its factor does not divide the size); the rectangle stops at the image edge and
 * the draw shows only that part of the texel, so levels register exactly.
 */
export function tileRect(level: LevelGeometry, index: TileIndex, tile = TILE_SIZE): DataRect {
  const [rows, cols] = tileTexels(level, index, tile);
  const [fr, fc] = level.factor;
  const top = index.tr * tile * fr;
  const left = index.tc * tile * fc;
  return { top, left, bottom: Math.min(top + rows * fr, level.rows0), right: Math.min(left + cols * fc, level.cols0) };
}

export function intersect(a: DataRect, b: DataRect): DataRect | null {
  const r = { top: Math.max(a.top, b.top), left: Math.max(a.left, b.left), bottom: Math.min(a.bottom, b.bottom), right: Math.min(a.right, b.right) };
  return r.top < r.bottom && r.left < r.right ? r : null;
}

/**
 * One textured quad: `rect` in level-0 data pixels, drawn from the texels starting at
 * `texelOrigin` [col, row] and spanning `texelExtent` [cols, rows] (fractional when only a
 * part of a coarser tile stands in for a missing finer one).
 */
export interface TileQuad {
  rect: DataRect;
  texelOrigin: [number, number];
  texelExtent: [number, number];
}

/**
 * The quad that draws `part` (inside the tile's rectangle) from a tile whose texture starts
 * `halo` = [cols, rows] texels before the tile (the border copied from its neighbours, so
 * linear interpolation has no seams between tiles).
 */
export function quadFor(level: LevelGeometry, index: TileIndex, part: DataRect, halo: readonly [number, number], tile = TILE_SIZE): TileQuad {
  const rect = tileRect(level, index, tile);
  const [fr, fc] = level.factor;
  return {
    rect: part,
    texelOrigin: [halo[0] + (part.left - rect.left) / fc, halo[1] + (part.top - rect.top) / fr],
    texelExtent: [(part.right - part.left) / fc, (part.bottom - part.top) / fr]
  };
}
