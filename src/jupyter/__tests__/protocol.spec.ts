// Covers src/jupyter/protocol.ts (PROTOCOL.md v3): every kernel -> frontend message, layer
// descriptors of every kind, props, dims, the checked frontend -> kernel builders, and - by running
// the kernel package's own validator and message constructors in .venv's Python - that both sides
// of the wire agree on constants, valid messages and which field an invalid descriptor breaks.
/// <reference types="node" />
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COLORMAP_NAMES } from '../../core/colormaps';
import { makeTransferHeader } from '../../core/transfer';
import * as P from '../protocol';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
const script = path.join(repoRoot, 'python-kernel-bridge', 'tests', 'wire_examples.py');
const haveVenv = fs.existsSync(python);
if (!haveVenv) {
  // eslint-disable-next-line no-console
  console.warn(`skipping the cross-language protocol checks: no venv python at ${python}`);
}
const withPython = haveVenv ? describe : describe.skip;

function runPython(command: string, input?: unknown): any {
  const out = execFileSync(python, [script, command], {
    input: input === undefined ? undefined : JSON.stringify(input),
    maxBuffer: 64 * 2 ** 20
  });
  return JSON.parse(out.toString('utf8'));
}

const common = { ndim: 2, revision: 1, visible: true, opacity: 1, blending: 'translucent', scale: [1, 1], translate: [0, 0] };
const image = {
  id: 'L1',
  name: 'nuclei',
  kind: 'image',
  ...common,
  colormap: 'gray',
  contrast_limits: [0, 255],
  gamma: 1,
  interpolation: 'nearest',
  dtype: 'uint16',
  shape: [4, 5],
  rgb: false,
  multiscale_shapes: [],
  lazy: false
};
const labels = { id: 'L2', name: 'cells', kind: 'labels', ...common, selected_label: 1, mode: 'paint', label_classes: [{ name: 'nucleus', color: '#ffe119ff' }], dtype: 'uint64', shape: [4, 5] };
const points = {
  id: 'L3',
  name: 'spots',
  kind: 'points',
  ...common,
  n_points: 3,
  size: [1, 2, 3],
  face_color: '#ff0000ff',
  properties: [{ name: 'score', dtype: 'float64', values: [0.5, null, 1] }]
};
const shapes = {
  id: 'L4',
  name: 'rois',
  kind: 'shapes',
  ...common,
  shape_type: ['rectangle', 'line', 'polygon'],
  vertex_counts: [4, 2, 5],
  edge_color: ['#ff0000ff', '#00ff00ff', '#0000ffff'],
  face_color: '#00000000',
  edge_width: 1,
  properties: []
};
const DESCRIPTORS: Record<string, Record<string, unknown>> = { image, labels, points, shapes };
const BYTES: Record<string, number> = { image: 40, labels: 160, points: 48, shapes: 176 };

const layerData = (layer: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  v: 3,
  type: 'layer-data',
  layer,
  transfer: makeTransferHeader('T1', P.payloadBytes(layer as unknown as P.LayerDescriptor), 16),
  ...over
});
const emptyTransfer = { id: 'T0', nbytes: 0, chunk_bytes: 8 * 2 ** 20, n_chunks: 0 };
const emptyPoints = { ...points, n_points: 0, size: 5, properties: [{ name: 'score', dtype: 'float64', values: [] }] };
const emptyShapes = { ...shapes, shape_type: [], vertex_counts: [], edge_color: '#ff0000ff' };

