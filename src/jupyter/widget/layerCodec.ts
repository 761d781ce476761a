import { ColormapName } from '../../core/colormaps';
import { bytesPerElement } from '../../core/dtypes';
import { NDArray, ndarrayFromBuffer } from '../../core/ndarray';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LazyImageSource } from '../../viewer/model/lazyImage';
import { LabelClass, LabelsLayer } from '../../viewer/model/labelsLayer';
import { Blending, Layer } from '../../viewer/model/layerBase';
import { PointsLayer, PropertyTable, PropertyValue, RGBA } from '../../viewer/model/pointsLayer';
import { ShapeInput, ShapesLayer, ShapeStyle } from '../../viewer/model/shapesLayer';
import { ViewerModel } from '../../viewer/model/viewerModel';
import {
  Blending as WireBlending,
  DisplayFields,
  ImageDescriptor,
  LayerDescriptor,
  levelShapes,
  LayerProps,
  PerItem,
  PointsDescriptor,
  PropertyColumn,
  ShapesDescriptor,
  WireLabelClass
} from '../protocol';

/**
 * Between the wire's layer descriptors (python-kernel-bridge/PROTOCOL.md, v2) and the viewer
 * model's layers: building a layer from a descriptor and its payload, and describing what a
 * layer holds now, payload included, for `data-reply`. The model knows nothing of the wire.
 */

type PropertyDType = PropertyColumn['dtype'];

/**
 * What the kernel said that the model cannot hold, so that a `data-reply` gives it back rather
 * than a lossy version: napari's 3D-only blendings (drawn as 'translucent') and the dtype of each
 * property column (the model keeps numbers and strings only).
 */
interface WireMemo {
  blending?: WireBlending;
  dtypes: Record<string, PropertyDType>;
}
const memos = new WeakMap<Layer, WireMemo>();

function memoOf(layer: Layer): WireMemo {
  let memo = memos.get(layer);
  if (!memo) memos.set(layer, (memo = { dtypes: {} }));
  return memo;
}

function rememberColumns(layer: Layer, columns: PropertyColumn[]): void {
  memoOf(layer).dtypes = Object.fromEntries(columns.map(c => [c.name, c.dtype]));
}

/** The 2D blending modes the viewer draws; napari's 3D-only variants fall back to these. */
function toBlending(value: WireBlending): Blending {
  return value === 'translucent_no_depth' || value === 'minimum' ? 'translucent' : value;
}

/** The layer's blending for the wire: the kernel's own value while the layer still draws it. */
function wireBlending(layer: Layer): WireBlending {
  const remembered = memos.get(layer)?.blending;
  return remembered !== undefined && toBlending(remembered) === layer.blending ? remembered : layer.blending;
}

/** '#rrggbbaa' as [r, g, b, a] bytes, and back. */
function hexToBytes(hex: string): [number, number, number, number] {
  const byte = (i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return [byte(0), byte(1), byte(2), byte(3)];
}

function bytesToHex(bytes: readonly number[]): string {
  return '#' + bytes.map(v => v.toString(16).padStart(2, '0')).join('');
}

function hexToRgba(hex: string): RGBA {
  const [r, g, b, a] = hexToBytes(hex);
  return [r / 255, g / 255, b / 255, a / 255];
}

function rgbaToHex(c: RGBA): string {
  return bytesToHex(c.map(v => Math.round(v * 255)));
}

/** Wire label classes ('#rrggbbaa') as the labels model keeps them ([r, g, b, a] bytes), and back. */
function labelClassesOf(wire: readonly WireLabelClass[]): LabelClass[] {
  return wire.map(({ name, color }) => ({ name, color: hexToBytes(color) }));
}

function wireLabelClasses(classes: readonly LabelClass[]): WireLabelClass[] {
  return classes.map(({ name, color }) => ({ name, color: bytesToHex(color) }));
}

function perItem<T>(value: PerItem<T>, index: number): T {
  return Array.isArray(value) ? value[index] : value;
}

/** The value a new item gets: the last item's (PROTOCOL.md, "Items added in the frontend"). */
function lastOf<T>(value: PerItem<T>, n: number): T {
  return perItem(value, Math.max(0, n - 1));
}

function uniformOrList<T>(values: T[], same: (a: T, b: T) => boolean = (a, b) => a === b): PerItem<T> {
  return values.length > 0 && values.every(v => same(v, values[0])) ? values[0] : values;
}

function rowsOf(buffer: ArrayBuffer, rows: number, ndim: number): number[][] {
  const flat = rows * ndim ? new Float64Array(buffer) : new Float64Array(0);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(flat.subarray(r * ndim, (r + 1) * ndim)));
  return out;
}

