/**
 * Which tool buttons each layer kind gets, in napari's order, with their names, icons and the
 * shortcut action that selects the same mode. Pure data plus lookups, so it is unit-tested.
 */
import type { LabelsMode } from '../model/labelsLayer';
import type { LayerKind } from '../model/layerBase';
import type { PointsMode } from '../model/pointsLayer';
import type { ShapesMode } from '../model/shapesLayer';
import type { IconName } from './icons';
import { modeActionId } from './shortcuts';

export interface ToolMode {
  readonly mode: string;
  readonly label: string;
  readonly icon: IconName;
  /** The shortcut action that selects this mode (see shortcuts.ts). */
  readonly actionId: string;
}

const tool = <M extends string>(kind: LayerKind, mode: M, label: string, icon: IconName): ToolMode & { mode: M } => ({
  mode,
  label,
  icon,
  actionId: modeActionId(kind, mode)
});

const LABELS: ReadonlyArray<ToolMode & { mode: LabelsMode }> = [
  tool<LabelsMode>('labels', 'pan_zoom', 'Pan/zoom', 'pan_zoom'),
  tool('labels', 'paint', 'Paint', 'paint'),
  tool('labels', 'erase', 'Erase', 'erase'),
  tool('labels', 'fill', 'Fill', 'fill'),
  tool('labels', 'pick', 'Pick a label', 'pick'),
  tool('labels', 'polygon', 'Polygon', 'polygon')
];

const POINTS: ReadonlyArray<ToolMode & { mode: PointsMode }> = [
  tool('points', 'pan_zoom', 'Pan/zoom', 'pan_zoom'),
  tool('points', 'add', 'Add points', 'add'),
  tool('points', 'select', 'Select points', 'select')
];

const SHAPES: ReadonlyArray<ToolMode & { mode: ShapesMode }> = [
  tool('shapes', 'pan_zoom', 'Pan/zoom', 'pan_zoom'),
  tool('shapes', 'select', 'Select shapes', 'select'),
  tool('shapes', 'direct', 'Select vertices', 'direct'),
  tool('shapes', 'add_rectangle', 'Add rectangles', 'rectangle'),
  tool('shapes', 'add_ellipse', 'Add ellipses', 'ellipse'),
  tool('shapes', 'add_polygon', 'Add polygons', 'polygon'),
  tool('shapes', 'add_line', 'Add lines', 'line'),
  tool('shapes', 'add_path', 'Add paths', 'path'),
  tool('shapes', 'vertex_insert', 'Insert vertices', 'vertex_insert'),
  tool('shapes', 'vertex_remove', 'Remove vertices', 'vertex_remove')
];

const IMAGE: readonly ToolMode[] = [tool('image', 'pan_zoom', 'Pan/zoom', 'pan_zoom')];

export const TOOL_MODES: Readonly<Record<LayerKind, readonly ToolMode[]>> = {
  image: IMAGE,
  labels: LABELS,
  points: POINTS,
  shapes: SHAPES
};

/** The tools for the active layer's kind; none when no layer is active. */
export function toolModesFor(kind: LayerKind | null): readonly ToolMode[] {
  return kind ? TOOL_MODES[kind] : [];
}
