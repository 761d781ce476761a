/// <reference types="node" />
// The model store against a real HTTP server on loopback (Node's fetch, streams and
// crypto.subtle); the cache is the in-memory implementation of the same interface the
// browser's Cache Storage implements.
import { createHash } from 'crypto';
import { MemoryModelCache } from '../modelCache';
import { ModelDownloadError, ModelStore, sha256Hex } from '../modelStore';
import { ModelEntry, ModelSource } from '../types';
import { FileServer, someBytes, startFileServer } from './fileServer';

let server: FileServer;
let cache: MemoryModelCache;
beforeAll(async () => {
  server = await startFileServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  server.closedEarly.length = 0;
  server.noValidators = false;
  cache = new MemoryModelCache();
});

const storeFor = (c = cache) => new ModelStore({ cache: c, resolveServerPath: p => `${server.base}/files/${p}`, warn: () => undefined });
const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const requestsFor = (name: string) => server.seen.filter(r => r.url.endsWith(`/${name}`));

test('sha256Hex matches Node crypto', async () => {
  for (const n of [0, 1, 55, 64, 100000]) {
    const bytes = someBytes(n, n + 3);
    expect(await sha256Hex(bytes)).toBe(nodeSha(bytes));
  }
});

test('downloads with progress from Content-Length, bytes exact, then caches by hash', async () => {
  const bytes = someBytes(300 * 1024 + 17, 7);
  server.files.set('enc.onnx', bytes);
  const events: [number, number | undefined][] = [];
  const got = await storeFor().loadFile({ kind: 'server', path: 'enc.onnx' }, { onProgress: (n, t) => events.push([n, t]) });
  expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
  expect(got.fromCache).toBe(false);
  expect(got.sha256).toBe(nodeSha(bytes));
  expect(events.length).toBeGreaterThan(2);
  expect(events.every(([, t]) => t === bytes.byteLength)).toBe(true);
  expect(events.map(e => e[0])).toEqual([...events.map(e => e[0])].sort((a, b) => a - b));
  expect(events[events.length - 1][0]).toBe(bytes.byteLength);
  expect((await cache.list()).map(r => r.key)).toContain(`sha256/${nodeSha(bytes)}`);
});

test('without Content-Length the total is unknown and the bytes still arrive whole', async () => {
  const bytes = someBytes(2 * 1024 * 1024 + 5, 8); // more than the first buffer: it grows
  server.files.set('chunked.onnx', bytes);
  const totals = new Set<number | undefined>();
  const got = await storeFor().loadFile({ kind: 'url', url: `${server.base}/chunked/chunked.onnx` }, { onProgress: (_n, t) => totals.add(t) });
  expect([...totals]).toEqual([undefined]);
  expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
});

test('a known sha256 found in the cache skips the network entirely', async () => {
  const bytes = someBytes(100000, 9);
  server.files.set('known.onnx', bytes);
  const source: ModelSource = { kind: 'server', path: 'known.onnx', sha256: nodeSha(bytes), bytes: bytes.byteLength };
  const first = await storeFor().loadFile(source);
  expect(first.fromCache).toBe(false);
  expect(requestsFor('known.onnx')).toHaveLength(1);
  // A new store on the same cache (as after a page reload with Cache Storage).
  const events: [number, number | undefined][] = [];
  const second = await storeFor().loadFile(source, { onProgress: (n, t) => events.push([n, t]) });
  expect(second.fromCache).toBe(true);
  expect(Buffer.from(second.bytes).equals(Buffer.from(bytes))).toBe(true);
  expect(requestsFor('known.onnx')).toHaveLength(1); // the server saw no second request
  expect(events).toEqual([[bytes.byteLength, bytes.byteLength]]);
});

