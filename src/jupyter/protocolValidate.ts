/** Validators of what arrives from the kernel: messages, layer descriptors, props, dims. */
import { COLORMAP_NAMES } from '../core/colormaps';
import { bytesPerElement, DType, DTYPES } from '../core/dtypes';
import { checkPyramid, PyramidError } from '../core/pyramid';
import { MAX_ZOOM, MIN_ZOOM } from '../viewer/model/camera';
import { MAX_LABEL_CLASS_NAME, MAX_LABEL_CLASSES } from '../viewer/model/labelsValidation';
import { checkPosition, checkUnit, checkVisible, ScaleBarError } from '../viewer/model/scaleBar';
import { validateEmbeddingsData, validateModelData, validateSegmentRequest } from './protocolSegment';
import { validatePixelRequest } from './protocolPixel';
import {
  fail,
  Obj,
  requireBool,
  requireColor,
  requireEnum,
  requireInt,
  requireList,
  requireNumber,
  requireObject,
  requirePerItem,
  requireProperties,
  requireString,
  requireTransfer,
  requireVector,
  show
} from './protocolChecks';
import {
  BLENDINGS,
  DimsState,
  DisplayFields,
  INTERPOLATIONS,
  ItemFields,
  KernelMessage,
  LABEL_DTYPES,
  LABELS_MODES,
  LAYER_KINDS,
  LayerDescriptor,
  LayerKind,
  LayerProps,
  CameraFields,
  CLICK_MODIFIERS,
  ClickFields,
  MAX_ARRAY_BYTES,
  MAX_LAYERS,
  MAX_MESSAGE_LENGTH,
  MAX_NDIM,
  MAX_POINTS,
  MAX_SHAPES,
  MAX_STRING_LENGTH,
  MAX_VERTICES,
  MIN_NDIM,
  PropertyColumn,
  PROTOCOL_VERSION,
  ProtocolError,
  RGB_DTYPES,
  ScaleBarFields,
  SHAPE_TYPES,
  SHAPE_VERTICES,
  TileRegion
} from './protocolTypes';

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
  mode: (v, f) => requireEnum(v, f, LABELS_MODES),
  label_classes: (v, f) => requireLabelClasses(v, f)
};

/** Entry k names and colours label k + 1: distinct names, '#rrggbbaa' colours, at most 16. */
function requireLabelClasses(value: unknown, field: string): void {
  const names = new Set<string>();
  requireList(value, field, undefined, MAX_LABEL_CLASSES).forEach((entry, k) => {
    const at = `${field}[${k}]`;
    const o = requireObject(entry, at);
    const extra = Object.keys(o).filter(key => key !== 'name' && key !== 'color');
    if (extra.length) throw new ProtocolError(`${at}: unexpected keys ${show(extra.sort())} (expected name, color)`);
    const name = requireString(o.name, `${at}.name`, MAX_LABEL_CLASS_NAME);
    if (names.has(name)) throw new ProtocolError(`${at}.name: expected a name no other class has, got ${show(name)}`);
    names.add(name);
    requireColor(o.color, `${at}.color`);
  });
}
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
  labels: [...COMMON_DISPLAY, 'selected_label', 'mode', 'label_classes'],
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
  image: ['dtype', 'shape', 'rgb', 'multiscale_shapes', 'lazy'],
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
      if (layer.lazy) return 0; // served tile by tile (tile-request / tile-data)
      return levelShapes(layer).reduce((sum, shape) => sum + shape.reduce((a, n) => a * n, 1), 0) * bytesPerElement(layer.dtype);
    case 'labels':
      return layer.shape.reduce((a, n) => a * n, 1) * bytesPerElement(layer.dtype);
    case 'points':
      return layer.n_points * layer.ndim * 8;
    case 'shapes':
      return layer.vertex_counts.reduce((a, n) => a + n, 0) * layer.ndim * 8;
  }
}

/** Levels of a multiscale image per pyramid level (full resolution first; one for a plain image). */
export const MAX_LEVELS = 16;

