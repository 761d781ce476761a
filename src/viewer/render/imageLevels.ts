import { TypedArray } from '../../core/dtypes';
import { downsampleFactors, gatherTile, lastSample, StridedPlane, stridedPlane } from '../../core/pyramid';
import { ImageLayer } from '../model/imageLayer';
import { LazyImageSource } from '../model/lazyImage';
import { LevelGeometry, TILE_SIZE, TileIndex, tileTexels } from './tileGeometry';
import { TextureLayout, textureLayoutFor } from './textureFormats';

/** What one tile upload needs: the texels (with their halo) and how to read them. */
export interface TileUpload {
  /** Texture size in texels, halo included. */
  rows: number;
  cols: number;
  /** Texels of halo before the tile, [cols, rows]: 1 where a neighbour exists, else 0. */
  halo: [number, number];
  pixels: TypedArray;
  /** When set, `pixels` is the whole source plane and the tile is read in place with these. */
  unpack?: { rowLength: number; skipRows: number; skipPixels: number };
}

/** One level of the displayed plane: its geometry plus a tile reader. */
export interface PlaneLevel extends LevelGeometry {
  /** Names the level and the slice through it, for cache keys. */
  key: string;
  /** Whether this level's pixels are the image's own (not 2^k samples of a coarser one). */
  own: boolean;
  /** The tile's texels; null while a lazy image's region is on its way; the Error that fetching it gave. */
  read(index: TileIndex): TileUpload | null | Error;
}

export interface PlanePyramid {
  layout: TextureLayout;
  levels: PlaneLevel[];
}

/**
 * Where a level's texels come from: a plane of an array in memory (read in place or
 * gathered), or a lazy source asked for the region a tile needs.
 */
interface PlaneSource {
  rows: number;
  cols: number;
  channels: number;
  /**
   * `rows` × `cols` texels (row-major, channels interleaved) sampled every `stride` pixels from
   * (row0, col0) + stride / 2, clamped at the plane's edge; see gatherTile.
   */
  gather(row0: number, col0: number, rows: number, cols: number, stride: number, layout: TextureLayout): TypedArray | null | Error;
  /** A resident plane laid out as the texture wants: tiles upload straight out of its buffer. */
  inPlace?: StridedPlane;
}

/**
 * The pyramid of the plane `step` × `displayed` of an image layer: the layer's own levels
 * (napari's `multiscale`), followed by virtual levels that sample the coarsest one every
 * 2^k pixels until a level fits in one tile. Single-scale images thus get a pyramid too, built
 * tile by tile on demand, so zooming out of a 16384² image touches a few tiles, not 2^28
 * pixels, and GPU memory stays within the tile cache. A lazy image's levels read the same
 * regions from its source (the kernel), which answers them asynchronously.
 */
export function planePyramid(layer: ImageLayer, step: readonly number[], displayed: readonly [number, number], tile = TILE_SIZE): PlanePyramid {
  const channels = layer.rgb ? layer.channels : 0;
  const layout = textureLayoutFor(layer.dtype, Math.max(1, channels));
  const shapes = layer.levelShapes;
  const shape0 = shapes[0];
  const [rowAxis, colAxis] = displayed;
  const rows0 = shape0[rowAxis];
  const cols0 = shape0[colAxis];
  const levels: PlaneLevel[] = [];
  let coarsest = { source: null as unknown as PlaneSource, factor: [1, 1] as [number, number], index: 0 };
  shapes.forEach((shape, index) => {
    const f = downsampleFactors(shape0, shape, layer.ndim);
    // The slice index on this level of every non-displayed axis (levels may shrink Z too).
    const levelStep = step.map((s, a) => (a === rowAxis || a === colAxis ? 0 : Math.min(shape[a] - 1, Math.floor(s / f[a]))));
    const source = layer.lazy
      ? lazyPlane(layer.lazy, index, shape, levelStep, displayed, channels)
      : residentPlane(stridedPlane(layer.levels[index], levelStep, displayed, channels));
    const factor: [number, number] = [f[rowAxis], f[colAxis]];
    levels.push(levelOf(source, factor, 1, `${index}@${levelStep.join(',')}`, rows0, cols0, layout, tile));
    coarsest = { source, factor, index };
  });
  for (let k = 1; Math.max(levels[levels.length - 1].rows, levels[levels.length - 1].cols) > tile; k++) {
    const s = 2 ** k;
    const factor: [number, number] = [coarsest.factor[0] * s, coarsest.factor[1] * s];
    const key = `${coarsest.index}/${s}@${levels[coarsest.index].key.split('@')[1]}`;
    levels.push(levelOf(coarsest.source, factor, s, key, rows0, cols0, layout, tile));
  }
  return { layout, levels };
}

