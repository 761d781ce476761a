/**
 * The comm protocol between the kernel's `seglab.Viewer` and the browser, version 2.
 * The specification is python-kernel-bridge/PROTOCOL.md; this file validates what arrives
 * from the kernel and builds (checked) what goes back. Nothing here trusts the other side:
 * every field is checked for type and bounds before use, and every error names the field,
 * in the same words as the kernel's validator (seglab/descriptors.py).
 */
import { COLORMAP_NAMES, ColormapName } from '../core/colormaps';
import { bytesPerElement, DType, DTYPES } from '../core/dtypes';
import { TransferHeader, validateTransferHeader } from '../core/transfer';

export const PROTOCOL_VERSION = 2;
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

type V = { v: 2 };
export type KernelMessage = V &
  (
    | { type: 'layer-data'; layer: LayerDescriptor; transfer: TransferHeader }
    | { type: 'layer-props'; layer_id: string; props: LayerProps }
    | { type: 'chunk'; transfer_id: string; index: number; offset: number }
    | { type: 'layer-remove'; layer_id: string }
    | { type: 'data-request'; request_id: string; layer_id: string }
    | ({ type: 'dims' } & DimsState)
    | { type: 'screenshot-request'; request_id: string }
    | { type: 'open-panel'; title?: string | null }
    | { type: 'error'; message: string; request_id?: string }
  );

export type FrontendMessage = V &
  (
    | { type: 'hello'; client_id: string }
    | { type: 'layer-ready'; layer_id: string; transfer_id: string; nbytes: number }
    | { type: 'layer-update'; layer_id: string; revision: number; data_changed: boolean; props?: Partial<DisplayFields> }
    | { type: 'data-reply'; request_id: string; layer: LayerDescriptor; transfer: TransferHeader }
    | ({ type: 'dims' } & DimsState)
    | { type: 'screenshot-reply'; request_id: string; shape: [number, number, 4]; transfer: TransferHeader }
    | { type: 'chunk'; transfer_id: string; index: number; offset: number }
    | { type: 'error'; message: string; request_id?: string; transfer_id?: string }
  );

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

// -- field checks (messages mirror seglab/descriptors.py) -------------------------------------

type Obj = Record<string, unknown>;

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new ProtocolError(`${field}: expected ${expected}, got ${show(value)}`);
}

function requireObject(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'an object', value);
  }
  return value as Obj;
}

function requireString(value: unknown, field: string, max = MAX_ID_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(field, `a string of 1 to ${max} characters`, value);
  }
  return value;
}

function requireInt(value: unknown, field: string, lo = 0, hi = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < lo || (value as number) > hi) {
    fail(field, `an int in [${lo}, ${hi}]`, value);
  }
  return value as number;
}

interface Bounds {
  lo?: number;
  hi?: number;
  above?: number;
}

function requireNumber(value: unknown, field: string, { lo, hi, above }: Bounds = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (lo === undefined || value >= lo) &&
    (hi === undefined || value <= hi) &&
    (above === undefined || value > above);
  if (!ok) {
    const bounds = [lo !== undefined ? `>= ${lo}` : '', hi !== undefined ? `<= ${hi}` : '', above !== undefined ? `> ${above}` : ''];
    fail(field, ['a finite number', ...bounds.filter(b => b)].join(' '), value);
  }
  return value as number;
}

function requireBool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    fail(field, 'a bool', value);
  }
  return value;
}

function requireEnum<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    fail(field, `one of ${options.join(', ')}`, value);
  }
  return value as T;
}

function requireList(value: unknown, field: string, length?: number, max = MAX_ITEM_LIST): unknown[] {
  if (!Array.isArray(value)) {
    fail(field, 'a list', value);
  }
  if (length !== undefined && value.length !== length) {
    throw new ProtocolError(`${field}: expected ${length} items, got ${value.length}`);
  }
  if (value.length > max) {
    throw new ProtocolError(`${field}: expected at most ${max} items, got ${value.length}`);
  }
  return value;
}

const HEX_COLOR = /^#[0-9a-fA-F]{8}$/;

