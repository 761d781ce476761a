// The SAM runtime's page side (SamRuntimeClient) and worker side (SamWorkerHost) talking over a
// real MessageChannel (structured clone and transfers as between a page and its Web Worker),
// with the real onnxruntime-web (WASM, Node) on the real exported vit_t files. The browser's
// Worker and WebGPU are tested in ui-tests/tests/samRuntime.spec.js.
import * as ort from 'onnxruntime-web';
import { itWithReference } from '../../../core/labels/__tests__/pythonReference';
import { BackendEnvironment, formatBackendInfo, planBackend, wasmThreads } from '../backendChoice';
import { SamRuntime, SamRuntimeClient, WorkerEndpoint } from '../runtimeClient';
import { SamModelError, SamSession } from '../samSession';
import { SamWorkerHost } from '../samWorkerHost';
import { EMBEDDING_CACHE_SIZE, EMBEDDING_VALUES, IMAGE_VALUES, parseReply, parseRequest, SamReply } from '../workerProtocol';
import { exportedModel } from './exportedModel';

ort.env.wasm.numThreads = 1;

const files = () => exportedModel('vit_t');
const noGpu = async (): Promise<BackendEnvironment> => ({ adapter: null, crossOriginIsolated: false, hardwareConcurrency: 2 });
// Node has no WebGPU: claiming an adapter makes the worker try the webgpu provider, which
// onnxruntime-web really fails to create here (its backend is missing), so WASM must take over.
const claimsGpu = async (): Promise<BackendEnvironment> => ({ adapter: 'claimed adapter', crossOriginIsolated: false, hardwareConcurrency: 2 });

/** A worker side on one port of a MessageChannel, the page's endpoint on the other. */
function channel(probe: () => Promise<BackendEnvironment>): WorkerEndpoint {
  const { port1, port2 } = new MessageChannel();
  const host = new SamWorkerHost(ort, (reply, transfer) => port2.postMessage(reply, transfer), probe);
  port2.onmessage = event => host.handle(event.data);
  return {
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    get onmessage() {
      return port1.onmessage as WorkerEndpoint['onmessage'];
    },
    set onmessage(f) {
      port1.onmessage = f;
    },
    terminate: () => {
      port1.close();
      port2.close();
      void host.dispose();
    }
  };
}

/** A deterministic (1, 3, 1024, 1024) input in the range of SAM's normalised pixels. */
function image(seed: number): Float32Array {
  const a = new Float32Array(IMAGE_VALUES);
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 4 - 2;
  }
  return a;
}

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const point = { coords: Float32Array.of(400, 500, 0, 0), labels: Float32Array.of(1, -1) };