test('without a known sha256 a second load revalidates with the ETag: 304 serves the cache, a changed file is downloaded', async () => {
  const v1 = someBytes(50000, 10);
  server.files.set('etag.onnx', v1);
  const source: ModelSource = { kind: 'server', path: 'etag.onnx' };
  expect((await storeFor().loadFile(source)).fromCache).toBe(false);
  const again = await storeFor().loadFile(source);
  expect(again.fromCache).toBe(true);
  expect(Buffer.from(again.bytes).equals(Buffer.from(v1))).toBe(true);
  const [, second] = requestsFor('etag.onnx');
  expect(second.headers['if-none-match']).toBeDefined();
  expect(second.headers['if-modified-since']).toBeDefined();

  const v2 = someBytes(50001, 11);
  server.files.set('etag.onnx', v2);
  const changed = await storeFor().loadFile(source);
  expect(changed.fromCache).toBe(false);
  expect(Buffer.from(changed.bytes).equals(Buffer.from(v2))).toBe(true);
});

test('a server without ETag/Last-Modified: downloaded again (no stale model is ever served)', async () => {
  server.noValidators = true;
  server.files.set('plain.onnx', someBytes(1000, 12));
  await storeFor().loadFile({ kind: 'server', path: 'plain.onnx' });
  const again = await storeFor().loadFile({ kind: 'server', path: 'plain.onnx' });
  expect(again.fromCache).toBe(false);
  expect(requestsFor('plain.onnx')[1].headers['if-none-match']).toBeUndefined();
});

test('cancellation mid-download rejects with AbortError and closes the connection', async () => {
  server.files.set('slow.onnx', someBytes(1024 * 1024, 13));
  const controller = new AbortController();
  const seen: number[] = [];
  const loading = storeFor().loadFile(
    { kind: 'url', url: `${server.base}/slow/slow.onnx` },
    {
      signal: controller.signal,
      onProgress: n => {
        seen.push(n);
        if (n > 0) controller.abort();
      }
    }
  );
  await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
  expect(Math.max(...seen)).toBeLessThan(1024 * 1024);
  await waitFor(() => server.closedEarly.some(u => u.endsWith('/slow.onnx')));
  expect(await cache.list()).toEqual([]);
});

test('a body shorter than its Content-Length is an error that says so', async () => {
  const loading = storeFor().loadFile({ kind: 'url', url: `${server.base}/truncated/x.onnx` });
  await expect(loading).rejects.toThrow(ModelDownloadError);
  await expect(loading).rejects.toThrow(/truncated\/x\.onnx.* 100 of 1000 bytes.*closed early/);
});

test('HTTP errors name the status and URL and never echo the body', async () => {
  const loading = storeFor().loadFile({ kind: 'server', path: 'missing/enc.onnx' });
  const err = (await loading.catch(e => e)) as Error;
  expect(err).toBeInstanceOf(ModelDownloadError);
  expect(err.message).toBe(`could not download ${server.base}/files/missing/enc.onnx: HTTP 404 Not Found (no such file)`);
  expect(err.message).not.toContain('SECRET');
});

test('a sha256 mismatch is refused, says both hashes, and caches nothing', async () => {
  const bytes = someBytes(4000, 14);
  server.files.set('bad.onnx', bytes);
  const wrong = nodeSha(someBytes(4000, 15));
  const url = `${server.base}/files/bad.onnx`;
  await expect(storeFor().loadFile({ kind: 'server', path: 'bad.onnx', sha256: wrong })).rejects.toThrow(
    `downloaded ${url}: sha256 ${nodeSha(bytes)} but expected ${wrong}`
  );
  expect(await cache.list()).toEqual([]);
});

test('a file larger than 4 GiB is refused before its body is read', async () => {
  const loading = storeFor().loadFile({ kind: 'url', url: `${server.base}/huge/x.onnx` });
  await expect(loading).rejects.toThrow(/5368709120 bytes .*more than the 4096\.0 MiB SegLab loads into a browser/);
  await expect(storeFor().loadFile({ kind: 'server', path: 'x', bytes: 5 * 1024 ** 3 })).rejects.toThrow(/more than the 4 GiB/);
});

