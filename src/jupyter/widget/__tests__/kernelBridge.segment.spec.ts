// The bridge's part of viewer.segment / set_model / set_embeddings: requests checked and handed
// to the segment service (here: functions of the test), masks sent back as chunked replies,
// model and embeddings bytes assembled from windowed chunks, and every failure answered with an
// error naming the request, so the kernel's call raises instead of waiting.
import { makeTransferHeader, splitIntoChunks } from '../../../core/transfer';
import { EMBEDDING_BYTES } from '../../protocolSegment';
import { checkSentMessages, kernelSays, Msg, pattern, setup, types } from './bridgeHarness';
import type { BridgeEvents } from '../kernelBridge';

afterEach(checkSentMessages);

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

function chunked(bridge: ReturnType<typeof setup>['bridge'], start: Msg, bytes: Uint8Array, chunkBytes: number): void {
  kernelSays(bridge, start);
  splitIntoChunks(bytes, chunkBytes).forEach((c, index) =>
    bridge.handle({ v: 3, type: 'chunk', transfer_id: (start.transfer as Msg).id, index, offset: index * chunkBytes }, [new DataView(c.buffer, c.byteOffset, c.byteLength)])
  );
}

describe('segment-request', () => {
  it('hands the checked prompt to the segment service and sends its mask back in chunks', async () => {
    const asked: unknown[] = [];
    const mask = new Uint8Array(30 * 40).map((_, i) => (i % 7 === 0 ? 1 : 0));
    const events: BridgeEvents = {
      segment: async request => {
        asked.push(request);
        return { mask, shape: [30, 40], iou: 0.875 };
      }
    };
    const { bridge, sent } = setup(events);
    kernelSays(bridge, { v: 3, type: 'segment-request', request_id: 'r1', layer_id: 'img', points: [[3, 4]], labels: [1], box: [1, 2, 9, 12], step: [2] });
    await flush();
    expect(asked).toEqual([{ v: 3, type: 'segment-request', request_id: 'r1', layer_id: 'img', points: [[3, 4]], labels: [1], box: [1, 2, 9, 12], step: [2] }]);
    expect(types(sent)).toEqual(['segment-reply', 'chunk']);
    expect(sent[0].content).toMatchObject({ request_id: 'r1', shape: [30, 40], iou: 0.875 });
    expect(Array.from(new Uint8Array((sent[1].buffers[0] as Uint8Array).buffer, (sent[1].buffers[0] as Uint8Array).byteOffset, 1200))).toEqual(Array.from(mask));
  });

  it('answers a failing segmentation, a missing service and a bad prompt with an error naming the request', async () => {
    const { bridge, sent } = setup({ segment: async () => Promise.reject(new RangeError('point (x 99.0, y 3.0) is outside the 30 × 40 image')) });
    kernelSays(bridge, { v: 3, type: 'segment-request', request_id: 'r2', layer_id: 'img', points: [[3, 99]], labels: [1] });
    await flush();
    expect(sent.map(s => [s.content.type, s.content.request_id, s.content.message])).toEqual([['error', 'r2', 'point (x 99.0, y 3.0) is outside the 30 × 40 image']]);
    const bare = setup();
    kernelSays(bare.bridge, { v: 3, type: 'segment-request', request_id: 'r3', layer_id: 'img', points: [], labels: [], box: [0, 0, 5, 5] });
    await flush();
    expect(bare.sent[0].content).toMatchObject({ type: 'error', request_id: 'r3' });
    for (const [bad, field] of [
      [{ points: [], labels: [] }, 'points/box: expected at least one point or a box'],
      [{ points: [[1, 2]], labels: [2] }, 'labels[0]'],
      [{ points: [[1, 2]], labels: [1], box: [5, 5, 1, 9] }, 'box: expected (row0, col0, row1, col1) with row1 > row0'],
      [{ points: [[1, NaN]], labels: [1] }, 'points[0][1]']
    ] as const) {
      const s = setup({ segment: async () => ({ mask: new Uint8Array(1), shape: [1, 1], iou: 1 }) });
      s.bridge.handle({ v: 3, type: 'segment-request', request_id: 'rb', layer_id: 'img', ...bad }, []);
      expect(s.sent[0].content.type).toBe('error');
      expect(String(s.sent[0].content.message)).toContain(field);
    }
  });
});

describe('model-data and embeddings-data', () => {
  it('assembles a model from acked chunks and reports the model in use', async () => {
    const got: Array<[unknown, number, number]> = [];
    const { bridge, sent, acks } = setup({
      modelData: async (manifest, files) => {
        got.push([manifest, files.encoder.length, files.decoder.length]);
        return 'm1';
      }
    });
    const bytes = pattern(5000);
    const header = makeTransferHeader('mt', 5000, 1024);
    chunked(bridge, { v: 3, type: 'model-data', request_id: 'q', manifest: { id: 'm1' }, encoder_bytes: 3000, decoder_bytes: 2000, transfer: header }, bytes, 1024);
    await flush();
    expect(got).toEqual([[{ id: 'm1' }, 3000, 2000]]);
    expect(acks.length).toBe(4); // every chunk but the last is acked
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'model-ready', request_id: 'q', model_id: 'm1' }]);
  });

  it('refuses a model whose sizes do not add up and embeddings of the wrong size', () => {
    const { bridge, sent } = setup({});
    bridge.handle({ v: 3, type: 'model-data', request_id: 'q', manifest: { id: 'x' }, encoder_bytes: 10, decoder_bytes: 10, transfer: makeTransferHeader('t', 30, 1024) }, []);
    expect(sent[0].content).toMatchObject({ type: 'error', request_id: 'q' });
    const entry = { z: null, image_hash: 'abc', tile_box: null, input_size: [1024, 1024], original_size: [512, 512] };
    bridge.handle({ v: 3, type: 'embeddings-data', request_id: 'e', layer_id: 'img', model_id: 'm', model_sha256: 'ab', entries: [entry], transfer: makeTransferHeader('t2', EMBEDDING_BYTES * 2, 1 << 20) }, []);
    expect(sent[1].content).toMatchObject({ type: 'error', request_id: 'e' });
  });

  it('passes embeddings to the service as float32 and says how many it took', async () => {
    let features: Float32Array | null = null;
    const { bridge, sent } = setup({
      embeddings: async (data, f) => {
        features = f;
        expect(data.entries[0].image_hash).toBe('abc');
        return { accepted: 1, rejected: 0 };
      }
    });
    const values = new Float32Array(EMBEDDING_BYTES / 4).map((_, i) => i * 0.5);
    const entry = { z: null, image_hash: 'abc', tile_box: null, input_size: [1024, 1024], original_size: [512, 512] };
    chunked(bridge, { v: 3, type: 'embeddings-data', request_id: 'e', layer_id: 'img', model_id: 'm', model_sha256: 'ab', entries: [entry], transfer: makeTransferHeader('et', EMBEDDING_BYTES, 1 << 20) }, new Uint8Array(values.buffer), 1 << 20);
    await flush();
    expect(features!.length).toBe(values.length);
    expect(features![12345]).toBe(values[12345]);
    expect(sent.map(s => s.content)).toEqual([{ v: 3, type: 'embeddings-ready', request_id: 'e', accepted: 1, rejected: 0 }]);
  });
});
