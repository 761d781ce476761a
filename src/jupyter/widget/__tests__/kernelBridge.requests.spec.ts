// Covers src/jupyter/widget/kernelBridge.ts + layerCodec.ts (protocol v3): data-request replies for every
// layer kind (descriptor + re-assembled payload), screenshot requests, invalid messages, kernel errors,
// open-panel, hello; and, with .venv's Python, that the kernel's own validator accepts what the bridge sent.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_CHUNK_BYTES } from '../../../core/transfer';
import { NDArray } from '../../../core/ndarray';
import {
  checkSentMessages, f64, imageLayer, kernelSays, labelsLayer, Msg, pattern, pointsLayer, replyFor, same, sendLayer, Sent, setup, shapesLayer, types, validateFrontendMessage
} from './bridgeHarness';

afterEach(checkSentMessages);

const L1 = imageLayer(); // uint16 (40, 50): 4000 bytes
const request = (request_id: string, layer_id: string) => ({ v: 3, type: 'data-request', request_id, layer_id });

describe('KernelBridge: data-request', () => {
  it('answers with data-reply + chunks that reproduce the layer bytes (9+ MiB, 2 chunks)', () => {
    const { viewer, sent, bridge } = setup();
    const pixels = new Float32Array(1200 * 2100).map((_, i) => Math.sin(i) * 1000); // 10,080,000 bytes
    viewer.addImage({ dtype: 'float32', shape: [1200, 2100], data: pixels }, { id: 'big', name: 'big', contrastLimits: [-1000, 1000] });
    sent.length = 0; // the layer-list announcing the new layer
    kernelSays(bridge, request('R1', 'big'));
    const reply = replyFor(sent, 'R1');
    expect(reply.content).toMatchObject({ v: 3, type: 'data-reply', request_id: 'R1' });
    expect(reply.layer).toEqual({ ...imageLayer({ id: 'big', name: 'big', dtype: 'float32', shape: [1200, 2100], contrast_limits: [-1000, 1000] }), revision: 0 });
    expect([reply.header.nbytes, reply.header.n_chunks, sent.length]).toEqual([pixels.byteLength, 2, 3]);
    expect(sent.slice(1).every(c => c.buffers[0].byteLength <= MAX_CHUNK_BYTES)).toBe(true); // each within the websocket limit
    expect(same(reply.payload, pixels)).toBe(true);
  });

  it('replies with what the kernel sent (revision included), under a fresh transfer id each time', () => {
    const { sent, bridge } = setup();
    const bytes = pattern(4000, 3);
    sendLayer(bridge, { ...L1, revision: 3 }, bytes, 'T1');
    kernelSays(bridge, request('R1', 'L1'));
    kernelSays(bridge, request('R2', 'L1'));
    const [r1, r2] = [replyFor(sent, 'R1'), replyFor(sent, 'R2')];
    expect(r1.header.id).not.toBe(r2.header.id);
    expect(r1.layer).toEqual({ ...L1, revision: 3 });
    expect(same(r1.payload, bytes) && same(r2.payload, bytes)).toBe(true);
  });

  const labelCases = [
    ['uint8', Uint8Array.from([0, 1, 2, 255, 7, 0])],
    ['int32', Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 5, 6])],
    ['uint64', BigUint64Array.from([0n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 63n, 9n, 1n])]
  ] as const;
  const properties = [
    { name: 'score', dtype: 'float64', values: [0.5, null, 2] },
    { name: 'n', dtype: 'int64', values: [1, -2, 2 ** 53 - 1] },
    { name: 'ok', dtype: 'bool', values: [true, false, true] },
    { name: 'c', dtype: 'str', values: ['a', 'b', ''] }
  ];
  const roundTrips: [string, Msg, ArrayBufferView][] = [
    ['a 4D float image', imageLayer({ dtype: 'float32', shape: [2, 3, 4, 5], scale: [1, 2, 0.5, 0.5], translate: [0, 0, 3, -3], colormap: 'magma', contrast_limits: [-1, 2], gamma: 0.5, interpolation: 'linear', opacity: 0.5, blending: 'additive', visible: false }), pattern(2 * 3 * 4 * 5 * 4, 4)],
    // level 0 (40, 50) + level 1 (20, 25) + level 2 (10, 12): 4000 + 1000 + 240 bytes of uint16
    ['a multiscale image', imageLayer({ multiscale_shapes: [[20, 25], [10, 12]] }), pattern(4000 + 1000 + 240, 8)],
    ['an RGBA image', imageLayer({ dtype: 'uint8', shape: [3, 4, 4], rgb: true, contrast_limits: [0, 255] }), pattern(48, 5)],
    ['a 3D-only blending', imageLayer({ blending: 'minimum' }), pattern(4000, 6)],
    ...labelCases.map(([dtype, values]): [string, Msg, ArrayBufferView] => [`${dtype} labels`, labelsLayer({ dtype, shape: [2, 3], selected_label: 5, mode: 'paint' }), values]),
    ['points with typed properties and per-item size', pointsLayer(3, { ndim: 3, size: [2, 3, 4], face_color: '#ff000080', properties }), f64([1, 2, 3.5, 4, 5, 6, 0, 0, 0.25])],
    ['shapes with per-shape colours', shapesLayer(['rectangle', 'line', 'polygon'], [4, 2, 3], { edge_color: ['#ff0000ff', '#00ff00ff', '#0000ffff'], face_color: '#00000000', edge_width: [0, 1.5, 2] }), f64([0, 0, 0, 4, 3, 4, 3, 0, 1, 1, 5, 5, 0, 0, 2, 0, 2, 2])]
  ];

  it.each(roundTrips)('gives back %s byte-exact with the descriptor the kernel sent', (_label, layer, payload) => {
    const { sent, bridge } = setup();
    sendLayer(bridge, { ...layer, revision: 7 }, payload, 'T', 32);
    kernelSays(bridge, request('R', layer.id as string));
    const reply = replyFor(sent, 'R');
    expect(reply.layer).toEqual({ ...layer, revision: 7 });
    expect(same(reply.payload, payload)).toBe(true);
  });

  it.each([
    ['points', pointsLayer(0, { ndim: 4, size: 5, face_color: '#ff0000ff', properties: properties.map(c => ({ ...c, values: [] })) })],
    ['shapes', shapesLayer([], [], { ndim: 3, edge_color: '#ff0000ff', edge_width: 2 })]
  ])('gives back an empty %s layer as a zero-byte transfer without chunks', (_kind, layer) => {
    const { sent, bridge } = setup();
    sendLayer(bridge, layer, new Uint8Array(0), 'T0');
    kernelSays(bridge, request('R', layer.id as string));
    expect(types(sent)).toEqual(['layer-ready', 'data-reply']);
    const reply = replyFor(sent, 'R');
    expect([reply.header.nbytes, reply.header.n_chunks]).toEqual([0, 0]);
    expect(reply.layer).toEqual(layer);
  });

  it('builds a multiscale image layer with each level read from its part of the payload', () => {
    const { viewer, bridge } = setup();
    const levels = [Uint16Array.from({ length: 40 * 50 }, (_, i) => i), Uint16Array.from({ length: 20 * 25 }, (_, i) => 9000 + i)];
    const payload = new Uint8Array(levels[0].byteLength + levels[1].byteLength);
    payload.set(new Uint8Array(levels[0].buffer), 0);
    payload.set(new Uint8Array(levels[1].buffer), levels[0].byteLength);
    sendLayer(bridge, imageLayer({ multiscale_shapes: [[20, 25]] }), payload, 'TM');
    const layer = viewer.layers[0] as unknown as { multiscale: boolean; levels: NDArray[] };
    expect(layer.multiscale).toBe(true);
    expect(layer.levels.map(l => l.shape)).toEqual([[40, 50], [20, 25]]);
    expect(Array.from(layer.levels[1].data as Uint16Array)).toEqual(Array.from(levels[1]));
    expect(Array.from(layer.levels[0].data as Uint16Array)).toEqual(Array.from(levels[0]));
  });

  it('answers a data-request for an unknown layer with an error carrying the request_id', () => {
    const { sent, bridge } = setup();
    kernelSays(bridge, request('R9', 'ghost'));
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', request_id: 'R9', message: expect.stringMatching(/no layer with id ghost/) }]);
  });
});

