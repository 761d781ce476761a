import { bytesPerElement } from '../../core/dtypes';
import { BoundingBox, unionBox } from '../../core/labels/diff';
import { bytesOf } from '../../core/ndarray';
import { copyRegion } from '../../core/slicing';
import { DEFAULT_CHUNK_BYTES } from '../../core/transfer';
import { LabelsDataChange, LabelsLayer } from '../../viewer/model/labelsLayer';
import { FrontendMessage, layerEditMessage } from '../protocol';

/**
 * The pixels of the user's labels edits, for the kernel's copy (`layer-edit`, PROTOCOL.md):
 * the box each layer's edits touched since the kernel last had its pixels, sent after the
 * edit's `layer-update` and cut along the first axis into pieces of at most one chunk.
 */
export class LabelsEdits {
  private readonly dirty = new Map<string, BoundingBox>();
  private readonly watched = new WeakSet<LabelsLayer>();

  constructor(
    /** This frontend, named in its edits. */
    private readonly clientId: string,
    private readonly post: (message: FrontendMessage, buffers: ArrayBufferView[]) => void,
    /** Whether a change comes from the user (not from data the kernel just sent). */
    private readonly isUserEdit: (layer: LabelsLayer) => boolean
  ) {}

  /** Follows a layer the kernel knows; its pixels are the kernel's from now on. */
  watch(layer: LabelsLayer): void {
    this.dirty.delete(layer.id);
    if (this.watched.has(layer)) return;
    this.watched.add(layer);
    layer.dataChanged.connect(this.onChanged, this);
  }

  /** Whether edits since the last `send` (or `watch`) are still to be sent. */
  hasPending(layer: LabelsLayer): boolean {
    return this.dirty.has(layer.id);
  }

  /** Sends the box the edits since the last call touched, for the kernel's `revision`. */
  send(layer: LabelsLayer, revision: number): void {
    const box = this.dirty.get(layer.id);
    this.dirty.delete(layer.id);
    if (!box) return;
    const shape = layer.data.shape;
    const start = box.map(([lo], a) => Math.max(0, Math.min(lo, shape[a] - 1)));
    const stop = box.map(([, hi], a) => Math.min(shape[a], Math.max(hi, start[a] + 1)));
    const rowBytes = stop.slice(1).reduce((n, b, a) => n * (b - start[a + 1]), bytesPerElement(layer.data.dtype));
    const rowsPerPiece = Math.max(1, Math.floor(DEFAULT_CHUNK_BYTES / rowBytes));
    for (let r = start[0]; r < stop[0]; r += rowsPerPiece) {
      const pieceStart = [r, ...start.slice(1)];
      const pieceStop = [Math.min(stop[0], r + rowsPerPiece), ...stop.slice(1)];
      const pixels = copyRegion(layer.data, pieceStart, pieceStop);
      this.post(layerEditMessage(this.clientId, layer.id, revision, pieceStart, pieceStop, pieceStop[0] === stop[0]), [bytesOf(pixels)]);
    }
  }

  private onChanged(layer: LabelsLayer, change: LabelsDataChange): void {
    if (!this.isUserEdit(layer)) return;
    this.dirty.set(layer.id, unionBox(this.dirty.get(layer.id) ?? null, change.box)!);
  }
}
