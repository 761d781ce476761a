// Covers the back-pressure and cancellation half of src/jupyter/widget/kernelBridge.ts and
// replySender.ts (PROTOCOL.md v3, "Transfers"): chunk-acks for incoming layers, replies sent a window
// ahead of the kernel's acks (labels as a snapshot), transfer-cancel both ways.
import { DEFAULT_CHUNK_BYTES } from '../../../core/transfer';
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { REPLY_WINDOW } from '../replySender';
import { checkSentMessages, imageLayer, kernelSays, pattern, replyFor, same, sendLayer, setup, transfer, types } from './bridgeHarness';

afterEach(checkSentMessages);

const L1 = imageLayer(); // uint16 (40, 50): 4000 bytes, 4 chunks of 1024

describe('KernelBridge: back-pressure of incoming layers', () => {
  it('acknowledges each chunk but the last (which layer-ready confirms)', () => {
    const { acks, sent, bridge } = setup();
    sendLayer(bridge, L1, pattern(4000), 'T1');
    expect(acks.map(a => [a.content.transfer_id, a.content.received])).toEqual([['T1', 1], ['T1', 2], ['T1', 3]]);
    expect(types(sent)).toEqual(['layer-ready']);
  });

  it('drops chunks of a transfer whose header it never saw (it was made mid-transfer), quietly', () => {
    const problems: string[] = [];
    const { viewer, acks, sent, bridge } = setup({ problem: m => problems.push(m) });
    const t = transfer(L1, pattern(4000), 'before-me');
    t.chunks.slice(2).forEach(c => bridge.handle(c.content, c.buffers));
    expect([sent.length, acks.length, problems.length, viewer.layers.length]).toEqual([0, 0, 0, 0]);
  });
});

describe('KernelBridge: cancelling transfers', () => {
  it('stops an incoming layer when the user cancels it and tells the kernel', () => {
    const problems: string[] = [];
    const progress: number[] = [];
    const { viewer, sent, bridge } = setup({ problem: m => problems.push(m), progress: (_n, f) => progress.push(f) });
    const t = transfer(L1, pattern(4000), 'T1');
    bridge.handle(t.start);
    bridge.handle(t.chunks[0].content, t.chunks[0].buffers);
    bridge.cancelTransfer('T1');
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'transfer-cancel', transfer_id: 'T1', reason: 'cancelled in the viewer' }]);
    expect(problems).toEqual(['cancelled receiving nuclei; run layer.refresh() in the kernel to send it again']);
    expect(progress).toEqual([0.256, 1]); // the bar goes away
    t.chunks.slice(1).forEach(c => bridge.handle(c.content, c.buffers)); // the window still in flight
    expect([viewer.layers.length, sent.length]).toEqual([0, 1]);
    bridge.cancelTransfer('T1'); // twice, or after it finished: nothing
    expect(sent.length).toBe(1);
  });

  it('drops an incoming layer the kernel cancelled (another tab did, or its store failed) and says why', () => {
    const problems: string[] = [];
    const { viewer, bridge } = setup({ problem: m => problems.push(m) });
    const t = transfer(L1, pattern(4000), 'T1');
    bridge.handle(t.start);
    kernelSays(bridge, { v: 3, type: 'transfer-cancel', transfer_id: 'T1', reason: "the kernel could not read chunk 1: OSError('gone')" });
    t.chunks.forEach(c => bridge.handle(c.content, c.buffers));
    expect(viewer.layers).toHaveLength(0);
    expect(problems).toEqual(["nuclei did not arrive: the kernel could not read chunk 1: OSError('gone')"]);
  });

  it('refuses a transfer-cancel naming nothing', () => {
    const { sent, bridge } = setup();
    bridge.handle({ v: 3, type: 'transfer-cancel', reason: 'x' });
    expect(sent[0].content).toMatchObject({ type: 'error', message: 'transfer_id, request_id: expected at least one of them, got neither' });
  });
});

describe('KernelBridge: replies go a window ahead of the kernel', () => {
  // uint32 labels of 3000 x 3000: 36 MB, five 8 MiB chunks
  const shape = [3000, 3000];
  function bigLabels() {
    const ctx = setup();
    ctx.viewer.addLayer(new LabelsLayer({ dtype: 'uint32', shape, data: new Uint32Array(shape[0] * shape[1]).fill(7) }, { id: 'seg', name: 'seg' }));
    ctx.sent.length = 0;
    return ctx;
  }
  const nChunks = Math.ceil((3000 * 3000 * 4) / DEFAULT_CHUNK_BYTES);

  it('sends a window, then a chunk for each ack, from a snapshot taken at the request', () => {
    const { viewer, sent, bridge } = bigLabels();
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R1', layer_id: 'seg' });
    expect(types(sent)).toEqual(['data-reply', ...new Array(REPLY_WINDOW).fill('chunk')]);
    // a stroke lands in the last chunk's rows before it is sent: the reply keeps the pixels of its request
    const layer = viewer.getLayer('seg', LabelsLayer)!;
    (layer.data.data as Uint32Array).fill(9, layer.data.data.length - 10);
    kernelSays(bridge, { v: 3, type: 'chunk-ack', transfer_id: (sent[0].content.transfer as { id: string }).id, received: 1 });
    expect(types(sent).filter(t => t === 'chunk')).toHaveLength(nChunks);
    const reply = replyFor(sent, 'R1');
    expect(same(reply.payload, new Uint32Array(shape[0] * shape[1]).fill(7))).toBe(true);
  });

  it('stops a reply the kernel stopped waiting for (by request id)', () => {
    const { sent, bridge } = bigLabels();
    kernelSays(bridge, { v: 3, type: 'data-request', request_id: 'R1', layer_id: 'seg' });
    const id = (sent[0].content.transfer as { id: string }).id;
    kernelSays(bridge, { v: 3, type: 'transfer-cancel', request_id: 'R1', reason: 'the kernel stopped waiting for it' });
    kernelSays(bridge, { v: 3, type: 'chunk-ack', transfer_id: id, received: REPLY_WINDOW });
    expect(types(sent).filter(t => t === 'chunk')).toHaveLength(REPLY_WINDOW);
  });
});
