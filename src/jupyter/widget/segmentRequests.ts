/**
 * The bridge's part of `viewer.segment`, `viewer.set_model` and `viewer.set_embeddings`
 * (PROTOCOL.md, "Segmenting"): requests handed to the segment service (the events), masks sent
 * back as chunked replies, model and embeddings bytes assembled from windowed chunks, and every
 * failure answered with an `error` naming the request, so the kernel's call raises rather than
 * waits.
 */
import { makeTransferHeader } from '../../core/transfer';
import { chunkAckMessage, errorMessage, FrontendMessage, KernelMessage } from '../protocol';
import { EmbeddingsData, embeddingsReadyMessage, ModelData, modelReadyMessage, SegmentRequest, segmentReplyMessage } from '../protocolSegment';
import { BlobTransfers } from './blobTransfers';

/** What the segment service does for the bridge; each one absent: not available here. */
export interface SegmentEvents {
  /** `viewer.segment(...)`: the viewer's segment model on a plane. */
  segment?: (request: SegmentRequest) => Promise<SegmentAnswer>;
  /** `viewer.set_model(folder)`: a model's files sent by the kernel; resolves with the model id in use. */
  modelData?: (manifest: Record<string, unknown>, files: { encoder: Uint8Array; decoder: Uint8Array }) => Promise<string>;
  /** `viewer.set_embeddings(...)`: embeddings computed in the kernel; resolves with how many were taken and left. */
  embeddings?: (data: EmbeddingsData, features: Float32Array) => Promise<{ accepted: number; rejected: number }>;
  /** `viewer.set_model(id)`: a model of the registry (settings). */
  modelSelect?: (id: string) => Promise<void>;
}

/** A mask for `viewer.segment`: (height, width) 0/1 bytes and the model's predicted IoU. */
export interface SegmentAnswer {
  mask: Uint8Array;
  shape: [number, number];
  iou: number;
}

/** What the bridge lends: its ordered sender, its windowed reply sender, progress, and whether the kernel is gone. */
export interface SegmentRequestHost {
  post(message: FrontendMessage, buffers?: ArrayBufferView[]): void;
  reply(requestId: string, transferId: string, bytes: Uint8Array, chunkBytes: number): void;
  progress(name: string, fraction: number, transferId: string): void;
  gone(): boolean;
}

type Handled = Extract<KernelMessage, { type: 'segment-request' | 'model-data' | 'embeddings-data' | 'model-select' }>;

let maskCounter = 0;

export class SegmentRequests {
  private readonly blobs: BlobTransfers;

  constructor(
    private readonly events: SegmentEvents,
    private readonly clientId: string,
    private readonly host: SegmentRequestHost
  ) {
    this.blobs = new BlobTransfers((id, received) => host.post(chunkAckMessage(id, received)), host.progress);
  }

  handle(message: Handled): void {
    switch (message.type) {
      case 'segment-request':
        void this.replyWithSegment(message);
        break;
      case 'model-data':
        this.receiveModel(message);
        break;
      case 'embeddings-data':
        this.receiveEmbeddings(message);
        break;
      case 'model-select':
        void this.answer(message.request_id, async () => {
          if (!this.events.modelSelect) throw new Error('this frontend has no model registry');
          await this.events.modelSelect(message.model_id);
          return modelReadyMessage(message.request_id, message.model_id);
        });
        break;
    }
  }

  /** Takes a chunk of a model or embeddings transfer; returns whether it was one. */
  addChunk(transferId: string, index: number, offset: number, bytes: Uint8Array): boolean {
    return this.blobs.add(transferId, index, offset, bytes);
  }

  cancel(transferId: string, reason: string): boolean {
    return this.blobs.cancel(transferId, reason);
  }

  clear(reason: string): void {
    this.blobs.clear(reason);
  }

  private fail(requestId: string, text: string): void {
    if (!this.host.gone()) this.host.post(errorMessage(text, { request_id: requestId }));
  }

  /** Runs `work` and sends its reply, or an error saying why not. */
  private async answer(requestId: string, work: () => Promise<Record<string, unknown>>): Promise<void> {
    try {
      const reply = await work();
      if (!this.host.gone()) this.host.post(reply as unknown as FrontendMessage);
    } catch (err) {
      this.fail(requestId, String((err as Error).message ?? err));
    }
  }

  private receiveModel(message: ModelData): void {
    const name = `model ${String(message.manifest.id ?? '')}`.trim();
    this.blobs.start(
      name,
      message.transfer,
      bytes => {
        const files = { encoder: bytes.subarray(0, message.encoder_bytes), decoder: bytes.subarray(message.encoder_bytes) };
        void this.answer(message.request_id, async () => {
          if (!this.events.modelData) throw new Error('this frontend has no model registry');
          return modelReadyMessage(message.request_id, await this.events.modelData(message.manifest, files));
        });
      },
      reason => this.fail(message.request_id, `the model did not arrive: ${reason}`)
    );
  }

  private receiveEmbeddings(message: EmbeddingsData): void {
    this.blobs.start(
      'embeddings',
      message.transfer,
      bytes => {
        // A copy aligned for Float32Array (the assembled buffer is ours alone).
        const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        void this.answer(message.request_id, async () => {
          if (!this.events.embeddings) throw new Error('this frontend has no segment tool');
          const { accepted, rejected } = await this.events.embeddings(message, features);
          return embeddingsReadyMessage(message.request_id, accepted, rejected);
        });
      },
      reason => this.fail(message.request_id, `the embeddings did not arrive: ${reason}`)
    );
  }

  private async replyWithSegment(request: SegmentRequest): Promise<void> {
    if (!this.events.segment) return this.fail(request.request_id, 'this viewer has no segment model (open it in JupyterLab with SegLab installed)');
    try {
      const { mask, shape, iou } = await this.events.segment(request);
      if (this.host.gone()) return;
      const header = makeTransferHeader(`${this.clientId}-mask-${++maskCounter}`, mask.byteLength);
      this.host.post(segmentReplyMessage(request.request_id, shape[0], shape[1], iou, header) as unknown as FrontendMessage);
      this.host.reply(request.request_id, header.id, mask, header.chunk_bytes);
    } catch (err) {
      this.fail(request.request_id, String((err as Error).message ?? err));
    }
  }
}
