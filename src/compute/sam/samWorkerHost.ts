/**
 * What the SAM Web Worker does with each message (samWorker.ts only wires this to the worker
 * scope and loads onnxruntime-web; Node tests drive it through a MessageChannel with the real
 * onnxruntime-web): one SamSession, requests run one at a time in arrival order, the last few
 * embeddings kept by key, and the WebGPU → WASM fallback.
 *
 * Fallback: when the session cannot be created on WebGPU, or a run on WebGPU throws (out of
 * memory, an op the WebGPU provider cannot run, a lost device), the session is recreated on WASM,
 * a `backend` message with a notice tells the page, and the call is retried there. The model
 * bytes are kept only while a fallback may still be needed (i.e. while on WebGPU).
 */
import {
  backendInfo,
  BackendEnvironment,
  BackendPlan,
  fallbackNotice,
  fallbackPlan,
  planBackend,
  probeEnvironment
} from './backendChoice';
import { OrtModule, SamSession } from './samSession';
import { EMBEDDING_CACHE_SIZE, idOf, isArrayBuffer, parseRequest, SamBackendInfo, SamReply, SamRequest, toWireError } from './workerProtocol';

export type PostReply = (reply: SamReply, transfer: Transferable[]) => void;

/** A typed array that owns a whole, transferable ArrayBuffer (ort may hand out views of shared memory). */
function owned(a: Float32Array): Float32Array {
  return isArrayBuffer(a.buffer) && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

export class SamWorkerHost {
  private session: SamSession | null = null;
  private plan: BackendPlan | null = null;
  private env: BackendEnvironment | null = null;
  private info: SamBackendInfo | null = null;
  /** The model files, kept while the session is on WebGPU (to recreate it on WASM). */
  private files: { encoder: Uint8Array; decoder: Uint8Array } | null = null;
  /** Embeddings by key, least recently used first. */
  private readonly embeddings = new Map<number, Float32Array>();
  private readonly cancelled = new Set<number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ort: OrtModule,
    private readonly post: PostReply,
    /** What the browser offers; injectable so that Node tests can claim an adapter Node lacks. */
    private readonly probe: () => Promise<BackendEnvironment> = probeEnvironment
  ) {}

  /** One incoming message: checked, then queued behind the requests before it. */
  handle(data: unknown): void {
    let request: SamRequest;
    try {
      request = parseRequest(data);
    } catch (err) {
      const id = idOf(data);
      if (id !== null) this.post({ type: 'error', id, error: toWireError(err) }, []);
      else console.warn('SegLab SAM worker: dropped a message without an id:', err);
      return;
    }
    if (request.type === 'cancel') {
      // Only requests still queued can be skipped: a run in progress cannot be interrupted.
      this.cancelled.add(request.target);
      return;
    }
    this.queue = this.queue.then(() => this.run(request));
  }

  private async run(request: Exclude<SamRequest, { type: 'cancel' }>): Promise<void> {
    if (this.cancelled.delete(request.id)) return;
    try {
      switch (request.type) {
        case 'init':
          return this.post({ type: 'ready', id: request.id, info: await this.init(request.encoder, request.decoder, request.options) }, []);
        case 'encode': {
          const embeddings = owned(await this.withFallback(s => s.encode(request.image)));
          this.remember(request.key, embeddings);
          // Copied, not transferred: the worker keeps its own for the decodes that follow.
          return this.post({ type: 'encoded', id: request.id, embeddings }, []);
        }
        case 'decode': {
          if (request.embeddings) this.remember(request.key, request.embeddings);
          const embeddings = this.recall(request.key);
          if (!embeddings) return this.post({ type: 'missing-embeddings', id: request.id }, []);
          const out = await this.withFallback(s => s.decode(embeddings, request.coords, request.labels, request.maskInput));
          const lowRes = owned(out.lowRes);
          const iou = owned(out.iou);
          return this.post({ type: 'decoded', id: request.id, lowRes, iou }, [lowRes.buffer, iou.buffer]);
        }
        case 'dispose':
          await this.dispose();
          return this.post({ type: 'disposed', id: request.id }, []);
      }
    } catch (err) {
      this.post({ type: 'error', id: request.id, error: toWireError(err) }, []);
    }
  }

  private async init(encoder: Uint8Array, decoder: Uint8Array, options: { preferWebGPU?: boolean; threads?: number }): Promise<SamBackendInfo> {
    if (this.session) throw new Error('this SAM runtime already has a model');
    const env = (this.env = await this.probe());
    const plan = planBackend(env, options);
    // Read once, when onnxruntime-web initialises its WASM module (the first session).
    this.ort.env.wasm.numThreads = plan.threads;
    const files = { encoder, decoder };
    try {
      this.session = await SamSession.create(this.ort, files, plan.executionProviders);
      this.plan = plan;
      this.info = backendInfo(plan, env);
      this.files = plan.provider === 'wasm' ? null : files;
    } catch (err) {
      const fallback = fallbackPlan(plan);
      if (!fallback) throw err;
      // A corrupt or non-SAM file fails on WASM too, and that error (SamSession's) is the one reported.
      this.session = await SamSession.create(this.ort, files, fallback.executionProviders);
      this.plan = fallback;
      this.info = backendInfo(fallback, env, fallbackNotice('loading', err));
    }
    return this.info;
  }

  /** Runs `call` on the session; on WebGPU, a failure moves the session to WASM and retries once. */
  private async withFallback<T>(call: (session: SamSession) => Promise<T>): Promise<T> {
    if (!this.session || !this.plan || !this.env) throw new Error('the SAM runtime has no model (init first)');
    try {
      return await call(this.session);
    } catch (err) {
      const fallback = fallbackPlan(this.plan);
      // RangeError: the caller's input, which no backend would accept.
      if (!fallback || err instanceof RangeError || !this.files) throw err;
      const failed = this.session;
      this.session = null;
      await failed.dispose().catch(() => undefined);
      this.session = await SamSession.create(this.ort, this.files, fallback.executionProviders);
      this.plan = fallback;
      this.files = null;
      this.info = backendInfo(fallback, this.env, fallbackNotice('running', err));
      this.post({ type: 'backend', id: -1, info: this.info }, []);
      return call(this.session);
    }
  }

  private remember(key: number, embeddings: Float32Array): void {
    this.embeddings.delete(key);
    this.embeddings.set(key, embeddings);
    while (this.embeddings.size > EMBEDDING_CACHE_SIZE) this.embeddings.delete(this.embeddings.keys().next().value as number);
  }

  private recall(key: number): Float32Array | undefined {
    const e = this.embeddings.get(key);
    if (e) this.remember(key, e);
    return e;
  }

  async dispose(): Promise<void> {
    this.embeddings.clear();
    this.files = null;
    const session = this.session;
    this.session = null;
    await session?.dispose();
  }
}