describe('KernelBridge: screenshot-request', () => {
  const shoot = { v: 3, type: 'screenshot-request', request_id: 'S1' };

  it('answers with the RGBA canvas of the screenshot event, chunked', () => {
    const [height, width] = [1500, 1500]; // 9,000,000 bytes: 2 chunks
    const canvas: NDArray = { dtype: 'uint8', shape: [height, width, 4], data: pattern(height * width * 4, 11) };
    const { sent, bridge } = setup({ screenshot: () => canvas });
    kernelSays(bridge, shoot);
    const reply = replyFor(sent, 'S1');
    expect(reply.content).toMatchObject({ v: 3, type: 'screenshot-reply', request_id: 'S1', shape: [height, width, 4] });
    expect([reply.header.n_chunks, sent.length]).toEqual([2, 3]);
    expect(same(reply.payload, canvas.data)).toBe(true);
  });

  it.each([
    ['no view is displayed', () => null, /no view of this viewer is displayed/],
    ['there is no screenshot handler', undefined, /no view of this viewer is displayed/],
    ['the canvas cannot be read', () => { throw new Error('context lost'); }, /context lost/],
    ['the canvas is not RGBA', () => ({ dtype: 'uint8', shape: [2, 2, 3], data: new Uint8Array(12) }) as NDArray, /transfer\.nbytes: expected 16/]
  ])('answers with an error carrying the request_id when %s', (_label, screenshot, message) => {
    const problems: string[] = [];
    const { sent, bridge } = setup({ screenshot, problem: m => problems.push(m) });
    kernelSays(bridge, shoot);
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', request_id: 'S1', message: expect.stringMatching(message) }]);
  });
});

