import { FrontendMessage, chunkMessage } from '../protocol';

/** Chunks of one reply in flight before the kernel must confirm them (4 × 8 MiB). */
export const REPLY_WINDOW = 4;

interface OutgoingReply {
  requestId: string;
  /** Called once the last chunk is posted. */
  onSent?: () => void;
  bytes: Uint8Array;
  chunkBytes: number;
  nChunks: number;
  sent: number;
  acked: number;
}

/**
 * This frontend's replies (`data-reply`, `screenshot-reply`) leave a window of chunks ahead of
 * the kernel's `chunk-ack`, so a 512 MB layer is not copied into the websocket's buffer at
 * once, and a reply the kernel stopped waiting for (`transfer-cancel`) stops within a window.
 */
export class ReplySender {
  private readonly outgoing = new Map<string, OutgoingReply>();

  constructor(
    private readonly post: (message: FrontendMessage, buffers: ArrayBufferView[]) => void,
    private readonly window = REPLY_WINDOW
  ) {}

  /**
   * Starts sending `bytes` as the chunks of `transferId` (its header already posted); `onSent`
   * runs once the last chunk is posted (what is posted after it reaches the kernel after it).
   */
  start(requestId: string, transferId: string, bytes: Uint8Array, chunkBytes: number, onSent?: () => void): void {
    const reply = { requestId, onSent, bytes, chunkBytes, nChunks: Math.ceil(bytes.byteLength / chunkBytes), sent: 0, acked: 0 };
    this.outgoing.set(transferId, reply);
    this.pump(transferId, reply);
  }

  /** The kernel holds the first `received` chunks; late or unknown acks are ignored. */
  ack(transferId: string, received: number): void {
    const reply = this.outgoing.get(transferId);
    if (!reply) return;
    reply.acked = Math.max(reply.acked, Math.min(received, reply.sent));
    this.pump(transferId, reply);
  }

  /** Stops a reply named by its transfer or its request; true if one was still being sent. */
  cancel(ids: { transfer_id?: string; request_id?: string }): boolean {
    for (const [transferId, reply] of this.outgoing) {
      if (transferId === ids.transfer_id || reply.requestId === ids.request_id) {
        this.outgoing.delete(transferId);
        return true;
      }
    }
    return false;
  }

  /** Nothing more goes out (the kernel went away). */
  clear(): void {
    this.outgoing.clear();
  }

  private pump(transferId: string, reply: OutgoingReply): void {
    while (reply.sent < reply.nChunks && reply.sent - reply.acked < this.window) {
      const index = reply.sent++;
      const offset = index * reply.chunkBytes;
      const chunk = reply.bytes.subarray(offset, Math.min(offset + reply.chunkBytes, reply.bytes.byteLength));
      this.post(chunkMessage(transferId, index, offset), [chunk]);
    }
    if (reply.sent === reply.nChunks && this.outgoing.delete(transferId)) reply.onSent?.();
  }
}