function requireColor(value: unknown, field: string): HexColor {
  if (typeof value !== 'string' || !HEX_COLOR.test(value)) {
    fail(field, "a colour '#rrggbbaa'", value);
  }
  return value;
}

/** One value for every item, or a non-empty list with one per item (`n` undefined: any length). */
function requirePerItem(value: unknown, field: string, n: number | undefined, one: (v: unknown, f: string) => unknown): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      fail(field, 'one value (a per-item list is never empty)', value);
    }
    requireList(value, field, n).forEach((item, i) => one(item, `${field}[${i}]`));
  } else {
    one(value, field);
  }
}

function requireProperties(value: unknown, field: string, n: number | undefined): void {
  const names = new Set<string>();
  requireList(value, field, undefined, MAX_PROPERTIES).forEach((item, c) => {
    const where = `${field}[${c}]`;
    const column = requireObject(item, where);
    const name = requireString(column.name, `${where}.name`, MAX_STRING_LENGTH);
    if (names.has(name)) {
      throw new ProtocolError(`${where}.name: duplicate property name ${show(name)}`);
    }
    names.add(name);
    const dtype = requireEnum(column.dtype, `${where}.dtype`, PROPERTY_DTYPES);
    const extra = Object.keys(column).filter(k => !['name', 'dtype', 'values'].includes(k));
    if (extra.length) {
      throw new ProtocolError(`${where}: unexpected keys ${show(extra.sort())}`);
    }
    requireList(column.values, `${where}.values`, n).forEach((v, i) => {
      const at = `${where}.values[${i}]`;
      if (dtype === 'float64' && v !== null) requireNumber(v, at);
      else if (dtype === 'int64') requireInt(v, at, -Number.MAX_SAFE_INTEGER);
      else if (dtype === 'bool') requireBool(v, at);
      else if (dtype === 'str' && !(typeof v === 'string' && v.length <= MAX_STRING_LENGTH)) {
        fail(at, `a string of at most ${MAX_STRING_LENGTH} characters`, v);
      }
    });
  });
}

function requireVector(value: unknown, field: string, ndim: number | undefined, positive: boolean): void {
  const list = requireList(value, field, ndim, MAX_NDIM);
  if (ndim === undefined && list.length < MIN_NDIM) {
    fail(field, `${MIN_NDIM} to ${MAX_NDIM} numbers`, value);
  }
  list.forEach((v, i) => requireNumber(v, `${field}[${i}]`, positive ? { above: 0 } : {}));
}

type Check = (value: unknown, field: string, n: number | undefined) => void;

const DISPLAY_CHECKS: Record<keyof DisplayFields, Check> = {
  name: (v, f) => requireString(v, f, MAX_STRING_LENGTH),
  visible: (v, f) => requireBool(v, f),
  opacity: (v, f) => requireNumber(v, f, { lo: 0, hi: 1 }),
  blending: (v, f) => requireEnum(v, f, BLENDINGS),
  scale: (v, f, n) => requireVector(v, f, n, true),
  translate: (v, f, n) => requireVector(v, f, n, false),
  colormap: (v, f) => requireEnum(v, f, COLORMAP_NAMES),
  contrast_limits: (v, f) => {
    const [lo, hi] = requireList(v, f, 2);
    if (!(requireNumber(lo, `${f}[0]`) < requireNumber(hi, `${f}[1]`))) {
      fail(f, '[lo, hi] with lo < hi', v);
    }
  },
  gamma: (v, f) => requireNumber(v, f, { above: 0 }),
  interpolation: (v, f) => requireEnum(v, f, INTERPOLATIONS),
  selected_label: (v, f) => requireInt(v, f),
  mode: (v, f) => requireEnum(v, f, LABELS_MODES)
};
const ITEM_CHECKS: Record<keyof ItemFields, Check> = {
  size: (v, f, n) => requirePerItem(v, f, n, (x, at) => requireNumber(x, at, { above: 0 })),
  face_color: (v, f, n) => requirePerItem(v, f, n, requireColor),
  edge_color: (v, f, n) => requirePerItem(v, f, n, requireColor),
  edge_width: (v, f, n) => requirePerItem(v, f, n, (x, at) => requireNumber(x, at, { lo: 0 })),
  properties: (v, f, n) => requireProperties(v, f, n)
};
const COMMON_DISPLAY = ['name', 'visible', 'opacity', 'blending', 'scale', 'translate'] as const;

