/** Checked builders of the frontend -> kernel messages. */
import type { TransferHeader } from '../core/transfer';
import { Obj, requireBool, requireInt, requireString, requireTransfer } from './protocolChecks';
import {
  CameraFields,
  ClickFields,
  DimsState,
  DisplayFields,
  FrontendMessage,
  LayerDescriptor,
  LayerKind,
  MAX_LAYERS,
  MAX_MESSAGE_LENGTH,
  MAX_SCREENSHOT_SIDE,
  PROTOCOL_VERSION,
  ProtocolError,
  ScaleBarFields,
  TileRegion
} from './protocolTypes';
import { payloadBytes, validateCamera, validateClick, validateDims, validateLayerDescriptor, validateLayerProps, validateScaleBar, validateTileRegion } from './protocolValidate';

// -- frontend -> kernel: checked builders ---------------------------------------------------------

export function helloMessage(clientId: string): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'hello', client_id: requireString(clientId, 'client_id') };
}

export function layerReadyMessage(layerId: string, transferId: string, nbytes: number): FrontendMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'layer-ready',
    layer_id: requireString(layerId, 'layer_id'),
    transfer_id: requireString(transferId, 'transfer_id'),
    nbytes: requireInt(nbytes, 'nbytes')
  };
}

/** Announces a user edit: `revision` is the layer's new revision (one more than before). */
/** The user edited a layer in frontend `clientId` (which the kernel names when it forwards the edit to other tabs). */
export function layerUpdateMessage(
  clientId: string,
  layerId: string,
  revision: number,
  dataChanged: boolean,
  props?: Partial<DisplayFields>
): FrontendMessage {
  const checked = props === undefined ? {} : { props: validateLayerProps(props, 'props', false) as Partial<DisplayFields> };
  return {
    v: PROTOCOL_VERSION,
    type: 'layer-update',
    layer_id: requireString(layerId, 'layer_id'),
    client_id: requireString(clientId, 'client_id'),
    revision: requireInt(revision, 'revision', 1),
    data_changed: requireBool(dataChanged, 'data_changed'),
    ...checked
  };
}

/** The header of a `data-reply`; chunk messages with the payload follow. */
export function dataReplyMessage(requestId: string, layer: LayerDescriptor, transfer: TransferHeader): FrontendMessage {
  const checked = validateLayerDescriptor(layer);
  return {
    v: PROTOCOL_VERSION,
    type: 'data-reply',
    request_id: requireString(requestId, 'request_id'),
    layer: checked,
    transfer: requireTransfer(transfer, payloadBytes(checked))
  };
}

export function dimsMessage(dims: DimsState): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'dims', ...validateDims(dims as unknown as Obj) };
}

/** The frontend's scale bar state (napari's `viewer.scale_bar`), for the kernel's `viewer.scale_bar`. */
export function scaleBarMessage(state: ScaleBarFields): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'scale-bar', ...validateScaleBar(state as unknown as Obj) };
}

/** The header of a `screenshot-reply` for an RGBA canvas of `height` x `width`. */
export function screenshotReplyMessage(requestId: string, height: number, width: number, transfer: TransferHeader): FrontendMessage {
  requireInt(height, 'shape[0]', 1, MAX_SCREENSHOT_SIDE);
  requireInt(width, 'shape[1]', 1, MAX_SCREENSHOT_SIDE);
  return {
    v: PROTOCOL_VERSION,
    type: 'screenshot-reply',
    request_id: requireString(requestId, 'request_id'),
    shape: [height, width, 4],
    transfer: requireTransfer(transfer, height * width * 4)
  };
}

/**
 * Pixels a user edit changed: the box [start, stop) of a labels layer (its bytes are the one
 * buffer), for `revision`; `last` on the final piece of the edit.
 */
export function layerEditMessage(clientId: string, layerId: string, revision: number, start: number[], stop: number[], last: boolean): FrontendMessage {
  const box = validateTileRegion({ level: 0, start, stop, step: start.map(() => 1) });
  return {
    v: PROTOCOL_VERSION,
    type: 'layer-edit',
    layer_id: requireString(layerId, 'layer_id'),
    client_id: requireString(clientId, 'client_id'),
    revision: requireInt(revision, 'revision', 1),
    start: box.start,
    stop: box.stop,
    last: requireBool(last, 'last')
  };
}

export function cameraMessage(camera: CameraFields): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'camera', ...validateCamera(camera as unknown as Obj) };
}

export function clickMessage(click: ClickFields): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'click', ...validateClick(click as unknown as Obj) };
}

/** The frontend's layers, bottom first, after the user removed, reordered or made one. */
export function layerListMessage(layers: readonly { id: string; kind: LayerKind }[]): FrontendMessage {
  if (layers.length > MAX_LAYERS) throw new ProtocolError(`layers: expected at most ${MAX_LAYERS} layers, got ${layers.length}`);
  return { v: PROTOCOL_VERSION, type: 'layer-list', layers: layers.map(({ id, kind }, i) => ({ id: requireString(id, `layers[${i}].id`), kind })) };
}

/** Asks the kernel for a region of a lazy image's level (answered by `tile-data` or `error`). */
export function tileRequestMessage(requestId: string, layerId: string, region: TileRegion): FrontendMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'tile-request',
    request_id: requireString(requestId, 'request_id'),
    layer_id: requireString(layerId, 'layer_id'),
    ...validateTileRegion(region as unknown as Obj)
  };
}

export function chunkMessage(transferId: string, index: number, offset: number): FrontendMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'chunk',
    transfer_id: requireString(transferId, 'transfer_id'),
    index: requireInt(index, 'index'),
    offset: requireInt(offset, 'offset')
  };
}

export function chunkAckMessage(transferId: string, received: number): FrontendMessage {
  return { v: PROTOCOL_VERSION, type: 'chunk-ack', transfer_id: requireString(transferId, 'transfer_id'), received: requireInt(received, 'received') };
}

/** Stops a transfer: this frontend's cancel of a layer the kernel sends, or of its own reply. */
export function transferCancelMessage(transferId: string, reason: string): FrontendMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'transfer-cancel',
    transfer_id: requireString(transferId, 'transfer_id'),
    reason: (reason || 'cancelled').slice(0, MAX_MESSAGE_LENGTH)
  };
}

/** An `error` reply; the message is cut to MAX_MESSAGE_LENGTH rather than refused. */
export function errorMessage(message: string, ids: { request_id?: string; transfer_id?: string } = {}): FrontendMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'error',
    message: (message || 'error').slice(0, MAX_MESSAGE_LENGTH),
    ...(ids.request_id !== undefined ? { request_id: requireString(ids.request_id, 'request_id') } : {}),
    ...(ids.transfer_id !== undefined ? { transfer_id: requireString(ids.transfer_id, 'transfer_id') } : {})
  };
}
