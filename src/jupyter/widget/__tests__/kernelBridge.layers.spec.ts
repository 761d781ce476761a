// Covers src/jupyter/widget/kernelBridge.ts, kernel -> frontend: layer-data + chunks into a real ViewerModel, layer-remove.
/// <reference types="node" />
import { bytesOf } from '../../../core/ndarray';
import { makeTransferHeader, splitIntoChunks } from '../../../core/transfer';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import { BridgeEvents, KernelBridge } from '../kernelBridge';

// `send` is the comm boundary: it records what the bridge sends to the kernel.
type Msg = Record<string, unknown>;
interface Sent { content: Msg; buffers: ArrayBufferView[] }

function setup(events: BridgeEvents = {}) {
  const viewer = new ViewerModel();
  const sent: Sent[] = [];
  const bridge = new KernelBridge(viewer, (content, buffers = []) => sent.push({ content, buffers }), events, 'client-test');
  return { viewer, sent, bridge };
}

/** What the kernel sends for one layer: `layer-data`, then chunks whose buffers are DataViews, as the comm delivers them. */
function transfer(layer: Msg, bytes: Uint8Array, id: string, chunkBytes = 1024) {
  const start = { v: 1, type: 'layer-data', layer: { kind: 'image', rgb: false, ...layer }, transfer: makeTransferHeader(id, bytes.byteLength, chunkBytes) };
  const chunks = splitIntoChunks(bytes, chunkBytes).map((c, index) => ({
    content: { v: 1, type: 'chunk', transfer_id: id, index, offset: index * chunkBytes } as Msg,
    buffers: [new DataView(c.buffer, c.byteOffset, c.byteLength)]
  }));
  return { start, chunks };
}

function sendLayer(bridge: KernelBridge, layer: Msg, bytes: Uint8Array, id: string, chunkBytes = 1024): void {
  const t = transfer(layer, bytes, id, chunkBytes);
  [{ content: t.start as Msg, buffers: [] as DataView[] }, ...t.chunks].forEach(c => bridge.handle(c.content, c.buffers));
}

function pattern(n: number, seed = 1): Uint8Array {
  let x = seed;
  return new Uint8Array(n).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
}
const same = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const types = (sent: Sent[]) => sent.map(s => s.content.type);
const L1 = { id: 'L1', name: 'nuclei', dtype: 'uint16', shape: [40, 50] }; // 4000 bytes = 4 chunks of 1024