function residentPlane(plane: StridedPlane): PlaneSource {
  return {
    rows: plane.rows,
    cols: plane.cols,
    channels: plane.channels,
    gather(row0, col0, rows, cols, stride, layout) {
      const length = rows * cols * plane.channels;
      const pixels = layout.convert ? new Float32Array(length) : new (plane.data.constructor as new (n: number) => TypedArray)(length);
      gatherTile(plane, row0, col0, rows, cols, stride, pixels);
      return pixels;
    },
    inPlace: plane
  };
}

/**
 * A lazy level's plane: each gather asks the source for the region holding exactly the
 * samples gatherTile would take (`start:stop:stride` on the displayed axes, one index on the
 * others), then lays it out as the texture wants (transposed when the row axis comes after
 * the column axis, converted for dtypes without a texture format, edge samples repeated).
 */
function lazyPlane(
  source: LazyImageSource,
  level: number,
  shape: readonly number[],
  levelStep: readonly number[],
  displayed: readonly [number, number],
  channels: number
): PlaneSource {
  const [rowAxis, colAxis] = displayed;
  const rows = shape[rowAxis];
  const cols = shape[colAxis];
  const ch = Math.max(1, channels);
  const spatial = shape.length - (channels > 0 ? 1 : 0);
  return {
    rows,
    cols,
    channels: ch,
    gather(row0, col0, texRows, texCols, stride, layout) {
      const phase = Math.floor(stride / 2);
      const firstRow = Math.min(lastSample(rows - 1, stride), row0 * stride + phase);
      const firstCol = Math.min(lastSample(cols - 1, stride), col0 * stride + phase);
      const start = levelStep.slice(0, spatial);
      const stop = start.map(i => i + 1);
      const step = start.map(() => 1);
      start[rowAxis] = firstRow;
      stop[rowAxis] = Math.min(rows, firstRow + (texRows - 1) * stride + 1);
      step[rowAxis] = stride;
      start[colAxis] = firstCol;
      stop[colAxis] = Math.min(cols, firstCol + (texCols - 1) * stride + 1);
      step[colAxis] = stride;
      const got = source.region({ level, start, stop, step });
      if (got === null || got instanceof Error) return got;
      const nr = Math.ceil((stop[rowAxis] - firstRow) / stride);
      const nc = Math.ceil((stop[colAxis] - firstCol) / stride);
      // The region's axes come in array order: rows before columns unless transposed.
      const plane: StridedPlane = {
        data: got,
        offset: 0,
        rows: nr,
        cols: nc,
        rowStride: rowAxis < colAxis ? nc * ch : ch,
        colStride: rowAxis < colAxis ? ch : nr * ch,
        channels: ch
      };
      const length = texRows * texCols * ch;
      const pixels = layout.convert ? new Float32Array(length) : new (got.constructor as new (n: number) => TypedArray)(length);
      gatherTile(plane, 0, 0, texRows, texCols, 1, pixels);
      return pixels;
    }
  };
}

function levelOf(
  source: PlaneSource,
  factor: [number, number],
  stride: number,
  key: string,
  rows0: number,
  cols0: number,
  layout: TextureLayout,
  tile: number
): PlaneLevel {
  const geometry: LevelGeometry = { rows: Math.ceil(source.rows / stride), cols: Math.ceil(source.cols / stride), factor, rows0, cols0 };
  // Pixels already in the texture's element type, one texel per pixel, channels adjacent:
  // tiles of such a plane upload straight out of the layer's buffer, with no copy.
  const plane = source.inPlace;
  const inPlace = plane !== undefined && stride === 1 && !layout.convert && plane.colStride === plane.channels && plane.rowStride % plane.channels === 0;
  return {
    ...geometry,
    key,
    own: stride === 1,
    read(index: TileIndex): TileUpload | null | Error {
      const [rows, cols] = tileTexels(geometry, index, tile);
      const row0 = index.tr * tile;
      const col0 = index.tc * tile;
      const top = row0 > 0 ? 1 : 0;
      const left = col0 > 0 ? 1 : 0;
      const texRows = rows + top + (row0 + rows < geometry.rows ? 1 : 0);
      const texCols = cols + left + (col0 + cols < geometry.cols ? 1 : 0);
      const halo: [number, number] = [left, top];
      if (inPlace) {
        return {
          rows: texRows,
          cols: texCols,
          halo,
          pixels: plane.data.subarray(plane.offset) as TypedArray,
          unpack: { rowLength: plane.rowStride / plane.channels, skipRows: row0 - top, skipPixels: col0 - left }
        };
      }
      const pixels = source.gather(row0 - top, col0 - left, texRows, texCols, stride, layout);
      if (pixels === null || pixels instanceof Error) return pixels;
      return { rows: texRows, cols: texCols, halo, pixels };
    }
  };
}
