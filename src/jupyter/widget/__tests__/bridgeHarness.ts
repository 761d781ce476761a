// Shared by the kernelBridge specs: a KernelBridge on a real ViewerModel whose `send` (the comm)
// records messages, v3 kernel messages built from real descriptors (checked with protocol.ts), and
// a check of every message the bridge sent, by re-building it with protocol.ts's checked builders.
/// <reference types="node" />
import { embeddingsReadyMessage, modelReadyMessage, segmentReplyMessage } from '../../protocolSegment';
import { pixelReplyMessage } from '../../protocolPixel';
import { isDeepStrictEqual } from 'util';
import { ChunkAssembler, makeTransferHeader, splitIntoChunks, TransferHeader } from '../../../core/transfer';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import * as P from '../../protocol';
import { BridgeEvents, KernelBridge } from '../kernelBridge';

export type Msg = Record<string, unknown>;
export interface Sent {
  content: Msg;
  buffers: ArrayBufferView[];
}

const recorded: Sent[][] = [];

/**
 * A bridge on a fresh viewer; everything it sends lands in `sent` (and is checked by
 * `checkSentMessages`), except its `chunk-ack`s, which land in `acks` (most specs are about the rest).
 */
export function setup(events: BridgeEvents = {}) {
  const viewer = new ViewerModel();
  const sent: Sent[] = [];
  const acks: Sent[] = [];
  recorded.push(sent, acks);
  const bridge = new KernelBridge(
    viewer,
    (content, buffers = []) => (content.type === 'chunk-ack' ? acks : sent).push({ content, buffers }),
    events,
    'client-test'
  );
  return { viewer, sent, acks, bridge };
}

/**
 * Re-builds a frontend -> kernel message with protocol.ts's checked builders (which run its
 * descriptor, props, dims and transfer validators) and throws unless the result is the message.
 */
export function validateFrontendMessage(content: Msg, buffers: number): void {
  const c = content as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const rebuilt: Record<string, () => P.FrontendMessage> = {
    hello: () => P.helloMessage(c.client_id),
    'layer-ready': () => P.layerReadyMessage(c.layer_id, c.transfer_id, c.nbytes),
    'layer-update': () => P.layerUpdateMessage(c.client_id, c.layer_id, c.revision, c.data_changed, c.props),
    'data-reply': () => P.dataReplyMessage(c.request_id, c.layer, c.transfer),
    dims: () => P.dimsMessage({ ndim: c.ndim, current_step: c.current_step, axis_labels: c.axis_labels }),
    'scale-bar': () => P.scaleBarMessage({ visible: c.visible, unit: c.unit, position: c.position }),
    'layer-list': () => P.layerListMessage(c.layers),
    camera: () => P.cameraMessage({ center: c.center, zoom: c.zoom }),
    'layer-edit': () => P.layerEditMessage(c.client_id, c.layer_id, c.revision, c.start, c.stop, c.last),
    click: () => P.clickMessage({ position: c.position, button: c.button, modifiers: c.modifiers }),
    'tile-request': () => P.tileRequestMessage(c.request_id, c.layer_id, { level: c.level, start: c.start, stop: c.stop, step: c.step }),
    'screenshot-reply': () => P.screenshotReplyMessage(c.request_id, c.shape?.[0], c.shape?.[1], c.transfer),
    'segment-reply': () => segmentReplyMessage(c.request_id, c.shape?.[0], c.shape?.[1], c.iou, c.transfer) as unknown as P.FrontendMessage,
    'model-ready': () => modelReadyMessage(c.request_id, c.model_id) as unknown as P.FrontendMessage,
    'embeddings-ready': () => embeddingsReadyMessage(c.request_id, c.accepted, c.rejected) as unknown as P.FrontendMessage,
    'pixel-reply': () => pixelReplyMessage(c.request_id, c.op, c.dtype, c.shape, c.transfer) as unknown as P.FrontendMessage,
    chunk: () => P.chunkMessage(c.transfer_id, c.index, c.offset),
    'chunk-ack': () => P.chunkAckMessage(c.transfer_id, c.received),
    'transfer-cancel': () => P.transferCancelMessage(c.transfer_id, c.reason),
    error: () => P.errorMessage(c.message, { request_id: c.request_id, transfer_id: c.transfer_id })
  };
  if (c.v !== P.PROTOCOL_VERSION || !(c.type in rebuilt)) {
    throw new Error(`not a v3 frontend message: ${JSON.stringify(content).slice(0, 200)}`);
  }
  const built = rebuilt[c.type]();
  if (!isDeepStrictEqual(built, content)) {
    throw new Error(`${c.type}: ${JSON.stringify(content).slice(0, 300)} is not what the builder makes`);
  }
  if (buffers !== (c.type === 'chunk' || c.type === 'layer-edit' ? 1 : 0)) {
    throw new Error(`${c.type} sent with ${buffers} buffers`);
  }
}

/** Checks every message sent by every bridge made since the last call (use in afterEach). */
export function checkSentMessages(): void {
  const all = recorded.splice(0).flat();
  for (const { content, buffers } of all) validateFrontendMessage(content, buffers.length);
}

