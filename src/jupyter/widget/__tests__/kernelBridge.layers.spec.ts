// Covers src/jupyter/widget/kernelBridge.ts + layerCodec.ts, kernel -> frontend (protocol v3): layer-data
// + chunks of every kind into a real ViewerModel, zero-byte transfers, layer-props, layer-remove.
import { bytesOf } from '../../../core/ndarray';
import { ImageLayer } from '../../../viewer/model/imageLayer';
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { PointsLayer } from '../../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../../viewer/model/shapesLayer';
import {
  checkSentMessages, f64, imageLayer, kernelSays, labelsLayer, pattern, pointsLayer, same, sendLayer, setup, shapesLayer, transfer, types
} from './bridgeHarness';

afterEach(checkSentMessages);

const L1 = imageLayer(); // uint16 (40, 50): 4000 bytes = 4 chunks of 1024
const ready = (layer_id: string, transfer_id: string, nbytes: number) => ({ v: 3, type: 'layer-ready', layer_id, transfer_id, nbytes });

describe('KernelBridge: layer-data transfers', () => {
  it('assembles layer-data + chunks into a layer with the exact bytes, then sends layer-ready', () => {
    const progress: number[] = [];
    const { viewer, sent, bridge } = setup({ progress: (name, f) => progress.push(name === 'nuclei' ? f : -1) });
    const bytes = pattern(4000);
    const t = transfer(L1, bytes, 'T1');
    expect(t.chunks).toHaveLength(4);
    bridge.handle(t.start);
    t.chunks.slice(0, 3).forEach(c => bridge.handle(c.content, c.buffers));
    expect(viewer.layers).toHaveLength(0); // not before the last chunk
    expect(sent).toEqual([]);
    bridge.handle(t.chunks[3].content, t.chunks[3].buffers);
    const layer = viewer.getLayer('L1', ImageLayer)!;
    expect([layer.name, layer.data.dtype, layer.data.shape, layer.contrastLimits]).toEqual(['nuclei', 'uint16', [40, 50], [0, 1000]]);
    expect(same(bytesOf(layer.data), bytes)).toBe(true);
    expect(sent).toEqual([{ content: ready('L1', 'T1', 4000), buffers: [] }]);
    expect(progress).toEqual([1024 / 4000, 2048 / 4000, 3072 / 4000, 1]);
    bytes.fill(0); // the layer owns its pixels: the comm's buffers may be reused
    expect(layer.valueAt(0, 0)![0]).not.toBe(0);
  });

  it('accepts chunk buffers given as ArrayBuffers and RGB layers', () => {
    const { viewer, sent, bridge } = setup();
    const bytes = pattern(2 * 3 * 4, 7);
    const t = transfer(imageLayer({ id: 'rgb', name: 'photo', dtype: 'uint8', shape: [2, 3, 4], rgb: true, contrast_limits: [0, 255] }), bytes, 'T', 16);
    bridge.handle(t.start);
    t.chunks.forEach(({ content, buffers: [b] }) => bridge.handle(content, [b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)]));
    const layer = viewer.getLayer('rgb', ImageLayer)!;
    expect([layer.rgb, layer.ndim]).toEqual([true, 2]);
    expect(layer.valueAt(1, 2)).toEqual(Array.from(bytes.subarray(20, 24)));
    expect(types(sent)).toEqual(['layer-ready']);
  });

  it('builds a 4D image with its scale, translate and display fields, and extends the dims', () => {
    const { viewer, bridge } = setup();
    const shape = [2, 3, 8, 8];
    const bytes = pattern(2 * 3 * 8 * 8 * 4, 5);
    const over = { id: 'V', name: 'volume', dtype: 'float32', shape, scale: [1, 2, 0.5, 0.5], translate: [0, 0, 10, 10], colormap: 'magma', contrast_limits: [-1, 2], gamma: 0.5, interpolation: 'linear', opacity: 0.5, blending: 'additive', visible: false };
    sendLayer(bridge, imageLayer(over), bytes, 'T');
    const layer = viewer.getLayer('V', ImageLayer)!;
    expect([layer.ndim, layer.scale, layer.translate, layer.colormap, layer.contrastLimits, layer.gamma, layer.interpolation]).toEqual([4, [1, 2, 0.5, 0.5], [0, 0, 10, 10], 'magma', [-1, 2], 0.5, 'linear']);
    expect([layer.opacity, layer.blending, layer.visible]).toEqual([0.5, 'additive', false]);
    expect(viewer.dims.nsteps).toEqual([2, 3, 8, 8]);
    expect(layer.valueAt([1, 2, 7, 7])).toEqual([new Float32Array(bytes.buffer)[2 * 3 * 64 - 1]]);
  });

  it.each([
    ['uint8', Uint8Array.from([0, 1, 2, 255, 7, 0])],
    ['int32', Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 5, 6])],
    ['uint64', BigUint64Array.from([0n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 63n, 9n, 1n])]
  ] as const)('builds %s labels byte-exact (ids above 2^53 included)', (dtype, values) => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, labelsLayer({ dtype, shape: [2, 3], selected_label: 5, mode: 'paint' }), values, 'T', 8);
    const layer = viewer.getLayer('LB', LabelsLayer)!;
    expect(layer.data.dtype).toBe(dtype);
    expect(same(bytesOf(layer.data), values)).toBe(true);
    expect(layer.valueAt([0, 1])).toBe(values[1]);
    expect([layer.selectedLabel, layer.mode]).toEqual([dtype === 'uint64' ? 5n : 5, 'paint']);
    expect(sent.map(s => s.content)).toEqual([ready('LB', 'T', values.byteLength)]);
  });

  it('builds points with per-item sizes, colour and typed properties', () => {
    const { viewer, bridge } = setup();
    const properties = [
      { name: 'score', dtype: 'float64', values: [0.5, null, 2] },
      { name: 'n', dtype: 'int64', values: [1, -2, 2 ** 53 - 1] },
      { name: 'ok', dtype: 'bool', values: [true, false, true] },
      { name: 'c', dtype: 'str', values: ['a', 'b', ''] }
    ];
    const coords = f64([1, 2, 3.5, 4, 5, 6, 0, 0, 0.25]);
    sendLayer(bridge, pointsLayer(3, { ndim: 3, size: [2, 3, 4], face_color: '#ff000080', properties, scale: [2, 1, 1] }), coords, 'T', 16);
    const layer = viewer.getLayer('PT', PointsLayer)!;
    expect([layer.ndim, layer.count, Array.from(layer.sizes)]).toEqual([3, 3, [2, 3, 4]]);
    expect(Array.from(layer.data)).toEqual(Array.from(coords));
    expect(layer.faceColorOf(2).map(c => Math.round(c * 255))).toEqual([255, 0, 0, 128]);
    expect(layer.properties).toEqual({ score: [0.5, NaN, 2], n: [1, -2, 2 ** 53 - 1], ok: [1, 0, 1], c: ['a', 'b', ''] });
    expect(viewer.dims.range[0]).toEqual([0, 10, 2]); // z from 0 to 4 + 1, scale 2
  });

  it('builds shapes from vertex_counts with per-shape colours and widths', () => {
    const { viewer, bridge } = setup();
    const vertices = [[0, 0], [0, 4], [3, 4], [3, 0], [1, 1], [5, 5], [0, 0], [2, 0], [2, 2]];
    const over = { edge_color: ['#ff0000ff', '#00ff00ff', '#0000ffff'], face_color: '#00000000', edge_width: [0, 1.5, 2] };
    sendLayer(bridge, shapesLayer(['rectangle', 'line', 'polygon'], [4, 2, 3], over), f64(vertices.flat()), 'T', 40);
    const layer = viewer.getLayer('SH', ShapesLayer)!;
    expect(layer.shapes.map(s => [s.type, s.vertices, s.edgeColor, s.edgeWidth, s.faceColor])).toEqual([
      ['rectangle', vertices.slice(0, 4), [1, 0, 0, 1], 0, [0, 0, 0, 0]],
      ['line', vertices.slice(4, 6), [0, 1, 0, 1], 1.5, [0, 0, 0, 0]],
      ['polygon', vertices.slice(6), [0, 0, 1, 1], 2, [0, 0, 0, 0]]
    ]);
  });

  it.each([
    ['points', pointsLayer(0, { ndim: 4, size: 5, properties: [{ name: 'score', dtype: 'float64', values: [] }, { name: 'c', dtype: 'str', values: [] }] })],
    ['shapes', shapesLayer([], [], { ndim: 3 })]
  ])('completes an empty %s layer on its zero-byte header, without chunks', (kind, layer) => {
    const { viewer, sent, bridge } = setup();
    const t = transfer(layer, new Uint8Array(0), 'T0');
    expect(t.chunks).toEqual([]);
    bridge.handle(t.start);
    const built = viewer.getLayer(layer.id as string)!;
    expect([built.kind, built.ndim, (built as PointsLayer | ShapesLayer).count]).toEqual([kind, layer.ndim, 0]);
    expect(sent.map(s => s.content)).toEqual([ready(layer.id as string, 'T0', 0)]);
  });

  it('rejects a wrong chunk with an error naming the transfer, drops the transfer and keeps working', () => {
    const problems: string[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m) });
    const bytes = pattern(4000);
    const t = transfer(L1, bytes, 'T1');
    bridge.handle(t.start);
    bridge.handle(t.chunks[0].content, t.chunks[0].buffers);
    bridge.handle({ ...t.chunks[1].content, offset: 1000 }, t.chunks[1].buffers); // wrong offset
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', transfer_id: 'T1', message: expect.stringMatching(/offset 1000, expected 1024/) }]);
    expect(problems).toHaveLength(1);
    // the rest of the broken transfer is dropped (the kernel heard of it once), and nothing is shown
    t.chunks.slice(1).forEach(c => bridge.handle(c.content, c.buffers));
    expect(types(sent)).toEqual(['error']);
    expect(viewer.layers).toHaveLength(0);
    sendLayer(bridge, L1, bytes, 'T2'); // a fresh transfer of the same layer works
    expect(same(bytesOf(viewer.getLayer('L1', ImageLayer)!.data), bytes)).toBe(true);
    expect(sent[sent.length - 1].content).toEqual(ready('L1', 'T2', 4000));
  });

  it('rejects a short chunk and a duplicate chunk', () => {
    const { viewer, sent, bridge } = setup();
    const t = transfer(L1, pattern(4000), 'T1');
    bridge.handle(t.start);
    const c0 = t.chunks[0];
    bridge.handle(c0.content, [new DataView(c0.buffers[0].buffer, c0.buffers[0].byteOffset, 1000)]);
    expect(sent[0].content.message).toMatch(/chunk 0 has 1000 bytes, expected 1024/);
    bridge.handle(t.start);
    bridge.handle(c0.content, c0.buffers);
    bridge.handle(c0.content, c0.buffers);
    expect(sent[1].content).toMatchObject({ type: 'error', transfer_id: 'T1', message: expect.stringMatching(/received twice/) });
    expect(viewer.layers).toHaveLength(0);
  });

  it('a second layer-data for the same id replaces data, name and revision in place', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, L1, pattern(4000, 1), 'T1');
    const layer = viewer.getLayer('L1', ImageLayer)!;
    const next = pattern(6 * 7 * 4, 2);
    sendLayer(bridge, imageLayer({ name: 'renamed', dtype: 'float32', shape: [6, 7], revision: 2, contrast_limits: [0, 1] }), next, 'T2', 64);
    expect(viewer.layers).toEqual([layer]);
    expect([layer.name, layer.data.dtype, layer.dataExtent, layer.contrastLimits]).toEqual(['renamed', 'float32', [[0, 6], [0, 7]], [0, 1]]);
    expect(same(bytesOf(layer.data), next)).toBe(true);
    expect(sent.map(s => s.content.transfer_id)).toEqual(['T1', 'T2']);
  });

  it('replaces a 2D layer by data of another ndim together with its scale and translate', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, imageLayer({ scale: [2, 2] }), pattern(4000), 'T1');
    sendLayer(bridge, labelsLayer({ scale: [3, 2] }), new Int32Array(20), 'T2');
    sendLayer(bridge, imageLayer({ shape: [2, 4, 5], scale: [5, 1, 1], translate: [1, 0, 0], revision: 2 }), pattern(80), 'T3');
    sendLayer(bridge, labelsLayer({ shape: [3, 4, 5], scale: [1, 1, 1], revision: 2 }), new Int32Array(60), 'T4');
    const [image, labels] = [viewer.getLayer('L1', ImageLayer)!, viewer.getLayer('LB', LabelsLayer)!];
    expect([image.ndim, image.scale, image.translate, labels.ndim, labels.scale]).toEqual([3, [5, 1, 1], [1, 0, 0], 3, [1, 1, 1]]);
    expect(viewer.layers.map(l => l.id)).toEqual(['L1', 'LB']); // order kept
    expect(types(sent)).toEqual(['layer-ready', 'layer-ready', 'layer-ready', 'layer-ready']);
  });

  it('a newer layer-data supersedes an unfinished transfer of the same layer', () => {
    const { viewer, sent, bridge } = setup();
    const old = transfer(L1, pattern(4000, 1), 'old');
    bridge.handle(old.start);
    bridge.handle(old.chunks[0].content, old.chunks[0].buffers);
    const fresh = pattern(4000, 9);
    sendLayer(bridge, L1, fresh, 'new');
    bridge.handle(old.chunks[1].content, old.chunks[1].buffers); // still in flight: dropped quietly
    expect(sent.map(s => [s.content.type, s.content.transfer_id])).toEqual([['layer-ready', 'new']]);
    expect(same(bytesOf(viewer.getLayer('L1', ImageLayer)!.data), fresh)).toBe(true);
  });

  it('refuses a 6D header before any chunk, and data of another kind for an existing id after the transfer', () => {
    const { viewer, sent, bridge } = setup();
    const sixD = transfer(imageLayer({ ndim: 6, shape: [1, 1, 1, 1, 2, 2], dtype: 'uint8', scale: [1, 1, 1, 1, 1, 1], translate: [0, 0, 0, 0, 0, 0] }), pattern(4), 'T6', 1024, false);
    bridge.handle(sixD.start);
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', message: expect.stringMatching(/^layer\.ndim: expected an int in \[2, 5\], got 6/) }]);
    sendLayer(bridge, L1, pattern(4000), 'T1');
    sendLayer(bridge, labelsLayer({ id: 'L1', shape: [40, 50], dtype: 'uint16' }), pattern(4000), 'T2');
    expect(viewer.layers.map(l => l.kind)).toEqual(['image']);
    expect(sent.slice(1).map(s => s.content)).toEqual([
      ready('L1', 'T1', 4000),
      { v: 3, type: 'error', transfer_id: 'T2', message: expect.stringMatching(/layer L1 is a image layer; the kernel sent labels data/) }
    ]);
  });

  it('refuses more than 16 transfers in flight', () => {
    const { sent, bridge } = setup();
    for (let i = 0; i < 17; i++) bridge.handle(transfer(imageLayer({ id: `L${i}` }), pattern(4000), `T${i}`).start);
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', message: expect.stringMatching(/more than 16 transfers .* T16/) }]);
  });

  it('layer-remove removes the layer; an unknown id is harmless', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, L1, pattern(4000), 'T1');
    sendLayer(bridge, imageLayer({ id: 'L2', name: 'other' }), pattern(4000), 'T2');
    kernelSays(bridge, { v: 3, type: 'layer-remove', layer_id: 'L1' });
    kernelSays(bridge, { v: 3, type: 'layer-remove', layer_id: 'nope' });
    expect(viewer.layers.map(l => l.id)).toEqual(['L2']);
    expect(types(sent)).toEqual(['layer-ready', 'layer-ready']);
  });
});

