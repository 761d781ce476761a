/**
 * `segment-request` (kernel -> frontend: `viewer.segment(...)`) and `segment-reply` (the mask
 * back, chunked like a screenshot): the checks and the builder. Coordinates are napari's
 * (row, column) in the image layer's data coordinates; see seglab/_segment.py.
 */
import type { TransferHeader } from '../core/transfer';
import { MAX_SCREENSHOT_SIDE, PROTOCOL_VERSION, ProtocolError } from './protocolTypes';
import { Obj, requireBool, requireInt, requireList, requireNumber, requireString, requireTransfer } from './protocolChecks';

/** The most point prompts one request may carry (seglab/_segment.py's MAX_POINTS). */
export const MAX_SEGMENT_POINTS = 1000;
/** The largest plane side a mask reply may have. */
export const MAX_SEGMENT_SIDE = MAX_SCREENSHOT_SIDE * 4;

export interface SegmentRequest {
  request_id: string;
  layer_id: string;
  /** (row, column) per point. */
  points: Array<[number, number]>;
  labels: Array<0 | 1>;
  /** (row0, col0, row1, col1). */
  box?: [number, number, number, number];
  /** Index on each leading axis of an nD image; absent: the slice shown. */
  step?: number[];
  multimask?: boolean;
}

export function validateSegmentRequest(msg: Obj): SegmentRequest {
  const points = requireList(msg.points, 'points', undefined, MAX_SEGMENT_POINTS).map((p, i) => {
    const pair = requireList(p, `points[${i}]`, 2);
    return [requireNumber(pair[0], `points[${i}][0]`), requireNumber(pair[1], `points[${i}][1]`)] as [number, number];
  });
  const labels = requireList(msg.labels, 'labels', points.length).map((v, i) => requireInt(v, `labels[${i}]`, 0, 1) as 0 | 1);
  const out: SegmentRequest = { request_id: requireString(msg.request_id, 'request_id'), layer_id: requireString(msg.layer_id, 'layer_id'), points, labels };
  if (msg.box !== undefined && msg.box !== null) {
    const b = requireList(msg.box, 'box', 4).map((v, i) => requireNumber(v, `box[${i}]`));
    if (!(b[2] > b[0] && b[3] > b[1])) throw new ProtocolError(`box: expected (row0, col0, row1, col1) with row1 > row0 and col1 > col0, got (${b.join(', ')})`);
    out.box = b as [number, number, number, number];
  }
  if (points.length === 0 && !out.box) throw new ProtocolError('points/box: expected at least one point or a box');
  if (msg.step !== undefined) out.step = requireList(msg.step, 'step', undefined, 3).map((v, i) => requireInt(v, `step[${i}]`));
  if (msg.multimask !== undefined) out.multimask = requireBool(msg.multimask, 'multimask');
  return out;
}

export function segmentReplyMessage(requestId: string, height: number, width: number, iou: number, transfer: TransferHeader): Record<string, unknown> {
  requireInt(height, 'shape[0]', 1, MAX_SEGMENT_SIDE);
  requireInt(width, 'shape[1]', 1, MAX_SEGMENT_SIDE);
  return {
    v: PROTOCOL_VERSION,
    type: 'segment-reply',
    request_id: requireString(requestId, 'request_id'),
    shape: [height, width],
    iou: requireNumber(iou, 'iou'),
    transfer: requireTransfer(transfer, height * width)
  };
}

// -- viewer.set_model ------------------------------------------------------------------------

/** A model's manifest is a small JSON object (seglab-model.json is ~1 KB). */
const MAX_MANIFEST_CHARS = 64 * 1024;
/** The largest model file the kernel may send (SAM ViT-H's encoder is ~2.5 GB; beyond ArrayBuffer limits). */
export const MAX_KERNEL_MODEL_BYTES = 2 * 1024 ** 3;

export interface ModelData {
  request_id: string;
  /** The seglab-model.json of the model (checked by the model registry). */
  manifest: Obj;
  /** The encoder's bytes come first in the transfer, then the decoder's. */
  encoder_bytes: number;
  decoder_bytes: number;
  transfer: TransferHeader;
}

