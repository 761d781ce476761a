import { IDisposable } from '@lumino/disposable';
import { BoundingBox, unionBox } from '../../core/labels/diff';
import { NDArray } from '../../core/ndarray';
import { planeOf } from '../../core/slicing';
import { LabelsDataChange, LabelsLayer } from '../model/labelsLayer';
import { LayerSlice } from '../model/viewerModel';
import { createNearestTexture } from './glTextures';
import { labelsTextureFormat, LabelsTextureFormat, labelsUploadView } from './labelsShader';
import { tileGrid } from './textureFormats';

export interface LabelsTile {
  row: number;
  col: number;
  rows: number;
  cols: number;
  texture: WebGLTexture;
}

interface Entry {
  data: NDArray;
  sliceKey: string;
  format: LabelsTextureFormat;
  tiles: LabelsTile[];
  /** Union of the edits since the last upload, in data coordinates (null: none). */
  dirty: BoundingBox | null;
  listener: IDisposable;
}

/**
 * GPU textures of the shown plane of each labels layer. Painting changes a few hundred pixels
 * of a plane that may hold millions, so edits are tracked as a dirty box (from the layer's
 * `dataChanged`) and only that rectangle is re-uploaded, with texSubImage2D straight out of
 * the layer's array: the cost of a brush event follows the brush, not the image.
 */
export class LabelsTextureCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly maxTile: number
  ) {}

  texturesFor(layer: LabelsLayer, slice: LayerSlice): { format: LabelsTextureFormat; tiles: LabelsTile[] } {
    const sliceKey = `${slice.step.join(',')}|${slice.displayed.join(',')}`;
    const cached = this.entries.get(layer.id);
    if (cached && cached.data === layer.data && cached.sliceKey === sliceKey) {
      if (cached.dirty) this.uploadDirty(layer, slice, cached);
      return cached;
    }
    this.delete(layer.id);
    const gl = this.gl;
    const plane = planeOf(layer.data, slice.step, slice.displayed);
    const format = labelsTextureFormat(layer.data.dtype);
    const pixels = labelsUploadView(plane.data);
    const [rows, cols] = plane.shape;
    const tiles: LabelsTile[] = [];
    this.setUnpack(cols);
    for (const t of tileGrid(rows, cols, this.maxTile)) {
      const texture = createNearestTexture(gl);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, t.row);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, t.col);
      gl.texImage2D(gl.TEXTURE_2D, 0, format.internalFormat, t.cols, t.rows, 0, format.format, format.type, pixels);
      tiles.push({ ...t, texture });
    }
    this.resetUnpack();
    const entry: Entry = { data: layer.data, sliceKey, format, tiles, dirty: null, listener: this.listen(layer) };
    this.entries.set(layer.id, entry);
    return entry;
  }

  /** Drops the textures of layers no longer in `alive`. */
  retain(alive: ReadonlySet<string>): void {
    for (const id of [...this.entries.keys()]) {
      if (!alive.has(id)) this.delete(id);
    }
  }

  delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (const tile of entry.tiles) this.gl.deleteTexture(tile.texture);
    entry.listener.dispose();
    this.entries.delete(id);
  }

  dispose(): void {
    for (const id of [...this.entries.keys()]) this.delete(id);
  }

  private listen(layer: LabelsLayer): IDisposable {
    const onChange = (_: LabelsLayer, change: LabelsDataChange) => {
      const entry = this.entries.get(layer.id);
      if (entry) entry.dirty = unionBox(entry.dirty, change.box);
    };
    layer.dataChanged.connect(onChange);
    return { isDisposed: false, dispose: () => layer.dataChanged.disconnect(onChange) };
  }

  private uploadDirty(layer: LabelsLayer, slice: LayerSlice, entry: Entry): void {
    const box = entry.dirty!;
    entry.dirty = null;
    const [rAxis, cAxis] = slice.displayed;
    // Edits on other slices do not touch the shown plane.
    for (let a = 0; a < box.length; a++) {
      if (a !== rAxis && a !== cAxis && (slice.step[a] < box[a][0] || slice.step[a] >= box[a][1])) return;
    }
    const plane = planeOf(layer.data, slice.step, slice.displayed);
    const pixels = labelsUploadView(plane.data);
    const cols = plane.shape[1];
    const gl = this.gl;
    this.setUnpack(cols);
    for (const tile of entry.tiles) {
      const r0 = Math.max(box[rAxis][0], tile.row);
      const r1 = Math.min(box[rAxis][1], tile.row + tile.rows);
      const c0 = Math.max(box[cAxis][0], tile.col);
      const c1 = Math.min(box[cAxis][1], tile.col + tile.cols);
      if (r0 >= r1 || c0 >= c1) continue;
      gl.bindTexture(gl.TEXTURE_2D, tile.texture);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, r0);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, c0);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, c0 - tile.col, r0 - tile.row, c1 - c0, r1 - r0, entry.format.format, entry.format.type, pixels);
    }
    this.resetUnpack();
  }

  private setUnpack(rowLength: number): void {
    this.gl.pixelStorei(this.gl.UNPACK_ALIGNMENT, 1);
    this.gl.pixelStorei(this.gl.UNPACK_ROW_LENGTH, rowLength);
  }

  private resetUnpack(): void {
    const gl = this.gl;
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
  }
}
