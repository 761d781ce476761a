import { ndarrayFromBuffer, bytesOf } from '../../core/ndarray';
import { ChunkAssembler, makeTransferHeader, splitIntoChunks } from '../../core/transfer';
import { ViewerModel } from '../../viewer/model/viewerModel';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { KernelMessage, LayerDescriptor, PROTOCOL_VERSION, validateKernelMessage } from '../protocol';

export type SendFunction = (content: Record<string, unknown>, buffers?: ArrayBufferView[]) => void;

export interface BridgeEvents {
  openPanel?: (title: string | undefined) => void;
  /** A problem the user should see (bad message, failed transfer); the bridge keeps working. */
  problem?: (message: string) => void;
  /** Progress of an incoming transfer, 0..1. */
  progress?: (layerName: string, fraction: number) => void;
}

// A kernel can only have this many transfers in flight per viewer; more means a runaway sender.
const MAX_PENDING_TRANSFERS = 16;

interface PendingTransfer {
  layer: LayerDescriptor;
  assembler: ChunkAssembler;
}

let replyCounter = 0;

/**
 * The browser end of python-kernel-bridge/PROTOCOL.md for one viewer: turns kernel messages into
 * ViewerModel operations and answers the kernel's data requests with the bytes the model holds.
 * It knows nothing about widgets; `send` is the comm.
 */
export class KernelBridge {
  private readonly pending = new Map<string, PendingTransfer>();

  constructor(
    private readonly viewer: ViewerModel,
    private readonly send: SendFunction,
    private readonly events: BridgeEvents = {},
    readonly clientId = `client-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  ) {}

  /** Tells the kernel this frontend exists (and needs every layer's pixels). */
  hello(): void {
    this.send({ v: PROTOCOL_VERSION, type: 'hello', client_id: this.clientId });
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
    try {
      this.dispatch(message, buffers);
    } catch (err) {
      this.reportError(err, content);
    }
  }

  private dispatch(message: KernelMessage, buffers: ReadonlyArray<ArrayBuffer | ArrayBufferView>): void {
    switch (message.type) {
      case 'layer-data':
        this.startTransfer(message.layer, new ChunkAssembler(message.transfer));
        break;
      case 'chunk':
        this.addChunk(message.transfer_id, message.index, message.offset, asBytes(buffers[0]));
        break;
      case 'layer-remove':
        this.viewer.removeLayer(message.layer_id);
        break;
      case 'data-request':
        this.replyWithData(message.request_id, message.layer_id);
        break;
      case 'open-panel':
        this.events.openPanel?.(message.title ?? undefined);
        break;
      case 'error':
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
  }

  private addChunk(transferId: string, index: number, offset: number, bytes: Uint8Array): void {
    const pending = this.pending.get(transferId);
    if (!pending) {
      throw new Error(`chunk for unknown or superseded transfer ${transferId}`);
    }
    try {
      pending.assembler.add(index, offset, bytes);
    } catch (err) {
      this.pending.delete(transferId);
      throw err;
    }
    this.events.progress?.(pending.layer.name, pending.assembler.progress);
    if (pending.assembler.complete) {
      this.pending.delete(transferId);
      this.applyLayer(pending.layer, pending.assembler.result());
      this.send({
        v: PROTOCOL_VERSION,
        type: 'layer-ready',
        layer_id: pending.layer.id,
        transfer_id: transferId,
        nbytes: pending.assembler.header.nbytes
      });
    }
  }

  private applyLayer(layer: LayerDescriptor, buffer: ArrayBuffer): void {
    const array = ndarrayFromBuffer(buffer, layer.dtype, layer.shape);
    const existing = this.viewer.getLayer(layer.id);
    if (existing) {
      existing.setData(array, layer.rgb);
      existing.name = layer.name;
    } else {
      this.viewer.addImage(array, { id: layer.id, name: layer.name, rgb: layer.rgb });
    }
  }

  private replyWithData(requestId: string, layerId: string): void {
    const layer = this.viewer.getLayer(layerId);
    if (!layer) {
      this.send({ v: PROTOCOL_VERSION, type: 'error', request_id: requestId, message: `no layer with id ${layerId} in this frontend` });
      return;
    }
    const bytes = bytesOf(layer.data);
    const header = makeTransferHeader(`${this.clientId}-reply-${++replyCounter}`, bytes.byteLength);
    this.send({ v: PROTOCOL_VERSION, type: 'data-reply', request_id: requestId, layer: describe(layer), transfer: header });
    splitIntoChunks(bytes, header.chunk_bytes).forEach((chunk, index) => {
      this.send(
        { v: PROTOCOL_VERSION, type: 'chunk', transfer_id: header.id, index, offset: index * header.chunk_bytes },
        [chunk]
      );
    });
  }

  private reportError(err: unknown, content: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
    const reply: Record<string, unknown> = { v: PROTOCOL_VERSION, type: 'error', message };
    if (typeof c.request_id === 'string') reply.request_id = c.request_id;
    if (typeof c.transfer_id === 'string') reply.transfer_id = c.transfer_id;
    this.send(reply);
    this.events.problem?.(message);
  }
}

function asBytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function describe(layer: ImageLayer): LayerDescriptor {
  return {
    id: layer.id,
    name: layer.name,
    kind: 'image',
    dtype: layer.data.dtype,
    shape: [...layer.data.shape],
    rgb: layer.rgb
  };
}