const entry = (encoder: ModelSource, decoder: ModelSource): ModelEntry => ({
  id: 'm',
  family: 'mobile_sam',
  encoder,
  decoder,
  inputSize: 1024,
  pixelMean: [123.675, 116.28, 103.53],
  pixelStd: [58.395, 57.12, 57.375]
});

test('loadModel: both files, one total once both sizes are known', async () => {
  const enc = someBytes(200000, 16);
  const dec = someBytes(30000, 17);
  server.files.set('m/encoder.onnx', enc);
  server.files.set('m/decoder.onnx', dec);
  const events: [number, number | undefined][] = [];
  const got = await storeFor().loadModel(entry({ kind: 'server', path: 'm/encoder.onnx' }, { kind: 'server', path: 'm/decoder.onnx' }), {
    onProgress: (n, t) => events.push([n, t])
  });
  expect(Buffer.from(got.encoder.bytes).equals(Buffer.from(enc))).toBe(true);
  expect(Buffer.from(got.decoder.bytes).equals(Buffer.from(dec))).toBe(true);
  expect(events[events.length - 1]).toEqual([enc.byteLength + dec.byteLength, enc.byteLength + dec.byteLength]);
  expect(events.filter(([, t]) => t !== undefined).every(([, t]) => t === enc.byteLength + dec.byteLength)).toBe(true);
});

test('loadModel: a failing file cancels the other download', async () => {
  server.files.set('slow2.onnx', someBytes(1024 * 1024, 18));
  const loading = storeFor().loadModel(entry({ kind: 'url', url: `${server.base}/slow/slow2.onnx` }, { kind: 'server', path: 'nope.onnx' }));
  await expect(loading).rejects.toThrow(/HTTP 404/);
  await waitFor(() => server.closedEarly.some(u => u.endsWith('/slow2.onnx')));
});

test('usage and clear count model files, not the index', async () => {
  const a = someBytes(1000, 19);
  const b = someBytes(2000, 20);
  server.files.set('a.onnx', a);
  server.files.set('b.onnx', b);
  const store = storeFor();
  await store.loadFile({ kind: 'server', path: 'a.onnx' });
  await store.loadFile({ kind: 'server', path: 'b.onnx' });
  expect(await store.usage()).toMatchObject({ bytes: 3000, entries: 2, persistent: false });
  expect(await store.clear()).toEqual({ bytes: 3000, entries: 2 });
  expect(await store.usage()).toMatchObject({ bytes: 0, entries: 0 });
  // After clearing, the index is gone too: no conditional request for a file not cached.
  await store.loadFile({ kind: 'server', path: 'a.onnx' });
  expect(requestsFor('a.onnx')[1].headers['if-none-match']).toBeUndefined();
});

test('kernel bytes: cached by hash, checked against the expected sha256, clear message once gone', async () => {
  const store = storeFor();
  const bytes = someBytes(5000, 21);
  await expect(store.putBytes(bytes, nodeSha(someBytes(5, 1)), 'encoder of k')).rejects.toThrow(
    `encoder of k from the kernel: sha256 ${nodeSha(bytes)} but expected`
  );
  const source = await store.putBytes(bytes, nodeSha(bytes));
  expect(source).toEqual({ kind: 'kernel', sha256: nodeSha(bytes), bytes: 5000 });
  expect((await store.loadFile(source)).fromCache).toBe(true);
  await store.clear();
  await expect(store.loadFile(source)).rejects.toThrow(/came from the kernel and is no longer in the browser's model cache/);
});

test('MemoryModelCache drops the least recently used files beyond its budget', async () => {
  const small = new MemoryModelCache('test', 2500);
  await small.put('a', new Uint8Array(1000));
  await small.put('b', new Uint8Array(1000));
  await small.get('a'); // a is now the most recent
  await small.put('c', new Uint8Array(1000));
  expect((await small.list()).map(r => r.key).sort()).toEqual(['a', 'c']);
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
}