/** Display fields of each kind (what `layer-props` and `layer-update` may carry for it). */
export const DISPLAY_FIELDS: Record<LayerKind, readonly (keyof DisplayFields)[]> = {
  image: [...COMMON_DISPLAY, 'colormap', 'contrast_limits', 'gamma', 'interpolation'],
  labels: [...COMMON_DISPLAY, 'selected_label', 'mode'],
  points: COMMON_DISPLAY,
  shapes: COMMON_DISPLAY
};
/** Per-item fields of each kind. */
export const ITEM_FIELDS: Record<LayerKind, readonly (keyof ItemFields)[]> = {
  image: [],
  labels: [],
  points: ['size', 'face_color', 'properties'],
  shapes: ['edge_color', 'face_color', 'edge_width', 'properties']
};
const KIND_FIELDS: Record<LayerKind, readonly string[]> = {
  image: ['dtype', 'shape', 'rgb'],
  labels: ['dtype', 'shape'],
  points: ['n_points'],
  shapes: ['shape_type', 'vertex_counts']
};

/** Every key a descriptor of `kind` has. */
export function descriptorFields(kind: LayerKind): string[] {
  return [
    'id',
    'kind',
    'ndim',
    'revision',
    ...DISPLAY_FIELDS[kind],
    ...KIND_FIELDS[kind],
    ...ITEM_FIELDS[kind]
  ];
}

/** Bytes of the payload a valid descriptor announces. */
export function payloadBytes(layer: LayerDescriptor): number {
  switch (layer.kind) {
    case 'image':
    case 'labels':
      return layer.shape.reduce((a, n) => a * n, 1) * bytesPerElement(layer.dtype);
    case 'points':
      return layer.n_points * layer.ndim * 8;
    case 'shapes':
      return layer.vertex_counts.reduce((a, n) => a + n, 0) * layer.ndim * 8;
  }
}

/** The number of items (points or shapes) of a descriptor; 0 for images and labels. */
export function itemCount(layer: LayerDescriptor): number {
  return layer.kind === 'points' ? layer.n_points : layer.kind === 'shapes' ? layer.shape_type.length : 0;
}

function checkPixels(layer: Obj, field: string, ndim: number, dtypes: readonly DType[]): void {
  requireEnum(layer.dtype, `${field}.dtype`, dtypes);
  const rgb = layer.rgb === true;
  const shape = requireList(layer.shape, `${field}.shape`, ndim + (rgb ? 1 : 0));
  shape.forEach((n, i) => requireInt(n, `${field}.shape[${i}]`, 1));
  if (rgb && !(shape[shape.length - 1] === 3 || shape[shape.length - 1] === 4)) {
    fail(`${field}.shape`, 'a last (colour) axis of 3 or 4 for rgb', shape);
  }
  if (rgb && !(RGB_DTYPES as readonly string[]).includes(layer.dtype as string)) {
    fail(`${field}.dtype`, `one of ${RGB_DTYPES.join(', ')} for rgb`, layer.dtype);
  }
  const nbytes = payloadBytes(layer as unknown as LayerDescriptor);
  if (nbytes > MAX_ARRAY_BYTES) {
    throw new ProtocolError(`${field}: ${nbytes} bytes exceed the ${MAX_ARRAY_BYTES}-byte limit`);
  }
}

