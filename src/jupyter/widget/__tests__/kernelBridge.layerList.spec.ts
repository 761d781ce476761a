// Covers the layer-list sync of src/jupyter/widget/kernelBridge.ts: the user's removals, reorders
// and new layers are told to the kernel as `layer-list` (never the kernel's own changes), and a
// kernel `layer-order` reorders the model, leaving layers the kernel does not know in place; and
// what the bridge does when the kernel goes away in the middle of a transfer.
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { checkSentMessages, imageLayer, kernelSays, labelsLayer, pattern, sendLayer, setup, transfer } from './bridgeHarness';

afterEach(checkSentMessages);

function withThree() {
  const s = setup();
  sendLayer(s.bridge, imageLayer({ id: 'A', name: 'a' }), pattern(4000), 'TA');
  sendLayer(s.bridge, labelsLayer({ id: 'B', name: 'b', shape: [4, 5] }), new Int32Array(20), 'TB');
  sendLayer(s.bridge, imageLayer({ id: 'C', name: 'c' }), pattern(4000), 'TC');
  s.sent.length = 0;
  return s;
}

const lists = (sent: { content: Record<string, unknown> }[]) => sent.filter(m => m.content.type === 'layer-list').map(m => m.content.layers);

describe('KernelBridge: layer list', () => {
  it('does not echo the layers the kernel added or removed', () => {
    const { sent, bridge } = withThree();
    kernelSays(bridge, { v: 3, type: 'layer-remove', layer_id: 'B' });
    expect(lists(sent)).toEqual([]);
  });

  it('tells the kernel about a layer the user deleted, moved or made', () => {
    const { sent, viewer } = withThree();
    viewer.removeLayer('B');
    viewer.moveLayer(1, 0);
    viewer.addLayer(new LabelsLayer({ dtype: 'int32', shape: [40, 50], data: new Int32Array(2000) }, { id: 'N', name: 'Labels' }));
    expect(lists(sent)).toEqual([
      [{ id: 'A', kind: 'image' }, { id: 'C', kind: 'image' }],
      [{ id: 'C', kind: 'image' }, { id: 'A', kind: 'image' }],
      [{ id: 'C', kind: 'image' }, { id: 'A', kind: 'image' }, { id: 'N', kind: 'labels' }]
    ]);
    // A change of a layer's name or opacity is no change of the list.
    viewer.getLayer('A')!.opacity = 0.5;
    expect(lists(sent)).toHaveLength(3);
  });

  it('applies the kernel order and keeps the layers it does not know in their places', () => {
    const { sent, viewer, bridge } = withThree();
    viewer.addLayer(new LabelsLayer({ dtype: 'int32', shape: [40, 50], data: new Int32Array(2000) }, { id: 'N', name: 'Labels' }));
    viewer.moveLayer(3, 1); // A, N, B, C
    sent.length = 0;
    kernelSays(bridge, { v: 3, type: 'layer-order', order: ['C', 'A', 'B'] });
    expect(viewer.layers.map(l => l.id)).toEqual(['C', 'N', 'A', 'B']);
    expect(lists(sent)).toEqual([]); // the kernel's own order is not sent back
  });

  it('refuses an order that names a layer twice, and changes nothing', () => {
    const { sent, viewer, bridge } = withThree();
    bridge.handle({ v: 3, type: 'layer-order', order: ['C', 'C', 'A'] }); // not through kernelSays: it refuses invalid messages
    expect(viewer.layers.map(l => l.id)).toEqual(['A', 'B', 'C']);
    expect(sent.map(m => m.content.type)).toEqual(['error']);
    expect(String(sent[0].content.message)).toMatch(/order: expected each layer id once/);
  });
});

describe('KernelBridge: the kernel going away', () => {
  it('drops a transfer cut off half way, says which layer did not arrive, and keeps the rest usable', () => {
    const problems: string[] = [];
    const bars: [string, number][] = [];
    const { viewer, bridge } = setup({ problem: text => problems.push(text), progress: (name, f) => bars.push([name, f]) });
    sendLayer(bridge, imageLayer({ id: 'A', name: 'a' }), pattern(4000), 'TA');
    // Half of a second layer's chunks, then the kernel dies.
    const t = transfer(labelsLayer({ id: 'B', name: 'half', shape: [40, 50] }), new Int32Array(2000), 'TB', 1024);
    [{ content: t.start, buffers: [] as DataView[] }, ...t.chunks.slice(0, 3)].forEach(c => bridge.handle(c.content, c.buffers));
    bridge.kernelGone();
    bridge.kernelGone(); // the comm closing and the model going not-live both say so: one notice
    expect(problems).toEqual(['the kernel went away while sending half; those layers did not arrive (run the cell again once the kernel is back)']);
    expect(bars[bars.length - 1]).toEqual(['half', 1]); // its progress bar goes away
    expect(viewer.layers.map(l => l.id)).toEqual(['A']);
    // Late chunks of the dead transfer are refused, not half applied.
    bridge.handle(t.chunks[3].content, t.chunks[3].buffers);
    expect(viewer.layers.map(l => l.id)).toEqual(['A']);
    viewer.getLayer('A')!.opacity = 0.3; // still a working viewer
  });
});
