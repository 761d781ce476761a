// Covers src/jupyter/widget/kernelBridge.ts (protocol v3), frontend -> kernel: user edits through the
// viewer model announced as `layer-update` (revision + 1), kernel-applied changes not echoed, and the
// dims: kernel `dims` applied (or kept until ndim matches), slider moves sent as `dims`.
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { PointsLayer } from '../../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../../viewer/model/shapesLayer';
import {
  checkSentMessages, f64, imageLayer, kernelSays, labelsLayer, pattern, pointsLayer, replyFor, sendLayer, setup, shapesLayer, types
} from './bridgeHarness';

afterEach(checkSentMessages);

/** What the bridge sent, less the pixels of labels edits (checked in their own describe below). */
const withoutEdits = (sent: { content: Record<string, unknown> }[]) => sent.filter(m => m.content.type !== 'layer-edit').map(m => m.content);

const update = (layer_id: string, revision: number, data_changed: boolean, props?: Record<string, unknown>) => ({
  v: 3, type: 'layer-update', layer_id, client_id: 'client-test', revision, data_changed, ...(props ? { props } : {})
});

function withLabels(revision = 4) {
  const s = setup();
  sendLayer(s.bridge, labelsLayer({ shape: [20, 30], revision, selected_label: 3 }), new Int32Array(600), 'T');
  s.sent.length = 0;
  return { ...s, labels: s.viewer.getLayer('LB', LabelsLayer)! };
}

