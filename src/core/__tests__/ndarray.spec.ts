// Covers src/core/dtypes.ts and src/core/ndarray.ts: dtype table, shape checks, ndarrayFromBuffer, bytesOf.
import {
  bytesPerElement,
  DTYPES,
  is64BitInteger,
  isDType,
  isFloat,
  typedArrayConstructor
} from '../dtypes';
import { ArrayFormatError, bytesOf, ndarrayFromBuffer, sizeOf, validateShape } from '../ndarray';

describe('dtypes', () => {
  const expected: Record<string, [unknown, number]> = {
    bool: [Uint8Array, 1],
    uint8: [Uint8Array, 1],
    int8: [Int8Array, 1],
    uint16: [Uint16Array, 2],
    int16: [Int16Array, 2],
    uint32: [Uint32Array, 4],
    int32: [Int32Array, 4],
    float32: [Float32Array, 4],
    float64: [Float64Array, 8],
    uint64: [BigUint64Array, 8],
    int64: [BigInt64Array, 8]
  };

  it('lists exactly the numpy dtypes of the protocol', () => {
    expect([...DTYPES].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s maps to the right typed array and element size', (name, [ctor, size]) => {
    expect(isDType(name)).toBe(true);
    expect(typedArrayConstructor(name as never)).toBe(ctor);
    expect(bytesPerElement(name as never)).toBe(size);
  });

  it('rejects names that are not dtypes, including Object.prototype keys', () => {
    for (const bad of ['float16', 'complex64', 'uint', '', 'toString', 'constructor', '__proto__', 8, null, undefined, {}]) {
      expect(isDType(bad)).toBe(false);
    }
  });

  it('classifies float and 64-bit integer dtypes', () => {
    expect(DTYPES.filter(isFloat).sort()).toEqual(['float32', 'float64']);
    expect(DTYPES.filter(is64BitInteger).sort()).toEqual(['int64', 'uint64']);
  });
});

describe('validateShape / sizeOf', () => {
  it('accepts positive integer shapes and returns them', () => {
    const shape = [3, 4, 5];
    expect(validateShape(shape)).toBe(shape);
    expect(sizeOf(shape)).toBe(60);
    expect(sizeOf([7])).toBe(7);
  });

  it.each([
    ['empty', []],
    ['zero axis', [3, 0]],
    ['negative axis', [-2, 4]],
    ['non-integer axis', [2.5, 4]],
    ['NaN axis', [NaN]],
    ['Infinity axis', [Infinity, 1]],
    ['string axis', ['3', 4]],
    ['not an array', 12],
    ['null', null],
    ['object', { 0: 3, length: 1 }]
  ])('rejects %s', (_label, shape) => {
    expect(() => validateShape(shape)).toThrow(ArrayFormatError);
  });
});

describe('ndarrayFromBuffer', () => {
  it('views the buffer without copying, with the right dtype and values', () => {
    const src = new Uint16Array([1, 2, 300, 65535, 7, 8]);
    const arr = ndarrayFromBuffer(src.buffer, 'uint16', [2, 3]);
    expect(arr.dtype).toBe('uint16');
    expect(arr.shape).toEqual([2, 3]);
    expect(arr.data).toBeInstanceOf(Uint16Array);
    expect(arr.data.buffer).toBe(src.buffer);
    expect(Array.from(arr.data as Uint16Array)).toEqual([1, 2, 300, 65535, 7, 8]);
  });

  it('reads little-endian bytes for 64-bit integers as BigInts', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigInt64(0, -5n, true);
    new DataView(bytes.buffer).setBigInt64(8, 2n ** 40n, true);
    const arr = ndarrayFromBuffer(bytes.buffer, 'int64', [2]);
    expect(Array.from(arr.data as BigInt64Array)).toEqual([-5n, 2n ** 40n]);
  });

  it('rejects a buffer one byte short or one byte long, naming both counts', () => {
    expect(() => ndarrayFromBuffer(new ArrayBuffer(11), 'uint16', [2, 3])).toThrow(
      new ArrayFormatError('expected 12 bytes for uint16 [2,3], got 11')
    );
    expect(() => ndarrayFromBuffer(new ArrayBuffer(13), 'uint16', [2, 3])).toThrow(/expected 12 bytes .* got 13/);
    // float64 needs 8 bytes per element: 6 elements = 48 bytes, not 24
    expect(() => ndarrayFromBuffer(new ArrayBuffer(24), 'float64', [2, 3])).toThrow(/expected 48 bytes/);
  });

  it('rejects an unsupported dtype before looking at the bytes', () => {
    expect(() => ndarrayFromBuffer(new ArrayBuffer(4), 'float16', [2])).toThrow(/unsupported dtype "float16"/);
    expect(() => ndarrayFromBuffer(new ArrayBuffer(4), undefined, [4])).toThrow(ArrayFormatError);
  });

  it.each([[[0]], [[2, 0]], [[-4]], [[1.5, 2]], [[]], [null]])('rejects shape %j', shape => {
    expect(() => ndarrayFromBuffer(new ArrayBuffer(4), 'uint8', shape)).toThrow(ArrayFormatError);
  });

  it('uses byteOffset/byteLength for an aligned sub-range without copying', () => {
    const backing = new Float32Array([9, 1, 2, 3, 4, 9]);
    const arr = ndarrayFromBuffer(backing.buffer, 'float32', [2, 2], 4, 16);
    expect(arr.data.buffer).toBe(backing.buffer);
    expect(arr.data.byteOffset).toBe(4);
    expect(Array.from(arr.data as Float32Array)).toEqual([1, 2, 3, 4]);
    // default byteLength is "the rest of the buffer"
    const tail = ndarrayFromBuffer(backing.buffer, 'float32', [2], 16);
    expect(Array.from(tail.data as Float32Array)).toEqual([4, 9]);
  });

  it('copies once when byteOffset is not aligned to the element size', () => {
    const bytes = new Uint8Array(1 + 3 * 4);
    const dv = new DataView(bytes.buffer);
    [1.5, -2, 1e6].forEach((v, i) => dv.setFloat32(1 + 4 * i, v, true));
    const arr = ndarrayFromBuffer(bytes.buffer, 'float32', [3], 1, 12);
    expect(arr.data.buffer).not.toBe(bytes.buffer);
    expect(arr.data.byteLength).toBe(12);
    expect(Array.from(arr.data as Float32Array)).toEqual([1.5, -2, 1e6]);
    // the copy is independent of the source
    bytes.fill(0);
    expect((arr.data as Float32Array)[0]).toBe(1.5);
  });

  it('rejects a wrong byteLength even on the unaligned path', () => {
    expect(() => ndarrayFromBuffer(new ArrayBuffer(20), 'uint32', [3], 1, 11)).toThrow(/expected 12 bytes/);
  });

  it('rejects a range that runs past the end of the buffer with an ArrayFormatError', () => {
    // unaligned path: slice() clamps, the copy is short
    expect(() => ndarrayFromBuffer(new ArrayBuffer(8), 'uint16', [4], 1, 8)).toThrow(ArrayFormatError);
  });

  it('round-trips through bytesOf byte-for-byte for every dtype', () => {
    for (const dtype of DTYPES) {
      const n = 6;
      const raw = new Uint8Array(n * bytesPerElement(dtype));
      for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + 11) & 0xff;
      const arr = ndarrayFromBuffer(raw.slice().buffer, dtype, [2, 3]);
      const out = bytesOf(arr);
      expect(out).toBeInstanceOf(Uint8Array);
      expect(Array.from(out)).toEqual(Array.from(raw));
    }
  });

  it('bytesOf is a view of exactly the array, not of the whole backing buffer', () => {
    const backing = new Uint8Array([0xaa, 0xbb, 1, 0, 2, 0, 0xcc, 0xdd]);
    const arr = ndarrayFromBuffer(backing.buffer, 'uint16', [2], 2, 4);
    const out = bytesOf(arr);
    expect(Array.from(out)).toEqual([1, 0, 2, 0]);
    expect(out.buffer).toBe(backing.buffer);
  });
});

describe('ndarrayFromBuffer byte ranges', () => {
  it('rejects a range that runs past the end of the buffer with ArrayFormatError', () => {
    expect(() => ndarrayFromBuffer(new ArrayBuffer(8), 'uint16', [4], 2, 8)).toThrow(ArrayFormatError);
    expect(() => ndarrayFromBuffer(new ArrayBuffer(8), 'uint16', [4], 2, 8)).toThrow(/outside a buffer of 8 bytes/);
  });
});