/** Values of the columns of an empty layer's new items (PROTOCOL.md: 0, 0, false, ""). */
const PROPERTY_DEFAULTS: Record<PropertyDType, PropertyValue> = { float64: 0, int64: 0, bool: 0, str: '' };

function toTable(columns: PropertyColumn[]): PropertyTable {
  const table: PropertyTable = {};
  for (const column of columns) {
    table[column.name] = (column.values as Array<number | string | boolean | null>).map(v =>
      typeof v === 'boolean' ? Number(v) : v === null ? NaN : v
    );
  }
  return table;
}

/** Back to typed columns: each in the dtype the kernel gave it while its values still fit it. */
function toColumns(table: PropertyTable, dtypes: Record<string, PropertyDType>): PropertyColumn[] {
  return Object.entries(table).map(([name, values]): PropertyColumn => {
    const declared = dtypes[name];
    const numbers = values.every(v => typeof v === 'number');
    const strings = values.every(v => typeof v === 'string');
    if (declared === 'int64' && values.every(v => Number.isSafeInteger(v))) {
      return { name, dtype: 'int64', values: values as number[] };
    }
    if (declared === 'bool' && values.every(v => v === 0 || v === 1)) {
      return { name, dtype: 'bool', values: values.map(v => v === 1) };
    }
    if (strings && (declared === 'str' || !numbers)) {
      return { name, dtype: 'str', values: values as string[] };
    }
    if (numbers) {
      return { name, dtype: 'float64', values: (values as number[]).map(v => (Number.isFinite(v) ? v : null)) };
    }
    return { name, dtype: 'str', values: values.map(String) };
  });
}

/** The model's form of a points descriptor: coordinates, per-item values and what new points get. */
function pointsState(layer: PointsDescriptor, payload: ArrayBuffer) {
  const n = layer.n_points;
  const properties = toTable(layer.properties);
  return {
    data: rowsOf(payload, n, layer.ndim),
    size: layer.size,
    properties,
    currentProperties: Object.fromEntries(
      layer.properties.map(c => [c.name, n ? properties[c.name][n - 1] : PROPERTY_DEFAULTS[c.dtype]])
    ),
    currentSize: lastOf(layer.size, n),
    faceColor: hexToRgba(perItem(layer.face_color, 0))
  };
}

function shapesState(layer: ShapesDescriptor, payload: ArrayBuffer) {
  const n = layer.shape_type.length;
  const rows = rowsOf(payload, layer.vertex_counts.reduce((a, b) => a + b, 0), layer.ndim);
  let at = 0;
  const shapes: ShapeInput[] = layer.shape_type.map((type, i) => {
    const vertices = rows.slice(at, at + layer.vertex_counts[i]);
    at += layer.vertex_counts[i];
    return {
      type,
      vertices,
      edgeColor: hexToRgba(perItem(layer.edge_color, i)),
      faceColor: hexToRgba(perItem(layer.face_color, i)),
      edgeWidth: perItem(layer.edge_width, i)
    };
  });
  const currentStyle: Partial<ShapeStyle> = {
    edgeColor: hexToRgba(lastOf(layer.edge_color, n)),
    faceColor: hexToRgba(lastOf(layer.face_color, n)),
    edgeWidth: lastOf(layer.edge_width, n)
  };
  return { shapes, currentStyle };
}

/**
 * Builds the layer a `layer-data` describes, or replaces the data and every descriptor field of
 * the one with its id: in place while it keeps its ndim (so the dims keep their steps and labels),
 * else by a new layer at the same place in the list.
 */