describe('KernelBridge: user edits', () => {
  it('announces a brush stroke of many pointer moves as one layer-update, when it ends', () => {
    const { sent, bridge, labels } = withLabels();
    labels.brushSize = 3;
    labels.beginStroke();
    for (const p of [[5, 5], [5, 9], [8, 12], [12, 20]]) labels.paintAt(p, [0, 1]);
    expect(sent).toEqual([]); // not while painting
    labels.endStroke();
    expect(withoutEdits(sent)).toEqual([update('LB', 5, true)]);
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R', layer_id: 'LB' });
    const reply = replyFor(sent, 'R');
    expect(reply.layer.revision).toBe(5);
    const painted = new Int32Array(reply.payload.buffer);
    expect([painted[5 * 30 + 5], painted[12 * 30 + 20], painted[0]]).toEqual([3, 3, 0]);
    expect(painted.filter(v => v === 3).length).toBe((labels.data.data as Int32Array).filter(v => v === 3).length);
  });

  it('announces a single dab, a fill and an undo as one layer-update each, revisions counting up', () => {
    const { sent, viewer, labels } = withLabels(1);
    labels.paintAt([2, 2], [0, 1]); // a stroke of its own
    labels.selectedLabel = 9;
    labels.fill([15, 25], [0, 1]);
    viewer.history.undo();
    expect(withoutEdits(sent)).toEqual([
      update('LB', 2, true),
      update('LB', 3, false, { selected_label: 9 }),
      update('LB', 4, true),
      update('LB', 5, true)
    ]);
  });

  it('adds a point as one layer-update; the new point takes the last point\'s size and properties', () => {
    const { viewer, sent, bridge } = setup();
    const properties = [{ name: 'n', dtype: 'int64', values: [1, 7] }, { name: 'c', dtype: 'str', values: ['a', 'b'] }];
    sendLayer(bridge, pointsLayer(2, { size: 4, properties, revision: 2 }), f64([1, 1, 2, 2]), 'T');
    viewer.getLayer('PT', PointsLayer)!.add([3, 5]);
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R', layer_id: 'PT' });
    expect(sent.slice(1, 2).map(s => s.content)).toEqual([update('PT', 3, true)]);
    const reply = replyFor(sent, 'R');
    expect(reply.layer).toMatchObject({ n_points: 3, revision: 3, size: 4, properties: [{ ...properties[0], values: [1, 7, 7] }, { ...properties[1], values: ['a', 'b', 'b'] }] });
    expect(Array.from(new Float64Array(reply.payload.buffer))).toEqual([1, 1, 2, 2, 3, 5]);
  });

  it('a new shape takes the last shape\'s style, so uniform fields stay uniform', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, shapesLayer(['line'], [2], { edge_color: '#ff0000ff', edge_width: 3 }), f64([0, 0, 1, 1]), 'T');
    viewer.getLayer('SH', ShapesLayer)!.addShape('polygon', [[0, 0], [0, 4], [4, 4]]);
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R', layer_id: 'SH' });
    expect(sent[1].content).toEqual(update('SH', 2, true));
    expect(replyFor(sent, 'R').layer).toMatchObject({ shape_type: ['line', 'polygon'], vertex_counts: [2, 3], edge_color: '#ff0000ff', edge_width: 3, revision: 2 });
  });

  it('sends display edits as props, and nothing for state the kernel does not hold', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, imageLayer(), pattern(4000), 'T1');
    sendLayer(bridge, pointsLayer(2), f64([1, 1, 2, 2]), 'T2');
    sent.length = 0;
    const [image, points] = [viewer.layers[0], viewer.getLayer('PT', PointsLayer)!];
    image.opacity = 0.5;
    image.name = 'renamed';
    points.select([0]); // selection, tool mode and the size of the next point are frontend state
    points.mode = 'add';
    points.currentSize = 3;
    points.faceColor = [1, 0, 0, 1]; // per-item data: the kernel's copy is stale
    expect(withoutEdits(sent)).toEqual([
      update('L1', 2, false, { opacity: 0.5 }),
      update('L1', 3, false, { name: 'renamed' }),
      update('PT', 2, true)
    ]);
  });

  it('does not echo what the kernel changed, and counts on from the kernel\'s revision', () => {
    const { sent, bridge, labels } = withLabels(4);
    sendLayer(bridge, labelsLayer({ shape: [20, 30], revision: 9 }), new Int32Array(600).fill(1), 'T2');
    kernelSays(bridge, { v: 3, type: 'layer-props', layer_id: 'LB', props: { opacity: 0.2, selected_label: 2, mode: 'paint' } });
    kernelSays(bridge, { v: 3, type: 'dims', ndim: 2, current_step: [3, 4], axis_labels: ['y', 'x'] });
    expect(types(sent)).toEqual(['layer-ready']);
    labels.paintAt([0, 0], [0, 1]);
    expect(sent[1].content).toEqual(update('LB', 10, true));
  });

  it('announces new label classes (names, colours) as a display field, and takes the kernel\'s without echo', () => {
    const { sent, bridge, labels } = withLabels();
    labels.labelClasses = [{ name: 'background', color: [67, 99, 216, 255] }, { name: 'nucleus <i>', color: [255, 225, 25, 128] }];
    expect(sent.map(s => s.content)).toEqual([
      update('LB', 5, false, { label_classes: [{ name: 'background', color: '#4363d8ff' }, { name: 'nucleus <i>', color: '#ffe11980' }] })
    ]);
    kernelSays(bridge, { v: 3, type: 'layer-props', layer_id: 'LB', props: { label_classes: [{ name: 'cell', color: '#00ff00ff' }] } });
    expect(labels.labelClasses).toEqual([{ name: 'cell', color: [0, 255, 0, 255] }]);
    expect(labels.colorOf(1)).toEqual([0, 255, 0, 255]);
    expect(sent).toHaveLength(1);
  });

  it('announces the edits of a layer made here once the kernel has adopted it (asked for its data)', () => {
    const { viewer, sent, bridge } = setup();
    const made = viewer.addLayer(new LabelsLayer({ dtype: 'uint8', shape: [20, 30], data: new Uint8Array(600) }, { id: 'scrib', name: 'scribbles' })) as LabelsLayer;
    made.paintAt([1, 1], [0, 1]); // not yet the kernel's: nothing to announce
    expect(types(sent)).toEqual(['layer-list']);
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R', layer_id: 'scrib' });
    expect(replyFor(sent, 'R').payload[31]).toBe(1);
    sent.length = 0;
    made.labelClasses = [{ name: 'background', color: [0, 0, 255, 255] }, { name: 'nucleus', color: [255, 255, 0, 255] }];
    made.paintAt([10, 10], [0, 1]);
    expect(withoutEdits(sent)).toEqual([
      update('scrib', 1, false, { label_classes: [{ name: 'background', color: '#0000ffff' }, { name: 'nucleus', color: '#ffff00ff' }] }),
      update('scrib', 2, true)
    ]);
    const edit = sent.find(m => m.content.type === 'layer-edit')!;
    expect([edit.content.revision, edit.content.last]).toEqual([2, true]);
  });

  it('forgets a stroke whose pixels the kernel replaced before it ended', () => {
    const { sent, bridge, labels } = withLabels();
    labels.beginStroke();
    labels.paintAt([5, 5], [0, 1]);
    sendLayer(bridge, labelsLayer({ shape: [20, 30], revision: 5 }), new Int32Array(600), 'T2');
    labels.endStroke();
    labels.opacity = 0.1;
    expect(sent.map(s => s.content.type === 'layer-update' ? s.content : s.content.type)).toEqual(['layer-ready', update('LB', 6, false, { opacity: 0.1 })]);
  });

  it('ignores edits of layers the kernel does not know, and of removed layers', () => {
    const { viewer, sent, bridge, labels } = withLabels();
    viewer.addImage({ dtype: 'uint8', shape: [4, 4], data: new Uint8Array(16) }, { id: 'local', name: 'local' }).opacity = 0.5;
    kernelSays(bridge, { v: 3, type: 'layer-remove', layer_id: 'LB' });
    labels.opacity = 0.5;
    // The new local layer is announced as a member of the list (for the kernel to adopt),
    // but none of these edits is a layer-update.
    expect(types(sent)).toEqual(['layer-list']);
  });
});

