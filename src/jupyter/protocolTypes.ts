/** Protocol v2 constants, limits, enums and message/descriptor types (re-exported by protocol.ts). */
import type { ColormapName } from '../core/colormaps';
import type { DType } from '../core/dtypes';
import type { TransferHeader } from '../core/transfer';
import type { ScaleBarState } from '../viewer/model/scaleBar';
import type { EmbeddingsData, ModelData, SegmentRequest } from './protocolSegment';
import type { PixelOp, PixelPayload, PixelRequest } from './protocolPixel';

export const PROTOCOL_VERSION = 3;
/** The largest payload of one layer or screenshot (ArrayBuffers above ~2 GiB are unreliable). */
export const MAX_ARRAY_BYTES = 2 * 1024 ** 3;
export const MIN_NDIM = 2;
export const MAX_NDIM = 5;
export const MAX_POINTS = 1_000_000;
export const MAX_SHAPES = 100_000;
export const MAX_VERTICES = 1_000_000;
/** Longest per-item JSON list (sizes, colours, property columns). */
export const MAX_ITEM_LIST = 100_000;
export const MAX_PROPERTIES = 32;
export const MAX_STRING_LENGTH = 256;
export const MAX_ID_LENGTH = 128;
export const MAX_MESSAGE_LENGTH = 10_000;
export const MAX_SCREENSHOT_SIDE = 16_384;
/** Layers one `layer-list` / `layer-order` may name. */
export const MAX_LAYERS = 1000;
/** Senders keep the JSON of one message below this (Jupyter's websocket limit is 10 MiB). */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;

export const LAYER_KINDS = ['image', 'labels', 'points', 'shapes'] as const;
export const BLENDINGS = ['translucent', 'translucent_no_depth', 'additive', 'opaque', 'minimum'] as const;
export const INTERPOLATIONS = ['nearest', 'linear'] as const;
export const LABELS_MODES = ['pan_zoom', 'pick', 'paint', 'fill', 'erase'] as const;
export const LABEL_DTYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64'] as const;
export const RGB_DTYPES = ['uint8', 'float32', 'float64'] as const;
export const PROPERTY_DTYPES = ['float64', 'int64', 'bool', 'str'] as const;
/** Vertices each shape type has on the wire: [minimum, maximum]. */
export const SHAPE_VERTICES = {
  rectangle: [4, 4],
  ellipse: [4, 4],
  line: [2, 2],
  path: [2, MAX_VERTICES],
  polygon: [3, MAX_VERTICES]
} as const;
export const SHAPE_TYPES = Object.keys(SHAPE_VERTICES) as ShapeType[];

export type LayerKind = (typeof LAYER_KINDS)[number];
export type Blending = (typeof BLENDINGS)[number];
export type Interpolation = (typeof INTERPOLATIONS)[number];
export type LabelsMode = (typeof LABELS_MODES)[number];
export type LabelDType = (typeof LABEL_DTYPES)[number];
export type ShapeType = keyof typeof SHAPE_VERTICES;
/** `#rrggbbaa`. */
export type HexColor = string;
/** One value for every item, or a non-empty list with one per item. */
export type PerItem<T> = T | T[];

export type PropertyColumn =
  | { name: string; dtype: 'float64'; values: (number | null)[] }
  | { name: string; dtype: 'int64'; values: number[] }
  | { name: string; dtype: 'bool'; values: boolean[] }
  | { name: string; dtype: 'str'; values: string[] };

/** Fields that `layer-props` and `layer-update` may change without new data. */
export interface DisplayFields {
  name: string;
  visible: boolean;
  opacity: number;
  blending: Blending;
  scale: number[];
  translate: number[];
  colormap: ColormapName;
  contrast_limits: [number, number];
  gamma: number;
  interpolation: Interpolation;
  selected_label: number;
  mode: LabelsMode;
  label_classes: WireLabelClass[];
}
/** Label id k + 1's name and colour, entry k of a labels layer's `label_classes`. */
export interface WireLabelClass {
  name: string;
  color: HexColor;
}
/** Per-item fields of points and shapes (`layer-props` only, kernel -> frontend). */
export interface ItemFields {
  size: PerItem<number>;
  face_color: PerItem<HexColor>;
  edge_color: PerItem<HexColor>;
  edge_width: PerItem<number>;
  properties: PropertyColumn[];
}
export type LayerProps = Partial<DisplayFields & ItemFields>;

interface CommonDescriptor {
  id: string;
  name: string;
  ndim: number;
  revision: number;
  visible: boolean;
  opacity: number;
  blending: Blending;
  scale: number[];
  translate: number[];
}
export interface ImageDescriptor extends CommonDescriptor {
  kind: 'image';
  dtype: DType;
  shape: number[];
  rgb: boolean;
  /** Shapes of levels 1.. of a multiscale image (payload: every level's bytes in order); [] otherwise. */
  multiscale_shapes: number[][];
  /** The kernel serves the pixels on request (`tile-request` / `tile-data`); no payload. */
  lazy: boolean;
  colormap: ColormapName;
  contrast_limits: [number, number];
  gamma: number;
  interpolation: Interpolation;
}
export interface LabelsDescriptor extends CommonDescriptor {
  kind: 'labels';
  dtype: LabelDType;
  shape: number[];
  selected_label: number;
  mode: LabelsMode;
  label_classes: WireLabelClass[];
}
export interface PointsDescriptor extends CommonDescriptor {
  kind: 'points';
  n_points: number;
  size: PerItem<number>;
  face_color: PerItem<HexColor>;
  properties: PropertyColumn[];
}
export interface ShapesDescriptor extends CommonDescriptor {
  kind: 'shapes';
  shape_type: ShapeType[];
  vertex_counts: number[];
  edge_color: PerItem<HexColor>;
  face_color: PerItem<HexColor>;
  edge_width: PerItem<number>;
  properties: PropertyColumn[];
}
export type LayerDescriptor = ImageDescriptor | LabelsDescriptor | PointsDescriptor | ShapesDescriptor;

