/**
 * `seglab-hash64` (version 1): the content hash SegLab keys cached embeddings with and writes
 * into embedding files (`image_hash`), identical in TypeScript (here) and Python
 * (`seglab.embeddings.content_hash`). Not cryptographic: a fast fingerprint of pixel bytes.
 *
 * Definition, over the bytes B (length L) of a C-ordered little-endian array:
 *   words w_i (i = 0..N-1, N = ceil(L / 4)): B read as little-endian uint32, the last one
 *   zero-padded; all arithmetic mod 2^32; fmix = MurmurHash3's 32-bit finaliser;
 *   a = Σ_i fmix((w_i + i·0x9E3779B1) ^ 0x243F6A88)
 *   b = Σ_i fmix((w_i ^ i·0x85EBCA77) + 0xB7E15162)
 *   h1 = fmix(a ^ fmix(L mod 2^32 ^ 0x3C6EF372)), h2 = fmix(b ^ fmix(floor(L / 2^32) + h1))
 *   hash = h1 and h2 as 8 lowercase hex digits each (16 in all).
 * Each term depends on one word and its position, so the sums are order-independent to compute:
 * a loop here, vectorised numpy there (a sequential hash such as xxh64 would need a compiled
 * module in Python, which `pip install seglab` does not bring). fmix is a bijection, so changing
 * any single word always changes both sums.
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const S1 = 0x243f6a88 | 0;
const S2 = 0xb7e15162 | 0;
const S3 = 0x3c6ef372 | 0;

// A local binding: a global `Math.imul` lookup per call is ~50× slower in some contexts (jest's vm).
const imul = Math.imul;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const CHUNK_WORDS = 1 << 16;

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/** The seglab-hash64 of a typed array's (or byte view's) bytes. */
export function contentHash(data: ArrayBufferView): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const L = bytes.length;
  const full = L >>> 2;
  let a = 0;
  let b = 0;
  let i = 0;
  const aligned = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0;
  const scratch = aligned ? null : new Uint32Array(Math.min(full, CHUNK_WORDS));
  while (i < full) {
    const n = Math.min(CHUNK_WORDS, full - i);
    let words: Uint32Array;
    if (aligned) {
      words = new Uint32Array(bytes.buffer, bytes.byteOffset + i * 4, n);
    } else {
      words = scratch!.subarray(0, n);
      const view = new DataView(bytes.buffer, bytes.byteOffset + i * 4, n * 4);
      for (let k = 0; k < n; k++) words[k] = view.getUint32(k * 4, true);
    }
    for (let k = 0; k < n; k++, i++) {
      const w = words[k];
      a = (a + fmix((w + imul(i, P1)) ^ S1)) | 0;
      b = (b + fmix((w ^ imul(i, P2)) + S2)) | 0;
    }
  }
  if (L % 4) {
    let w = 0;
    for (let k = 0; k < L % 4; k++) w |= bytes[full * 4 + k] << (8 * k);
    a = (a + fmix((w + imul(i, P1)) ^ S1)) | 0;
    b = (b + fmix((w ^ imul(i, P2)) + S2)) | 0;
  }
  const h1 = fmix(a ^ fmix((L % 0x100000000) ^ S3));
  const h2 = fmix(b ^ fmix((Math.floor(L / 0x100000000) + h1) | 0));
  return hex(h1) + hex(h2);
}