describe('KernelBridge: dims', () => {
  const dims = (ndim: number, current_step: number[], axis_labels: string[]) => ({ v: 3, type: 'dims', ndim, current_step, axis_labels });

  it('applies the kernel\'s slider state without sending it back', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, imageLayer({ shape: [4, 6, 10, 10], dtype: 'uint8' }), pattern(2400), 'T');
    kernelSays(bridge, dims(4, [3, 1, 0, 0], ['t', 'z', 'y', 'x']));
    expect([viewer.dims.currentStep, viewer.dims.axisLabels]).toEqual([[3, 1, 0, 0], ['t', 'z', 'y', 'x']]);
    expect(types(sent)).toEqual(['layer-ready']);
  });

  it('keeps a dims message until the layers give the same ndim', () => {
    const { viewer, sent, bridge } = setup();
    kernelSays(bridge, dims(3, [2, 0, 0], ['z', 'y', 'x']));
    expect(viewer.dims.ndim).toBe(2);
    sendLayer(bridge, imageLayer({ id: 'flat', shape: [10, 10], dtype: 'uint8' }), pattern(100), 'T1');
    expect(viewer.dims.axisLabels).toEqual(['0', '1']); // still 2D: not applied
    sendLayer(bridge, imageLayer({ shape: [5, 10, 10], dtype: 'uint8' }), pattern(500), 'T2');
    expect([viewer.dims.currentStep, viewer.dims.axisLabels]).toEqual([[2, 0, 0], ['z', 'y', 'x']]);
    expect(types(sent)).toEqual(['layer-ready', 'layer-ready']);
  });

  it('sends the user\'s slider moves as dims, once the kernel has layers', () => {
    const { viewer, sent, bridge } = setup();
    viewer.addImage({ dtype: 'uint8', shape: [3, 4, 4], data: new Uint8Array(48) }, { id: 'local', name: 'local' });
    viewer.dims.setCurrentStep(0, 2);
    expect(types(sent)).toEqual(['layer-list']); // the new layer, but no dims: no slider the kernel knows of
    sendLayer(bridge, imageLayer({ shape: [5, 10, 10], dtype: 'uint8' }), pattern(500), 'T');
    kernelSays(bridge, dims(3, [1, 0, 0], ['z', 'y', 'x']));
    sent.length = 0;
    viewer.dims.setCurrentStep(0, 4);
    viewer.dims.setCurrentStep(0, 4); // no change, no message
    expect(sent.map(s => s.content)).toEqual([dims(3, [4, 0, 0], ['z', 'y', 'x'])]);
  });

  it('keeps the sliders when the kernel re-sends the only layer with the same extent', () => {
    const { viewer, sent, bridge } = setup();
    const layer = pointsLayer(2, { ndim: 3 });
    sendLayer(bridge, layer, f64([0, 0, 0, 9, 5, 5]), 'T1');
    kernelSays(bridge, dims(3, [7, 1, 1], ['z', 'y', 'x']));
    sendLayer(bridge, { ...layer, revision: 2, size: 3 }, f64([0, 0, 0, 9, 5, 5]), 'T2');
    expect([viewer.dims.currentStep, viewer.dims.axisLabels]).toEqual([[7, 1, 1], ['z', 'y', 'x']]);
    expect(types(sent)).toEqual(['layer-ready', 'layer-ready']);
  });
});