const VALID: [string, Record<string, unknown>, number][] = [
  ...Object.entries(DESCRIPTORS).map(([kind, d]) => [`layer-data (${kind})`, layerData(d), 0] as [string, Record<string, unknown>, number]),
  ['layer-data (empty points)', { v: 3, type: 'layer-data', layer: emptyPoints, transfer: emptyTransfer }, 0],
  ['layer-data (empty shapes)', { v: 3, type: 'layer-data', layer: emptyShapes, transfer: emptyTransfer }, 0],
  ['layer-props', { v: 3, type: 'layer-props', layer_id: 'L1', props: { opacity: 0.5, colormap: 'magma', contrast_limits: [1, 2] } }, 0],
  ['layer-props (items)', { v: 3, type: 'layer-props', layer_id: 'L3', props: { face_color: ['#ff0000ff', '#ff0000ff'], size: 3 } }, 0],
  ['chunk', { v: 3, type: 'chunk', transfer_id: 'T1', index: 2, offset: 32 }, 1],
  ['layer-remove', { v: 3, type: 'layer-remove', layer_id: 'L1' }, 0],
  ['data-request', { v: 3, type: 'data-request', request_id: 'R1', layer_id: 'L1' }, 0],
  ['dims', { v: 3, type: 'dims', ndim: 3, current_step: [4, 0, 0], axis_labels: ['z', 'y', 'x'] }, 0],
  ['screenshot-request', { v: 3, type: 'screenshot-request', request_id: 'R2' }, 0],
  ['open-panel with title', { v: 3, type: 'open-panel', title: 'My viewer' }, 0],
  ['open-panel without title', { v: 3, type: 'open-panel' }, 0],
  ['open-panel with null title', { v: 3, type: 'open-panel', title: null }, 0],
  ['error', { v: 3, type: 'error', message: 'boom', request_id: 'R1' }, 0]
];

