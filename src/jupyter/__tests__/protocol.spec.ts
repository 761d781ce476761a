// Covers src/jupyter/protocol.ts: validateKernelMessage / validateLayerDescriptor for every kernel -> frontend message.
import { makeTransferHeader } from '../../core/transfer';
import { MAX_ARRAY_BYTES, PROTOCOL_VERSION, ProtocolError, validateKernelMessage, validateLayerDescriptor } from '../protocol';

const layer = { id: 'L1', name: 'nuclei', kind: 'image', dtype: 'uint16', shape: [4, 5], rgb: false };
const layerData = (over: Record<string, unknown> = {}, layerOver: Record<string, unknown> = {}) => ({
  v: 1,
  type: 'layer-data',
  layer: { ...layer, ...layerOver },
  transfer: makeTransferHeader('T1', 40, 16),
  ...over
});
const valid: [string, Record<string, unknown>, number][] = [
  ['layer-data', layerData(), 0],
  ['chunk', { v: 1, type: 'chunk', transfer_id: 'T1', index: 2, offset: 32 }, 1],
  ['layer-remove', { v: 1, type: 'layer-remove', layer_id: 'L1' }, 0],
  ['data-request', { v: 1, type: 'data-request', request_id: 'R1', layer_id: 'L1' }, 0],
  ['open-panel with title', { v: 1, type: 'open-panel', title: 'My viewer' }, 0],
  ['open-panel without title', { v: 1, type: 'open-panel' }, 0],
  ['open-panel with null title', { v: 1, type: 'open-panel', title: null }, 0],
  ['error', { v: 1, type: 'error', message: 'boom', request_id: 'R1' }, 0]
];

function rejects(content: unknown, buffers: number, message: RegExp): void {
  let caught: unknown;
  try {
    validateKernelMessage(content, buffers);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as Error).message).toMatch(message);
}

