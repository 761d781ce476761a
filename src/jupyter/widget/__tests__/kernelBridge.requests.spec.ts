// Covers src/jupyter/widget/kernelBridge.ts: data-request replies, invalid messages, kernel errors, open-panel, hello.
/// <reference types="node" />
import { ChunkAssembler, makeTransferHeader, MAX_CHUNK_BYTES, splitIntoChunks, validateTransferHeader } from '../../../core/transfer';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import { validateKernelMessage } from '../../protocol';
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
const L1 = { id: 'L1', name: 'nuclei', dtype: 'uint16', shape: [40, 50] }; // 4000 bytes = 4 chunks of 1024

describe('KernelBridge: data requests, errors, events', () => {
  it('answers data-request with data-reply + chunks that reproduce the layer bytes (9+ MiB)', () => {
    const { viewer, sent, bridge } = setup();
    const pixels = new Float32Array(1200 * 2100).map((_, i) => Math.sin(i) * 1000); // 10,080,000 bytes
    viewer.addImage({ dtype: 'float32', shape: [1200, 2100], data: pixels }, { id: 'big', name: 'big' });
    bridge.handle({ v: 1, type: 'data-request', request_id: 'R1', layer_id: 'big' });
    const [reply, ...chunks] = sent;
    expect(reply.buffers).toEqual([]);
    expect(reply.content).toMatchObject({ v: 1, type: 'data-reply', request_id: 'R1' });
    expect(reply.content.layer).toEqual({ id: 'big', name: 'big', kind: 'image', dtype: 'float32', shape: [1200, 2100], rgb: false });
    const header = validateTransferHeader(reply.content.transfer, Infinity);
    expect(header.nbytes).toBe(pixels.byteLength);
    expect(header.n_chunks).toBe(2);
    expect(chunks).toHaveLength(2);
    const asm = new ChunkAssembler(header);
    for (const c of chunks) { // same chunk format both ways, each within the websocket limit
      validateKernelMessage(c.content, c.buffers.length);
      expect(c.content.transfer_id).toBe(header.id);
      expect(c.buffers[0].byteLength).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
      asm.add(c.content.index, c.content.offset, new Uint8Array(c.buffers[0].buffer, c.buffers[0].byteOffset, c.buffers[0].byteLength));
    }
    expect(same(new Uint8Array(asm.result()), pixels)).toBe(true);
  });

  it('replies with the bytes a kernel sent (round trip), under a fresh transfer id each time', () => {
    const { sent, bridge } = setup();
    const bytes = pattern(4000, 3);
    sendLayer(bridge, L1, bytes, 'T1');
    bridge.handle({ v: 1, type: 'data-request', request_id: 'R1', layer_id: 'L1' });
    bridge.handle({ v: 1, type: 'data-request', request_id: 'R2', layer_id: 'L1' });
    const replies = sent.filter(s => s.content.type === 'data-reply');
    expect(replies.map(r => r.content.request_id)).toEqual(['R1', 'R2']);
    const ids = replies.map(r => (r.content.transfer as { id: string }).id);
    expect(ids[0]).not.toBe(ids[1]);
    const chunk = sent.find(s => s.content.type === 'chunk' && s.content.transfer_id === ids[0])!;
    expect(same(chunk.buffers[0], bytes)).toBe(true);
  });

  it('answers a data-request for an unknown layer with an error carrying the request_id', () => {
    const { sent, bridge } = setup();
    bridge.handle({ v: 1, type: 'data-request', request_id: 'R9', layer_id: 'ghost' });
    expect(sent.map(s => s.content)).toEqual([{ v: 1, type: 'error', request_id: 'R9', message: expect.stringMatching(/no layer with id ghost/) }]);
  });

  it.each([
    ['wrong version', { v: 2, type: 'data-request', request_id: 'R1', layer_id: 'L1' }, [], 'R1', /protocol version/],
    ['unknown type', { v: 1, type: 'explode', request_id: 'R2' }, [], 'R2', /unknown message type/],
    ['not an object', 'garbage', [], undefined, /message object/],
    ['chunk without buffer', { v: 1, type: 'chunk', transfer_id: 'T', index: 0, offset: 0 }, [], undefined, /1 binary buffer/],
    ['bad descriptor', { v: 1, type: 'layer-data', layer: { id: 'x' }, transfer: {} }, [], undefined, /"name"/]
  ])('answers an invalid message (%s) with an error, then keeps working', (_l, content, buffers, requestId, message) => {
    const problems: string[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m) });
    bridge.handle(content, buffers);
    expect(sent).toHaveLength(1);
    expect(sent[0].content).toMatchObject({ v: 1, type: 'error', message: expect.stringMatching(message) });
    expect(sent[0].content.request_id).toBe(requestId);
    expect(problems).toEqual([sent[0].content.message]);
    sendLayer(bridge, L1, pattern(4000), 'T1');
    expect(viewer.getLayer('L1')).toBeDefined();
    expect(sent[1].content.type).toBe('layer-ready');
  });

  it('does not answer error messages from the kernel (no ping-pong), but reports them', () => {
    const problems: string[] = [];
    const { sent, bridge } = setup({ problem: m => problems.push(m) });
    bridge.handle({ v: 1, type: 'error', message: 'kernel is unhappy', request_id: 'R1' });
    bridge.handle({ v: 1, type: 'error', message: 'again' });
    expect(sent).toEqual([]);
    expect(problems).toEqual(['kernel: kernel is unhappy', 'kernel: again']);
  });

  it('open-panel calls the openPanel event with the title or undefined', () => {
    const titles: (string | undefined)[] = [];
    const { sent, bridge } = setup({ openPanel: t => titles.push(t) });
    bridge.handle({ v: 1, type: 'open-panel', title: 'Cells' });
    bridge.handle({ v: 1, type: 'open-panel' });
    bridge.handle({ v: 1, type: 'open-panel', title: null });
    expect(titles).toEqual(['Cells', undefined, undefined]);
    expect(sent).toEqual([]);
  });

  it('says hello with its client id', () => {
    const { bridge, sent } = setup();
    bridge.hello();
    expect(sent).toEqual([{ content: { v: 1, type: 'hello', client_id: 'client-test' }, buffers: [] }]);
  });

  it('works without any event handlers', () => {
    const { bridge } = setup();
    expect(() => {
      bridge.handle({ v: 1, type: 'open-panel' });
      bridge.handle({ v: 1, type: 'error', message: 'x' });
      bridge.handle('garbage');
    }).not.toThrow();
  });
});