describe('KernelBridge: invalid messages, errors, events', () => {
  it.each([
    ['a version-1 message', { v: 1, type: 'data-request', request_id: 'R1', layer_id: 'L1' }, [], 'R1', /^v: expected protocol version 3, got 1: the kernel speaks SegLab protocol 1/],
    ['an unknown type', { v: 3, type: 'explode', request_id: 'R2' }, [], 'R2', /unknown message type "explode"/],
    ['a frontend message type', { v: 3, type: 'data-reply', request_id: 'R3' }, [], 'R3', /unknown message type "data-reply"/],
    ['not an object', 'garbage', [], undefined, /message object/],
    ['null', null, [], undefined, /message object/],
    ['a chunk without buffer', { v: 3, type: 'chunk', transfer_id: 'T', index: 0, offset: 0 }, [], undefined, /1 binary buffer/],
    ['layer-data with a buffer', { v: 3, type: 'layer-data', layer: L1, transfer: { id: 'T', nbytes: 4000, chunk_bytes: 1024, n_chunks: 4 } }, [new Uint8Array(1)], undefined, /0 binary buffer/],
    ['a descriptor without name', { v: 3, type: 'layer-data', layer: { ...L1, name: undefined }, transfer: { id: 'T', nbytes: 4000, chunk_bytes: 1024, n_chunks: 4 } }, [], undefined, /^layer\.name: expected a string/],
    ['a transfer of the wrong size', { v: 3, type: 'layer-data', layer: L1, transfer: { id: 'T', nbytes: 4001, chunk_bytes: 1024, n_chunks: 4 } }, [], undefined, /^transfer\.nbytes: expected 4000/],
    ['dims with a short current_step', { v: 3, type: 'dims', ndim: 3, current_step: [0, 0], axis_labels: ['z', 'y', 'x'] }, [], undefined, /^current_step: expected 3 items/],
    ['an over-long request_id', { v: 3, type: 'screenshot-request', request_id: 'r'.repeat(300) }, [], 'r'.repeat(128), /^request_id: expected a string of 1 to 128/]
  ])('answers %s with an error, without throwing, then keeps working', (_l, content, buffers, requestId, message) => {
    const problems: string[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m) });
    expect(() => bridge.handle(content, buffers)).not.toThrow();
    expect(sent).toHaveLength(1);
    expect(sent[0].content).toMatchObject({ v: 3, type: 'error', message: expect.stringMatching(message) });
    expect(sent[0].content.request_id).toBe(requestId);
    expect(problems).toEqual([sent[0].content.message]);
    sendLayer(bridge, L1, pattern(4000), 'T1');
    expect(viewer.getLayer('L1')).toBeDefined();
    expect(sent[1].content.type).toBe('layer-ready');
  });

  it('does not answer error messages from the kernel (no ping-pong), but reports them', () => {
    const problems: string[] = [];
    const { sent, bridge } = setup({ problem: m => problems.push(m) });
    kernelSays(bridge, { v: 3, type: 'error', message: 'kernel is unhappy', request_id: 'R1' });
    kernelSays(bridge, { v: 3, type: 'error', message: 'again' });
    expect(sent).toEqual([]);
    expect(problems).toEqual(['kernel: kernel is unhappy', 'kernel: again']);
  });

  it('open-panel calls the openPanel event with the title or undefined', () => {
    const titles: (string | undefined)[] = [];
    const { sent, bridge } = setup({ openPanel: t => titles.push(t) });
    kernelSays(bridge, { v: 3, type: 'open-panel', title: 'Cells' });
    kernelSays(bridge, { v: 3, type: 'open-panel' });
    kernelSays(bridge, { v: 3, type: 'open-panel', title: null });
    expect(titles).toEqual(['Cells', undefined, undefined]);
    expect(sent).toEqual([]);
  });

  it('says hello with its client id', () => {
    const { bridge, sent } = setup();
    bridge.hello();
    expect(sent).toEqual([{ content: { v: 3, type: 'hello', client_id: 'client-test' }, buffers: [] }]);
  });

  it('works without any event handlers', () => {
    const { bridge } = setup();
    expect(() => {
      bridge.handle({ v: 3, type: 'open-panel' });
      bridge.handle({ v: 3, type: 'error', message: 'x' });
      bridge.handle({ v: 3, type: 'screenshot-request', request_id: 'S' });
      bridge.handle('garbage');
    }).not.toThrow();
  });

  it('the message check used by these specs refuses what protocol.ts refuses', () => {
    expect(() => validateFrontendMessage({ v: 3, type: 'layer-update', layer_id: 'L', client_id: 'c', revision: 0, data_changed: true }, 0)).toThrow(/^revision/);
    expect(() => validateFrontendMessage({ v: 3, type: 'dims', ndim: 2, current_step: [0], axis_labels: ['y', 'x'] }, 0)).toThrow(/^current_step/);
    expect(() => validateFrontendMessage({ v: 3, type: 'layer-ready', layer_id: 'L', transfer_id: 'T', nbytes: 1, extra: 1 }, 0)).toThrow(/not what the builder makes/);
    expect(() => validateFrontendMessage({ v: 3, type: 'data-reply', request_id: 'R', layer: { ...L1, revision: 0 }, transfer: { id: 'T', nbytes: 4000, chunk_bytes: 4096, n_chunks: 1 } }, 0)).not.toThrow();
    expect(() => validateFrontendMessage({ v: 3, type: 'data-reply', request_id: 'R', layer: { ...L1, gamma: 0 }, transfer: { id: 'T', nbytes: 4000, chunk_bytes: 4096, n_chunks: 1 } }, 0)).toThrow(/^layer\.gamma/);
    expect(() => validateFrontendMessage({ v: 3, type: 'chunk', transfer_id: 'T', index: 0, offset: 0 }, 0)).toThrow(/chunk sent with 0 buffers/);
  });
});

