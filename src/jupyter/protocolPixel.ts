/**
 * `pixel-request` (kernel -> frontend: `viewer.pixel_classifier.predict()` / `.export()` /
 * `.state()`) and `pixel-reply` (the result back as one chunked transfer): checks and builder.
 * See PROTOCOL.md, "Pixel classification", and seglab/_pixel.py.
 */
import type { TransferHeader } from '../core/transfer';
import { PROTOCOL_VERSION, ProtocolError } from './protocolTypes';
import { Obj, requireBool, requireInt, requireList, requireString, requireTransfer } from './protocolChecks';

export const PIXEL_OPS = ['predict', 'export', 'state'] as const;
export type PixelOp = (typeof PIXEL_OPS)[number];
export const PIXEL_OUTPUTS = ['probabilities', 'segmentation'] as const;
export type PixelOutput = (typeof PIXEL_OUTPUTS)[number];
/** A reply's payload: an array of this dtype (predict) or UTF-8 JSON (export, state). */
export type PixelPayload = 'float32' | 'uint8' | 'json';
/** The largest reply (a 16k² probability map of 4 classes is 4 GiB: refused, say why). */
export const MAX_PIXEL_REPLY_BYTES = 2 * 1024 ** 3;

export interface PixelRequest {
  request_id: string;
  op: PixelOp;
  output?: PixelOutput;
  /** Train (and predict) first, even when not live; waits for a run in progress anyway. */
  train?: boolean;
}

export function validatePixelRequest(msg: Obj): PixelRequest {
  const op = requireString(msg.op, 'op');
  if (!(PIXEL_OPS as readonly string[]).includes(op)) throw new ProtocolError(`op: expected one of ${PIXEL_OPS.join(', ')}, got ${JSON.stringify(op)}`);
  const out: PixelRequest = { request_id: requireString(msg.request_id, 'request_id'), op: op as PixelOp };
  if (msg.output !== undefined) {
    const o = requireString(msg.output, 'output');
    if (!(PIXEL_OUTPUTS as readonly string[]).includes(o)) throw new ProtocolError(`output: expected one of ${PIXEL_OUTPUTS.join(', ')}, got ${JSON.stringify(o)}`);
    out.output = o as PixelOutput;
  }
  if (msg.train !== undefined) out.train = requireBool(msg.train, 'train');
  return out;
}

export function pixelReplyMessage(requestId: string, op: PixelOp, dtype: PixelPayload, shape: number[], transfer: TransferHeader): Record<string, unknown> {
  requireList(shape, 'shape', undefined, 4).forEach((n, i) => requireInt(n, `shape[${i}]`, 1, 1 << 20));
  const expected = dtype === 'json' ? transfer.nbytes : shape.reduce((a, b) => a * b, 1) * (dtype === 'float32' ? 4 : 1);
  if (expected > MAX_PIXEL_REPLY_BYTES) throw new ProtocolError(`the reply would be ${expected} bytes, more than ${MAX_PIXEL_REPLY_BYTES}`);
  return {
    v: PROTOCOL_VERSION,
    type: 'pixel-reply',
    request_id: requireString(requestId, 'request_id'),
    op,
    dtype,
    shape,
    transfer: requireTransfer(transfer, expected)
  };
}