const KIND_CHECKS: Record<LayerKind, (layer: Obj, field: string, ndim: number) => void> = {
  image: (layer, field, ndim) => {
    requireBool(layer.rgb, `${field}.rgb`);
    checkPixels(layer, field, ndim, DTYPES);
  },
  labels: (layer, field, ndim) => checkPixels(layer, field, ndim, LABEL_DTYPES),
  points: (layer, field) => {
    const n = requireInt(layer.n_points, `${field}.n_points`, 0, MAX_POINTS);
    ITEM_FIELDS.points.forEach(key => ITEM_CHECKS[key](layer[key], `${field}.${key}`, n));
  },
  shapes: (layer, field) => {
    const types = requireList(layer.shape_type, `${field}.shape_type`, undefined, MAX_SHAPES);
    const counts = requireList(layer.vertex_counts, `${field}.vertex_counts`, types.length);
    types.forEach((type, i) => {
      const t = requireEnum(type, `${field}.shape_type[${i}]`, SHAPE_TYPES);
      const [lo, hi] = SHAPE_VERTICES[t];
      requireInt(counts[i], `${field}.vertex_counts[${i}] (a ${t})`, lo, hi);
    });
    const total = (counts as number[]).reduce((a, n) => a + n, 0);
    if (total > MAX_VERTICES) {
      throw new ProtocolError(`${field}.vertex_counts: expected at most ${MAX_VERTICES} vertices in all, got ${total}`);
    }
    ITEM_FIELDS.shapes.forEach(key => ITEM_CHECKS[key](layer[key], `${field}.${key}`, types.length));
  }
};

/** Validates a full layer descriptor; throws ProtocolError naming the offending field. */
export function validateLayerDescriptor(value: unknown, field = 'layer'): LayerDescriptor {
  const layer = requireObject(value, field);
  requireString(layer.id, `${field}.id`);
  const kind = requireEnum(layer.kind, `${field}.kind`, LAYER_KINDS);
  const ndim = requireInt(layer.ndim, `${field}.ndim`, MIN_NDIM, MAX_NDIM);
  requireInt(layer.revision, `${field}.revision`);
  const expected = descriptorFields(kind);
  const unexpected = Object.keys(layer).filter(k => !expected.includes(k));
  if (unexpected.length) {
    throw new ProtocolError(`${field}: unexpected keys ${show(unexpected.sort())} for a ${kind} layer`);
  }
  DISPLAY_FIELDS[kind].forEach(key => DISPLAY_CHECKS[key](layer[key], `${field}.${key}`, ndim));
  KIND_CHECKS[kind](layer, field, ndim);
  return layer as unknown as LayerDescriptor;
}

/**
 * Validates a `props` object field by field. `items` admits per-item fields (kernel ->
 * frontend `layer-props`); lengths are checked against a layer by `checkPropsFor`.
 */
export function validateLayerProps(value: unknown, field = 'props', items = true): LayerProps {
  const props = requireObject(value, field);
  const allowed = [...Object.keys(DISPLAY_CHECKS), ...(items ? Object.keys(ITEM_CHECKS) : [])];
  const keys = Object.keys(props);
  if (keys.length === 0) {
    throw new ProtocolError(`${field}: expected at least one field`);
  }
  for (const key of keys) {
    if (!allowed.includes(key)) {
      fail(`${field}.${key}`, `a field in ${allowed.join(', ')}`, key);
    }
    const check = DISPLAY_CHECKS[key as keyof DisplayFields] ?? ITEM_CHECKS[key as keyof ItemFields];
    check(props[key], `${field}.${key}`, undefined);
  }
  return props as LayerProps;
}

/**
 * Checks validated props against the layer they are for: fields of its kind only, `scale` and
 * `translate` of its `ndim`, per-item lists of its item count. Throws ProtocolError.
 */
export function checkPropsFor(props: LayerProps, layer: { kind: LayerKind; ndim: number; items: number }): void {
  const allowed: readonly string[] = [...DISPLAY_FIELDS[layer.kind], ...ITEM_FIELDS[layer.kind]];
  for (const [key, value] of Object.entries(props)) {
    if (!allowed.includes(key)) {
      throw new ProtocolError(`props.${key}: not a field of ${layer.kind} layers`);
    }
    if ((key === 'scale' || key === 'translate') && (value as number[]).length !== layer.ndim) {
      throw new ProtocolError(`props.${key}: expected ${layer.ndim} numbers for this layer`);
    }
    let lists: unknown[][] = [];
    if (key === 'properties') {
      lists = (value as PropertyColumn[]).map(column => column.values);
    } else if ((ITEM_FIELDS[layer.kind] as readonly string[]).includes(key) && Array.isArray(value)) {
      lists = [value];
    }
    if (lists.some(list => list.length !== layer.items)) {
      throw new ProtocolError(`props.${key}: expected one value per item (${layer.items})`);
    }
  }
}

