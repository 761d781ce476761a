// Covers src/core/transfer.ts: transfer headers, splitIntoChunks and ChunkAssembler.
/// <reference types="node" />
import { randomFillSync } from 'crypto';
import {
  ChunkAssembler,
  DEFAULT_CHUNK_BYTES,
  makeTransferHeader,
  MAX_CHUNK_BYTES,
  splitIntoChunks,
  TransferError,
  validateTransferHeader
} from '../transfer';

const MiB = 1024 * 1024;
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('transfer headers', () => {
  it('makeTransferHeader computes n_chunks by ceiling division', () => {
    expect(makeTransferHeader('t', 10, 4)).toEqual({ id: 't', nbytes: 10, chunk_bytes: 4, n_chunks: 3 });
    expect(makeTransferHeader('t', 8, 4).n_chunks).toBe(2);
    expect(makeTransferHeader('t', 1, 4).n_chunks).toBe(1);
    expect(makeTransferHeader('t', 20 * MiB)).toEqual({ id: 't', nbytes: 20 * MiB, chunk_bytes: 8 * MiB, n_chunks: 3 });
    expect(DEFAULT_CHUNK_BYTES).toBe(8 * MiB);
    expect(MAX_CHUNK_BYTES).toBe(9 * MiB);
  });

  it('validateTransferHeader accepts headers made by makeTransferHeader, at the bounds', () => {
    for (const h of [
      makeTransferHeader('a', 1),
      makeTransferHeader('x'.repeat(128), 1000, 1),
      makeTransferHeader('b', 1000, 1000),
      makeTransferHeader('c', 1000, MAX_CHUNK_BYTES)
    ]) {
      expect(validateTransferHeader({ ...h }, 1000)).toEqual(h);
    }
  });

  const good = { id: 'tx', nbytes: 100, chunk_bytes: 30, n_chunks: 4 };
  it.each([
    ['null', null, /header object/],
    ['a string', 'tx', /header object/],
    ['missing id', { ...good, id: undefined }, /transfer\.id/],
    ['empty id', { ...good, id: '' }, /transfer\.id/],
    ['id of 129 characters', { ...good, id: 'x'.repeat(129) }, /transfer\.id/],
    ['numeric id', { ...good, id: 5 }, /transfer\.id/],
    ['zero nbytes', { ...good, nbytes: 0, n_chunks: 0 }, /transfer\.nbytes/],
    ['negative nbytes', { ...good, nbytes: -1 }, /transfer\.nbytes/],
    ['fractional nbytes', { ...good, nbytes: 99.5 }, /transfer\.nbytes/],
    ['string nbytes', { ...good, nbytes: '100' }, /transfer\.nbytes/],
    ['nbytes over the maximum', { ...good, nbytes: 1001, chunk_bytes: 1001, n_chunks: 1 }, /transfer\.nbytes in \[1, 1000\]/],
    ['zero chunk_bytes', { ...good, chunk_bytes: 0 }, /transfer\.chunk_bytes/],
    ['fractional chunk_bytes', { ...good, chunk_bytes: 2.5 }, /transfer\.chunk_bytes/],
    ['chunk_bytes over 9 MiB', { id: 'tx', nbytes: 1000, chunk_bytes: MAX_CHUNK_BYTES + 1, n_chunks: 1 }, /transfer\.chunk_bytes/],
    ['n_chunks one too few', { ...good, n_chunks: 3 }, /transfer\.n_chunks == 4, got 3/],
    ['n_chunks one too many', { ...good, n_chunks: 5 }, /transfer\.n_chunks == 4/],
    ['n_chunks as a string', { ...good, n_chunks: '4' }, /transfer\.n_chunks/],
    ['missing n_chunks', { ...good, n_chunks: undefined }, /transfer\.n_chunks/]
  ])('validateTransferHeader rejects %s', (_label, value, message) => {
    expect(() => validateTransferHeader(value, 1000)).toThrow(TransferError);
    expect(() => validateTransferHeader(value, 1000)).toThrow(message);
  });
});

