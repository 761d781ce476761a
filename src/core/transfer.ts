/**
 * Chunked transfers of one byte payload, as described in python-kernel-bridge/PROTOCOL.md.
 *
 * Jupyter Server's websocket rejects messages over 10 MiB by default, so every array is split
 * into chunks well below that. These helpers are pure: the comm layer feeds them messages.
 */

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
export const MAX_CHUNK_BYTES = 9 * 1024 * 1024;

export interface TransferHeader {
  id: string;
  nbytes: number;
  chunk_bytes: number;
  n_chunks: number;
}

export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

export function makeTransferHeader(
  id: string,
  nbytes: number,
  chunkBytes = DEFAULT_CHUNK_BYTES
): TransferHeader {
  return { id, nbytes, chunk_bytes: chunkBytes, n_chunks: Math.ceil(nbytes / chunkBytes) };
}

/** Checks a header received from the other side; returns it typed or throws. */
export function validateTransferHeader(value: unknown, maxBytes: number): TransferHeader {
  const h = value as Partial<TransferHeader> | null;
  if (typeof h !== 'object' || h === null) {
    throw new TransferError('expected a transfer header object');
  }
  if (typeof h.id !== 'string' || h.id.length === 0 || h.id.length > 128) {
    throw new TransferError('expected transfer.id to be a string of 1 to 128 characters');
  }
  if (!Number.isSafeInteger(h.nbytes) || (h.nbytes as number) <= 0 || (h.nbytes as number) > maxBytes) {
    throw new TransferError(`expected transfer.nbytes in [1, ${maxBytes}], got ${h.nbytes}`);
  }
  if (
    !Number.isSafeInteger(h.chunk_bytes) ||
    (h.chunk_bytes as number) <= 0 ||
    (h.chunk_bytes as number) > MAX_CHUNK_BYTES
  ) {
    throw new TransferError(`expected transfer.chunk_bytes in [1, ${MAX_CHUNK_BYTES}], got ${h.chunk_bytes}`);
  }
  const expectedChunks = Math.ceil((h.nbytes as number) / (h.chunk_bytes as number));
  if (h.n_chunks !== expectedChunks) {
    throw new TransferError(`expected transfer.n_chunks == ${expectedChunks}, got ${h.n_chunks}`);
  }
  return h as TransferHeader;
}

/** Zero-copy views of consecutive chunks of `bytes`. */
export function splitIntoChunks(bytes: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
    chunks.push(bytes.subarray(offset, Math.min(offset + chunkBytes, bytes.byteLength)));
  }
  return chunks;
}

/**
 * Reassembles the chunks of one transfer into a single preallocated buffer, rejecting anything
 * that does not fit the header (so a buggy or hostile peer cannot write out of bounds or leave
 * holes that would be read as zeros).
 */
export class ChunkAssembler {
  readonly header: TransferHeader;
  private readonly bytes: Uint8Array;
  private readonly seen: Uint8Array;
  private receivedChunks = 0;
  private receivedBytes = 0;

  constructor(header: TransferHeader) {
    this.header = header;
    this.bytes = new Uint8Array(header.nbytes);
    this.seen = new Uint8Array(header.n_chunks);
  }

  get complete(): boolean {
    return this.receivedChunks === this.header.n_chunks;
  }

  get progress(): number {
    return this.receivedBytes / this.header.nbytes;
  }

  /** Chunks stored so far (what a `chunk-ack` reports). */
  get received(): number {
    return this.receivedChunks;
  }

  add(index: unknown, offset: unknown, chunk: Uint8Array): void {
    const { n_chunks, chunk_bytes, nbytes, id } = this.header;
    if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= n_chunks) {
      throw new TransferError(`transfer ${id}: chunk index ${index} outside [0, ${n_chunks})`);
    }
    const i = index as number;
    if (offset !== i * chunk_bytes) {
      throw new TransferError(`transfer ${id}: chunk ${i} has offset ${offset}, expected ${i * chunk_bytes}`);
    }
    const expectedLength = i === n_chunks - 1 ? nbytes - i * chunk_bytes : chunk_bytes;
    if (chunk.byteLength !== expectedLength) {
      throw new TransferError(
        `transfer ${id}: chunk ${i} has ${chunk.byteLength} bytes, expected ${expectedLength}`
      );
    }
    if (this.seen[i]) {
      throw new TransferError(`transfer ${id}: chunk ${i} received twice`);
    }
    this.bytes.set(chunk, i * chunk_bytes);
    this.seen[i] = 1;
    this.receivedChunks += 1;
    this.receivedBytes += chunk.byteLength;
  }

  /** The assembled payload; only valid once `complete`. */
  result(): ArrayBuffer {
    if (!this.complete) {
      throw new TransferError(
        `transfer ${this.header.id}: ${this.receivedChunks} of ${this.header.n_chunks} chunks received`
      );
    }
    return this.bytes.buffer as ArrayBuffer;
  }
}
