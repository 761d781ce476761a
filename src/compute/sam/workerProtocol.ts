/**
 * The messages between a SamRuntime (page) and its Web Worker (samWorker.ts): versioned, each
 * checked on arrival (`parseRequest` in the worker, `parseReply` in the page), with sizes
 * bounded, so that a stray or malformed message becomes an error reply instead of a crash.
 *
 * Embeddings (4 MiB each) are named by a `key` the page chooses: the worker keeps the last
 * EMBEDDING_CACHE_SIZE it produced or received, so a decode normally sends the key alone; a
 * decode whose key the worker no longer holds is answered `missing-embeddings` and the page sends
 * it again with the values.
 */

export const SAM_WORKER_PROTOCOL_VERSION = 1;
export const EMBEDDING_VALUES = 256 * 64 * 64;
export const IMAGE_VALUES = 3 * 1024 * 1024;
export const MASK_VALUES = 256 * 256;
/** Embeddings the worker keeps (4 MiB each): the current image and a few neighbours (slices). */
export const EMBEDDING_CACHE_SIZE = 4;
/** Prompt points per decode: SAM's prompt encoder has no limit, this only bounds a message. */
export const MAX_PROMPT_POINTS = 1024;
/** An ONNX file larger than this is refused before it is copied (protobuf's own limit is 2 GiB). */
export const MAX_MODEL_BYTES = 2 ** 31;

export type Provider = 'webgpu' | 'wasm';

export interface SamBackendInfo {
  provider: Provider;
  /** WASM threads onnxruntime-web uses (for the WASM provider, and for CPU fallback ops on WebGPU). */
  threads: number;
  crossOriginIsolated: boolean;
  /** The WebGPU adapter ("google swiftshader"), when the provider is WebGPU. */
  adapter?: string;
  /** Why the backend is not the one asked for (e.g. WebGPU failed and WASM took over). */
  notice?: string;
}

export interface RuntimeOptions {
  /** Try WebGPU when an adapter exists (default true); false: WASM only. */
  preferWebGPU?: boolean;
  /** WASM threads when cross-origin isolated (default min(hardwareConcurrency, 4)); 1 otherwise. */
  threads?: number;
}

/** An error as it crosses the worker boundary: the page rebuilds one with this name and message. */
export interface WireError {
  name: string;
  message: string;
}

export type SamRequest =
  | { type: 'init'; id: number; version: number; encoder: Uint8Array; decoder: Uint8Array; options: RuntimeOptions }
  | { type: 'encode'; id: number; key: number; image: Float32Array }
  | { type: 'decode'; id: number; key: number; embeddings?: Float32Array; coords: Float32Array; labels: Float32Array; maskInput?: Float32Array }
  /** The page gave up on request `target` (aborted): skip it if it has not started. No reply. */
  | { type: 'cancel'; id: number; target: number }
  | { type: 'dispose'; id: number };

export type SamReply =
  | { type: 'ready'; id: number; info: SamBackendInfo }
  | { type: 'encoded'; id: number; embeddings: Float32Array }
  | { type: 'decoded'; id: number; lowRes: Float32Array; iou: Float32Array }
  | { type: 'missing-embeddings'; id: number }
  | { type: 'disposed'; id: number }
  | { type: 'error'; id: number; error: WireError }
  /** Not a reply: the backend changed (WebGPU failed, WASM took over). */
  | { type: 'backend'; id: -1; info: SamBackendInfo };