export function applyDescriptor(
  viewer: ViewerModel,
  layer: LayerDescriptor,
  payload: ArrayBuffer,
  lazySource?: (layer: ImageDescriptor) => LazyImageSource
): Layer {
  const existing = viewer.getLayer(layer.id);
  if (existing && existing.kind !== layer.kind) {
    throw new Error(`layer ${layer.id} is a ${existing.kind} layer; the kernel sent ${layer.kind} data for it`);
  }
  const inPlace = existing !== undefined && existing.ndim === layer.ndim;
  const common = {
    id: layer.id,
    name: layer.name,
    visible: layer.visible,
    opacity: layer.opacity,
    blending: toBlending(layer.blending),
    scale: layer.scale,
    translate: layer.translate
  };
  let built: Layer;
  switch (layer.kind) {
    case 'image': {
      if (layer.lazy && !lazySource) throw new Error(`layer ${layer.id} is a lazy image but this viewer has no kernel to read tiles from`);
      const array = layer.lazy ? lazySource!(layer) : imageLevelsFromBuffer(payload, layer);
      if (inPlace && existing instanceof ImageLayer) {
        existing.setData(array, layer.rgb);
        built = existing;
        break;
      }
      built = new ImageLayer(array, {
        ...common,
        rgb: layer.rgb,
        colormap: layer.colormap,
        contrastLimits: layer.contrast_limits,
        gamma: layer.gamma,
        interpolation: layer.interpolation
      });
      break;
    }
    case 'labels': {
      const array: NDArray = ndarrayFromBuffer(payload, layer.dtype, layer.shape);
      if (inPlace && existing instanceof LabelsLayer) {
        existing.setData(array);
        built = existing;
        break;
      }
      built = new LabelsLayer(array, { ...common, selectedLabel: layer.selected_label, mode: layer.mode, labelClasses: labelClassesOf(layer.label_classes) });
      break;
    }
    case 'points': {
      const state = pointsState(layer, payload);
      // An empty layer cannot take property columns it lacks in place: they have no current value.
      const points = inPlace && existing instanceof PointsLayer ? existing : null;
      const current = points?.currentProperties ?? {};
      if (points && (layer.n_points > 0 || Object.keys(state.currentProperties).every(name => name in current))) {
        points.setData(state.data, { size: state.size, properties: state.properties });
        points.currentProperties = state.currentProperties;
        points.faceColor = state.faceColor;
        built = points;
      } else {
        built = new PointsLayer({ ...common, ndim: layer.ndim, ...state });
      }
      (built as PointsLayer).currentSize = state.currentSize;
      rememberColumns(built, layer.properties);
      break;
    }
    case 'shapes': {
      const { shapes, currentStyle } = shapesState(layer, payload);
      if (inPlace && existing instanceof ShapesLayer) {
        existing.setData(shapes);
        existing.currentStyle = currentStyle;
        built = existing;
      } else {
        built = new ShapesLayer({ ...common, ndim: layer.ndim, shapes, currentStyle });
      }
      break;
    }
  }
  memoOf(built).blending = layer.blending;
  if (built === existing) {
    applyDisplay(built, layer); // the per-item fields came with the data
  } else if (existing) {
    const index = viewer.layers.indexOf(existing);
    viewer.removeLayer(existing.id);
    viewer.addLayer(built);
    viewer.moveLayer(viewer.layers.length - 1, index);
  } else {
    viewer.addLayer(built);
  }
  return built;
}

/** Number of items (points, shapes) of a layer; 0 for images and labels. */
export function itemCountOf(layer: Layer): number {
  return layer instanceof PointsLayer || layer instanceof ShapesLayer ? layer.count : 0;
}

/**
 * Applies `layer-props` (display and per-item fields, already checked against the layer with
 * protocol.ts's checkPropsFor), or the display fields of a descriptor of new data for an existing
 * layer. Per-item fields go first: they are the ones the model may still refuse.
 */
export function applyProps(layer: Layer, props: LayerProps): void {
  if (layer instanceof PointsLayer) applyPointItems(layer, props);
  if (layer instanceof ShapesLayer) applyShapeItems(layer, props);
  applyDisplay(layer, props);
}

