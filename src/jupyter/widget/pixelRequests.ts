/**
 * The bridge's part of `viewer.pixel_classifier` (PROTOCOL.md, "Pixel classification"): a
 * `pixel-request` goes to the pixel service (the `pixel` event); its answer goes back as one
 * chunked `pixel-reply`; a failure as an `error` naming the request, so the kernel raises.
 */
import { makeTransferHeader } from '../../core/transfer';
import { errorMessage, FrontendMessage } from '../protocol';
import { PixelPayload, pixelReplyMessage, PixelRequest } from '../protocolPixel';
import type { SegmentRequestHost } from './segmentRequests';

export interface PixelAnswer {
  dtype: PixelPayload;
  shape: number[];
  bytes: Uint8Array;
}

export type PixelEvent = (request: PixelRequest) => Promise<PixelAnswer>;

let replyCounter = 0;

export async function answerPixelRequest(request: PixelRequest, event: PixelEvent | undefined, clientId: string, host: SegmentRequestHost): Promise<void> {
  const fail = (text: string) => {
    if (!host.gone()) host.post(errorMessage(text, { request_id: request.request_id }));
  };
  if (!event) return fail('this viewer has no pixel classifier (open it in JupyterLab with SegLab installed)');
  try {
    const { dtype, shape, bytes } = await event(request);
    if (host.gone()) return;
    const header = makeTransferHeader(`${clientId}-pixel-${++replyCounter}`, bytes.byteLength);
    host.post(pixelReplyMessage(request.request_id, request.op, dtype, shape, header) as unknown as FrontendMessage);
    host.reply(request.request_id, header.id, bytes, header.chunk_bytes);
  } catch (err) {
    fail(String((err as Error).message ?? err));
  }
}
