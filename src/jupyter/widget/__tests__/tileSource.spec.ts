// KernelTileSource (src/jupyter/widget/tileSource.ts): what it asks the kernel for and when
// (bounded in flight, newest first, stale ones dropped, timeouts), how it checks and keeps the
// replies (exact bytes, bounded cache, values under the cursor), all through the protocol's
// own builders and validators.
import { FrontendMessage, TileData, validateKernelMessage } from '../../protocol';
import { KernelTileSource } from '../tileSource';

function setup(options: ConstructorParameters<typeof KernelTileSource>[5] = {}, shapes = [[1000, 800]], rgb = false) {
  let now = 0;
  const sent: Extract<FrontendMessage, { type: 'tile-request' }>[] = [];
  const source = new KernelTileSource('L1', 'uint16', shapes, rgb, m => sent.push(m as (typeof sent)[number]), { now: () => now, ...options });
  return { source, sent, tick: (ms: number) => (now += ms) };
}

const region = (r0: number, c0: number, n = 10, level = 0) => ({ level, start: [r0, c0], stop: [r0 + n, c0 + n], step: [1, 1] });

/** The kernel's answer to a request: the region's values as (r * 1000 + c) mod 65536. */
function answer(req: Extract<FrontendMessage, { type: 'tile-request' }>, channels = 0): { msg: TileData; bytes: Uint8Array } {
  const rows = Math.ceil((req.stop[0] - req.start[0]) / req.step[0]);
  const cols = Math.ceil((req.stop[1] - req.start[1]) / req.step[1]);
  const ch = Math.max(1, channels);
  const values = new Uint16Array(rows * cols * ch);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (let k = 0; k < ch; k++) values[(r * cols + c) * ch + k] = ((req.start[0] + r * req.step[0]) * 1000 + req.start[1] + c * req.step[1] + k) % 65536;
    }
  }
  const content = { v: 3, type: 'tile-data', request_id: req.request_id, layer_id: req.layer_id, level: req.level, start: req.start, stop: req.stop, step: req.step, shape: channels ? [rows, cols, ch] : [rows, cols], dtype: 'uint16' };
  return { msg: validateKernelMessage(content, 1) as unknown as TileData, bytes: new Uint8Array(values.buffer) };
}