const python = path.resolve(__dirname, '..', '..', '..', '..', '.venv', 'bin', 'python');
const script = path.resolve(__dirname, '..', '..', '..', '..', 'python-kernel-bridge', 'tests', 'wire_examples.py');
(fs.existsSync(python) ? it : it.skip)('the kernel validator (seglab in .venv) accepts every message the bridge sends', () => {
  const all: Sent[] = [];
  for (const [, layer, payload] of wireSamples()) {
    const { sent, bridge, viewer } = setup({ screenshot: () => ({ dtype: 'uint8', shape: [2, 3, 4], data: pattern(24) }) });
    bridge.hello();
    sendLayer(bridge, layer, payload, 'T', 32);
    kernelSays(bridge, request('R', layer.id as string));
    viewer.layers[0].opacity = 0.3;
    kernelSays(bridge, { v: 3, type: 'screenshot-request', request_id: 'S' });
    kernelSays(bridge, request('R0', 'ghost'));
    all.push(...sent);
  }
  const items = all.map(s => [s.content, s.buffers.length]);
  expect(new Set(items.map(([c]) => (c as Msg).type))).toEqual(new Set(['hello', 'layer-ready', 'data-reply', 'chunk', 'layer-update', 'screenshot-reply', 'error']));
  const out = execFileSync(python, [script, 'validate'], { input: JSON.stringify(items), maxBuffer: 64 * 2 ** 20 });
  expect(JSON.parse(out.toString('utf8'))).toEqual(items.map(() => null));
});

function wireSamples(): [string, Msg, ArrayBufferView][] {
  return [
    ['image', imageLayer({ shape: [2, 4, 5], blending: 'minimum' }), pattern(80)],
    ['labels', labelsLayer({ dtype: 'uint64' }), new BigUint64Array(20).fill(2n ** 64n - 1n)],
    ['points', pointsLayer(2, { size: [1, 2], properties: [{ name: 'n', dtype: 'int64', values: [1, 2] }] }), f64([1, 2, 3, 4])],
    ['shapes', shapesLayer(['path'], [3], { edge_width: 0 }), f64([0, 0, 1, 1, 2, 0])],
    ['empty points', pointsLayer(0), new Uint8Array(0)]
  ];
}
