import { chooseLevel } from '../../core/pyramid';
import { ImageLayer } from '../model/imageLayer';
import { LayerSlice } from '../model/viewerModel';
import { createNearestTexture } from './glTextures';
import { PlanePyramid, planePyramid } from './imageLevels';
import { LruTileCache } from './tileCache';
import { DataRect, intersect, quadFor, TileIndex, TileQuad, tileRect, tilesInRect } from './tileGeometry';

/** GPU memory for image tiles, all layers together, unless the host sets another bound. */
export const DEFAULT_TILE_CACHE_BYTES = 256 * 1024 * 1024;
/**
 * Main-thread time one frame may spend uploading tiles (at least one tile is uploaded). The
 * rest wait for the next frames, shown meanwhile from a coarser level already on the GPU.
 */
export const UPLOAD_BUDGET_MS = 4;

interface CachedTile {
  texture: WebGLTexture;
  halo: [number, number];
}

/** How a frame sees a layer: the visible part of its plane and the screen size of a pixel. */
export interface TileView {
  /** Visible rectangle in level-0 data pixels of the displayed plane. */
  rect: DataRect;
  /** Device pixels per level-0 pixel along [rows, cols]. */
  screenPerPixel: [number, number];
}

export interface TileFrame {
  /** Draws one quad with the bound program; the texture is bound to unit 0. */
  drawQuad(quad: TileQuad): void;
  /** Whether another upload fits in this frame. */
  mayUpload(): boolean;
  /** Called after each upload, so the frame can account for its time. */
  uploaded(): void;
}

export interface TileCacheStats {
  bytes: number;
  tiles: number;
  budget: number;
}

/**
 * Image layers as tiles of a pyramid (the layer's own levels plus virtual ones, see
 * planePyramid): each frame draws the level that matches the zoom, only the tiles in view,
 * uploading missing ones within a time budget and showing the best coarser tile already on
 * the GPU for the rest (each screen region drawn once, so opacity and blending stay right).
 * Tiles live in one LRU cache bounded in bytes, shared by all layers.
 */