describe('KernelBridge: layer-props', () => {
  function withLayers() {
    const s = setup();
    sendLayer(s.bridge, L1, pattern(4000), 'T1');
    sendLayer(s.bridge, labelsLayer(), new Int32Array(20), 'T2');
    sendLayer(s.bridge, pointsLayer(2, { size: 4 }), f64([1, 1, 2, 2]), 'T3');
    sendLayer(s.bridge, shapesLayer(['line', 'line'], [2, 2]), f64([0, 0, 1, 1, 2, 2, 3, 3]), 'T4');
    s.sent.length = 0;
    return s;
  }
  const props = (layer_id: string, p: Record<string, unknown>) => ({ v: 3, type: 'layer-props', layer_id, props: p });

  it('applies display fields of each kind without answering', () => {
    const { viewer, sent, bridge } = withLayers();
    kernelSays(bridge, props('L1', { name: 'dapi', opacity: 0.25, colormap: 'cyan', contrast_limits: [5, 6], gamma: 2, interpolation: 'linear', scale: [2, 3], translate: [1, 1], visible: false }));
    kernelSays(bridge, props('LB', { selected_label: 7, mode: 'fill', blending: 'additive' }));
    const image = viewer.getLayer('L1', ImageLayer)!;
    expect([image.name, image.opacity, image.colormap, image.contrastLimits, image.gamma, image.interpolation, image.scale, image.translate, image.visible])
      .toEqual(['dapi', 0.25, 'cyan', [5, 6], 2, 'linear', [2, 3], [1, 1], false]);
    const labels = viewer.getLayer('LB', LabelsLayer)!;
    expect([labels.selectedLabel, labels.mode, labels.blending]).toEqual([7, 'fill', 'additive']);
    expect(sent).toEqual([]); // neither answered nor echoed as layer-update
  });

  it('applies per-item fields of points and shapes', () => {
    const { viewer, sent, bridge } = withLayers();
    kernelSays(bridge, props('PT', { size: [3, 9], face_color: '#00ff00ff', properties: [{ name: 'k', dtype: 'int64', values: [4, 5] }] }));
    kernelSays(bridge, props('SH', { edge_color: ['#ff0000ff', '#0000ffff'], edge_width: 3, face_color: '#00000000' }));
    const points = viewer.getLayer('PT', PointsLayer)!;
    expect([Array.from(points.sizes), points.faceColorOf(1), points.properties, Array.from(points.data)]).toEqual([[3, 9], [0, 1, 0, 1], { k: [4, 5] }, [1, 1, 2, 2]]);
    const shapes = viewer.getLayer('SH', ShapesLayer)!;
    expect(shapes.shapes.map(s => [s.edgeColor, s.edgeWidth, s.faceColor, s.vertices])).toEqual([
      [[1, 0, 0, 1], 3, [0, 0, 0, 0], [[0, 0], [1, 1]]],
      [[0, 0, 1, 1], 3, [0, 0, 0, 0], [[2, 2], [3, 3]]]
    ]);
    expect(sent).toEqual([]);
  });

  it.each([
    ['a field of another kind', 'L1', { opacity: 0.5, mode: 'fill' }, /^props\.mode: not a field of image layers/],
    ['a scale of the wrong length', 'L1', { opacity: 0.5, scale: [1, 1, 1] }, /^props\.scale: expected 2 numbers/],
    ['a per-item list of the wrong length', 'PT', { opacity: 0.5, size: [1, 2, 3] }, /^props\.size: expected one value per item \(2\)/],
    ['an unknown layer', 'nope', { opacity: 0.5 }, /no layer with id nope/]
  ])('answers layer-props with %s with an error and applies none of it', (_label, id, p, message) => {
    const { viewer, sent, bridge } = withLayers();
    const before = viewer.layers.map(l => [l.opacity, [...l.scale]]);
    kernelSays(bridge, props(id, p));
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'error', message: expect.stringMatching(message) }]);
    expect(viewer.layers.map(l => [l.opacity, [...l.scale]])).toEqual(before);
  });
});