describe('splitIntoChunks', () => {
  const bytes = new Uint8Array(10).map((_, i) => i + 1);

  it('splits into full chunks and a shorter last chunk, covering every byte in order', () => {
    const chunks = splitIntoChunks(bytes, 4);
    expect(chunks.map(c => Array.from(c))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
  });

  it('produces no short last chunk for an exact multiple', () => {
    expect(splitIntoChunks(bytes, 5).map(c => c.byteLength)).toEqual([5, 5]);
    expect(splitIntoChunks(bytes, 10).map(c => c.byteLength)).toEqual([10]);
  });

  it('handles 1-byte chunks, 1-byte payloads, chunks larger than the payload and empty input', () => {
    expect(splitIntoChunks(bytes, 1).map(c => c[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(splitIntoChunks(new Uint8Array([42]), 4).map(c => Array.from(c))).toEqual([[42]]);
    expect(splitIntoChunks(bytes, 1000).map(c => c.byteLength)).toEqual([10]);
    expect(splitIntoChunks(new Uint8Array(0), 4)).toEqual([]);
  });

  it('returns zero-copy views of the input, also for a subarray input', () => {
    const backing = new Uint8Array(20);
    const view = backing.subarray(3, 13);
    const chunks = splitIntoChunks(view, 4);
    expect(chunks.every(c => c.buffer === backing.buffer)).toBe(true);
    expect(chunks.map(c => c.byteOffset)).toEqual([3, 7, 11]);
    expect(chunks.map(c => c.byteLength)).toEqual([4, 4, 2]);
  });

  it('agrees with makeTransferHeader on the number of chunks', () => {
    for (const [n, size] of [[1, 1], [7, 3], [9, 3], [8 * MiB, 8 * MiB], [8 * MiB + 1, 8 * MiB]]) {
      expect(splitIntoChunks(new Uint8Array(n), size)).toHaveLength(makeTransferHeader('t', n, size).n_chunks);
    }
  });
});

describe('ChunkAssembler', () => {
  const payload = randomFillSync(new Uint8Array(20 * MiB));
  const header = makeTransferHeader('big', payload.byteLength, 8 * MiB);
  const chunks = splitIntoChunks(payload, header.chunk_bytes);

  it('assembles 20 MiB sent in order in 8 MiB chunks byte-exactly, with progress', () => {
    expect(chunks.map(c => c.byteLength)).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
    const asm = new ChunkAssembler(header);
    expect(asm.complete).toBe(false);
    expect(asm.progress).toBe(0);
    const progress: number[] = [];
    chunks.forEach((c, i) => {
      asm.add(i, i * header.chunk_bytes, c);
      progress.push(asm.progress);
    });
    expect(progress).toEqual([0.4, 0.8, 1]);
    expect(asm.complete).toBe(true);
    const out = new Uint8Array(asm.result());
    expect(out.byteLength).toBe(payload.byteLength);
    expect(sameBytes(out, payload)).toBe(true);
  });

  it('assembles the same payload sent out of order', () => {
    const asm = new ChunkAssembler(header);
    for (const i of [2, 0, 1]) {
      expect(asm.complete).toBe(false);
      // copies, so that a bug that keeps a reference instead of copying cannot pass
      asm.add(i, i * header.chunk_bytes, chunks[i].slice());
    }
    expect(asm.complete).toBe(true);
    expect(sameBytes(new Uint8Array(asm.result()), payload)).toBe(true);
  });

  const small = () => new ChunkAssembler(makeTransferHeader('s', 10, 4)); // chunks of 4, 4, 2
  const filled = (n: number, v = 7) => new Uint8Array(n).fill(v);

  it.each([
    ['negative index', -1, -4, 4, /chunk index -1 outside \[0, 3\)/],
    ['index == n_chunks', 3, 12, 2, /chunk index 3 outside/],
    ['fractional index', 0.5, 2, 4, /chunk index 0.5/],
    ['string index', '1', 4, 4, /chunk index 1 outside/],
    ['wrong offset', 1, 5, 4, /chunk 1 has offset 5, expected 4/],
    ['string offset', 1, '4', 4, /chunk 1 has offset 4, expected 4/],
    ['short middle chunk', 1, 4, 3, /chunk 1 has 3 bytes, expected 4/],
    ['long middle chunk', 0, 0, 5, /chunk 0 has 5 bytes, expected 4/],
    ['short last chunk', 2, 8, 1, /chunk 2 has 1 bytes, expected 2/],
    ['long last chunk', 2, 8, 4, /chunk 2 has 4 bytes, expected 2/]
  ])('rejects a %s', (_label, index, offset, length, message) => {
    const asm = small();
    expect(() => asm.add(index, offset, filled(length as number))).toThrow(TransferError);
    expect(() => asm.add(index, offset, filled(length as number))).toThrow(message);
    expect(asm.progress).toBe(0);
  });

  it('rejects a duplicate chunk and keeps the first copy', () => {
    const asm = small();
    asm.add(0, 0, filled(4, 1));
    expect(() => asm.add(0, 0, filled(4, 9))).toThrow(/chunk 0 received twice/);
    expect(asm.progress).toBeCloseTo(0.4);
    asm.add(1, 4, filled(4, 2));
    asm.add(2, 8, filled(2, 3));
    expect(Array.from(new Uint8Array(asm.result()))).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
  });

  it('result() throws until every chunk has arrived', () => {
    const asm = small();
    expect(() => asm.result()).toThrow(/transfer s: 0 of 3 chunks received/);
    asm.add(2, 8, filled(2));
    asm.add(0, 0, filled(4));
    expect(asm.complete).toBe(false);
    expect(() => asm.result()).toThrow(/2 of 3 chunks received/);
    asm.add(1, 4, filled(4));
    expect(asm.result().byteLength).toBe(10);
  });

  it('handles a single 1-byte transfer', () => {
    const asm = new ChunkAssembler(makeTransferHeader('one', 1));
    asm.add(0, 0, new Uint8Array([200]));
    expect(Array.from(new Uint8Array(asm.result()))).toEqual([200]);
  });
});