export class ImageTiles {
  private readonly cache: LruTileCache<CachedTile>;
  private readonly pyramids = new Map<string, { data: unknown; sliceKey: string; token: number; pyramid: PlanePyramid }>();
  private nextToken = 0;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    budgetBytes = DEFAULT_TILE_CACHE_BYTES
  ) {
    this.cache = new LruTileCache<CachedTile>(budgetBytes, tile => gl.deleteTexture(tile.texture));
  }

  get stats(): TileCacheStats {
    return { bytes: this.cache.bytes, tiles: this.cache.size, budget: this.cache.budget };
  }

  setBudget(bytes: number): void {
    this.cache.setBudget(bytes);
  }

  beginFrame(): void {
    this.cache.beginFrame();
  }

  /**
   * Draws the visible tiles of one layer's plane. Returns true when some tile is still
   * missing at the wanted level (a coarser one stood in): the caller draws another frame.
   */
  draw(layer: ImageLayer, slice: LayerSlice, view: TileView, frame: TileFrame): boolean {
    const { key, pyramid } = this.pyramidFor(layer, slice);
    const levels = pyramid.levels;
    const wanted = chooseLevel(
      levels.map(l => l.factor),
      view.screenPerPixel
    );
    const coarsest = levels.length - 1;
    // The coarsest level is tiny (one tile, or the user's smallest level): keep it resident
    // so that every missing tile has something to stand in for it. Not for a lazy image whose
    // coarsest level is virtual: its one tile would make the kernel read the whole image.
    let pending = false;
    if (!layer.lazy || levels[coarsest].own) {
      for (const index of tilesInRect(levels[coarsest], view.rect)) {
        pending = this.tile(key, pyramid, coarsest, index, true, frame) === null || pending;
      }
    }
    for (const index of tilesInRect(levels[wanted], view.rect)) {
      const tile = this.tile(key, pyramid, wanted, index, frame.mayUpload(), frame);
      const rect = tileRect(levels[wanted], index);
      if (typeof tile === 'object' && tile) {
        this.bind(tile);
        frame.drawQuad(quadFor(levels[wanted], index, rect, tile.halo));
        continue;
      }
      // Not here yet (upload budget spent, or a lazy region on its way); a failed region is
      // not waited for: its part of the screen shows what coarser level there is.
      if (tile !== 'failed') pending = true;
      const visible = intersect(rect, view.rect);
      if (visible) this.drawFallback(key, pyramid, wanted + 1, visible, frame);
    }
    return pending;
  }

  /** Forgets tiles of layers no longer shown anywhere. */
  retain(alive: ReadonlySet<string>): void {
    for (const id of [...this.pyramids.keys()]) {
      if (!alive.has(id)) {
        this.cache.deletePrefix(`${id}#`);
        this.pyramids.delete(id);
      }
    }
  }

  dispose(): void {
    this.cache.clear();
    this.pyramids.clear();
  }

  /** Fills `part` from the finest level above `from` whose covering tiles are all resident. */
  private drawFallback(key: string, pyramid: PlanePyramid, from: number, part: DataRect, frame: TileFrame): void {
    const levels = pyramid.levels;
    for (let level = from; level < levels.length; level++) {
      const indices = tilesInRect(levels[level], part);
      const last = level === levels.length - 1;
      if (!last && !indices.every(index => this.cache.has(this.tileKey(key, pyramid, level, index)))) continue;
      for (const index of indices) {
        const tile = this.tile(key, pyramid, level, index, false, frame);
        const piece = typeof tile === 'object' && tile && intersect(tileRect(levels[level], index), part);
        if (!piece) continue;
        this.bind(tile);
        frame.drawQuad(quadFor(levels[level], index, piece, tile.halo));
      }
      return;
    }
  }

  private bind(tile: CachedTile): void {
    this.gl.bindTexture(this.gl.TEXTURE_2D, tile.texture);
  }

  private tileKey(key: string, pyramid: PlanePyramid, level: number, { tr, tc }: TileIndex): string {
    return `${key}|${pyramid.levels[level].key}|${tr},${tc}`;
  }

  /**
   * A resident tile (marked as used by this frame), uploading it when allowed: undefined when
   * not uploaded now, null while a lazy image's region is on its way, 'failed' when it could
   * not be read.
   */
  private tile(key: string, pyramid: PlanePyramid, level: number, index: TileIndex, upload: boolean, frame: TileFrame): CachedTile | undefined | null | 'failed' {
    const cacheKey = this.tileKey(key, pyramid, level, index);
    const cached = this.cache.use(cacheKey);
    if (cached || !upload) return cached;
    const gl = this.gl;
    const { layout } = pyramid;
    const up = pyramid.levels[level].read(index);
    if (up === null) return null;
    if (up instanceof Error) return 'failed';
    const texture = createNearestTexture(gl);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    if (up.unpack) {
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, up.unpack.rowLength);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, up.unpack.skipRows);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, up.unpack.skipPixels);
    }
    gl.texImage2D(gl.TEXTURE_2D, 0, layout.internalFormat, up.cols, up.rows, 0, layout.format, layout.type, up.pixels);
    if (up.unpack) {
      gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
    }
    const tile = { texture, halo: up.halo };
    this.cache.add(cacheKey, tile, up.rows * up.cols * layout.bytesPerTexel);
    frame.uploaded();
    return tile;
  }

  /**
   * The layer's pyramid for this slice, rebuilt only when the slice or the data changes
   * (it is a description, no pixels). New data also drops the layer's old tiles at once:
   * their GPU memory is garbage from that moment.
   */
  private pyramidFor(layer: ImageLayer, slice: LayerSlice): { key: string; pyramid: PlanePyramid } {
    const sliceKey = `${slice.step.join(',')}|${slice.displayed.join(',')}|${layer.rgb}`;
    let entry = this.pyramids.get(layer.id);
    // The pixels' identity: the resident levels, or the lazy source they are read from.
    const pixels = layer.lazy ?? layer.levels;
    if (!entry || entry.data !== pixels) {
      if (entry) this.cache.deletePrefix(`${layer.id}#`);
      entry = { data: pixels, sliceKey: '', token: this.nextToken++, pyramid: null as unknown as PlanePyramid };
      this.pyramids.set(layer.id, entry);
    }
    if (entry.sliceKey !== sliceKey) {
      entry.pyramid = planePyramid(layer, slice.step, slice.displayed);
      entry.sliceKey = sliceKey;
    }
    return { key: `${layer.id}#${entry.token}`, pyramid: entry.pyramid };
  }
}