describe('validateKernelMessage', () => {
  it('speaks protocol version 1', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it.each(valid)('accepts a valid %s message', (_label, content, buffers) => {
    const msg = validateKernelMessage(content, buffers);
    expect(msg.type).toBe(content.type);
    expect(msg).toEqual(content);
  });

  it('accepts every dtype and RGB descriptors', () => {
    const msg = validateKernelMessage(
      layerData({ transfer: makeTransferHeader('T', 2 * 3 * 4 * 4) }, { dtype: 'float32', shape: [2, 3, 4], rgb: true }),
      0
    );
    expect(msg.type === 'layer-data' && msg.layer.rgb).toBe(true);
    const i64 = layerData({ transfer: makeTransferHeader('T', 8 * 20) }, { dtype: 'int64' });
    expect(() => validateKernelMessage(i64, 0)).not.toThrow();
  });

  it.each([
    ['null', null],
    ['a string', 'layer-data'],
    ['an array', [1, 'layer-data']]
  ])('rejects %s as content', (_label, content) => {
    rejects(content, 0, /expected a message object/);
  });

  it.each([[2], [0], ['1'], [undefined], [null]])('rejects version %p', v => {
    rejects({ ...layerData(), v }, 0, /expected protocol version 1, got/);
  });

  it.each([['hello'], ['data-reply'], ['layer-ready'], [''], [undefined], [42]])('rejects message type %p', type => {
    rejects({ v: 1, type, layer_id: 'L1' }, 0, /unknown message type/);
  });

  it.each([
    ['layer-data', layerData(), 1],
    ['chunk', valid[1][1], 0],
    ['chunk', valid[1][1], 2],
    ['layer-remove', valid[2][1], 1],
    ['data-request', valid[3][1], 3],
    ['open-panel', valid[4][1], 1]
  ])('rejects a %s message with the wrong number of buffers', (type, content, buffers) => {
    rejects(content, buffers as number, new RegExp(`buffer\\(s\\) with a "${type}" message, got ${buffers}`));
  });

  it.each([
    ['missing transfer_id', { transfer_id: undefined }, /"transfer_id"/],
    ['empty transfer_id', { transfer_id: '' }, /"transfer_id"/],
    ['fractional index', { index: 1.5 }, /"index" and "offset"/],
    ['string offset', { offset: '32' }, /"index" and "offset"/],
    ['missing index', { index: undefined }, /"index" and "offset"/]
  ])('rejects a chunk with %s', (_label, over, message) => {
    rejects({ ...valid[1][1], ...over }, 1, message);
  });

  it.each([
    ['layer-remove without layer_id', { v: 1, type: 'layer-remove' }, /"layer_id"/],
    ['layer-remove with numeric layer_id', { v: 1, type: 'layer-remove', layer_id: 3 }, /"layer_id"/],
    ['data-request without request_id', { v: 1, type: 'data-request', layer_id: 'L1' }, /"request_id"/],
    ['data-request without layer_id', { v: 1, type: 'data-request', request_id: 'R' }, /"layer_id"/],
    ['data-request with a 129-character id', { v: 1, type: 'data-request', request_id: 'r'.repeat(129), layer_id: 'L' }, /"request_id" .* 1 to 128/],
    ['open-panel with empty title', { v: 1, type: 'open-panel', title: '' }, /"title"/],
    ['open-panel with numeric title', { v: 1, type: 'open-panel', title: 5 }, /"title"/],
    ['error without message', { v: 1, type: 'error' }, /"message"/],
    ['error with empty message', { v: 1, type: 'error', message: '' }, /"message"/],
    ['error with a 10001-character message', { v: 1, type: 'error', message: 'e'.repeat(10001) }, /"message" .* 1 to 10000/]
  ])('rejects %s', (_label, content, message) => {
    rejects(content, 0, message);
  });

  it.each([
    ['missing layer', { layer: undefined }, {}, /"layer" to be an object/],
    ['missing layer id', {}, { id: undefined }, /"id"/],
    ['empty layer name', {}, { name: '' }, /"name"/],
    ['a 257-character name', {}, { name: 'n'.repeat(257) }, /"name" .* 1 to 256/],
    ['kind "labels"', {}, { kind: 'labels' }, /layer\.kind "image", got "labels"/],
    ['dtype float16', {}, { dtype: 'float16' }, /unsupported layer\.dtype "float16"/],
    ['dtype ">u2"', {}, { dtype: '>u2' }, /layer\.dtype/],
    ['shape with a 0', {}, { shape: [4, 0] }, /layer\.shape: .*positive integer/],
    ['negative shape', {}, { shape: [-4, -5] }, /layer\.shape/],
    ['fractional shape', {}, { shape: [4, 5.5] }, /layer\.shape/],
    ['empty shape', {}, { shape: [] }, /layer\.shape/],
    ['string rgb', {}, { rgb: 'false' }, /layer\.rgb to be a boolean/],
    ['missing rgb', {}, { rgb: undefined }, /layer\.rgb/]
  ])('rejects layer-data with %s', (_label, over, layerOver, message) => {
    rejects(layerData(over, layerOver), 0, message);
  });

  it('rejects a layer over MAX_ARRAY_BYTES, even with a consistent transfer', () => {
    expect(MAX_ARRAY_BYTES).toBe(2 * 1024 ** 3);
    // 32768 x 32768 float32 = 4 GiB
    rejects(
      layerData({ transfer: makeTransferHeader('T', 4 * 1024 ** 3) }, { dtype: 'float32', shape: [32768, 32768] }),
      0,
      /exceeds the 2147483648-byte limit/
    );
    // exactly at the limit is fine: 32768 x 65536 uint8 = 2 GiB
    const atLimit = layerData({ transfer: makeTransferHeader('T', MAX_ARRAY_BYTES) }, { dtype: 'uint8', shape: [32768, 65536] });
    expect(() => validateKernelMessage(atLimit, 0)).not.toThrow();
  });

  it.each([
    ['one byte too few', 39],
    ['one byte too many', 41],
    ['the element count instead of bytes', 20]
  ])('rejects a transfer whose nbytes is %s for shape x dtype', (_label, nbytes) => {
    rejects(layerData({ transfer: makeTransferHeader('T1', nbytes, 16) }), 0, new RegExp(`layer L1: transfer of ${nbytes} bytes, expected 40`));
  });

  const badTransfers: [Record<string, unknown> | undefined, RegExp][] = [
    [{ id: 'T', nbytes: 40, chunk_bytes: 16, n_chunks: 2 }, /transfer\.n_chunks == 3/],
    [{ id: '', nbytes: 40, chunk_bytes: 16, n_chunks: 3 }, /transfer\.id/],
    [makeTransferHeader('T', 40, 10 * 1024 * 1024) as unknown as Record<string, unknown>, /transfer\.chunk_bytes/],
    [undefined, /transfer header/]
  ];

  it('rejects an invalid transfer header with a message naming the field', () => {
    for (const [transfer, message] of badTransfers) {
      expect(() => validateKernelMessage(layerData({ transfer }), 0)).toThrow(message);
    }
  });

  it('rejects an invalid transfer header with a ProtocolError', () => {
    for (const [transfer, message] of badTransfers) {
      rejects(layerData({ transfer }), 0, message);
    }
  });
});

describe('validateLayerDescriptor', () => {
  it('returns a valid descriptor unchanged', () => {
    expect(validateLayerDescriptor({ ...layer })).toEqual(layer);
  });

  it('rejects non-objects', () => {
    expect(() => validateLayerDescriptor(null)).toThrow(ProtocolError);
    expect(() => validateLayerDescriptor('L1')).toThrow(/"layer" to be an object/);
  });
});