export interface DimsState {
  ndim: number;
  current_step: number[];
  axis_labels: string[];
}

/**
 * A region of one level of a lazy image, per spatial axis of that level: [start, stop) read
 * every `step`-th element (sliced axes have stop = start + 1). The colour axis is always whole.
 */
export interface TileRegion {
  level: number;
  start: number[];
  stop: number[];
  step: number[];
}

/** The pixels of a region (one buffer): its shape (the colour axis last) and dtype. */
export type TileData = TileRegion & { request_id: string; layer_id: string; shape: number[]; dtype: DType };

/** The `camera` message (napari's `viewer.camera` in 2D), the same both ways. */
export interface CameraFields {
  /** World (row, col) of the displayed axes at the canvas centre. */
  center: [number, number];
  /** Screen pixels per world unit. */
  zoom: number;
}

/** Mouse buttons as napari numbers them. */
export const CLICK_BUTTONS = [1, 2, 3] as const;
export const CLICK_MODIFIERS = ['Shift', 'Control', 'Alt', 'Meta'] as const;
/** A click in the viewer: the world point on every axis, the button, the modifier keys. */
export interface ClickFields {
  position: number[];
  button: (typeof CLICK_BUTTONS)[number];
  modifiers: (typeof CLICK_MODIFIERS)[number][];
}

/** The `scale-bar` message's fields (napari's `viewer.scale_bar`), the same both ways. */
export type ScaleBarFields = ScaleBarState;

type V = { v: typeof PROTOCOL_VERSION };
/** A box of labels pixels an edit touched (frontend -> kernel; and forwarded to the other tabs, with the editing tab as `origin`). */
export type LayerEditFields = { layer_id: string; revision: number; start: number[]; stop: number[]; last: boolean };
/** Back-pressure, both ways: the receiver holds the first `received` chunks of a transfer. */
export type ChunkAck = { type: 'chunk-ack'; transfer_id: string; received: number };
/** Stop a transfer, both ways: by its id, or (a reply not yet begun) by the request it answers. */
export type TransferCancel = { type: 'transfer-cancel'; transfer_id?: string; request_id?: string; reason: string };
export type KernelMessage = V &
  (
    | { type: 'layer-data'; layer: LayerDescriptor; transfer: TransferHeader; origin?: string }
    | ({ type: 'layer-edit'; origin: string } & LayerEditFields)
    | { type: 'layer-props'; layer_id: string; props: LayerProps; origin?: string }
    | { type: 'chunk'; transfer_id: string; index: number; offset: number }
    | { type: 'layer-remove'; layer_id: string }
    | { type: 'data-request'; request_id: string; layer_id: string; client_id?: string }
    | ({ type: 'dims' } & DimsState)
    | ({ type: 'scale-bar' } & ScaleBarFields)
    | { type: 'screenshot-request'; request_id: string }
    | ({ type: 'segment-request' } & SegmentRequest)
    | ({ type: 'pixel-request' } & PixelRequest)
    | ({ type: 'model-data' } & ModelData)
    | { type: 'model-select'; request_id: string; model_id: string }
    | ({ type: 'embeddings-data' } & EmbeddingsData)
    | ({ type: 'tile-data' } & TileData)
    | { type: 'layer-order'; order: string[] }
    | ({ type: 'camera' } & CameraFields)
    | { type: 'open-panel'; title?: string | null }
    | ChunkAck
    | TransferCancel
    | { type: 'error'; message: string; request_id?: string }
  );

export type FrontendMessage = V &
  (
    | { type: 'hello'; client_id: string }
    | { type: 'layer-ready'; layer_id: string; transfer_id: string; nbytes: number }
    | { type: 'layer-update'; layer_id: string; client_id: string; revision: number; data_changed: boolean; props?: Partial<DisplayFields> }
    | { type: 'data-reply'; request_id: string; layer: LayerDescriptor; transfer: TransferHeader }
    | ({ type: 'dims' } & DimsState)
    | ({ type: 'scale-bar' } & ScaleBarFields)
    | { type: 'screenshot-reply'; request_id: string; shape: [number, number, 4]; transfer: TransferHeader }
    | { type: 'segment-reply'; request_id: string; shape: [number, number]; iou: number; transfer: TransferHeader }
    | { type: 'model-ready'; request_id: string; model_id: string }
    | { type: 'pixel-reply'; request_id: string; op: PixelOp; dtype: PixelPayload; shape: number[]; transfer: TransferHeader }
    | { type: 'embeddings-ready'; request_id: string; accepted: number; rejected: number }
    | { type: 'chunk'; transfer_id: string; index: number; offset: number }
    | ({ type: 'tile-request'; request_id: string; layer_id: string } & TileRegion)
    | { type: 'layer-list'; layers: { id: string; kind: LayerKind }[] }
    | ({ type: 'camera' } & CameraFields)
    | ({ type: 'click' } & ClickFields)
    | ({ type: 'layer-edit'; client_id: string } & LayerEditFields)
    | ChunkAck
    | TransferCancel
    | { type: 'error'; message: string; request_id?: string; transfer_id?: string }
  );

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