/** Every level's shape of an image descriptor, full resolution first. */
export function levelShapes(layer: { shape: number[]; multiscale_shapes?: number[][] }): number[][] {
  return [layer.shape, ...(layer.multiscale_shapes ?? [])];
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
    const rgb = requireBool(layer.rgb, `${field}.rgb`);
    requireBool(layer.lazy, `${field}.lazy`);
    const levels = requireList(layer.multiscale_shapes, `${field}.multiscale_shapes`, undefined, MAX_LEVELS - 1);
    levels.forEach((shape, i) => {
      const name = `${field}.multiscale_shapes[${i}]`;
      requireList(shape, name, ndim + (rgb ? 1 : 0)).forEach((n, j) => requireInt(n, `${name}[${j}]`, 1));
    });
    checkPixels(layer, field, ndim, DTYPES);
    // Shapes only: the same rule the layer applies to its arrays (dtype is one for all).
    const shapes = levelShapes(layer as unknown as { shape: number[]; multiscale_shapes: number[][] });
    try {
      checkPyramid(shapes.map(shape => ({ dtype: 'uint8', shape, data: new Uint8Array(0) })), rgb ? shapes[0][shapes[0].length - 1] : 0);
    } catch (err) {
      if (err instanceof PyramidError) throw new ProtocolError(`${field}.multiscale_shapes: ${err.message}`);
      throw err;
    }
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

/** The fields of a `scale-bar` message, checked by the model's own rules (the same as seglab/scale_bar.py's). */
export function validateScaleBar(msg: Obj): ScaleBarFields {
  try {
    return { visible: checkVisible(msg.visible), unit: checkUnit(msg.unit), position: checkPosition(msg.position) };
  } catch (err) {
    if (err instanceof ScaleBarError) throw new ProtocolError(err.message);
    throw err;
  }
}

// -- kernel -> frontend --------------------------------------------------------------------------

const KERNEL_TYPES = [
  'layer-data',
  'layer-edit',
  'layer-props',
  'chunk',
  'layer-remove',
  'data-request',
  'dims',
  'scale-bar',
  'screenshot-request',
  'segment-request',
  'pixel-request',
  'model-data',
  'model-select',
  'embeddings-data',
  'tile-data',
  'layer-order',
  'camera',
  'open-panel',
  'chunk-ack',
  'transfer-cancel',
  'error'
];

/** The fields of a `camera` message (either way): a finite centre and a zoom the camera accepts. */
export function validateCamera(msg: Obj): CameraFields {
  const center = requireList(msg.center, 'center', 2).map((v, i) => requireNumber(v, `center[${i}]`, {})) as [number, number];
  const zoom = requireNumber(msg.zoom, 'zoom', { lo: MIN_ZOOM, hi: MAX_ZOOM });
  return { center, zoom };
}

/** The fields of a `click` message. */
export function validateClick(msg: Obj): ClickFields {
  const position = requireList(msg.position, 'position', undefined, MAX_NDIM).map((v, i) => requireNumber(v, `position[${i}]`, {}));
  if (position.length < MIN_NDIM) throw new ProtocolError(`position: expected ${MIN_NDIM} to ${MAX_NDIM} numbers, got ${position.length}`);
  const button = requireInt(msg.button, 'button', 1, 3) as ClickFields['button'];
  const modifiers = requireList(msg.modifiers, 'modifiers', undefined, CLICK_MODIFIERS.length).map((m, i) => requireEnum(m, `modifiers[${i}]`, CLICK_MODIFIERS));
  return { position, button, modifiers };
}

/** Checks the region fields of a `tile-request` or `tile-data` (lengths agree, bounds are the layer's business). */
export function validateTileRegion(msg: Obj): TileRegion {
  const level = requireInt(msg.level, 'level', 0, MAX_LEVELS - 1);
  const [start, stop, step] = (['start', 'stop', 'step'] as const).map(key =>
    requireList(msg[key], key, undefined, MAX_NDIM).map((v, i) => requireInt(v, `${key}[${i}]`, key === 'step' ? 1 : 0))
  );
  if (start.length !== stop.length || start.length !== step.length) {
    throw new ProtocolError(`start, stop, step: expected lists of one length (one entry per axis), got lengths ${start.length}, ${stop.length}, ${step.length}`);
  }
  start.forEach((a, i) => {
    if (!(a < stop[i])) throw new ProtocolError(`stop[${i}]: expected more than start[${i}] = ${a}, got ${stop[i]}`);
  });
  return { level, start, stop, step };
}

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
  const wanted = msg.type === 'chunk' || msg.type === 'tile-data' || msg.type === 'layer-edit' ? 1 : 0;
  if (typeof msg.type === 'string' && KERNEL_TYPES.includes(msg.type) && bufferCount !== wanted) {
    throw new ProtocolError(`expected ${wanted} binary buffer(s) with a "${msg.type}" message, got ${bufferCount}`);
  }
  switch (msg.type) {
    case 'layer-data': {
      const layer = validateLayerDescriptor(msg.layer);
      const origin = msg.origin === undefined ? {} : { origin: requireString(msg.origin, 'origin') };
      return { v: PROTOCOL_VERSION, type: 'layer-data', layer, transfer: requireTransfer(msg.transfer, payloadBytes(layer)), ...origin };
    }
    case 'layer-edit': {
      requireString(msg.layer_id, 'layer_id');
      requireString(msg.origin, 'origin');
      requireInt(msg.revision, 'revision', 1);
      requireBool(msg.last, 'last');
      const box = validateTileRegion({ level: 0, start: msg.start, stop: msg.stop, step: Array.isArray(msg.start) ? msg.start.map(() => 1) : [] });
      return { v: PROTOCOL_VERSION, type: 'layer-edit', layer_id: msg.layer_id as string, origin: msg.origin as string, revision: msg.revision as number, start: box.start, stop: box.stop, last: msg.last as boolean };
    }
    case 'layer-props':
      requireString(msg.layer_id, 'layer_id');
      validateLayerProps(msg.props, 'props', true);
      if (msg.origin !== undefined) requireString(msg.origin, 'origin');
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
      if (msg.client_id !== undefined) requireString(msg.client_id, 'client_id');
      break;
    case 'dims':
      validateDims(msg);
      break;
    case 'scale-bar':
      validateScaleBar(msg);
      break;
    case 'screenshot-request':
      requireString(msg.request_id, 'request_id');
      break;
    case 'segment-request':
      return { v: PROTOCOL_VERSION, type: 'segment-request', ...validateSegmentRequest(msg) };
    case 'pixel-request':
      return { v: PROTOCOL_VERSION, type: 'pixel-request', ...validatePixelRequest(msg) };
    case 'model-data':
      return { v: PROTOCOL_VERSION, type: 'model-data', ...validateModelData(msg) };
    case 'embeddings-data':
      return { v: PROTOCOL_VERSION, type: 'embeddings-data', ...validateEmbeddingsData(msg) };
    case 'model-select':
      requireString(msg.request_id, 'request_id');
      requireString(msg.model_id, 'model_id', 256);
      break;
    case 'tile-data': {
      requireString(msg.request_id, 'request_id');
      requireString(msg.layer_id, 'layer_id');
      const region = validateTileRegion(msg);
      const shape = requireList(msg.shape, 'shape', undefined, MAX_NDIM + 1).map((n, i) => requireInt(n, `shape[${i}]`, 1));
      const dtype = requireEnum(msg.dtype, 'dtype', DTYPES);
      // The shape a region of these bounds has (plus a colour axis of 3 or 4 for RGB).
      region.start.forEach((a, i) => {
        const n = Math.ceil((region.stop[i] - a) / region.step[i]);
        if (shape[i] !== n) throw new ProtocolError(`shape[${i}]: expected ${n} for start ${a}, stop ${region.stop[i]}, step ${region.step[i]}, got ${shape[i]}`);
      });
      if (shape.length !== region.start.length && !(shape.length === region.start.length + 1 && [3, 4].includes(shape[shape.length - 1]))) {
        throw new ProtocolError(`shape: expected ${region.start.length} axes (or one more of 3 or 4 colours), got ${shape.length}`);
      }
      return { v: PROTOCOL_VERSION, type: 'tile-data', request_id: msg.request_id as string, layer_id: msg.layer_id as string, ...region, shape, dtype };
    }
    case 'camera':
      validateCamera(msg);
      break;
    case 'layer-order': {
      const order = requireList(msg.order, 'order', undefined, MAX_LAYERS).map((id, i) => requireString(id, `order[${i}]`));
      if (new Set(order).size !== order.length) throw new ProtocolError('order: expected each layer id once');
      break;
    }
    case 'open-panel':
      if (msg.title !== undefined && msg.title !== null) requireString(msg.title, 'title', MAX_STRING_LENGTH);
      break;
    case 'chunk-ack':
      requireString(msg.transfer_id, 'transfer_id');
      requireInt(msg.received, 'received');
      break;
    case 'transfer-cancel':
      if (msg.transfer_id === undefined && msg.request_id === undefined) {
        throw new ProtocolError('transfer_id, request_id: expected at least one of them, got neither');
      }
      if (msg.transfer_id !== undefined) requireString(msg.transfer_id, 'transfer_id');
      if (msg.request_id !== undefined) requireString(msg.request_id, 'request_id');
      requireString(msg.reason, 'reason', MAX_MESSAGE_LENGTH);
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
