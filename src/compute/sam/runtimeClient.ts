/**
 * The page's side of a SAM runtime: promises over the messages of workerProtocol.ts, sent to
 * whatever `WorkerEndpoint` runs samWorkerHost (a Web Worker in the browser, see runtime.ts; a
 * MessageChannel port in the Node tests).
 *
 * Cancellation: onnxruntime-web cannot interrupt a run, so an aborted call rejects at once
 * with an AbortError; a request still queued in the worker is skipped, one already running
 * finishes and its result is dropped. We do not terminate and respawn the worker instead:
 * that throws away the loaded sessions (and, on WebGPU, the compiled shaders), whose
 * re-creation costs about as much as a vit_t encode, and would make the page keep a second
 * copy of the model files (hundreds of MB for ViT-B and larger) just for respawning.
 *
 * Embeddings stay in the worker: `encode`'s result is remembered (by object identity) under a
 * key, and `decode` with that same array sends only the key. Treat embeddings as immutable.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { DecoderOutput, SamModelError } from './samSession';
import { ProtocolError, parseReply, RuntimeOptions, SAM_WORKER_PROTOCOL_VERSION, SamBackendInfo, SamReply, SamRequest, WireError } from './workerProtocol';

export type { SamBackendInfo, RuntimeOptions } from './workerProtocol';

export interface SamRuntime {
  /** The current backend. */
  readonly info: SamBackendInfo;
  /** The backend changed (e.g. WebGPU failed, WASM took over): `info.notice` says why. */
  readonly infoChanged: ISignal<SamRuntime, SamBackendInfo>;
  /** The embeddings (1, 256, 64, 64) of a prepared (1, 3, 1024, 1024) image. */
  encode(prepared: Float32Array, signal?: AbortSignal): Promise<Float32Array>;
  /** The decoder on embeddings (preferably the very array `encode` returned: then they are not re-sent). */
  decode(embeddings: Float32Array, coords: Float32Array, labels: Float32Array, maskInput?: Float32Array, signal?: AbortSignal): Promise<DecoderOutput>;
  dispose(): Promise<void>;
}

/** The slice of `Worker` (and of a MessagePort, with terminate = close) the runtime uses. */
export interface WorkerEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror?: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

type Request = SamRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(reply: SamReply): void;
  reject(err: Error): void;
}

function abortError(): Error {
  return new DOMException('the SAM request was aborted', 'AbortError');
}

/** The worker's error as the caller's: same message, and the same class where it is one of ours. */
export function fromWireError(e: WireError): Error {
  let err: Error;
  if (e.name === 'SamModelError') err = new SamModelError(e.message);
  else if (e.name === 'RangeError') err = new RangeError(e.message);
  else if (e.name === 'ProtocolError') err = new ProtocolError(e.message);
  else {
    err = new Error(e.message);
    err.name = e.name;
  }
  return err;
}

export class SamRuntimeClient implements SamRuntime {
  private readonly pending = new Map<number, Pending>();
  private readonly keys = new WeakMap<Float32Array, number>();
  private readonly changed = new Signal<SamRuntime, SamBackendInfo>(this);
  private nextId = 1;
  private nextKey = 1;
  private current: SamBackendInfo = { provider: 'wasm', threads: 1, crossOriginIsolated: false };
  private dead: Error | null = null;
  /** Times embeddings were sent to the worker (a decode on unknown or evicted embeddings). */
  embeddingsSent = 0;

  private constructor(private readonly endpoint: WorkerEndpoint) {
    endpoint.onmessage = event => this.receive(event.data);
    endpoint.onerror = event => {
      // A worker that fails to load or crashes: every call from now on fails with this.
      event.preventDefault?.();
      this.fail(new Error(`the SAM worker failed: ${event.message || 'it could not be loaded'}`));
    };
  }

  /** Sends the model to the worker's runtime and resolves once both sessions are loaded. */
  static async start(endpoint: WorkerEndpoint, files: { encoder: Uint8Array; decoder: Uint8Array }, options: RuntimeOptions = {}): Promise<SamRuntimeClient> {
    const client = new SamRuntimeClient(endpoint);
    try {
      // The files are copied (not transferred): the caller may keep them, e.g. in a cache.
      const reply = await client.request({ type: 'init', version: SAM_WORKER_PROTOCOL_VERSION, encoder: files.encoder, decoder: files.decoder, options });
      if (reply.type !== 'ready') throw new ProtocolError(`expected ready, got ${reply.type}`);
      client.current = reply.info;
      return client;
    } catch (err) {
      endpoint.terminate();
      throw err;
    }
  }

  get info(): SamBackendInfo {
    return this.current;
  }

  get infoChanged(): ISignal<SamRuntime, SamBackendInfo> {
    return this.changed;
  }

  async encode(prepared: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const key = this.nextKey++;
    const reply = await this.request({ type: 'encode', key, image: prepared }, [], signal);
    if (reply.type !== 'encoded') throw new ProtocolError(`expected encoded, got ${reply.type}`);
    this.keys.set(reply.embeddings, key);
    return reply.embeddings;
  }

  async decode(embeddings: Float32Array, coords: Float32Array, labels: Float32Array, maskInput?: Float32Array, signal?: AbortSignal): Promise<DecoderOutput> {
    let key = this.keys.get(embeddings);
    let send = key === undefined;
    if (key === undefined) {
      key = this.nextKey++;
      this.keys.set(embeddings, key);
    }
    for (;;) {
      if (send) this.embeddingsSent++;
      const reply = await this.request({ type: 'decode', key, embeddings: send ? embeddings : undefined, coords, labels, maskInput }, [], signal);
      if (reply.type === 'decoded') return { lowRes: reply.lowRes, iou: reply.iou };
      if (reply.type !== 'missing-embeddings' || send) throw new ProtocolError(`expected decoded, got ${reply.type}`);
      send = true; // evicted from the worker's cache: send them along this time
    }
  }

  async dispose(): Promise<void> {
    if (this.dead) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // The worker releases its sessions (WebGPU buffers) before it is terminated; a busy worker is not waited for long.
      await Promise.race([this.request({ type: 'dispose' }), new Promise(resolve => (timer = setTimeout(resolve, 2000)))]);
    } catch {
      // disposing anyway
    } finally {
      clearTimeout(timer);
    }
    this.fail(new Error('the SAM runtime was disposed'));
    Signal.clearData(this);
  }

  private request(message: Request, transfer: Transferable[] = [], signal?: AbortSignal): Promise<SamReply> {
    if (this.dead) return Promise.reject(this.dead);
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise<SamReply>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        this.endpoint.postMessage({ type: 'cancel', id: this.nextId++, target: id }, []);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: reply => {
          signal?.removeEventListener('abort', onAbort);
          resolve(reply);
        },
        reject: err => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        }
      });
      try {
        this.endpoint.postMessage({ ...message, id }, transfer);
      } catch (err) {
        this.pending.get(id)?.reject(err as Error);
        this.pending.delete(id);
      }
    });
  }

  private receive(data: unknown): void {
    let reply: SamReply;
    try {
      reply = parseReply(data);
    } catch (err) {
      console.error('SegLab: a malformed message from the SAM worker was dropped:', err);
      return;
    }
    if (reply.type === 'backend') {
      this.current = reply.info;
      this.changed.emit(reply.info);
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return; // aborted: its result is dropped
    this.pending.delete(reply.id);
    if (reply.type === 'error') pending.reject(fromWireError(reply.error));
    else pending.resolve(reply);
  }

  private fail(err: Error): void {
    this.dead = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.endpoint.onmessage = null;
    this.endpoint.terminate();
  }
}