function rejects(content: unknown, buffers: number, message: RegExp): void {
  let caught: unknown;
  try {
    P.validateKernelMessage(content, buffers);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(P.ProtocolError);
  expect((caught as Error).message).toMatch(message);
}

/** Descriptor mutations and the field each one breaks (checked here and in the kernel's validator). */
const BAD_DESCRIPTORS: [string, string, Record<string, unknown>, string][] = [
  ['missing id', 'image', { id: undefined }, 'layer.id'],
  ['empty name', 'image', { name: '' }, 'layer.name'],
  ['a 257-character name', 'image', { name: 'n'.repeat(257) }, 'layer.name'],
  ['kind "volume"', 'image', { kind: 'volume' }, 'layer.kind'],
  ['ndim 6', 'image', { ndim: 6 }, 'layer.ndim'],
  ['ndim 1', 'image', { ndim: 1 }, 'layer.ndim'],
  ['negative revision', 'image', { revision: -1 }, 'layer.revision'],
  ['string visible', 'image', { visible: 'yes' }, 'layer.visible'],
  ['opacity 1.5', 'image', { opacity: 1.5 }, 'layer.opacity'],
  ['blending "screen"', 'image', { blending: 'screen' }, 'layer.blending'],
  ['scale of the wrong length', 'image', { scale: [1, 1, 1] }, 'layer.scale'],
  ['zero scale', 'image', { scale: [1, 0] }, 'layer.scale[1]'],
  ['infinite translate', 'image', { translate: [0, 1e999] }, 'layer.translate[1]'],
  ['colormap "jet"', 'image', { colormap: 'jet' }, 'layer.colormap'],
  ['reversed contrast limits', 'image', { contrast_limits: [5, 1] }, 'layer.contrast_limits'],
  ['gamma 0', 'image', { gamma: 0 }, 'layer.gamma'],
  ['interpolation "cubic"', 'image', { interpolation: 'cubic' }, 'layer.interpolation'],
  ['dtype float16', 'image', { dtype: 'float16' }, 'layer.dtype'],
  ['dtype ">u2"', 'image', { dtype: '>u2' }, 'layer.dtype'],
  ['shape with a 0', 'image', { shape: [4, 0] }, 'layer.shape[1]'],
  ['fractional shape', 'image', { shape: [4, 5.5] }, 'layer.shape[1]'],
  ['shape longer than ndim', 'image', { shape: [2, 4, 5] }, 'layer.shape'],
  ['string rgb', 'image', { rgb: 'false' }, 'layer.rgb'],
  ['rgb with a last axis of 5', 'image', { rgb: true, shape: [4, 5, 5], dtype: 'uint8' }, 'layer.shape'],
  ['rgb uint16', 'image', { rgb: true, shape: [4, 5, 3] }, 'layer.dtype'],
  ['an unknown key', 'image', { extra: 1 }, 'layer'],
  ['no multiscale_shapes', 'image', { multiscale_shapes: undefined }, 'layer.multiscale_shapes'],
  ['a level as large as level 0', 'image', { multiscale_shapes: [[4, 5]] }, 'layer.multiscale_shapes'],
  ['a level larger on one axis', 'image', { multiscale_shapes: [[2, 6]] }, 'layer.multiscale_shapes'],
  ['a level with the wrong ndim', 'image', { multiscale_shapes: [[2]] }, 'layer.multiscale_shapes[0]'],
  ['a level with a 0 axis', 'image', { multiscale_shapes: [[2, 0]] }, 'layer.multiscale_shapes[0][1]'],
  ['17 levels', 'image', { shape: [65536, 65536], multiscale_shapes: Array.from({ length: 16 }, (_, i) => [2 ** (15 - i), 2 ** (15 - i)]) }, 'layer.multiscale_shapes'],
  ['labels of float32', 'labels', { dtype: 'float32' }, 'layer.dtype'],
  ['labels with a colormap', 'labels', { colormap: 'gray' }, 'layer'],
  ['negative selected_label', 'labels', { selected_label: -1 }, 'layer.selected_label'],
  ['mode "draw"', 'labels', { mode: 'draw' }, 'layer.mode'],
  ['no label_classes', 'labels', { label_classes: undefined }, 'layer.label_classes'],
  ['17 label classes', 'labels', { label_classes: Array.from({ length: 17 }, (_, k) => ({ name: `c${k}`, color: '#000000ff' })) }, 'layer.label_classes'],
  ['a label class named twice', 'labels', { label_classes: [{ name: 'a', color: '#000000ff' }, { name: 'a', color: '#ffffffff' }] }, 'layer.label_classes[1].name'],
  ['a label class without a name', 'labels', { label_classes: [{ name: '', color: '#000000ff' }] }, 'layer.label_classes[0].name'],
  ['a label class named with 65 characters', 'labels', { label_classes: [{ name: 'x'.repeat(65), color: '#000000ff' }] }, 'layer.label_classes[0].name'],
  ['a label class colour "red"', 'labels', { label_classes: [{ name: 'a', color: 'red' }] }, 'layer.label_classes[0].color'],
  ['a label class with an extra key', 'labels', { label_classes: [{ name: 'a', color: '#000000ff', id: 1 }] }, 'layer.label_classes[0]'],
  ['too many points', 'points', { n_points: P.MAX_POINTS + 1 }, 'layer.n_points'],
  ['sizes for 2 of 3 points', 'points', { size: [1, 2] }, 'layer.size'],
  ['an empty size list', 'points', { size: [] }, 'layer.size'],
  ['size 0', 'points', { size: 0 }, 'layer.size'],
  ['a colour name', 'points', { face_color: 'red' }, 'layer.face_color'],
  ['a bad colour in a list', 'points', { face_color: ['#ff0000ff', '#ff0000ff', '#ff00zzff'] }, 'layer.face_color[2]'],
  ['a short property column', 'points', { properties: [{ name: 's', dtype: 'float64', values: [1] }] }, 'layer.properties[0].values'],
  ['an unsafe int64', 'points', { properties: [{ name: 's', dtype: 'int64', values: [1, 2, 2 ** 53] }] }, 'layer.properties[0].values[2]'],
  ['a number in a str column', 'points', { properties: [{ name: 's', dtype: 'str', values: ['a', 'b', 3] }] }, 'layer.properties[0].values[2]'],
  ['duplicate property names', 'points', { properties: [{ name: 's', dtype: 'bool', values: [true, true, true] }, { name: 's', dtype: 'bool', values: [true, true, true] }] }, 'layer.properties[1].name'],
  ['property dtype "complex"', 'points', { properties: [{ name: 's', dtype: 'complex', values: [1, 2, 3] }] }, 'layer.properties[0].dtype'],
  ['a circle', 'shapes', { shape_type: ['rectangle', 'circle', 'polygon'] }, 'layer.shape_type[1]'],
  ['a 3-vertex rectangle', 'shapes', { vertex_counts: [3, 2, 5] }, 'layer.vertex_counts[0] (a rectangle)'],
  ['a 3-vertex line', 'shapes', { vertex_counts: [4, 3, 5] }, 'layer.vertex_counts[1] (a line)'],
  ['a 2-vertex polygon', 'shapes', { vertex_counts: [4, 2, 2] }, 'layer.vertex_counts[2] (a polygon)'],
  ['vertex counts for 2 of 3 shapes', 'shapes', { vertex_counts: [4, 2] }, 'layer.vertex_counts'],
  ['a negative edge width', 'shapes', { edge_width: [1, -1, 1] }, 'layer.edge_width[1]'],
  ['edge colours for 2 of 3 shapes', 'shapes', { edge_color: ['#ff0000ff', '#ff0000ff'] }, 'layer.edge_color']
];

function mutate(kind: string, over: Record<string, unknown>): Record<string, unknown> {
  const layer: Record<string, unknown> = { ...DESCRIPTORS[kind], ...over };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) delete layer[key];
  }
  return layer;
}

