/**
 * The comm protocol between the kernel's `seglab.Viewer` and the browser, version 1.
 * The specification is python-kernel-bridge/PROTOCOL.md; this file validates what arrives
 * from the kernel and builds what goes back. Nothing here trusts the other side: every field is
 * checked for type and bounds before use.
 */
import { isDType, DType } from '../core/dtypes';
import { bytesPerElement } from '../core/dtypes';
import { sizeOf, validateShape } from '../core/ndarray';
import { TransferHeader, validateTransferHeader } from '../core/transfer';

export const PROTOCOL_VERSION = 1;
/** The largest array the browser accepts in one layer (ArrayBuffers above ~2 GiB are unreliable). */
export const MAX_ARRAY_BYTES = 2 * 1024 ** 3;
const MAX_NAME_LENGTH = 256;
const MAX_ID_LENGTH = 128;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface LayerDescriptor {
  id: string;
  name: string;
  kind: 'image';
  dtype: DType;
  shape: number[];
  rgb: boolean;
}

export type KernelMessage =
  | { v: 1; type: 'layer-data'; layer: LayerDescriptor; transfer: TransferHeader }
  | { v: 1; type: 'chunk'; transfer_id: string; index: number; offset: number }
  | { v: 1; type: 'layer-remove'; layer_id: string }
  | { v: 1; type: 'data-request'; request_id: string; layer_id: string }
  | { v: 1; type: 'open-panel'; title?: string }
  | { v: 1; type: 'error'; message: string; request_id?: string };

function requireString(obj: Record<string, unknown>, field: string, max = MAX_ID_LENGTH): string {
  const value = obj[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ProtocolError(`expected "${field}" to be a string of 1 to ${max} characters`);
  }
  return value;
}

export function validateLayerDescriptor(value: unknown): LayerDescriptor {
  if (typeof value !== 'object' || value === null) {
    throw new ProtocolError('expected "layer" to be an object');
  }
  const obj = value as Record<string, unknown>;
  requireString(obj, 'id');
  requireString(obj, 'name', MAX_NAME_LENGTH);
  if (obj.kind !== 'image') {
    throw new ProtocolError(`expected layer.kind "image", got ${JSON.stringify(obj.kind)}`);
  }
  if (!isDType(obj.dtype)) {
    throw new ProtocolError(`unsupported layer.dtype ${JSON.stringify(obj.dtype)}`);
  }
  let shape: number[];
  try {
    shape = validateShape(obj.shape);
  } catch (err) {
    throw new ProtocolError(`layer.shape: ${(err as Error).message}`);
  }
  if (typeof obj.rgb !== 'boolean') {
    throw new ProtocolError('expected layer.rgb to be a boolean');
  }
  if (sizeOf(shape) * bytesPerElement(obj.dtype) > MAX_ARRAY_BYTES) {
    throw new ProtocolError(`layer of ${JSON.stringify(shape)} ${obj.dtype} exceeds the ${MAX_ARRAY_BYTES}-byte limit`);
  }
  return obj as unknown as LayerDescriptor;
}

/** Validates one message from the kernel; throws ProtocolError naming the offending field. */
export function validateKernelMessage(content: unknown, bufferCount: number): KernelMessage {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ProtocolError('expected a message object');
  }
  const msg = content as Record<string, unknown>;
  if (msg.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(`expected protocol version ${PROTOCOL_VERSION}, got ${JSON.stringify(msg.v)}`);
  }
  const expectBuffers = (n: number) => {
    if (bufferCount !== n) {
      throw new ProtocolError(`expected ${n} binary buffer(s) with a "${msg.type}" message, got ${bufferCount}`);
    }
  };
  switch (msg.type) {
    case 'layer-data': {
      expectBuffers(0);
      const layer = validateLayerDescriptor(msg.layer);
      let transfer: TransferHeader;
      try {
        transfer = validateTransferHeader(msg.transfer, MAX_ARRAY_BYTES);
      } catch (err) {
        throw new ProtocolError(`transfer: ${(err as Error).message}`);
      }
      const expected = sizeOf(layer.shape) * bytesPerElement(layer.dtype);
      if (transfer.nbytes !== expected) {
        throw new ProtocolError(`layer ${layer.id}: transfer of ${transfer.nbytes} bytes, expected ${expected}`);
      }
      return { v: 1, type: 'layer-data', layer, transfer };
    }
    case 'chunk': {
      expectBuffers(1);
      requireString(msg, 'transfer_id');
      if (!Number.isSafeInteger(msg.index) || !Number.isSafeInteger(msg.offset)) {
        throw new ProtocolError('expected integer "index" and "offset" in a chunk message');
      }
      return msg as unknown as KernelMessage;
    }
    case 'layer-remove':
      expectBuffers(0);
      requireString(msg, 'layer_id');
      return msg as unknown as KernelMessage;
    case 'data-request':
      expectBuffers(0);
      requireString(msg, 'request_id');
      requireString(msg, 'layer_id');
      return msg as unknown as KernelMessage;
    case 'open-panel':
      expectBuffers(0);
      if (msg.title !== undefined && msg.title !== null) requireString(msg, 'title', MAX_NAME_LENGTH);
      return msg as unknown as KernelMessage;
    case 'error':
      expectBuffers(0);
      requireString(msg, 'message', 10000);
      return msg as unknown as KernelMessage;
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(msg.type)}`);
  }
}