function applyDisplay(layer: Layer, props: Partial<DisplayFields>): void {
  if (props.name !== undefined) layer.name = props.name;
  if (props.visible !== undefined) layer.visible = props.visible;
  if (props.opacity !== undefined) layer.opacity = props.opacity;
  if (props.blending !== undefined) {
    layer.blending = toBlending(props.blending);
    memoOf(layer).blending = props.blending;
  }
  if (props.scale !== undefined) layer.scale = props.scale;
  if (props.translate !== undefined) layer.translate = props.translate;
  if (layer instanceof ImageLayer) {
    if (props.colormap !== undefined) layer.colormap = props.colormap as ColormapName;
    if (props.contrast_limits !== undefined) layer.contrastLimits = props.contrast_limits;
    if (props.gamma !== undefined) layer.gamma = props.gamma;
    if (props.interpolation !== undefined) layer.interpolation = props.interpolation;
  }
  if (layer instanceof LabelsLayer) {
    if (props.selected_label !== undefined) layer.selectedLabel = props.selected_label;
    if (props.mode !== undefined) layer.mode = props.mode;
    if (props.label_classes !== undefined) layer.labelClasses = labelClassesOf(props.label_classes);
  }
}

function applyPointItems(layer: PointsLayer, props: LayerProps): void {
  const n = layer.count;
  if (props.size !== undefined || props.properties !== undefined) {
    const rows = Array.from({ length: n }, (_, i) => layer.coordinates(i));
    const properties = props.properties ? toTable(props.properties) : layer.properties;
    const current = props.properties
      ? Object.fromEntries(props.properties.map(c => [c.name, n ? properties[c.name][n - 1] : PROPERTY_DEFAULTS[c.dtype]]))
      : layer.currentProperties;
    layer.setData(rows, { size: props.size ?? Array.from(layer.sizes), properties });
    layer.currentProperties = current;
    if (props.properties) rememberColumns(layer, props.properties);
  }
  if (props.size !== undefined) layer.currentSize = lastOf(props.size, n);
  if (props.face_color !== undefined) layer.faceColor = hexToRgba(perItem(props.face_color, 0));
}

function applyShapeItems(layer: ShapesLayer, props: LayerProps): void {
  const { edge_color, face_color, edge_width } = props;
  if (edge_color === undefined && face_color === undefined && edge_width === undefined) return;
  const n = layer.count;
  layer.setData(
    layer.shapes.map((s, i) => ({
      ...s,
      edgeColor: edge_color !== undefined ? hexToRgba(perItem(edge_color, i)) : s.edgeColor,
      faceColor: face_color !== undefined ? hexToRgba(perItem(face_color, i)) : s.faceColor,
      edgeWidth: edge_width !== undefined ? perItem(edge_width, i) : s.edgeWidth
    }))
  );
  layer.currentStyle = {
    ...(edge_color !== undefined ? { edgeColor: hexToRgba(lastOf(edge_color, n)) } : {}),
    ...(face_color !== undefined ? { faceColor: hexToRgba(lastOf(face_color, n)) } : {}),
    ...(edge_width !== undefined ? { edgeWidth: lastOf(edge_width, n) } : {})
  };
}

/**
 * Per-item state the model changes with 'display' signals, so a change of it is still data for
 * the kernel: the face colour setting of points (one colour, or colour by a property).
 */
export function itemStyleOf(layer: Layer): string {
  return layer instanceof PointsLayer ? JSON.stringify(layer.faceColor) : '';
}

/** The display fields of a layer as the wire writes them (what `layer-update` props compare). */
export function displayFieldsOf(layer: Layer): Partial<DisplayFields> {
  const common: Partial<DisplayFields> = {
    name: layer.name,
    visible: layer.visible,
    opacity: layer.opacity,
    blending: wireBlending(layer),
    scale: layer.scale,
    translate: layer.translate
  };
  if (layer instanceof ImageLayer) {
    return {
      ...common,
      colormap: layer.colormap,
      contrast_limits: layer.contrastLimits,
      gamma: layer.gamma,
      interpolation: layer.interpolation
    };
  }
  if (layer instanceof LabelsLayer) {
    const selected = Number(layer.selectedLabel);
    return {
      ...common,
      selected_label: Number.isSafeInteger(selected) && selected >= 0 ? selected : 0,
      mode: layer.mode === 'polygon' ? 'paint' : layer.mode,
      label_classes: wireLabelClasses(layer.labelClasses)
    };
  }
  return common;
}