export function validateDims(msg: Obj): DimsState {
  const ndim = requireInt(msg.ndim, 'ndim', MIN_NDIM, MAX_NDIM);
  const steps = requireList(msg.current_step, 'current_step', ndim);
  steps.forEach((s, i) => requireInt(s, `current_step[${i}]`));
  const labels = requireList(msg.axis_labels, 'axis_labels', ndim);
  labels.forEach((l, i) => requireString(l, `axis_labels[${i}]`, MAX_STRING_LENGTH));
  return { ndim, current_step: steps as number[], axis_labels: labels as string[] };
}

/** A transfer header whose size must be `expected` (0 allowed only for item-less layers). */
function requireTransfer(value: unknown, expected: number): TransferHeader {
  let header: TransferHeader;
  if (expected === 0) {
    const h = requireObject(value, 'transfer');
    requireString(h.id, 'transfer.id');
    requireInt(h.chunk_bytes, 'transfer.chunk_bytes', 1);
    if (h.nbytes !== 0 || h.n_chunks !== 0) {
      fail('transfer', 'nbytes 0 and n_chunks 0 for a layer without items', value);
    }
    header = h as unknown as TransferHeader;
  } else {
    try {
      header = validateTransferHeader(value, MAX_ARRAY_BYTES);
    } catch (err) {
      throw new ProtocolError(`transfer: ${(err as Error).message}`);
    }
  }
  if (header.nbytes !== expected) {
    throw new ProtocolError(`transfer.nbytes: expected ${expected} for the announced data, got ${header.nbytes}`);
  }
  return header;
}

// -- kernel -> frontend --------------------------------------------------------------------------

const KERNEL_TYPES = [
  'layer-data',
  'layer-props',
  'chunk',
  'layer-remove',
  'data-request',
  'dims',
  'screenshot-request',
  'open-panel',
  'error'
];

/** Validates one message from the kernel; throws ProtocolError naming the offending field. */
export function validateKernelMessage(content: unknown, bufferCount: number): KernelMessage {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ProtocolError('expected a message object');
  }
  const msg = content as Obj;
  if (msg.v !== PROTOCOL_VERSION) {
    const hint = Number.isSafeInteger(msg.v)
      ? `: the kernel speaks SegLab protocol ${msg.v}, this frontend ${PROTOCOL_VERSION}; install the same seglab version in the kernel and in JupyterLab`
      : '';
    throw new ProtocolError(`v: expected protocol version ${PROTOCOL_VERSION}, got ${show(msg.v)}${hint}`);
  }
  const wanted = msg.type === 'chunk' ? 1 : 0;
  if (typeof msg.type === 'string' && KERNEL_TYPES.includes(msg.type) && bufferCount !== wanted) {
    throw new ProtocolError(`expected ${wanted} binary buffer(s) with a "${msg.type}" message, got ${bufferCount}`);
  }
  switch (msg.type) {
    case 'layer-data': {
      const layer = validateLayerDescriptor(msg.layer);
      return { v: 2, type: 'layer-data', layer, transfer: requireTransfer(msg.transfer, payloadBytes(layer)) };
    }
    case 'layer-props':
      requireString(msg.layer_id, 'layer_id');
      validateLayerProps(msg.props, 'props', true);
      break;
    case 'chunk':
      requireString(msg.transfer_id, 'transfer_id');
      requireInt(msg.index, 'index');
      requireInt(msg.offset, 'offset');
      break;
    case 'layer-remove':
      requireString(msg.layer_id, 'layer_id');
      break;
    case 'data-request':
      requireString(msg.request_id, 'request_id');
      requireString(msg.layer_id, 'layer_id');
      break;
    case 'dims':
      validateDims(msg);
      break;
    case 'screenshot-request':
      requireString(msg.request_id, 'request_id');
      break;
    case 'open-panel':
      if (msg.title !== undefined && msg.title !== null) requireString(msg.title, 'title', MAX_STRING_LENGTH);
      break;
    case 'error':
      requireString(msg.message, 'message', MAX_MESSAGE_LENGTH);
      if (msg.request_id !== undefined && msg.request_id !== null) requireString(msg.request_id, 'request_id');
      break;
    default:
      throw new ProtocolError(`unknown message type ${show(msg.type)}`);
  }
  return msg as unknown as KernelMessage;
}

