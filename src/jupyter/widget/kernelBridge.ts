import { ChunkAssembler, makeTransferHeader } from '../../core/transfer';
import { NDArray, ndarrayFromBuffer } from '../../core/ndarray';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import { Layer, LayerChange } from '../../viewer/model/layerBase';
import { ViewerModel } from '../../viewer/model/viewerModel';
import {
  checkPropsFor,
  chunkAckMessage,
  dataReplyMessage,
  DisplayFields,
  DimsState,
  dimsMessage,
  errorMessage,
  FrontendMessage,
  helloMessage,
  ImageDescriptor,
  levelShapes,
  KernelMessage,
  LayerDescriptor,
  cameraMessage,
  clickMessage,
  layerListMessage,
  layerReadyMessage,
  layerUpdateMessage,
  scaleBarMessage,
  screenshotReplyMessage,
  transferCancelMessage,
  validateKernelMessage
} from '../protocol';
import { applyDescriptor, applyProps, describeLayer, displayFieldsOf, itemCountOf, itemStyleOf } from './layerCodec';
import { SegmentEvents, SegmentRequestHost, SegmentRequests } from './segmentRequests';
import { answerPixelRequest, PixelEvent } from './pixelRequests';
import { LabelsEdits } from './labelsEdits';
import { REPLY_WINDOW, ReplySender } from './replySender';
import { KernelTileSource } from './tileSource';

export type SendFunction = (content: Record<string, unknown>, buffers?: ArrayBufferView[]) => void;

export interface BridgeEvents extends SegmentEvents {
  openPanel?: (title: string | undefined) => void;
  /** `viewer.pixel_classifier.*`: the viewer's pixel classifier answers (absent: none here). */
  pixel?: PixelEvent;
  /** A problem the user should see (bad message, failed transfer); the bridge keeps working. */
  problem?: (message: string) => void;
  /** Progress of an incoming transfer, 0..1; `transferId` is what `cancelTransfer` takes. */
  progress?: (layerName: string, fraction: number, transferId: string) => void;
  /** The canvas of a displayed view as RGBA (H, W, 4), or null when none is displayed. */
  screenshot?: () => NDArray | null;
}

/** How often a pan or zoom in progress updates `viewer.camera` in the kernel. */
const CAMERA_INTERVAL_MS = 100;

// A kernel can only have this many transfers in flight per viewer; more means a runaway sender.
const MAX_PENDING_TRANSFERS = 16;

interface PendingTransfer {
  layer: LayerDescriptor;
  assembler: ChunkAssembler;
}

let replyCounter = 0;

/**
 * The browser end of python-kernel-bridge/PROTOCOL.md (v2) for one viewer: turns kernel
 * messages into ViewerModel operations, answers data and screenshot requests with what the
 * model holds, and tells the kernel when the user edits a layer (`layer-update` with the
 * layer's new revision), moves a slider (`dims`) or the scale bar changes (`scale-bar`). It
 * knows nothing about widgets; `send` is the comm.
 */
export class KernelBridge {
  private readonly pending = new Map<string, PendingTransfer>();
  private readonly revisions = new Map<string, number>();
  /** Display fields as the kernel last heard them, to send only what the user changed. */
  private readonly shownProps = new Map<string, Record<string, unknown>>();
  /** Per-item state that changes with 'display' signals (points' face colour), as last announced. */
  private readonly shownStyle = new Map<string, string>();
  /** The pixels of the user's labels edits, sent after each edit's layer-update. */
  private readonly edits: LabelsEdits = new LabelsEdits(
    this.clientId,
    (message, buffers) => this.post(message, buffers),
    layer => !this.applying && this.revisions.has(layer.id)
  );
  /** Labels layers painted by a brush stroke still in progress: announced once, when it ends. */
  private readonly strokes = new Set<string>();
  /** Set while applying kernel messages, so those changes are not echoed back as user edits. */
  private applying = false;
  private pendingDims: DimsState | null = null;
  private cameraTimer: ReturnType<typeof setTimeout> | null = null;
  private cameraDirty = false;
  /** The layer list as last told to the kernel (or set by it), to send only real changes. */
  private lastListed = '';
  /** Where each lazy image layer gets its tiles (one source per descriptor the kernel sent). */
  private readonly tileSources = new Map<string, KernelTileSource>();
  /** This frontend's data and screenshot replies, sent a window ahead of the kernel's acks. */
  private readonly replies = new ReplySender((message, buffers) => this.post(message, buffers));
  /** Layers the user changed since the kernel last sent their data. */
  private readonly editedSinceKernelData = new Set<string>();
  private gone = false;
  /** viewer.segment / set_model / set_embeddings: their requests and transfers. */
  private readonly segmentRequests: SegmentRequests;
  /** What segment and pixel requests use to answer: ordered posts and windowed replies. */
  private readonly requestHost: SegmentRequestHost;