/** A message that is not what the protocol allows. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// By tag, not instanceof: a typed array from another realm (a structured clone in Node's test
// sandbox) is still one.
const tag = (v: unknown) => Object.prototype.toString.call(v);
export const isFloat32Array = (v: unknown): v is Float32Array => tag(v) === '[object Float32Array]';
const isUint8Array = (v: unknown): v is Uint8Array => tag(v) === '[object Uint8Array]';
export const isArrayBuffer = (v: unknown): v is ArrayBuffer => tag(v) === '[object ArrayBuffer]';

function requestId(m: Record<string, unknown>): number {
  if (!Number.isSafeInteger(m.id) || (m.id as number) < 0) throw new ProtocolError(`a message id must be a non-negative integer, got ${String(m.id)}`);
  return m.id as number;
}

function f32(m: Record<string, unknown>, field: string, length: (n: number) => boolean, expected: string, optional = false): Float32Array | undefined {
  const v = m[field];
  if (v === undefined && optional) return undefined;
  if (!isFloat32Array(v)) throw new ProtocolError(`${String(m.type)}: ${field} must be a Float32Array`);
  if (!length(v.length)) throw new ProtocolError(`${String(m.type)}: ${field} must hold ${expected} values, got ${v.length}`);
  return v instanceof Float32Array ? v : new Float32Array(v); // from another realm: onnxruntime-web checks instanceof
}

function bytes(m: Record<string, unknown>, field: string): Uint8Array {
  const v = m[field];
  if (!isUint8Array(v)) throw new ProtocolError(`init: ${field} must be a Uint8Array`);
  if (v.byteLength === 0 || v.byteLength > MAX_MODEL_BYTES) throw new ProtocolError(`init: ${field} must hold 1 to ${MAX_MODEL_BYTES} bytes, got ${v.byteLength}`);
  return v instanceof Uint8Array ? v : new Uint8Array(v);
}

function key(m: Record<string, unknown>): number {
  if (!Number.isSafeInteger(m.key) || (m.key as number) < 0) throw new ProtocolError(`${String(m.type)}: key must be a non-negative integer`);
  return m.key as number;
}

function options(v: unknown): RuntimeOptions {
  if (v === undefined) return {};
  if (!isObject(v)) throw new ProtocolError('init: options must be an object');
  const out: RuntimeOptions = {};
  if (v.preferWebGPU !== undefined) {
    if (typeof v.preferWebGPU !== 'boolean') throw new ProtocolError('init: options.preferWebGPU must be a boolean');
    out.preferWebGPU = v.preferWebGPU;
  }
  if (v.threads !== undefined) {
    if (!Number.isInteger(v.threads) || (v.threads as number) < 1 || (v.threads as number) > 64) throw new ProtocolError('init: options.threads must be an integer from 1 to 64');
    out.threads = v.threads as number;
  }
  return out;
}

/** What the worker accepts; throws ProtocolError (naming the id when it could be read). */
export function parseRequest(data: unknown): SamRequest {
  if (!isObject(data)) throw new ProtocolError('a request must be an object');
  const id = requestId(data);
  switch (data.type) {
    case 'init':
      if (data.version !== SAM_WORKER_PROTOCOL_VERSION) {
        throw new ProtocolError(`protocol version ${String(data.version)} is not the worker's (${SAM_WORKER_PROTOCOL_VERSION}): reload the page`);
      }
      return { type: 'init', id, version: SAM_WORKER_PROTOCOL_VERSION, encoder: bytes(data, 'encoder'), decoder: bytes(data, 'decoder'), options: options(data.options) };
    case 'encode':
      return { type: 'encode', id, key: key(data), image: f32(data, 'image', n => n === IMAGE_VALUES, `${IMAGE_VALUES} (1, 3, 1024, 1024)`)! };
    case 'decode': {
      const labels = f32(data, 'labels', n => n >= 1 && n <= MAX_PROMPT_POINTS, `1 to ${MAX_PROMPT_POINTS}`)!;
      return {
        type: 'decode',
        id,
        key: key(data),
        embeddings: f32(data, 'embeddings', n => n === EMBEDDING_VALUES, `${EMBEDDING_VALUES} (1, 256, 64, 64)`, true),
        coords: f32(data, 'coords', n => n === labels.length * 2, `${labels.length * 2} (2 per label)`)!,
        labels,
        maskInput: f32(data, 'maskInput', n => n === MASK_VALUES, `${MASK_VALUES} (256²)`, true)
      };
    }
    case 'cancel':
      if (!Number.isSafeInteger(data.target)) throw new ProtocolError('cancel: target must be an integer');
      return { type: 'cancel', id, target: data.target as number };
    case 'dispose':
      return { type: 'dispose', id };
    default:
      throw new ProtocolError(`unknown request type ${JSON.stringify(data.type)}`);
  }
}

function backendInfo(v: unknown): SamBackendInfo {
  if (!isObject(v) || (v.provider !== 'webgpu' && v.provider !== 'wasm') || !Number.isInteger(v.threads) || typeof v.crossOriginIsolated !== 'boolean') {
    throw new ProtocolError('backend info must have provider webgpu|wasm, integer threads and boolean crossOriginIsolated');
  }
  const info: SamBackendInfo = { provider: v.provider, threads: v.threads as number, crossOriginIsolated: v.crossOriginIsolated };
  if (typeof v.adapter === 'string') info.adapter = v.adapter;
  if (typeof v.notice === 'string') info.notice = v.notice;
  return info;
}

/** What the page accepts from the worker; throws ProtocolError. */
export function parseReply(data: unknown): SamReply {
  if (!isObject(data)) throw new ProtocolError('a reply must be an object');
  if (data.type === 'backend') return { type: 'backend', id: -1, info: backendInfo(data.info) };
  const id = requestId(data);
  switch (data.type) {
    case 'ready':
      return { type: 'ready', id, info: backendInfo(data.info) };
    case 'encoded':
      return { type: 'encoded', id, embeddings: f32(data, 'embeddings', n => n === EMBEDDING_VALUES, String(EMBEDDING_VALUES))! };
    case 'decoded':
      return { type: 'decoded', id, lowRes: f32(data, 'lowRes', n => n === 4 * MASK_VALUES, String(4 * MASK_VALUES))!, iou: f32(data, 'iou', n => n === 4, '4')! };
    case 'missing-embeddings':
    case 'disposed':
      return { type: data.type, id };
    case 'error': {
      const e = data.error;
      if (!isObject(e) || typeof e.name !== 'string' || typeof e.message !== 'string') throw new ProtocolError('error: error must have a string name and message');
      return { type: 'error', id, error: { name: e.name, message: e.message } };
    }
    default:
      throw new ProtocolError(`unknown reply type ${JSON.stringify(data.type)}`);
  }
}

/** The id of a message that failed to parse, when it has one (to address the error reply). */
export function idOf(data: unknown): number | null {
  return isObject(data) && Number.isSafeInteger(data.id) && (data.id as number) >= 0 ? (data.id as number) : null;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) return { name: err.name || 'Error', message: err.message };
  return { name: 'Error', message: String(err) };
}