describe('KernelBridge: the pixels of an edit', () => {
  const edits = (sent: { content: Record<string, unknown>; buffers: ArrayBufferView[] }[]) => sent.filter(m => m.content.type === 'layer-edit');

  it('follow the layer-update as the box the stroke touched, exactly the layer\'s pixels there', () => {
    const { sent, labels } = withLabels();
    labels.brushSize = 3;
    labels.beginStroke();
    for (const p of [[5, 5], [5, 9], [8, 12]]) labels.paintAt(p, [0, 1]);
    labels.endStroke();
    expect(types(sent)).toEqual(['layer-update', 'layer-edit']);
    const [edit] = edits(sent);
    const { start, stop, revision, last } = edit.content as { start: number[]; stop: number[]; revision: number; last: boolean };
    expect([revision, last]).toEqual([5, true]);
    // The box holds every painted pixel, and its bytes are the layer's there.
    const data = labels.data.data as Int32Array;
    const painted = [...data.keys()].filter(i => data[i] === 3);
    expect(painted.every(i => Math.floor(i / 30) >= start[0] && Math.floor(i / 30) < stop[0] && i % 30 >= start[1] && i % 30 < stop[1])).toBe(true);
    const box = new Int32Array(edit.buffers[0].buffer.slice(edit.buffers[0].byteOffset, edit.buffers[0].byteOffset + edit.buffers[0].byteLength));
    const cols = stop[1] - start[1];
    expect(box.length).toBe((stop[0] - start[0]) * cols);
    box.forEach((v, k) => expect(v).toBe(data[(start[0] + Math.floor(k / cols)) * 30 + start[1] + (k % cols)]));
  });

  it('of an undo go too; a kernel transfer clears what was pending', () => {
    const { sent, labels, viewer, bridge } = withLabels();
    labels.beginStroke();
    labels.paintAt([10, 10], [0, 1]);
    labels.endStroke();
    sent.length = 0;
    viewer.history.undo();
    expect(types(sent)).toEqual(['layer-update', 'layer-edit']);
    const box = new Int32Array((edits(sent)[0].buffers[0] as Uint8Array).slice().buffer);
    expect(box.every(v => v === 0)).toBe(true); // back to the kernel's zeros
    sendLayer(bridge, labelsLayer({ shape: [20, 30], revision: 9 }), new Int32Array(600).fill(2), 'T2');
    sent.length = 0;
    labels.opacity = 0.25; // a display change only: no pixels travel
    expect(types(sent)).toEqual(['layer-update']);
  });

  it('are cut into pieces of at most one chunk along the first axis, the last one marked', () => {
    const s = setup();
    sendLayer(s.bridge, labelsLayer({ shape: [2048, 2048] }), new Int32Array(2048 * 2048), 'TB', 8 * 1024 * 1024);
    const big = s.viewer.getLayer('LB', LabelsLayer)!;
    s.sent.length = 0;
    big.selectedLabel = 4;
    big.fill([5, 5], [0, 1]); // the whole 16 MiB layer
    const pieces = edits(s.sent);
    expect(pieces.map(p => [(p.content.start as number[])[0], (p.content.stop as number[])[0], p.content.last])).toEqual([
      [0, 1024, false],
      [1024, 2048, true]
    ]);
    expect(pieces.every(p => p.buffers[0].byteLength <= 8 * 1024 * 1024)).toBe(true);
  });
});
