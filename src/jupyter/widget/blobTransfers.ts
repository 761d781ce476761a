/**
 * Kernel -> frontend transfers that are not layers (a model's ONNX files for
 * `viewer.set_model`): the same chunks and acks as layer data (PROTOCOL.md "Back-pressure"),
 * assembled here and handed to `done` when complete.
 */
import { ChunkAssembler, TransferHeader } from '../../core/transfer';

interface Blob {
  name: string;
  assembler: ChunkAssembler;
  done(bytes: Uint8Array): void;
  fail(reason: string): void;
}

/** At most this many at once: each is a model (hundreds of MB for ViT-B and larger). */
const MAX_BLOBS = 2;

export class BlobTransfers {
  private readonly blobs = new Map<string, Blob>();

  constructor(
    private readonly ack: (transferId: string, received: number) => void,
    private readonly progress: (name: string, fraction: number, transferId: string) => void
  ) {}

  start(name: string, header: TransferHeader, done: (bytes: Uint8Array) => void, fail: (reason: string) => void): void {
    if (this.blobs.size >= MAX_BLOBS) throw new Error(`more than ${MAX_BLOBS} model transfers in flight; refusing ${header.id}`);
    const assembler = new ChunkAssembler(header);
    if (header.nbytes === 0) return done(new Uint8Array(0));
    this.blobs.set(header.id, { name, assembler, done, fail });
  }

  /** Takes a chunk if it belongs to one of these transfers; returns whether it did. */
  add(transferId: string, index: number, offset: number, bytes: Uint8Array): boolean {
    const blob = this.blobs.get(transferId);
    if (!blob) return false;
    try {
      blob.assembler.add(index, offset, bytes);
    } catch (err) {
      this.blobs.delete(transferId);
      blob.fail(String((err as Error).message ?? err));
      return true;
    }
    this.progress(blob.name, blob.assembler.progress, transferId);
    if (blob.assembler.complete) {
      this.blobs.delete(transferId);
      blob.done(new Uint8Array(blob.assembler.result()));
    } else {
      this.ack(transferId, blob.assembler.received);
    }
    return true;
  }

  /** The kernel (or the kernel going away) stopped a transfer; returns whether it was one of these. */
  cancel(transferId: string, reason: string): boolean {
    const blob = this.blobs.get(transferId);
    if (!blob) return false;
    this.blobs.delete(transferId);
    this.progress(blob.name, 1, transferId);
    blob.fail(reason);
    return true;
  }

  clear(reason: string): void {
    for (const id of [...this.blobs.keys()]) this.cancel(id, reason);
  }
}
