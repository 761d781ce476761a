import { ColormapName } from '../../core/colormaps';
import { NDArray, ndarrayFromBuffer } from '../../core/ndarray';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import { Blending, Layer } from '../../viewer/model/layerBase';
import { PointsDescriptor, PointsLayer, PropertyTable, PropertyValue, RGBA } from './pointsImports';

/**
 * Between the wire's layer descriptors (python-kernel-bridge/PROTOCOL.md, v2) and the viewer
 * model's layers: building a layer from a descriptor and its payload, and describing what a
 * layer holds now, payload included, for `data-reply`. The model knows nothing of the wire.
 */

/** The 2D blending modes the viewer draws; napari's 3D-only variants fall back to these. */
function toBlending(value: WireBlending): Blending {
  return value === 'translucent_no_depth' || value === 'minimum' ? 'translucent' : value;
}

function hexToRgba(hex: string): RGBA {
  const n = (i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
  return [n(0), n(1), n(2), n(3)];
}

function rgbaToHex(c: RGBA): string {
  return '#' + c.map(v => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
}

function perItem<T>(value: PerItem<T>, index: number): T {
  return Array.isArray(value) ? value[index] : value;
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

function toTable(columns: PropertyColumn[]): PropertyTable {
  const table: PropertyTable = {};
  for (const column of columns) {
    table[column.name] = (column.values as Array<number | string | boolean | null>).map(v =>
      typeof v === 'boolean' ? Number(v) : v === null ? NaN : v
    );
  }
  return table;
}

function toColumns(table: PropertyTable): PropertyColumn[] {
  return Object.entries(table).map(([name, values]) =>
    values.every(v => typeof v === 'string')
      ? { name, dtype: 'str', values: values as string[] }
      : { name, dtype: 'float64', values: (values as number[]).map(v => (Number.isFinite(v) ? v : null)) }
  );
}

/** Builds the layer a `layer-data` describes (or replaces the data of the one with its id). */
export function applyDescriptor(viewer: ViewerModel, layer: LayerDescriptor, payload: ArrayBuffer): Layer {
  const existing = viewer.getLayer(layer.id);
  if (existing && existing.kind !== layer.kind) {
    throw new Error(`layer ${layer.id} is a ${existing.kind} layer; the kernel sent ${layer.kind} data for it`);
  }
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
      const array = ndarrayFromBuffer(payload, layer.dtype, layer.shape);
      if (existing instanceof ImageLayer) {
        existing.setData(array, layer.rgb);
        applyProps(existing, layer);
        return existing;
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
      if (existing instanceof LabelsLayer) {
        existing.setData(array);
        applyProps(existing, layer);
        return existing;
      }
      built = new LabelsLayer(array, { ...common, selectedLabel: layer.selected_label, mode: layer.mode });
      break;
    }
    case 'points': {
      const data = rowsOf(payload, layer.n_points, layer.ndim);
      built = new PointsLayer({
        ...common,
        ndim: layer.ndim,
        data,
        size: layer.size,
        properties: toTable(layer.properties),
        faceColor: hexToRgba(perItem(layer.face_color, 0))
      });
      break;
    }
    case 'shapes': {
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
      built = new ShapesLayer({ ...common, ndim: layer.ndim, shapes });
      break;
    }
  }
  if (existing) {
    // Points and shapes are rebuilt whole; keep the layer's place in the list.
    const index = viewer.layers.indexOf(existing);
    viewer.removeLayer(existing.id);
    viewer.addLayer(built);
    viewer.moveLayer(viewer.layers.length - 1, index);
  } else {
    viewer.addLayer(built);
  }
  return built;
}

/** Applies display fields (`layer-props`, or the descriptor of new data for an existing layer). */
export function applyProps(layer: Layer, props: Partial<DisplayFields>): void {
  if (props.name !== undefined) layer.name = props.name;
  if (props.visible !== undefined) layer.visible = props.visible;
  if (props.opacity !== undefined) layer.opacity = props.opacity;
  if (props.blending !== undefined) layer.blending = toBlending(props.blending);
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
  }
}

/** What a layer holds now: its descriptor (with `revision`) and its payload bytes. */
export function describeLayer(layer: Layer, revision: number): { descriptor: LayerDescriptor; payload: Uint8Array } {
  const common = {
    id: layer.id,
    name: layer.name,
    ndim: layer.ndim,
    revision,
    visible: layer.visible,
    opacity: layer.opacity,
    blending: layer.blending,
    scale: layer.scale,
    translate: layer.translate
  };
  const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (layer instanceof ImageLayer) {
    return {
      descriptor: {
        ...common,
        kind: 'image',
        dtype: layer.data.dtype,
        shape: [...layer.data.shape],
        rgb: layer.rgb,
        colormap: layer.colormap,
        contrast_limits: layer.contrastLimits,
        gamma: layer.gamma,
        interpolation: layer.interpolation
      },
      payload: bytes(layer.data.data)
    };
  }
  if (layer instanceof LabelsLayer) {
    const selected = Number(layer.selectedLabel);
    return {
      descriptor: {
        ...common,
        kind: 'labels',
        dtype: layer.data.dtype as 'int32',
        shape: [...layer.data.shape],
        selected_label: Number.isSafeInteger(selected) && selected >= 0 ? selected : 0,
        mode: layer.mode === 'polygon' ? 'paint' : layer.mode
      },
      payload: bytes(layer.data.data)
    };
  }
  if (layer instanceof PointsLayer) {
    const coords = layer.data;
    const faces = Array.from({ length: layer.count }, (_, i) => rgbaToHex(layer.faceColorOf(i)));
    return {
      descriptor: {
        ...common,
        kind: 'points',
        n_points: layer.count,
        size: layer.count ? uniformOrList(Array.from(layer.sizes)) : 10,
        face_color: layer.count ? uniformOrList(faces) : '#ffffffff',
        properties: toColumns(layer.properties)
      },
      payload: bytes(coords)
    };
  }
  if (layer instanceof ShapesLayer) {
    const shapes = layer.shapes;
    const flat = new Float64Array(shapes.reduce((n, s) => n + s.vertices.length * layer.ndim, 0));
    let at = 0;
    for (const s of shapes) for (const v of s.vertices) for (const x of v) flat[at++] = x;
    return {
      descriptor: {
        ...common,
        kind: 'shapes',
        shape_type: shapes.map(s => s.type),
        vertex_counts: shapes.map(s => s.vertices.length),
        edge_color: shapes.length ? uniformOrList(shapes.map(s => rgbaToHex(s.edgeColor))) : '#000000ff',
        face_color: shapes.length ? uniformOrList(shapes.map(s => rgbaToHex(s.faceColor))) : '#ffffffff',
        edge_width: shapes.length ? uniformOrList(shapes.map(s => s.edgeWidth)) : 1,
        properties: []
      },
      payload: bytes(flat)
    };
  }
  throw new Error(`cannot describe a layer of kind ${layer.kind}`);
}