  constructor(
    private readonly viewer: ViewerModel,
    private readonly send: SendFunction,
    private readonly events: BridgeEvents = {},
    readonly clientId = `client-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  ) {
    this.requestHost = {
      post: (message, buffers) => this.post(message, buffers),
      reply: (requestId, transferId, bytes, chunkBytes) => this.replies.start(requestId, transferId, bytes, chunkBytes),
      progress: (name, fraction, id) => this.events.progress?.(name, fraction, id),
      gone: () => this.gone
    };
    this.segmentRequests = new SegmentRequests(events, clientId, this.requestHost);
    viewer.layerChanged.connect(this.onLayerChanged, this);
    viewer.layersChanged.connect(this.onLayersChanged, this);
    viewer.dims.stepChanged.connect(this.onDimsChanged, this);
    viewer.scaleBar.changed.connect(this.onScaleBarChanged, this);
    viewer.camera.changed.connect(this.onCameraChanged, this);
    viewer.clicked.connect((_, click) => this.post(clickMessage(click)), this);
    // A stroke ends by pushing its undo step: the moment to announce it.
    viewer.history.changed.connect(this.onHistoryChanged, this);
  }

  /**
   * The kernel went away (its comm closed: restart, crash, shutdown). Transfers in flight
   * will never finish: they are dropped and said so; what the viewer shows stays usable.
   */
  kernelGone(): void {
    if (this.gone) return; // the comm closing and the model going not-live both say so
    this.gone = true;
    const unfinished = [...this.pending.values()].map(p => p.layer.name);
    for (const [id, p] of this.pending) this.events.progress?.(p.layer.name, 1, id); // bars go away
    this.pending.clear();
    this.replies.clear();
    this.segmentRequests.clear('the kernel went away');
    for (const source of this.tileSources.values()) source.dispose();
    this.tileSources.clear();
    this.events.problem?.(
      unfinished.length
        ? `the kernel went away while sending ${unfinished.join(', ')}; those layers did not arrive (run the cell again once the kernel is back)`
        : 'the kernel went away: this viewer no longer syncs with it (run the cell again once the kernel is back)'
    );
  }

  /**
   * Names of layers whose user edits no kernel holds: once the kernel is gone, every layer
   * edited since the kernel last sent its data (while it lives, each edit reaches it as made).
   */
  unsavedLayerNames(): string[] {
    if (!this.gone) return [];
    return this.viewer.layers.filter(l => this.editedSinceKernelData.has(l.id)).map(l => l.name);
  }

  /**
   * The user cancelled an incoming layer (the × by its progress bar): the kernel stops sending
   * it (and tells the other tabs); the layer does not appear until `layer.refresh()`.
   */
  cancelTransfer(transferId: string): void {
    const pending = this.pending.get(transferId);
    if (!pending) return; // finished or dropped meanwhile
    this.pending.delete(transferId);
    this.post(transferCancelMessage(transferId, 'cancelled in the viewer'));
    this.events.progress?.(pending.layer.name, 1, transferId);
    this.events.problem?.(`cancelled receiving ${pending.layer.name}; run layer.refresh() in the kernel to send it again`);
  }

  /** Tells the kernel this frontend exists (and needs every layer's data). */
  hello(): void {
    this.post(helloMessage(this.clientId));
  }

  /** Handles one custom comm message; never throws (errors go back to the kernel). */
  handle(content: unknown, buffers: ReadonlyArray<ArrayBuffer | ArrayBufferView> = []): void {
    let message: KernelMessage;
    try {
      message = validateKernelMessage(content, buffers.length);
    } catch (err) {
      this.reportError(err, content);
      return;
    }
    this.applying = true;
    try {
      this.dispatch(message, buffers);
    } catch (err) {
      this.reportError(err, content);
    } finally {
      this.applying = false;
    }
  }

  private dispatch(message: KernelMessage, buffers: ReadonlyArray<ArrayBuffer | ArrayBufferView>): void {
    switch (message.type) {
      case 'layer-data':
        // Our own edit forwarded to the other tabs: we hold it already (its chunks are dropped).
        if (message.origin === this.clientId) break;
        this.startTransfer(message.layer, new ChunkAssembler(message.transfer));
        break;
      case 'layer-edit':
        if (message.origin !== this.clientId) this.applyOtherTabsEdit(message, asBytes(buffers[0]));
        break;
      case 'chunk':
        this.addChunk(message.transfer_id, message.index, message.offset, asBytes(buffers[0]));
        break;
      case 'chunk-ack':
        this.replies.ack(message.transfer_id, message.received);
        break;
      case 'transfer-cancel':
        this.onTransferCancel(message);
        break;
      case 'layer-props': {
        const layer = this.viewer.getLayer(message.layer_id);
        // Another tab's change of a layer that tab made and this one does not show: not ours.
        if (!layer && message.origin !== undefined && message.origin !== this.clientId) break;
        if (!layer) throw new Error(`no layer with id ${message.layer_id} in this frontend`);
        // Checked whole before anything is applied (PROTOCOL.md: an invalid message changes nothing).
        checkPropsFor(message.props, { kind: layer.kind, ndim: layer.ndim, items: itemCountOf(layer) });
        applyProps(layer, message.props);
        this.remember(layer);
        break;
      }
      case 'layer-remove':
        this.viewer.removeLayer(message.layer_id);
        this.forget(message.layer_id);
        break;
      case 'camera':
        this.viewer.camera.set({ row: message.center[0], col: message.center[1] }, message.zoom);
        break;
      case 'layer-order':
        this.applyOrder(message.order);
        break;
      case 'tile-data':
        // A reply to a source since replaced (new data, a reload) is simply late: dropped.
        this.tileSources.get(message.layer_id)?.receive(message, asBytes(buffers[0]));
        break;
      case 'data-request':
        // A request naming another frontend (the kernel follows that tab's edit) is not ours.
        if (message.client_id === undefined || message.client_id === this.clientId) this.replyWithData(message.request_id, message.layer_id);
        break;
      case 'dims':
        this.applyDims(message);
        break;
      case 'scale-bar':
        this.viewer.scaleBar.set({ visible: message.visible, unit: message.unit, position: message.position });
        break;
      case 'screenshot-request':
        this.replyWithScreenshot(message.request_id);
        break;
      case 'pixel-request':
        void answerPixelRequest(message, this.events.pixel, this.clientId, this.requestHost);
        break;
      case 'segment-request':
      case 'model-data':
      case 'embeddings-data':
      case 'model-select':
        this.segmentRequests.handle(message);
        break;
      case 'open-panel':
        this.events.openPanel?.(message.title ?? undefined);
        break;
      case 'error':
        if (message.request_id) for (const source of this.tileSources.values()) source.fail(message.request_id, message.message);
        this.events.problem?.(`kernel: ${message.message}`);
        break;
    }
  }

  private startTransfer(layer: LayerDescriptor, assembler: ChunkAssembler): void {
    // A newer transfer for the same layer supersedes any unfinished older one.
    for (const [id, p] of this.pending) {
      if (p.layer.id === layer.id) this.pending.delete(id);
    }
    if (this.pending.size >= MAX_PENDING_TRANSFERS) {
      throw new Error(`more than ${MAX_PENDING_TRANSFERS} transfers in flight; refusing ${assembler.header.id}`);
    }
    this.pending.set(assembler.header.id, { layer, assembler });
    if (assembler.header.nbytes === 0) this.finishTransfer(assembler.header.id); // empty points/shapes
  }

  private addChunk(transferId: string, index: number, offset: number, bytes: Uint8Array): void {
    if (this.segmentRequests.addChunk(transferId, index, offset, bytes)) return;
    const pending = this.pending.get(transferId);
    // Chunks go to every frontend model of the viewer: one created mid-transfer (a second
    // tab, a reload) gets the tail of a transfer whose header it never saw, and cancelled or
    // superseded transfers may still have a window in flight. Their layers come again anyway.
    if (!pending) return;
    try {
      pending.assembler.add(index, offset, bytes);
    } catch (err) {
      this.pending.delete(transferId);
      throw err;
    }
    this.events.progress?.(pending.layer.name, pending.assembler.progress, transferId);
    if (pending.assembler.complete) this.finishTransfer(transferId);
    else this.post(chunkAckMessage(transferId, pending.assembler.received));
  }

  /** The kernel stopped a transfer: one of its layers (another tab cancelled it, a store failed) or our reply. */
  private onTransferCancel(message: { transfer_id?: string; request_id?: string; reason: string }): void {
    if (this.replies.cancel(message)) return;
    if (message.transfer_id !== undefined && this.segmentRequests.cancel(message.transfer_id, message.reason)) return;
    const pending = message.transfer_id !== undefined ? this.pending.get(message.transfer_id) : undefined;
    if (!pending) return;
    this.pending.delete(message.transfer_id!);
    this.events.progress?.(pending.layer.name, 1, message.transfer_id!);
    this.events.problem?.(`${pending.layer.name} did not arrive: ${message.reason}`);
  }

  private finishTransfer(transferId: string): void {
    const pending = this.pending.get(transferId)!;
    this.pending.delete(transferId);
    const payload = pending.assembler.header.nbytes ? pending.assembler.result() : new ArrayBuffer(0);
    const layer = applyDescriptor(this.viewer, pending.layer, payload, d => this.newTileSource(d));
    if (layer instanceof LabelsLayer) this.edits.watch(layer);
    this.revisions.set(pending.layer.id, pending.layer.revision);
    this.strokes.delete(layer.id); // the kernel's data replaced what a stroke in progress painted
    this.editedSinceKernelData.delete(layer.id);
    this.remember(layer);
    if (this.pendingDims) this.applyDims(this.pendingDims);
    this.post(layerReadyMessage(pending.layer.id, transferId, pending.assembler.header.nbytes));
  }

  /**
   * Pixels another tab of this viewer painted, forwarded by the kernel: written into our copy
   * (not an edit of ours: not announced back), and our revision counts on from theirs.
   */
  private applyOtherTabsEdit(edit: { layer_id: string; revision: number; start: number[]; stop: number[] }, bytes: Uint8Array): void {
    const layer = this.viewer.getLayer(edit.layer_id);
    if (!layer) return; // a layer only the editing tab shows (it made it): not ours
    if (!(layer instanceof LabelsLayer)) throw new Error(`no labels layer with id ${edit.layer_id} in this frontend`);
    const shape = edit.stop.map((b, a) => b - edit.start[a]);
    // ndarrayFromBuffer checks the size against the box (and copies a misaligned buffer).
    layer.writeRegion(edit.start, ndarrayFromBuffer(bytes.buffer as ArrayBuffer, layer.data.dtype, shape, bytes.byteOffset, bytes.byteLength));
    this.revisions.set(layer.id, Math.max(this.revisions.get(layer.id) ?? 0, edit.revision));
  }

  /** A lazy image's tiles come from the kernel; the layer's previous source (if any) is done. */
  private newTileSource(layer: ImageDescriptor): KernelTileSource {
    this.tileSources.get(layer.id)?.dispose();
    const source = new KernelTileSource(layer.id, layer.dtype, levelShapes(layer), layer.rgb, message => this.post(message));
    this.tileSources.set(layer.id, source);
    return source;
  }

  /** The kernel's slider state; kept until this frontend's layers give it the same ndim. */
  private applyDims(dims: DimsState): void {
    const model = this.viewer.dims;
    if (dims.ndim !== model.ndim) {
      this.pendingDims = dims;
      return;
    }
    this.pendingDims = null;
    model.axisLabels = dims.axis_labels;
    model.currentStep = dims.current_step;
  }

  private replyWithData(requestId: string, layerId: string): void {
    const layer = this.viewer.getLayer(layerId);
    if (!layer) {
      this.post(errorMessage(`no layer with id ${layerId} in this frontend`, { request_id: requestId }));
      return;
    }
    // A layer made here that the kernel asks for is one it adopts (PROTOCOL.md, layer-list).
    const adopting = !this.revisions.has(layerId);
    const { descriptor, payload } = describeLayer(layer, this.revisions.get(layerId) ?? 0);
    const header = makeTransferHeader(`${this.clientId}-reply-${++replyCounter}`, payload.byteLength);
    this.post(dataReplyMessage(requestId, descriptor, header));
    if (adopting) {
      // What the reply describes is what the kernel will hold: later changes are told from it.
      this.remember(layer);
      if (layer instanceof LabelsLayer) this.edits.watch(layer);
    }
    // Labels pixels are live: a reply spread over acks takes a snapshot, or a stroke painted
    // meanwhile would reach the kernel in some chunks and not in others.
    const windowed = header.n_chunks > REPLY_WINDOW && layer instanceof LabelsLayer;
    const onSent = adopting ? () => this.adopted(layer, descriptor.revision) : undefined;
    this.replies.start(requestId, header.id, windowed ? payload.slice() : payload, header.chunk_bytes, onSent);
  }

  /**
   * The kernel has all of a layer made here (its reply is posted): from now on the user's
   * changes of it are announced, as for the kernel's own layers (a scribbles layer's strokes
   * and class names reach the kernel's copy, and so its autosave). Changes made while the
   * reply was on its way go now.
   */
  private adopted(layer: Layer, revision: number): void {
    if (this.viewer.getLayer(layer.id) !== layer || this.revisions.has(layer.id)) return;
    this.revisions.set(layer.id, revision);
    this.announce(layer, layer instanceof LabelsLayer && this.edits.hasPending(layer));
  }

  private replyWithScreenshot(requestId: string): void {
    const image = this.events.screenshot?.() ?? null;
    if (!image) {
      this.post(errorMessage('no view of this viewer is displayed, so there is nothing to screenshot', { request_id: requestId }));
      return;
    }
    const [height, width] = image.shape;
    const bytes = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    const header = makeTransferHeader(`${this.clientId}-shot-${++replyCounter}`, bytes.byteLength);
    this.post(screenshotReplyMessage(requestId, height, width, header));
    this.replies.start(requestId, header.id, bytes, header.chunk_bytes);
  }

  /**
   * A user edit: pixels or coordinates (`data`), or display fields such as opacity or contrast
   * limits, which travel as `props` so the kernel's layer object follows. Changes that the
   * kernel cannot see (selection, tool mode of points) send nothing.
   */
  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: LayerChange }): void {
    const layer = change.layer;
    if (this.gone && !this.applying && change.what === 'data') this.editedSinceKernelData.add(layer.id);
    if (this.applying || !this.revisions.has(layer.id)) return;
    if (change.what === 'data' && layer instanceof LabelsLayer && layer.strokeActive) {
      this.strokes.add(layer.id); // one stroke is one edit, however many pointer moves paint it
      return;
    }
    this.announce(layer, change.what === 'data');
  }

  private announce(layer: Layer, data: boolean): void {
    const now = displayFieldsOf(layer) as Record<string, unknown>;
    const before = this.shownProps.get(layer.id) ?? {};
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(now)) {
      if (JSON.stringify(value) !== JSON.stringify(before[key])) props[key] = value;
    }
    const hasProps = Object.keys(props).length > 0;
    const dataChanged = data || itemStyleOf(layer) !== this.shownStyle.get(layer.id);
    if (!dataChanged && !hasProps) return;
    const revision = this.revisions.get(layer.id)! + 1;
    this.revisions.set(layer.id, revision);
    if (dataChanged) this.editedSinceKernelData.add(layer.id);
    this.remember(layer);
    try {
      this.post(layerUpdateMessage(this.clientId, layer.id, revision, dataChanged, hasProps ? (props as Partial<DisplayFields>) : undefined));
      if (layer instanceof LabelsLayer) this.edits.send(layer, revision);
    } catch (err) {
      this.events.problem?.(String((err as Error).message ?? err));
    }
  }

  /** What the kernel now knows of a layer's display fields and per-item style. */
  private remember(layer: Layer): void {
    this.shownProps.set(layer.id, displayFieldsOf(layer) as Record<string, unknown>);
    this.shownStyle.set(layer.id, itemStyleOf(layer));
  }

  private forget(id: string): void {
    this.revisions.delete(id);
    this.shownProps.delete(id);
    this.shownStyle.delete(id);
    this.strokes.delete(id);
    this.tileSources.get(id)?.dispose();
    this.tileSources.delete(id);
  }

  private onHistoryChanged(): void {
    if (this.applying) return; // new data from the kernel ending a stroke is no user edit
    for (const id of [...this.strokes]) {
      const layer = this.viewer.getLayer(id);
      if (layer instanceof LabelsLayer && layer.strokeActive) continue;
      this.strokes.delete(id);
      if (layer && this.revisions.has(id)) this.announce(layer, true);
    }
  }

  /**
   * The user removed, reordered, duplicated or made a layer: the kernel's `viewer.layers`
   * follows (`layer-list`). Changes the kernel itself asked for are not echoed.
   */
  private onLayersChanged(): void {
    for (const id of [...this.revisions.keys()]) {
      if (!this.viewer.getLayer(id)) this.forget(id);
    }
    const listed = this.viewer.layers.map(l => `${l.id}:${l.kind}`).join('|');
    if (listed === this.lastListed) return;
    this.lastListed = listed;
    if (this.applying) return;
    this.post(layerListMessage(this.viewer.layers.map(l => ({ id: l.id, kind: l.kind }))));
  }

  /** The kernel's order (ids bottom first); layers it does not know keep their places among them. */
  private applyOrder(order: readonly string[]): void {
    const layers = this.viewer.layers;
    const known = layers.filter(l => order.includes(l.id));
    const wanted = order.map(id => known.find(l => l.id === id)).filter((l): l is Layer => l !== undefined);
    // The slots the kernel's layers occupy, refilled in the kernel's order.
    const slots = layers.map((l, i) => (order.includes(l.id) ? i : -1)).filter(i => i >= 0);
    slots.forEach((slot, k) => {
      const from = this.viewer.layers.indexOf(wanted[k]);
      if (from !== slot) this.viewer.moveLayer(from, slot);
    });
  }

  private onDimsChanged(): void {
    if (this.applying || this.revisions.size === 0) return;
    const dims = this.viewer.dims;
    this.post(dimsMessage({ ndim: dims.ndim, current_step: [...dims.currentStep], axis_labels: [...dims.axisLabels] }));
  }

  /**
   * A pan or zoom of the user's goes to `viewer.camera`: at once, then at most every
   * CAMERA_INTERVAL_MS while it goes on (the last position always arrives).
   */
  private onCameraChanged(): void {
    if (this.applying) return;
    if (this.cameraTimer !== null) {
      this.cameraDirty = true;
      return;
    }
    this.sendCamera();
    this.cameraTimer = setTimeout(() => {
      this.cameraTimer = null;
      if (this.cameraDirty) this.onCameraChanged();
    }, CAMERA_INTERVAL_MS);
  }

  private sendCamera(): void {
    this.cameraDirty = false;
    const { center, zoom } = this.viewer.camera;
    this.post(cameraMessage({ center: [center.row, center.col], zoom }));
  }

  /** A change made in this frontend (none of its widgets offers one yet; code may) goes to `viewer.scale_bar`. */
  private onScaleBarChanged(): void {
    if (this.applying) return;
    this.post(scaleBarMessage(this.viewer.scaleBar.state));
  }

  private post(message: FrontendMessage, buffers?: ArrayBufferView[]): void {
    this.send(message as unknown as Record<string, unknown>, buffers);
  }

  private reportError(err: unknown, content: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
    const ids: { request_id?: string; transfer_id?: string } = {};
    if (typeof c.request_id === 'string' && c.request_id) ids.request_id = c.request_id.slice(0, 128);
    if (typeof c.transfer_id === 'string' && c.transfer_id) ids.transfer_id = c.transfer_id.slice(0, 128);
    try {
      this.post(errorMessage(message, ids));
    } catch {
      this.post(errorMessage(message));
    }
    this.events.problem?.(message);
  }
}

function asBytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
