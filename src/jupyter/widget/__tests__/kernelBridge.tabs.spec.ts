// Covers the several-tabs half of src/jupyter/widget/kernelBridge.ts (PROTOCOL.md v3, "Several
// tabs"): edits name this frontend; what the kernel forwards from another tab (labels pixels as
// layer-edit, points/shapes as layer-data with an origin) is applied, our own is not, nor
// another tab's change of a layer this tab does not show; a data-request naming another
// frontend is not answered.
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { PointsLayer } from '../../../viewer/model/pointsLayer';
import { checkSentMessages, f64, kernelSays, labelsLayer, pattern, pointsLayer, sendLayer, setup, types } from './bridgeHarness';

afterEach(checkSentMessages);

const LB = labelsLayer({ dtype: 'uint8', shape: [4, 5] });

function forwardedEdit(origin: string, revision: number, start: number[], stop: number[], pixels: Uint8Array) {
  return { content: { v: 3, type: 'layer-edit', layer_id: 'LB', origin, revision, start, stop, last: true }, buffers: [new DataView(pixels.buffer)] };
}

describe('KernelBridge: several tabs of one viewer', () => {
  it("writes another tab's pixels without announcing them, and counts on from its revision", () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, LB, new Uint8Array(20), 'T1');
    sent.length = 0;
    const e = forwardedEdit('other-tab', 5, [1, 2], [3, 4], Uint8Array.from([7, 7, 8, 8]));
    bridge.handle(e.content, e.buffers);
    const layer = viewer.getLayer('LB', LabelsLayer)!;
    expect(Array.from(layer.data.data as Uint8Array)).toEqual([0, 0, 0, 0, 0, 0, 0, 7, 7, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0]);
    expect(sent).toHaveLength(0); // not our edit: nothing goes back
    expect(viewer.history.canUndo).toBe(false); // nor is it ours to undo
    layer.selectedLabel = 3; // our next change counts on from the other tab's revision
    expect(sent.map(s => [s.content.type, s.content.revision, s.content.client_id])).toEqual([['layer-update', 6, 'client-test']]);
  });

  it('ignores its own edits coming back, and refuses a box that does not fit', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, LB, new Uint8Array(20), 'T1');
    sent.length = 0;
    const own = forwardedEdit('client-test', 2, [0, 0], [1, 1], Uint8Array.from([9]));
    bridge.handle(own.content, own.buffers);
    expect((viewer.getLayer('LB', LabelsLayer)!.data.data as Uint8Array)[0]).toBe(0);
    const short = forwardedEdit('other-tab', 2, [0, 0], [2, 2], Uint8Array.from([1, 2, 3]));
    bridge.handle(short.content, short.buffers);
    expect(sent.map(s => s.content.type)).toEqual(['error']);
    expect(sent[0].content.message).toMatch(/expected 4 bytes/);
    const outside = forwardedEdit('other-tab', 2, [3, 0], [5, 1], Uint8Array.from([1, 2]));
    bridge.handle(outside.content, outside.buffers);
    expect(sent[1].content.message).toMatch(/box inside shape \(4, 5\)/);
  });

  it('ignores edits and display changes of a layer only another tab shows (that tab made it)', () => {
    const { sent, bridge } = setup();
    const e = forwardedEdit('other-tab', 2, [0, 0], [1, 1], Uint8Array.from([9]));
    bridge.handle(e.content, e.buffers);
    kernelSays(bridge, { v: 3, type: 'layer-props', layer_id: 'LB', props: { label_classes: [] }, origin: 'other-tab' });
    expect(sent).toHaveLength(0);
    kernelSays(bridge, { v: 3, type: 'layer-props', layer_id: 'LB', props: { opacity: 0.5 } }); // the kernel's own: an error
    expect(sent.map(s => s.content.message)).toEqual(['no layer with id LB in this frontend']);
  });

  it("takes another tab's points as layer-data, ignores its own", () => {
    const { viewer, sent, bridge } = setup();
    const points = pointsLayer(2);
    sendLayer(bridge, points, f64([1, 1, 2, 2]), 'T1');
    sent.length = 0;
    const mine = { v: 3, type: 'layer-data', layer: { ...points, n_points: 3, revision: 4 }, transfer: { id: 'F1', nbytes: 48, chunk_bytes: 1024, n_chunks: 1 }, origin: 'client-test' };
    kernelSays(bridge, mine);
    bridge.handle({ v: 3, type: 'chunk', transfer_id: 'F1', index: 0, offset: 0 }, [new DataView(f64([1, 1, 2, 2, 3, 3]).buffer)]);
    expect([viewer.getLayer('PT', PointsLayer)!.count, types(sent)]).toEqual([2, []]); // unchanged, no layer-ready
    kernelSays(bridge, { ...mine, origin: 'other-tab', transfer: { ...mine.transfer, id: 'F2' } });
    bridge.handle({ v: 3, type: 'chunk', transfer_id: 'F2', index: 0, offset: 0 }, [new DataView(f64([1, 1, 2, 2, 3, 3]).buffer)]);
    expect([viewer.getLayer('PT', PointsLayer)!.count, types(sent)]).toEqual([3, ['layer-ready']]);
  });

  it('answers only data-requests for it or for everyone', () => {
    const { sent, bridge } = setup();
    sendLayer(bridge, LB, pattern(20), 'T1');
    sent.length = 0;
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R1', layer_id: 'LB', client_id: 'other-tab' });
    expect(sent).toHaveLength(0);
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R2', layer_id: 'LB', client_id: 'client-test' });
    expect(types(sent)).toEqual(['data-reply', 'chunk']);
  });
});