describe('validateKernelMessage', () => {
  it('speaks protocol version 3', () => {
    expect(P.PROTOCOL_VERSION).toBe(3);
  });

  it.each(VALID)('accepts a valid %s message', (_label, content, buffers) => {
    expect(P.validateKernelMessage(content, buffers)).toEqual(content);
  });

  it('gives a version-1 kernel a clear error', () => {
    rejects({ ...layerData(image), v: 1 }, 0, /^v: expected protocol version 3, got 1: the kernel speaks SegLab protocol 1, this frontend 3; install the same seglab version/);
  });

  it.each([['3'], [undefined], [null], [2.5]])('rejects version %p', v => {
    rejects({ ...layerData(image), v }, 0, /^v: expected protocol version 3, got/);
  });

  it.each([['null', null], ['a string', 'layer-data'], ['an array', [2, 'layer-data']]])('rejects %s as content', (_label, content) => {
    rejects(content, 0, /expected a message object/);
  });

  it.each([['hello'], ['data-reply'], ['layer-update'], ['screenshot-reply'], [''], [undefined], [42]])('rejects message type %p', type => {
    rejects({ v: 3, type, layer_id: 'L1' }, 0, /unknown message type/);
  });

  it.each(VALID.map(([label, content, buffers]) => [label, content, buffers === 0 ? 1 : 0] as const))(
    'rejects a %s message with the wrong number of buffers',
    (_label, content, buffers) => {
      rejects(content, buffers, new RegExp(`buffer\\(s\\) with a "${content.type}" message, got ${buffers}`));
    }
  );

  it.each(BAD_DESCRIPTORS)('rejects layer-data with %s', (_label, kind, over, field) => {
    const escaped = field.replace(/[[\]().]/g, c => `\\${c}`);
    rejects({ v: 3, type: 'layer-data', layer: mutate(kind, over), transfer: makeTransferHeader('T', BYTES[kind]) }, 0, new RegExp(`^${escaped}[: ]`));
  });

  it.each(Object.keys(DESCRIPTORS))('rejects a %s transfer whose size is off by one byte', kind => {
    const transfer = makeTransferHeader('T', BYTES[kind] + 1, 16);
    rejects(layerData(DESCRIPTORS[kind], { transfer }), 0, new RegExp(`transfer.nbytes: expected ${BYTES[kind]} for the announced data`));
  });

  it('allows a zero-byte transfer only for a layer without items', () => {
    rejects({ v: 3, type: 'layer-data', layer: points, transfer: emptyTransfer }, 0, /transfer: expected transfer\.nbytes in \[1/);
    rejects({ v: 3, type: 'layer-data', layer: emptyPoints, transfer: { ...emptyTransfer, n_chunks: 1 } }, 0, /transfer: expected nbytes 0 and n_chunks 0/);
    rejects({ v: 3, type: 'layer-data', layer: emptyPoints, transfer: makeTransferHeader('T', 8) }, 0, /^transfer: expected nbytes 0 and n_chunks 0 for a layer without items/);
  });

  it('rejects a layer over MAX_ARRAY_BYTES, even with a consistent transfer', () => {
    const big = { ...image, dtype: 'float32', shape: [32768, 32768] };
    rejects({ v: 3, type: 'layer-data', layer: big, transfer: makeTransferHeader('T', 4 * 1024 ** 3) }, 0, /exceed the 2147483648-byte limit/);
    const atLimit = { ...image, dtype: 'uint8', shape: [32768, 65536] };
    expect(() => P.validateKernelMessage({ v: 3, type: 'layer-data', layer: atLimit, transfer: makeTransferHeader('T', P.MAX_ARRAY_BYTES) }, 0)).not.toThrow();
  });

  it('accepts 5 data dims and an RGB axis on top, not 6', () => {
    const five = { ...image, ndim: 5, shape: [1, 2, 3, 4, 5, 3], rgb: true, dtype: 'uint8', scale: [1, 1, 1, 1, 1], translate: [0, 0, 0, 0, 0] };
    expect(() => P.validateKernelMessage(layerData(five), 0)).not.toThrow();
    rejects(layerData({ ...five, ndim: 6 }), 0, /^layer\.ndim: expected an int in \[2, 5\], got 6/);
  });

  it.each([
    ['layer-props without props', { v: 3, type: 'layer-props', layer_id: 'L1' }, /^props: expected an object/],
    ['empty layer-props', { v: 3, type: 'layer-props', layer_id: 'L1', props: {} }, /^props: expected at least one field/],
    ['layer-props of an unknown field', { v: 3, type: 'layer-props', layer_id: 'L1', props: { dtype: 'uint8' } }, /^props\.dtype: expected a field in name/],
    ['layer-props with opacity -1', { v: 3, type: 'layer-props', layer_id: 'L1', props: { opacity: -1 } }, /^props\.opacity/],
    ['layer-props with a bad colour', { v: 3, type: 'layer-props', layer_id: 'L1', props: { face_color: '#fff' } }, /^props\.face_color/],
    ['dims with a short current_step', { v: 3, type: 'dims', ndim: 3, current_step: [0, 0], axis_labels: ['z', 'y', 'x'] }, /^current_step: expected 3 items/],
    ['dims with a negative step', { v: 3, type: 'dims', ndim: 2, current_step: [0, -1], axis_labels: ['y', 'x'] }, /^current_step\[1\]/],
    ['dims with ndim 6', { v: 3, type: 'dims', ndim: 6, current_step: [0, 0, 0, 0, 0, 0], axis_labels: ['a', 'b', 'c', 'd', 'e', 'f'] }, /^ndim/],
    ['dims with an empty label', { v: 3, type: 'dims', ndim: 2, current_step: [0, 0], axis_labels: ['', 'x'] }, /^axis_labels\[0\]/],
    ['screenshot-request without request_id', { v: 3, type: 'screenshot-request' }, /^request_id/],
    ['layer-remove with numeric layer_id', { v: 3, type: 'layer-remove', layer_id: 3 }, /^layer_id/],
    ['data-request with a 129-character id', { v: 3, type: 'data-request', request_id: 'r'.repeat(129), layer_id: 'L' }, /^request_id: expected a string of 1 to 128/],
    ['open-panel with an empty title', { v: 3, type: 'open-panel', title: '' }, /^title/],
    ['error without message', { v: 3, type: 'error' }, /^message/],
    ['error with a 10001-character message', { v: 3, type: 'error', message: 'e'.repeat(10001) }, /^message: expected a string of 1 to 10000/]
  ])('rejects %s', (_label, content, message) => {
    rejects(content, 0, message);
  });

  it.each([
    ['fractional index', { index: 1.5 }, /^index/],
    ['string offset', { offset: '32' }, /^offset/],
    ['missing transfer_id', { transfer_id: undefined }, /^transfer_id/]
  ])('rejects a chunk with %s', (_label, over, message) => {
    rejects({ v: 3, type: 'chunk', transfer_id: 'T1', index: 2, offset: 32, ...over }, 1, message);
  });
});

describe('props and descriptors', () => {
  it('knows the payload size and item count of every kind', () => {
    for (const [kind, d] of Object.entries(DESCRIPTORS)) {
      const layer = P.validateLayerDescriptor(d);
      expect(P.payloadBytes(layer)).toBe(BYTES[kind]);
    }
    expect(Object.values(DESCRIPTORS).map(d => P.itemCount(d as unknown as P.LayerDescriptor))).toEqual([0, 0, 3, 3]);
  });

  it('checks props against the layer they are for', () => {
    const spots = { kind: 'points' as const, ndim: 3, items: 2 };
    expect(() => P.checkPropsFor({ size: [1, 2], opacity: 0.5, scale: [1, 1, 2] }, spots)).not.toThrow();
    expect(() => P.checkPropsFor({ colormap: 'gray' }, spots)).toThrow(/^props\.colormap: not a field of points layers/);
    expect(() => P.checkPropsFor({ scale: [1, 1] }, spots)).toThrow(/^props\.scale: expected 3 numbers/);
    expect(() => P.checkPropsFor({ face_color: ['#ff0000ff'] }, spots)).toThrow(/^props\.face_color: expected one value per item \(2\)/);
    const column: P.PropertyColumn = { name: 'a', dtype: 'bool', values: [true] };
    expect(() => P.checkPropsFor({ properties: [column] }, spots)).toThrow(/^props\.properties/);
    expect(() => P.checkPropsFor({ mode: 'fill', selected_label: 3 }, { kind: 'labels', ndim: 2, items: 0 })).not.toThrow();
  });

  it('keeps display-only props for layer-update', () => {
    expect(() => P.validateLayerProps({ size: 3 }, 'props', false)).toThrow(/^props\.size: expected a field in name, visible/);
    expect(P.validateLayerProps({ name: 'x', mode: 'erase' }, 'props', false)).toEqual({ name: 'x', mode: 'erase' });
  });
});

describe('frontend -> kernel builders', () => {
  const transfer = (nbytes: number) => makeTransferHeader('reply-1', nbytes, 16);

  it('build checked messages', () => {
    expect(P.helloMessage('c1')).toEqual({ v: 3, type: 'hello', client_id: 'c1' });
    expect(P.layerReadyMessage('L1', 'T1', 0)).toEqual({ v: 3, type: 'layer-ready', layer_id: 'L1', transfer_id: 'T1', nbytes: 0 });
    expect(P.layerUpdateMessage('tab-1', 'L1', 3, false, { opacity: 0.5 })).toEqual({ v: 3, type: 'layer-update', layer_id: 'L1', client_id: 'tab-1', revision: 3, data_changed: false, props: { opacity: 0.5 } });
    expect(P.layerUpdateMessage('tab-1', 'L1', 3, true)).not.toHaveProperty('props');
    expect(P.screenshotReplyMessage('R', 2, 3, transfer(24))).toMatchObject({ shape: [2, 3, 4], transfer: transfer(24) });
    expect(P.errorMessage('x'.repeat(20000), { request_id: 'R' })).toMatchObject({ request_id: 'R' });
    expect((P.errorMessage('') as { message: string }).message).toBe('error');
  });

  it('refuse what the kernel would refuse', () => {
    expect(() => P.layerUpdateMessage('tab-1', 'L1', 0, true)).toThrow(/^revision/);
    expect(() => P.layerUpdateMessage('tab-1', 'L1', 2, true, { size: 2 } as never)).toThrow(/^props\.size/);
    expect(() => P.dataReplyMessage('R', image as unknown as P.LayerDescriptor, transfer(41))).toThrow(/^transfer.nbytes: expected 40/);
    expect(() => P.dataReplyMessage('R', { ...image, kind: 'volume' } as never, transfer(40))).toThrow(/^layer\.kind/);
    expect(() => P.screenshotReplyMessage('R', 0, 3, transfer(1))).toThrow(/^shape\[0\]/);
    expect(() => P.screenshotReplyMessage('R', 2, 3, transfer(23))).toThrow(/^transfer.nbytes: expected 24/);
    expect(() => P.dimsMessage({ ndim: 2, current_step: [0], axis_labels: ['y', 'x'] })).toThrow(/^current_step/);
    expect(() => P.chunkMessage('T', -1, 0)).toThrow(/^index/);
    expect(() => P.helloMessage('')).toThrow(/^client_id/);
  });
});

withPython('the kernel package agrees (seglab in .venv)', () => {
  let kernel: { constants: Record<string, any>; messages: [Record<string, unknown>, number][] };
  beforeAll(() => {
    kernel = runPython('kernel-messages');
  });

  it('on every shared constant', () => {
    const c = kernel.constants;
    const ts: Record<string, unknown> = {
      PROTOCOL_VERSION: P.PROTOCOL_VERSION,
      MAX_ARRAY_BYTES: P.MAX_ARRAY_BYTES,
      MIN_NDIM: P.MIN_NDIM,
      MAX_NDIM: P.MAX_NDIM,
      MAX_POINTS: P.MAX_POINTS,
      MAX_SHAPES: P.MAX_SHAPES,
      MAX_VERTICES: P.MAX_VERTICES,
      MAX_ITEM_LIST: P.MAX_ITEM_LIST,
      MAX_PROPERTIES: P.MAX_PROPERTIES,
      MAX_STRING_LENGTH: P.MAX_STRING_LENGTH,
      MAX_ID_LENGTH: P.MAX_ID_LENGTH,
      MAX_MESSAGE_LENGTH: P.MAX_MESSAGE_LENGTH,
      MAX_SCREENSHOT_SIDE: P.MAX_SCREENSHOT_SIDE,
      MAX_JSON_BYTES: P.MAX_JSON_BYTES,
      KINDS: [...P.LAYER_KINDS],
      COLORMAPS: [...COLORMAP_NAMES],
      BLENDINGS: [...P.BLENDINGS],
      INTERPOLATIONS: [...P.INTERPOLATIONS],
      LABELS_MODES: [...P.LABELS_MODES],
      PROPERTY_DTYPES: [...P.PROPERTY_DTYPES]
    };
    for (const [name, value] of Object.entries(ts)) {
      expect([name, c[name]]).toEqual([name, value]);
    }
    for (const [type, [lo, hi]] of Object.entries(P.SHAPE_VERTICES)) {
      expect(c.SHAPE_VERTICES[type]).toEqual([lo, hi === P.MAX_VERTICES ? null : hi]);
    }
    for (const kind of P.LAYER_KINDS) {
      expect([...c.DISPLAY_FIELDS['*'], ...c.DISPLAY_FIELDS[kind]]).toEqual([...P.DISPLAY_FIELDS[kind]]);
      expect(c.ITEM_FIELDS[kind]).toEqual([...P.ITEM_FIELDS[kind]]);
    }
  });

  it('on every message a real kernel Viewer sends', () => {
    const types = new Set(kernel.messages.map(([content]) => content.type));
    expect([...types].sort()).toEqual(['chunk', 'chunk-ack', 'data-request', 'dims', 'error', 'layer-data', 'layer-edit', 'layer-props', 'layer-remove', 'open-panel', 'screenshot-request', 'transfer-cancel']);
    const kinds = new Set(kernel.messages.filter(([c]) => c.type === 'layer-data').map(([c]) => (c.layer as P.LayerDescriptor).kind));
    expect([...kinds].sort()).toEqual(['image', 'labels', 'points', 'shapes']);
    for (const [content, buffers] of kernel.messages) {
      expect(P.validateKernelMessage(content, buffers)).toEqual(content);
    }
  });

  it('accepts every message the builders make', () => {
    const t = (nbytes: number) => makeTransferHeader('reply-7', nbytes, 16);
    const built: [unknown, number][] = [
      [P.helloMessage('client-1'), 0],
      [P.layerReadyMessage('L1', 'T1', 40), 0],
      [P.layerReadyMessage('L3', 'T0', 0), 0],
      [P.layerUpdateMessage('tab-1', 'L1', 2, true), 0],
      [P.layerUpdateMessage('tab-1', 'L1', 3, false, { opacity: 0.5, contrast_limits: [1, 2], scale: [2, 1], mode: 'fill', name: 'n' }), 0],
      [P.dimsMessage({ ndim: 3, current_step: [1, 2, 3], axis_labels: ['z', 'y', 'x'] }), 0],
      [P.screenshotReplyMessage('R2', 600, 800, t(600 * 800 * 4)), 0],
      [P.chunkMessage('reply-7', 0, 0), 1],
      [P.errorMessage('no such layer', { request_id: 'R1', transfer_id: 'T1' }), 0],
      ...Object.entries(DESCRIPTORS).map(([kind, d]) => [P.dataReplyMessage('R1', d as unknown as P.LayerDescriptor, t(BYTES[kind])), 0] as [unknown, number]),
      [P.dataReplyMessage('R1', emptyShapes as unknown as P.LayerDescriptor, emptyTransfer), 0],
      ...kernel.messages.filter(([c]) => c.type === 'layer-data').map(([c]) => {
        const layer = c.layer as P.LayerDescriptor;
        return [P.dataReplyMessage('R9', layer, P.payloadBytes(layer) ? t(P.payloadBytes(layer)) : emptyTransfer), 0] as [unknown, number];
      })
    ];
    expect(runPython('validate', built)).toEqual(built.map(() => null));
  });

  it('rejects the same descriptors for the same field', () => {
    const errors: (string | null)[] = runPython('descriptors', BAD_DESCRIPTORS.map(([, kind, over]) => mutate(kind, over)));
    BAD_DESCRIPTORS.forEach(([label, , , field], i) => {
      expect([label, errors[i]?.split(/: | for a /)[0]]).toEqual([label, field]);
    });
  });
});