describe('KernelBridge: kernel -> frontend layers', () => {
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
    const layer = viewer.getLayer('L1')!;
    expect(layer.name).toBe('nuclei');
    expect(layer.data.dtype).toBe('uint16');
    expect(layer.data.shape).toEqual([40, 50]);
    expect(same(bytesOf(layer.data), bytes)).toBe(true);
    expect(sent).toEqual([{ content: { v: 1, type: 'layer-ready', layer_id: 'L1', transfer_id: 'T1', nbytes: 4000 }, buffers: [] }]);
    expect(progress).toEqual([1024 / 4000, 2048 / 4000, 3072 / 4000, 1]);
    bytes.fill(0); // the layer owns its pixels: the comm's buffers may be reused
    expect(layer.valueAt(0, 0)![0]).not.toBe(0);
  });

  it('accepts chunk buffers given as ArrayBuffers and RGB layers', () => {
    const { viewer, sent, bridge } = setup();
    const bytes = pattern(2 * 3 * 4, 7);
    const t = transfer({ id: 'rgb', name: 'photo', dtype: 'uint8', shape: [2, 3, 4], rgb: true }, bytes, 'T', 16);
    bridge.handle(t.start);
    t.chunks.forEach(({ content, buffers: [b] }) => bridge.handle(content, [b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)]));
    const layer = viewer.getLayer('rgb')!;
    expect(layer.rgb).toBe(true);
    expect(layer.valueAt(1, 2)).toEqual(Array.from(bytes.subarray(20, 24)));
    expect(types(sent)).toEqual(['layer-ready']);
  });

  it('rejects a wrong chunk with an error naming the transfer, drops the transfer and keeps working', () => {
    const problems: string[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m) });
    const bytes = pattern(4000);
    const t = transfer(L1, bytes, 'T1');
    bridge.handle(t.start);
    bridge.handle(t.chunks[0].content, t.chunks[0].buffers);
    bridge.handle({ ...t.chunks[1].content, offset: 1000 }, t.chunks[1].buffers); // wrong offset
    expect(sent.map(s => s.content)).toEqual([{ v: 1, type: 'error', transfer_id: 'T1', message: expect.stringMatching(/offset 1000, expected 1024/) }]);
    expect(problems).toHaveLength(1);
    // the rest of the broken transfer is refused, and nothing is shown
    t.chunks.slice(1).forEach(c => bridge.handle(c.content, c.buffers));
    expect(types(sent)).toEqual(['error', 'error', 'error', 'error']);
    expect(sent[1].content.message).toMatch(/unknown or superseded transfer T1/);
    expect(viewer.layers).toHaveLength(0);
    // a fresh transfer of the same layer works
    sendLayer(bridge, L1, bytes, 'T2');
    expect(same(bytesOf(viewer.getLayer('L1')!.data), bytes)).toBe(true);
    expect(sent[sent.length - 1].content).toMatchObject({ type: 'layer-ready', transfer_id: 'T2' });
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

  it('a second layer-data for the same id replaces data and name in place', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, L1, pattern(4000, 1), 'T1');
    const layer = viewer.getLayer('L1')!;
    const next = pattern(6 * 7 * 4, 2);
    sendLayer(bridge, { ...L1, name: 'renamed', dtype: 'float32', shape: [6, 7] }, next, 'T2', 64);
    expect(viewer.layers).toEqual([layer]);
    expect(layer.name).toBe('renamed');
    expect(layer.data.dtype).toBe('float32');
    expect(layer.extent).toEqual({ rows: 6, cols: 7 });
    expect(same(bytesOf(layer.data), next)).toBe(true);
    expect(sent.map(s => s.content.transfer_id)).toEqual(['T1', 'T2']);
  });

  it('a newer layer-data supersedes an unfinished transfer of the same layer', () => {
    const { viewer, sent, bridge } = setup();
    const old = transfer(L1, pattern(4000, 1), 'old');
    bridge.handle(old.start);
    bridge.handle(old.chunks[0].content, old.chunks[0].buffers);
    const fresh = pattern(4000, 9);
    sendLayer(bridge, L1, fresh, 'new');
    bridge.handle(old.chunks[1].content, old.chunks[1].buffers);
    expect(sent.map(s => [s.content.type, s.content.transfer_id])).toEqual([['layer-ready', 'new'], ['error', 'old']]);
    expect(same(bytesOf(viewer.getLayer('L1')!.data), fresh)).toBe(true);
  });

  it('reports an array the viewer cannot show after the transfer, without layer-ready', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, { id: 'V', name: 'volume', dtype: 'uint8', shape: [2, 8, 8] }, pattern(128), 'T');
    expect(viewer.layers).toHaveLength(0);
    expect(sent.map(s => s.content)).toEqual([{ v: 1, type: 'error', transfer_id: 'T', message: expect.stringMatching(/\(2, 8, 8\)/) }]);
  });

  it('refuses more than 16 transfers in flight', () => {
    const { sent, bridge } = setup();
    for (let i = 0; i < 17; i++) bridge.handle(transfer({ ...L1, id: `L${i}` }, pattern(4000), `T${i}`).start);
    expect(sent.map(s => s.content)).toEqual([{ v: 1, type: 'error', message: expect.stringMatching(/more than 16 transfers .* T16/) }]);
  });

  it('layer-remove removes the layer; an unknown id is harmless', () => {
    const { viewer, sent, bridge } = setup();
    sendLayer(bridge, L1, pattern(4000), 'T1');
    sendLayer(bridge, { ...L1, id: 'L2' }, pattern(4000), 'T2');
    bridge.handle({ v: 1, type: 'layer-remove', layer_id: 'L1' });
    bridge.handle({ v: 1, type: 'layer-remove', layer_id: 'nope' });
    expect(viewer.layers.map(l => l.id)).toEqual(['L2']);
    expect(types(sent)).toEqual(['layer-ready', 'layer-ready']);
  });
});