describe('KernelTileSource', () => {
  it('asks once per region, answers null until the reply, then the exact pixels', () => {
    const { source, sent } = setup();
    expect(source.region(region(0, 0))).toBeNull();
    expect(source.region(region(0, 0))).toBeNull();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ v: 3, type: 'tile-request', layer_id: 'L1', level: 0, start: [0, 0], stop: [10, 10], step: [1, 1] });
    const { msg, bytes } = answer(sent[0]);
    expect(source.receive(msg, bytes)).toBe(true);
    const got = source.region(region(0, 0)) as Uint16Array;
    expect(got).toBeInstanceOf(Uint16Array);
    expect(got[3 * 10 + 7]).toBe(3007);
    expect(source.valueAt([3, 7])).toEqual([3007]);
  });

  it('reads values under the cursor from any arrived level-0 region, honouring its step', () => {
    const { source, sent } = setup();
    source.region({ level: 0, start: [100, 200], stop: [120, 240], step: [2, 4] });
    const { msg, bytes } = answer(sent[0]);
    source.receive(msg, bytes);
    expect(source.valueAt([104, 208])).toEqual([(104 * 1000 + 208) % 65536]);
    expect(source.valueAt([105, 208])).toBeNull(); // not a sample of that region
    expect(source.valueAt([500, 500])).toBeNull();
  });

  it('keeps at most maxInFlight requests out, sends the newest first and drops what scrolled away', () => {
    const { source, sent, tick } = setup({ maxInFlight: 2, staleMs: 100 });
    for (let i = 0; i < 6; i++) source.region(region(i * 10, 0));
    expect(sent.map(m => m.start[0])).toEqual([0, 10]);
    tick(50);
    source.region(region(50, 0)); // still on screen
    tick(80); // 40 and the others are now 130 ms old, 50 only 80 ms
    const first = answer(sent[0]);
    source.receive(first.msg, first.bytes);
    expect(sent.map(m => m.start[0])).toEqual([0, 10, 50]);
    const second = answer(sent[1]);
    source.receive(second.msg, second.bytes);
    expect(sent.map(m => m.start[0])).toEqual([0, 10, 50]); // 20, 30, 40 were dropped as stale
    expect(source.stats).toMatchObject({ inFlight: 1, queued: 0 });
    tick(10);
    expect(source.region(region(30, 0))).toBeNull(); // asked again when it comes back into view
    expect(sent.map(m => m.start[0])).toEqual([0, 10, 50, 30]);
  });

  it('turns an error, a timeout or a wrong reply into a failed region, and asks again later', () => {
    const { source, sent, tick } = setup({ timeoutMs: 1000, retryMs: 5000 });
    source.region(region(0, 0));
    expect(source.fail(sent[0].request_id, 'could not read level 0')).toBe(true);
    expect(source.region(region(0, 0))).toEqual(new Error('could not read level 0'));
    source.region(region(20, 0));
    tick(1500);
    expect(String(source.region(region(20, 0)))).toMatch(/did not answer a tile request within 1 s/);
    source.region(region(40, 0));
    const { msg, bytes } = answer(sent[2]);
    expect(source.receive(msg, bytes.subarray(0, 10))).toBe(true);
    expect(String(source.region(region(40, 0)))).toMatch(/expected 100 uint16 values .* got 10 bytes/);
    tick(6000);
    expect(source.region(region(0, 0))).toBeNull(); // retried
    expect(sent).toHaveLength(4);
    expect(source.fail('someone-else', 'x')).toBe(false);
  });

  it('bounds the bytes it keeps, least recently used out', () => {
    const { source, sent } = setup({ cacheBytes: 3 * 200 });
    for (let i = 0; i < 5; i++) {
      source.region(region(i * 10, 0));
      const { msg, bytes } = answer(sent[i]);
      source.receive(msg, bytes);
      source.region(region(0, 0)); // keeps the first one recently used
    }
    expect(source.stats.cachedBytes).toBeLessThanOrEqual(600);
    expect(source.region(region(0, 0))).toBeInstanceOf(Uint16Array);
    expect(source.region(region(10, 0))).toBeNull(); // evicted: asked again
  });

  it('keeps RGB channels interleaved and ignores replies after dispose', () => {
    const { source, sent } = setup({}, [[100, 100, 3]], true);
    source.region(region(5, 5, 4));
    const { msg, bytes } = answer(sent[0], 3);
    source.receive(msg, bytes);
    expect(source.valueAt([6, 7])).toEqual([6007, 6008, 6009]);
    source.region(region(50, 50, 4));
    source.dispose();
    const late = answer(sent[1], 3);
    expect(source.receive(late.msg, late.bytes)).toBe(false);
    expect(source.region(region(70, 70, 4))).toEqual(new Error('the viewer was closed'));
  });
});

describe('tile-data validation', () => {
  const base = { v: 3, type: 'tile-data', request_id: 'R', layer_id: 'L', level: 0, start: [0, 0], stop: [4, 6], step: [1, 2], shape: [4, 3], dtype: 'uint16' };
  it('accepts a consistent reply with one buffer', () => {
    expect(validateKernelMessage(base, 1)).toMatchObject({ type: 'tile-data', shape: [4, 3] });
  });
  it.each([
    ['no buffer', base, 0, /expected 1 binary buffer/],
    ['a shape that is not the region', { ...base, shape: [4, 6] }, 1, /shape\[1\]: expected 3/],
    ['a colour axis of 5', { ...base, shape: [4, 3, 5] }, 1, /shape: expected 2 axes/],
    ['stop before start', { ...base, stop: [0, 6] }, 1, /stop\[0\]: expected more than start\[0\]/],
    ['an unknown dtype', { ...base, dtype: 'complex64' }, 1, /dtype/],
    ['a level past the limit', { ...base, level: 16 }, 1, /level/]
  ])('refuses %s', (_, msg, buffers, match) => {
    expect(() => validateKernelMessage(msg, buffers as number)).toThrow(match);
  });
});