// -- frontend -> kernel: checked builders ---------------------------------------------------------

export function helloMessage(clientId: string): FrontendMessage {
  return { v: 2, type: 'hello', client_id: requireString(clientId, 'client_id') };
}

export function layerReadyMessage(layerId: string, transferId: string, nbytes: number): FrontendMessage {
  return {
    v: 2,
    type: 'layer-ready',
    layer_id: requireString(layerId, 'layer_id'),
    transfer_id: requireString(transferId, 'transfer_id'),
    nbytes: requireInt(nbytes, 'nbytes')
  };
}

/** Announces a user edit: `revision` is the layer's new revision (one more than before). */
export function layerUpdateMessage(
  layerId: string,
  revision: number,
  dataChanged: boolean,
  props?: Partial<DisplayFields>
): FrontendMessage {
  const checked = props === undefined ? {} : { props: validateLayerProps(props, 'props', false) as Partial<DisplayFields> };
  return {
    v: 2,
    type: 'layer-update',
    layer_id: requireString(layerId, 'layer_id'),
    revision: requireInt(revision, 'revision', 1),
    data_changed: requireBool(dataChanged, 'data_changed'),
    ...checked
  };
}

/** The header of a `data-reply`; chunk messages with the payload follow. */
export function dataReplyMessage(requestId: string, layer: LayerDescriptor, transfer: TransferHeader): FrontendMessage {
  const checked = validateLayerDescriptor(layer);
  return {
    v: 2,
    type: 'data-reply',
    request_id: requireString(requestId, 'request_id'),
    layer: checked,
    transfer: requireTransfer(transfer, payloadBytes(checked))
  };
}

export function dimsMessage(dims: DimsState): FrontendMessage {
  return { v: 2, type: 'dims', ...validateDims(dims as unknown as Obj) };
}

/** The header of a `screenshot-reply` for an RGBA canvas of `height` x `width`. */
export function screenshotReplyMessage(requestId: string, height: number, width: number, transfer: TransferHeader): FrontendMessage {
  requireInt(height, 'shape[0]', 1, MAX_SCREENSHOT_SIDE);
  requireInt(width, 'shape[1]', 1, MAX_SCREENSHOT_SIDE);
  return {
    v: 2,
    type: 'screenshot-reply',
    request_id: requireString(requestId, 'request_id'),
    shape: [height, width, 4],
    transfer: requireTransfer(transfer, height * width * 4)
  };
}

export function chunkMessage(transferId: string, index: number, offset: number): FrontendMessage {
  return {
    v: 2,
    type: 'chunk',
    transfer_id: requireString(transferId, 'transfer_id'),
    index: requireInt(index, 'index'),
    offset: requireInt(offset, 'offset')
  };
}

/** An `error` reply; the message is cut to MAX_MESSAGE_LENGTH rather than refused. */
export function errorMessage(message: string, ids: { request_id?: string; transfer_id?: string } = {}): FrontendMessage {
  return {
    v: 2,
    type: 'error',
    message: (message || 'error').slice(0, MAX_MESSAGE_LENGTH),
    ...(ids.request_id !== undefined ? { request_id: requireString(ids.request_id, 'request_id') } : {}),
    ...(ids.transfer_id !== undefined ? { transfer_id: requireString(ids.transfer_id, 'transfer_id') } : {})
  };
}