/** One image's levels out of a payload holding each level's bytes in order (one level unless multiscale). */
function imageLevelsFromBuffer(payload: ArrayBuffer, layer: ImageDescriptor): NDArray | NDArray[] {
  const shapes = levelShapes(layer);
  let offset = 0;
  const levels = shapes.map(shape => {
    const n = shape.reduce((a, b) => a * b, 1) * bytesPerElement(layer.dtype);
    const level = ndarrayFromBuffer(payload, layer.dtype, shape, offset, n);
    offset += n;
    return level;
  });
  return levels.length === 1 ? levels[0] : levels;
}

/** The parts one after the other; the part itself when there is one (no copy). */
function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** What a layer holds now: its descriptor (with `revision`) and its payload bytes. */
export function describeLayer(layer: Layer, revision: number): { descriptor: LayerDescriptor; payload: Uint8Array } {
  const display = displayFieldsOf(layer) as DisplayFields;
  const { name, visible, opacity, blending, scale, translate } = display;
  const base = { id: layer.id, ndim: layer.ndim, revision, name, visible, opacity, blending, scale, translate };
  const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (layer instanceof ImageLayer) {
    const { colormap, contrast_limits, gamma, interpolation } = display;
    const [shape, ...multiscale_shapes] = layer.levelShapes.map(s => [...s]);
    const lazy = layer.lazy !== null; // its pixels are the kernel's: only the description travels
    return {
      descriptor: { ...base, kind: 'image', dtype: layer.dtype, shape, rgb: layer.rgb, multiscale_shapes, lazy, colormap, contrast_limits, gamma, interpolation },
      payload: concatBytes(layer.levels.map(level => bytes(level.data)))
    };
  }
  if (layer instanceof LabelsLayer) {
    const { selected_label, mode, label_classes } = display;
    return {
      descriptor: { ...base, kind: 'labels', dtype: layer.data.dtype as 'int32', shape: [...layer.data.shape], selected_label, mode, label_classes },
      payload: bytes(layer.data.data)
    };
  }
  const dtypes = memos.get(layer)?.dtypes ?? {};
  if (layer instanceof PointsLayer) {
    const coords = layer.data;
    const faces = Array.from({ length: layer.count }, (_, i) => rgbaToHex(layer.faceColorOf(i)));
    const face = Array.isArray(layer.faceColor) ? rgbaToHex(layer.faceColor as RGBA) : '#ffffffff';
    return {
      descriptor: {
        ...base,
        kind: 'points',
        n_points: layer.count,
        // Without items the uniform values are what a new point would get.
        size: layer.count ? uniformOrList(Array.from(layer.sizes)) : layer.currentSize,
        face_color: layer.count ? uniformOrList(faces) : face,
        properties: toColumns(layer.properties, dtypes)
      },
      payload: bytes(coords)
    };
  }
  if (layer instanceof ShapesLayer) {
    const shapes = layer.shapes;
    const flat = new Float64Array(shapes.reduce((n, s) => n + s.vertices.length * layer.ndim, 0));
    let at = 0;
    for (const s of shapes) for (const v of s.vertices) for (const x of v) flat[at++] = x;
    const style = layer.currentStyle;
    return {
      descriptor: {
        ...base,
        kind: 'shapes',
        shape_type: shapes.map(s => s.type),
        vertex_counts: shapes.map(s => s.vertices.length),
        edge_color: shapes.length ? uniformOrList(shapes.map(s => rgbaToHex(s.edgeColor))) : rgbaToHex(style.edgeColor),
        face_color: shapes.length ? uniformOrList(shapes.map(s => rgbaToHex(s.faceColor))) : rgbaToHex(style.faceColor),
        edge_width: shapes.length ? uniformOrList(shapes.map(s => s.edgeWidth)) : style.edgeWidth,
        properties: []
      },
      payload: bytes(flat)
    };
  }
  throw new Error(`cannot describe a layer of kind ${layer.kind}`);
}