describe('worker protocol', () => {
  it('accepts well-formed requests and refuses the rest with a message', () => {
    expect(parseRequest({ type: 'decode', id: 3, key: 1, coords: new Float32Array(4), labels: new Float32Array(2) }).type).toBe('decode');
    expect(() => parseRequest(null)).toThrow('a request must be an object');
    expect(() => parseRequest({ type: 'encode', id: -1 })).toThrow('a message id must be a non-negative integer, got -1');
    expect(() => parseRequest({ type: 'run', id: 1 })).toThrow('unknown request type "run"');
    expect(() => parseRequest({ type: 'init', id: 1, version: 0, encoder: new Uint8Array(1), decoder: new Uint8Array(1) })).toThrow(/protocol version 0 is not the worker's \(1\)/);
    expect(() => parseRequest({ type: 'init', id: 1, version: 1, encoder: new Uint8Array(0), decoder: new Uint8Array(1) })).toThrow('init: encoder must hold 1 to');
    expect(() => parseRequest({ type: 'init', id: 1, version: 1, encoder: new Uint8Array(1), decoder: new Uint8Array(1), options: { threads: 0 } })).toThrow('options.threads');
    expect(() => parseRequest({ type: 'encode', id: 1, key: 1, image: new Float32Array(10) })).toThrow(`encode: image must hold ${IMAGE_VALUES} (1, 3, 1024, 1024) values, got 10`);
    expect(() => parseRequest({ type: 'encode', id: 1, key: 1, image: new Float64Array(IMAGE_VALUES) })).toThrow('encode: image must be a Float32Array');
    expect(() => parseRequest({ type: 'decode', id: 1, key: 1, coords: new Float32Array(3), labels: new Float32Array(2) })).toThrow('decode: coords must hold 4 (2 per label) values, got 3');
    expect(() => parseRequest({ type: 'decode', id: 1, key: 1, coords: new Float32Array(0), labels: new Float32Array(0) })).toThrow('decode: labels must hold 1 to 1024 values, got 0');
    expect(() => parseRequest({ type: 'decode', id: 1, key: 1, coords: new Float32Array(2), labels: new Float32Array(1), embeddings: new Float32Array(5) })).toThrow('decode: embeddings must hold');
    expect(() => parseRequest({ type: 'decode', id: 1, key: 1.5, coords: new Float32Array(2), labels: new Float32Array(1) })).toThrow('decode: key must be a non-negative integer');
    expect(() => parseReply({ type: 'decoded', id: 1, lowRes: new Float32Array(4), iou: new Float32Array(4) })).toThrow('decoded: lowRes must hold 262144 values, got 4');
    expect(() => parseReply({ type: 'backend', info: { provider: 'webgl', threads: 1, crossOriginIsolated: false } })).toThrow('backend info must have provider webgpu|wasm');
    expect(parseReply({ type: 'error', id: 2, error: { name: 'SamModelError', message: 'x' } })).toEqual({ type: 'error', id: 2, error: { name: 'SamModelError', message: 'x' } });
  });

  it('the worker answers a malformed request with an error reply addressed to its id', () => {
    const replies: SamReply[] = [];
    const host = new SamWorkerHost(ort, reply => replies.push(reply), noGpu);
    host.handle({ type: 'encode', id: 7, key: 1, image: new Float32Array(3) });
    host.handle('not even an object');
    expect(replies).toEqual([{ type: 'error', id: 7, error: { name: 'ProtocolError', message: `encode: image must hold ${IMAGE_VALUES} (1, 3, 1024, 1024) values, got 3` } }]);
  });
});

describe('backend choice', () => {
  const env = (adapter: string | null, crossOriginIsolated: boolean, hardwareConcurrency = 8): BackendEnvironment => ({ adapter, crossOriginIsolated, hardwareConcurrency });

  it('WebGPU when there is an adapter and it is not declined; WASM threads only when cross-origin isolated', () => {
    expect(planBackend(env('google swiftshader', false))).toEqual({ provider: 'webgpu', executionProviders: ['webgpu'], threads: 1, adapter: 'google swiftshader' });
    expect(planBackend(env('google swiftshader', true), { preferWebGPU: false })).toEqual({ provider: 'wasm', executionProviders: ['wasm'], threads: 4 });
    expect(planBackend(env(null, true, 2))).toEqual({ provider: 'wasm', executionProviders: ['wasm'], threads: 2 });
    expect(wasmThreads(env(null, true, 16), { threads: 6 })).toBe(6);
    expect(wasmThreads(env(null, false, 16), { threads: 6 })).toBe(1);
  });

  it('a software adapter (SwiftShader) gets WASM unless WebGPU is asked for', () => {
    const swiftshader = { ...env('google swiftshader', false), software: true };
    expect(planBackend(swiftshader).provider).toBe('wasm');
    expect(planBackend(swiftshader, { preferWebGPU: true }).provider).toBe('webgpu');
  });

  it('labels the active backend for the status bar', () => {
    expect(formatBackendInfo({ provider: 'webgpu', threads: 1, crossOriginIsolated: false, adapter: 'google swiftshader' })).toBe('WebGPU (google swiftshader)');
    expect(formatBackendInfo({ provider: 'wasm', threads: 4, crossOriginIsolated: true })).toBe('WASM, 4 threads');
    expect(formatBackendInfo({ provider: 'wasm', threads: 1, crossOriginIsolated: true })).toBe('WASM, 1 thread');
    expect(formatBackendInfo({ provider: 'wasm', threads: 1, crossOriginIsolated: false })).toBe('WASM, 1 thread (not cross-origin isolated)');
    expect(formatBackendInfo({ provider: 'wasm', threads: 2, crossOriginIsolated: true, notice: 'WebGPU failed' })).toBe('WASM, 2 threads – fallback');
  });
});

describe('SamRuntime over a message channel, real onnxruntime-web and vit_t', () => {
  let runtime: SamRuntime | null = null;
  afterEach(async () => {
    await runtime?.dispose();
    runtime = null;
  });

  itWithReference('encodes and decodes as SamSession does, without re-sending the embeddings it produced', async () => {
    const f = files();
    const input = image(1);
    const direct = await SamSession.create(ort, f);
    const embDirect = await direct.encode(input);
    const outDirect = await direct.decode(embDirect, point.coords, point.labels);
    await direct.dispose();

    const client = await SamRuntimeClient.start(channel(noGpu), f);
    runtime = client;
    expect(client.info).toEqual({ provider: 'wasm', threads: 1, crossOriginIsolated: false });
    const emb = await client.encode(input);
    expect(emb.length).toBe(EMBEDDING_VALUES);
    expect(relL2(emb, embDirect)).toBeLessThan(1e-6);
    const out = await client.decode(emb, point.coords, point.labels);
    expect(relL2(out.lowRes, outDirect.lowRes)).toBeLessThan(1e-6);
    expect(relL2(out.iou, outDirect.iou)).toBeLessThan(1e-6);
    expect(client.embeddingsSent).toBe(0);

    // Embeddings from elsewhere (e.g. the kernel's cache) are sent once, then named by key;
    // once evicted from the worker's cache they are sent again, transparently.
    const foreign = [emb.slice(), ...Array.from({ length: EMBEDDING_CACHE_SIZE }, (_, i) => emb.map(v => v * (1 + 0.01 * (i + 1))))];
    const first = await client.decode(foreign[0], point.coords, point.labels);
    expect(relL2(first.lowRes, outDirect.lowRes)).toBeLessThan(1e-6);
    await client.decode(foreign[0], point.coords, point.labels);
    expect(client.embeddingsSent).toBe(1);
    for (const e of foreign.slice(1)) await client.decode(e, point.coords, point.labels);
    expect(client.embeddingsSent).toBe(1 + EMBEDDING_CACHE_SIZE);
    const again = await client.decode(foreign[0], point.coords, point.labels); // evicted by now
    expect(client.embeddingsSent).toBe(2 + EMBEDDING_CACHE_SIZE);
    expect(relL2(again.lowRes, outDirect.lowRes)).toBeLessThan(1e-6);

    // An aborted encode rejects at once; the worker finishes it, drops the result and goes on.
    // (Here the worker side shares the test's thread, so "at once" is measured from abort().)
    const controller = new AbortController();
    const aborted = client.encode(image(2), controller.signal);
    const queued = new AbortController();
    const skipped = client.encode(image(3), queued.signal); // still queued: skipped by the worker
    const t0 = Date.now();
    controller.abort();
    queued.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(skipped).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(50);
    await expect(client.decode(emb, point.coords, point.labels, undefined, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    const after = await client.decode(emb, point.coords, point.labels);
    expect(relL2(after.lowRes, outDirect.lowRes)).toBeLessThan(1e-6);

    // The worker's refusals reach the caller with their message.
    await expect(client.decode(emb, new Float32Array(3), point.labels)).rejects.toThrow('decode: coords must hold 4 (2 per label) values, got 3');
    await client.dispose();
    await expect(client.decode(emb, point.coords, point.labels)).rejects.toThrow('the SAM runtime was disposed');
  }, 180000);

  itWithReference('falls back to WASM with a notice when the WebGPU session cannot be created', async () => {
    const client = await SamRuntimeClient.start(channel(claimsGpu), files());
    runtime = client;
    expect(client.info.provider).toBe('wasm');
    expect(client.info.notice).toMatch(/^WebGPU failed while loading the model \(could not load the encoder \(\d+ bytes\) as an ONNX model: .*webgpu.*\); running on WASM instead$/);
    const out = await client.decode(new Float32Array(EMBEDDING_VALUES), point.coords, point.labels);
    expect(out.lowRes.length).toBe(4 * 256 * 256);
  }, 120000);

  itWithReference('model errors reach the caller as SamModelError with SamSession\'s message, on either backend', async () => {
    const good = files();
    for (const probe of [noGpu, claimsGpu]) {
      const truncated = SamRuntimeClient.start(channel(probe), { encoder: good.encoder.subarray(0, 1000), decoder: good.decoder });
      await expect(truncated).rejects.toBeInstanceOf(SamModelError);
      await expect(truncated).rejects.toThrow(/^could not load the encoder \(1000 bytes\) as an ONNX model: /);
      const swapped = SamRuntimeClient.start(channel(probe), { encoder: good.decoder, decoder: good.encoder });
      await expect(swapped).rejects.toBeInstanceOf(SamModelError);
      await expect(swapped).rejects.toThrow(/^not a SAM-family encoder: expected inputs image and outputs image_embeddings; this file has inputs image_embeddings, point_coords/);
    }
  }, 180000);
});
