import { TypedArray } from '../../core/dtypes';
import { downsampleFactors, gatherTile, StridedPlane, stridedPlane } from '../../core/pyramid';
import { ImageLayer } from '../model/imageLayer';
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
  read(index: TileIndex): TileUpload;
}

export interface PlanePyramid {
  layout: TextureLayout;
  levels: PlaneLevel[];
}

/**
 * The pyramid of the plane `step` × `displayed` of an image layer: the layer's own levels
 * (napari's `multiscale`), followed by virtual levels that sample the coarsest one every
 * 2^k pixels until a level fits in one tile. Single-scale images thus get a pyramid too, built
 * tile by tile on demand, so zooming out of a 16384² image touches a few tiles, not 2^28
 * pixels, and GPU memory stays within the tile cache.
 */
export function planePyramid(layer: ImageLayer, step: readonly number[], displayed: readonly [number, number], tile = TILE_SIZE): PlanePyramid {
  const channels = layer.rgb ? layer.data.shape[layer.ndim] : 0;
  const layout = textureLayoutFor(layer.data.dtype, Math.max(1, channels));
  const shape0 = layer.data.shape;
  const [rowAxis, colAxis] = displayed;
  const rows0 = shape0[rowAxis];
  const cols0 = shape0[colAxis];
  const levels: PlaneLevel[] = [];
  let coarsest = { plane: null as unknown as StridedPlane, factor: [1, 1] as [number, number], index: 0 };
  layer.levels.forEach((array, index) => {
    const f = downsampleFactors(shape0, array.shape, layer.ndim);
    // The slice index on this level of every non-displayed axis (levels may shrink Z too).
    const levelStep = step.map((s, a) => (a === rowAxis || a === colAxis ? 0 : Math.min(array.shape[a] - 1, Math.floor(s / f[a]))));
    const plane = stridedPlane(array, levelStep, displayed, channels);
    const factor: [number, number] = [f[rowAxis], f[colAxis]];
    levels.push(levelOf(plane, factor, 1, `${index}@${levelStep.join(',')}`, rows0, cols0, layout, tile));
    coarsest = { plane, factor, index };
  });
  for (let k = 1; Math.max(levels[levels.length - 1].rows, levels[levels.length - 1].cols) > tile; k++) {
    const s = 2 ** k;
    const factor: [number, number] = [coarsest.factor[0] * s, coarsest.factor[1] * s];
    const key = `${coarsest.index}/${s}@${levels[coarsest.index].key.split('@')[1]}`;
    levels.push(levelOf(coarsest.plane, factor, s, key, rows0, cols0, layout, tile));
  }
  return { layout, levels };
}

function levelOf(
  plane: StridedPlane,
  factor: [number, number],
  stride: number,
  key: string,
  rows0: number,
  cols0: number,
  layout: TextureLayout,
  tile: number
): PlaneLevel {
  const geometry: LevelGeometry = { rows: Math.ceil(plane.rows / stride), cols: Math.ceil(plane.cols / stride), factor, rows0, cols0 };
  // Pixels already in the texture's element type, one texel per pixel, channels adjacent:
  // tiles of such a plane upload straight out of the layer's buffer, with no copy.
  const inPlace = stride === 1 && !layout.convert && plane.colStride === plane.channels && plane.rowStride % plane.channels === 0;
  return {
    ...geometry,
    key,
    read(index: TileIndex): TileUpload {
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
      const length = texRows * texCols * plane.channels;
      const pixels = layout.convert ? new Float32Array(length) : new (plane.data.constructor as new (n: number) => TypedArray)(length);
      gatherTile(plane, row0 - top, col0 - left, texRows, texCols, stride, pixels);
      return { rows: texRows, cols: texCols, halo, pixels };
    }
  };
}