// -- kernel -> frontend ---------------------------------------------------------------------------

const common = (ndim: number) => ({
  ndim,
  revision: 1,
  visible: true,
  opacity: 1,
  blending: 'translucent',
  scale: new Array(ndim).fill(1),
  translate: new Array(ndim).fill(0)
});

export function imageLayer(over: Msg = {}): Msg {
  const shape = (over.shape as number[]) ?? [40, 50];
  const ndim = shape.length - (over.rgb ? 1 : 0);
  return {
    id: 'L1', name: 'nuclei', kind: 'image', ...common(ndim),
    dtype: 'uint16', shape, rgb: false, multiscale_shapes: [], lazy: false, colormap: 'gray', contrast_limits: [0, 1000], gamma: 1, interpolation: 'nearest', ...over
  };
}

export function labelsLayer(over: Msg = {}): Msg {
  const shape = (over.shape as number[]) ?? [4, 5];
  return { id: 'LB', name: 'cells', kind: 'labels', ...common(shape.length), dtype: 'int32', shape, selected_label: 1, mode: 'pan_zoom', label_classes: [], ...over };
}

export function pointsLayer(n: number, over: Msg = {}): Msg {
  const ndim = (over.ndim as number) ?? 2;
  return { id: 'PT', name: 'spots', kind: 'points', ...common(ndim), n_points: n, size: 10, face_color: '#ffffffff', properties: [], ...over };
}

export function shapesLayer(types: P.ShapeType[], counts: number[], over: Msg = {}): Msg {
  const ndim = (over.ndim as number) ?? 2;
  return {
    id: 'SH', name: 'rois', kind: 'shapes', ...common(ndim), shape_type: types, vertex_counts: counts,
    edge_color: '#000000ff', face_color: '#ffffffff', edge_width: 1, properties: [], ...over
  };
}

export function bytesOfView(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * What the kernel sends for one layer: `layer-data`, then chunks whose buffers are DataViews, as
 * the comm delivers them. With `valid` (default) both are checked to be valid v3 kernel messages.
 */
export function transfer(layer: Msg, payload: ArrayBufferView, id: string, chunkBytes = 1024, valid = true) {
  const bytes = bytesOfView(payload);
  const header = bytes.byteLength
    ? makeTransferHeader(id, bytes.byteLength, chunkBytes)
    : { id, nbytes: 0, chunk_bytes: chunkBytes, n_chunks: 0 };
  const start: Msg = { v: 3, type: 'layer-data', layer, transfer: header };
  const chunks = splitIntoChunks(bytes, chunkBytes).map((c, index) => ({
    content: { v: 3, type: 'chunk', transfer_id: id, index, offset: index * chunkBytes } as Msg,
    buffers: [new DataView(c.buffer, c.byteOffset, c.byteLength)]
  }));
  if (valid) {
    P.validateKernelMessage(start, 0);
    chunks.forEach(c => P.validateKernelMessage(c.content, 1));
  }
  return { start, chunks };
}

export function sendLayer(bridge: KernelBridge, layer: Msg, payload: ArrayBufferView, id: string, chunkBytes = 1024): void {
  const t = transfer(layer, payload, id, chunkBytes);
  [{ content: t.start, buffers: [] as DataView[] }, ...t.chunks].forEach(c => bridge.handle(c.content, c.buffers));
}

/** Sends a kernel message after checking that it is a valid v3 message. */
export function kernelSays(bridge: KernelBridge, content: Msg): void {
  P.validateKernelMessage(content, 0);
  bridge.handle(content, []);
}

export function pattern(n: number, seed = 1): Uint8Array {
  let x = seed;
  return new Uint8Array(n).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
}

export const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(bytesOfView(a)).equals(Buffer.from(bytesOfView(b)));
export const types = (sent: Sent[]) => sent.map(s => s.content.type);

/** The data-reply (or screenshot-reply) for `requestId` and its payload, re-assembled from the chunks sent after it. */
export function replyFor(sent: Sent[], requestId: string) {
  const at = sent.findIndex(s => s.content.request_id === requestId && s.content.type !== 'error');
  if (at < 0) throw new Error(`no reply to ${requestId}: ${JSON.stringify(types(sent))}`);
  const content = sent[at].content;
  const header = content.transfer as TransferHeader;
  const chunks = sent.slice(at + 1, at + 1 + header.n_chunks);
  expect(chunks.map(c => [c.content.type, c.content.transfer_id])).toEqual(chunks.map(() => ['chunk', header.id]));
  const asm = new ChunkAssembler(header);
  chunks.forEach(c => asm.add(c.content.index, c.content.offset, bytesOfView(c.buffers[0])));
  expect(asm.complete).toBe(true);
  const payload = header.nbytes ? new Uint8Array(asm.result()) : new Uint8Array(0);
  return { content, layer: content.layer as P.LayerDescriptor, header, payload };
}

export function f64(values: number[]): Float64Array {
  return Float64Array.from(values);
}