export function validateModelData(msg: Obj): ModelData {
  const manifest = msg.manifest;
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new ProtocolError('manifest: expected the seglab-model.json object');
  if (JSON.stringify(manifest).length > MAX_MANIFEST_CHARS) throw new ProtocolError(`manifest: expected at most ${MAX_MANIFEST_CHARS} characters of JSON`);
  const encoder = requireInt(msg.encoder_bytes, 'encoder_bytes', 1, MAX_KERNEL_MODEL_BYTES);
  const decoder = requireInt(msg.decoder_bytes, 'decoder_bytes', 1, MAX_KERNEL_MODEL_BYTES);
  return {
    request_id: requireString(msg.request_id, 'request_id'),
    manifest: manifest as Obj,
    encoder_bytes: encoder,
    decoder_bytes: decoder,
    transfer: requireTransfer(msg.transfer, encoder + decoder)
  };
}

export function modelReadyMessage(requestId: string, modelId: string): Record<string, unknown> {
  return { v: PROTOCOL_VERSION, type: 'model-ready', request_id: requireString(requestId, 'request_id'), model_id: requireString(modelId, 'model_id', 256) };
}

// -- viewer.set_embeddings -------------------------------------------------------------------

/** One plane's (or tile's) embeddings in an `embeddings-data` transfer. */
export interface EmbeddingEntry {
  /** The slice along axis 0 (null: a 2D image). */
  z: number | null;
  /** seglab-hash64 of the plane the kernel encoded (the viewer checks its own plane against it). */
  image_hash: string;
  /** The tile's outer block [y0, x0, y1, x1) (null: the whole plane). */
  tile_box: [number, number, number, number] | null;
  input_size: [number, number];
  original_size: [number, number];
}

export interface EmbeddingsData {
  request_id: string;
  layer_id: string;
  model_id: string;
  model_sha256: string;
  entries: EmbeddingEntry[];
  transfer: TransferHeader;
}

/** Bytes of one SAM embedding (256 × 64 × 64 float32). */
export const EMBEDDING_BYTES = 256 * 64 * 64 * 4;
const MAX_EMBEDDING_ENTRIES = 4096;

export function validateEmbeddingsData(msg: Obj): EmbeddingsData {
  const pair = (v: unknown, f: string) => requireList(v, f, 2).map((n, i) => requireInt(n, `${f}[${i}]`, 0)) as [number, number];
  const entries = requireList(msg.entries, 'entries', undefined, MAX_EMBEDDING_ENTRIES).map((raw, i) => {
    const e = raw as Obj;
    const at = `entries[${i}]`;
    return {
      z: e.z === null || e.z === undefined ? null : requireInt(e.z, `${at}.z`),
      image_hash: requireString(e.image_hash, `${at}.image_hash`, 64),
      tile_box: e.tile_box === null || e.tile_box === undefined ? null : (requireList(e.tile_box, `${at}.tile_box`, 4).map((n, k) => requireInt(n, `${at}.tile_box[${k}]`)) as [number, number, number, number]),
      input_size: pair(e.input_size, `${at}.input_size`),
      original_size: pair(e.original_size, `${at}.original_size`)
    };
  });
  if (entries.length === 0) throw new ProtocolError('entries: expected at least one embedding');
  return {
    request_id: requireString(msg.request_id, 'request_id'),
    layer_id: requireString(msg.layer_id, 'layer_id'),
    model_id: requireString(msg.model_id, 'model_id', 256),
    model_sha256: requireString(msg.model_sha256, 'model_sha256', 128),
    entries,
    transfer: requireTransfer(msg.transfer, entries.length * EMBEDDING_BYTES)
  };
}

export function embeddingsReadyMessage(requestId: string, accepted: number, rejected: number): Record<string, unknown> {
  return { v: PROTOCOL_VERSION, type: 'embeddings-ready', request_id: requireString(requestId, 'request_id'), accepted, rejected };
}
