/**
 * The annotator's layers, named and styled as micro-sam's napari annotator has them, so prompts
 * are ordinary points and shapes layers (set from Python like any other layer) and results are
 * ordinary labels layers:
 *
 * - `point_prompts` (points, property `label`: "positive" green, "negative" red),
 * - `prompts` (shapes: each rectangle is a box prompt),
 * - `current_object` (labels: the object being segmented),
 * - `committed_objects` (labels: each committed object with its own id).
 *
 * Layers are found by name on every use, never held: the kernel may replace one at any time.
 */
import type { NDArray } from '../../core/ndarray';
import type { SamPrompt } from '../../core/sam/transforms';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import type { Layer } from '../../viewer/model/layerBase';
import { PointsLayer } from '../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../viewer/model/shapesLayer';
import type { ViewerModel } from '../../viewer/model/viewerModel';

export const POINT_PROMPTS = 'point_prompts';
export const BOX_PROMPTS = 'prompts';
export const CURRENT_OBJECT = 'current_object';
export const COMMITTED_OBJECTS = 'committed_objects';
export const LABEL_PROPERTY = 'label';
export type PromptLabel = 'positive' | 'negative';

const GREEN = [0.15, 0.85, 0.3, 1] as const;
const RED = [0.95, 0.2, 0.2, 1] as const;

export function findLayer<T extends Layer>(model: ViewerModel, name: string, type: abstract new (...args: never[]) => T): T | null {
  const layer = model.layers.find(l => l.name === name);
  return layer instanceof type ? layer : null;
}

/** The image's spatial shape (ImageLayer.shape leaves an RGB(A) image's colour axis out). */
export function spatialShape(image: ImageLayer): number[] {
  return image.shape;
}

/**
 * Finds or adds the four layers, placed like `image` (same scale and translate). A layer of one
 * of these names but another kind, or a labels layer of another shape, is refused by name.
 */
export function ensurePromptLayers(model: ViewerModel, image: ImageLayer): void {
  const shape = spatialShape(image);
  const placement = { scale: image.scale.slice(0, shape.length), translate: image.translate.slice(0, shape.length) };
  const kinds: Array<[string, string]> = [[POINT_PROMPTS, 'points'], [BOX_PROMPTS, 'shapes'], [CURRENT_OBJECT, 'labels'], [COMMITTED_OBJECTS, 'labels']];
  for (const [name, kind] of kinds) {
    const existing = model.layers.find(l => l.name === name);
    if (existing && existing.kind !== kind) {
      throw new Error(`the layer "${name}" is a ${existing.kind} layer; the segment tool needs it to be a ${kind} layer (rename it)`);
    }
    if (existing instanceof LabelsLayer && existing.shape.join() !== shape.join()) {
      throw new Error(`the labels layer "${name}" has shape (${existing.shape.join(', ')}); the image has (${shape.join(', ')}): rename or remove it`);
    }
  }
  const size = shape.reduce((a, b) => a * b, 1);
  for (const name of [COMMITTED_OBJECTS, CURRENT_OBJECT]) {
    if (findLayer(model, name, LabelsLayer)) continue;
    const data: NDArray = { dtype: 'uint32', shape, data: new Uint32Array(size) };
    model.addLayer(new LabelsLayer(data, { id: model.newLayerId(), name, ...placement }));
  }
  if (!findLayer(model, BOX_PROMPTS, ShapesLayer)) {
    const boxes = new ShapesLayer({ id: model.newLayerId(), name: BOX_PROMPTS, ndim: shape.length, ...placement });
    boxes.currentStyle = { edgeColor: [0.2, 0.6, 1, 1], faceColor: [0, 0, 0, 0] };
    model.addLayer(boxes);
  }
  if (!findLayer(model, POINT_PROMPTS, PointsLayer)) {
    model.addLayer(
      new PointsLayer({
        id: model.newLayerId(),
        name: POINT_PROMPTS,
        ndim: shape.length,
        ...placement,
        properties: { [LABEL_PROPERTY]: [] },
        currentProperties: { [LABEL_PROPERTY]: 'positive' },
        faceColor: { property: LABEL_PROPERTY, kind: 'categorical', colors: { positive: GREEN, negative: RED } }
      })
    );
  }
}

/** Where the annotator works: a plane of the image (its integer index on the other axes). */
export interface PlaneRef {
  /** Index on every spatial axis of the image (the displayed ones are 0). */
  step: number[];
  /** The image's [row, column] axes. */
  displayed: [number, number];
}

/** The image's data coordinates of a point of another layer (the prompt layers may be placed differently). */
function toImageData(image: ImageLayer, layer: Layer, coords: readonly number[]): number[] {
  const n = spatialShape(image).length;
  const world = layer.dataToWorld(coords);
  return image.worldToData(world.slice(world.length - n));
}

function onPlane(index: readonly number[], plane: PlaneRef): boolean {
  return index.every((v, a) => plane.displayed.includes(a) || Math.round(v) === plane.step[a]);
}

/**
 * The prompts on `plane`: points as (x = column, y = row) with labels 1/0, and the last
 * rectangle as a box (SAM takes one box per object). Coordinates pass as they are, as
 * micro-sam passes napari's: a point at data (r, c) is pixel (r, c), and SAM's prompt encoder
 * itself shifts coordinates by half a pixel to the pixel's centre.
 */
export function promptsOnPlane(model: ViewerModel, image: ImageLayer, plane: PlaneRef): SamPrompt | null {
  const [row, col] = plane.displayed;
  const points: Array<[number, number]> = [];
  const labels: Array<0 | 1> = [];
  const pointsLayer = findLayer(model, POINT_PROMPTS, PointsLayer);
  if (pointsLayer) {
    const column = pointsLayer.properties[LABEL_PROPERTY];
    for (let i = 0; i < pointsLayer.count; i++) {
      const p = toImageData(image, pointsLayer, pointsLayer.coordinates(i));
      if (!onPlane(p, plane)) continue;
      points.push([p[col], p[row]]);
      labels.push(column?.[i] === 'negative' ? 0 : 1);
    }
  }
  let box: [number, number, number, number] | undefined;
  const shapes = findLayer(model, BOX_PROMPTS, ShapesLayer);
  if (shapes) {
    for (const s of shapes.shapes) {
      if (s.type !== 'rectangle') continue;
      const vertices = s.vertices.map(v => toImageData(image, shapes, v));
      if (!onPlane(vertices[0], plane)) continue;
      const rs = vertices.map(v => v[row]);
      const cs = vertices.map(v => v[col]);
      box = [Math.min(...cs), Math.min(...rs), Math.max(...cs), Math.max(...rs)];
    }
  }
  if (points.length === 0 && !box) return null;
  return box ? { points, labels, box } : { points, labels };
}

/** A short text that changes whenever the prompts of the plane do (to skip redundant runs). */
export function promptKey(prompt: SamPrompt | null): string {
  return prompt ? JSON.stringify(prompt) : '';
}
