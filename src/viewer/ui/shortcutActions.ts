/**
 * What each shortcut action id (shortcuts.ts) does: model operations only, plus a few view
 * operations the host widget provides. The viewer widget calls
 * `runShortcut(model, matchShortcut(event, model.activeLayer?.kind ?? null, overrides), host)`
 * and stops the event when it returns true.
 */
import { LabelsLayer } from '../model/labelsLayer';
import { PointsLayer } from '../model/pointsLayer';
import { ShapesLayer } from '../model/shapesLayer';
import type { ViewerModel } from '../model/viewerModel';
import { ConfirmRemove, removeSelectedLayers, toggleSelectedVisibility, toggleUnselectedVisibility } from './layerActions';
import { stepBrushSize } from './panelLogic';
import { modeOfAction } from './shortcuts';

/** View operations that are not model state; leave one out and its action is not handled. */
export interface ShortcutHost {
  resetView?(): void;
  toggleOrthoViews?(): void;
  /** napari's "hold Space to pan/zoom in any mode": called on key down (the host ends it on key up). */
  beginHoldPanZoom?(): void;
  /** napari's `dims.last_used`: the slider the arrow keys move; default the first sliced axis. */
  sliderAxis?(): number | null;
  setSliderAxis?(axis: number): void;
  confirmRemove?: ConfirmRemove;
  /** Refusals (e.g. a label id the dtype cannot hold) to show the user. */
  showMessage?(text: string, isError: boolean): void;
  /** The segment tool's actions (`segment.*`), handled by the app that provides the tool. */
  segmentAction?(id: string): boolean;
}

/** The slider axis the arrow keys act on: the host's choice, else the first sliced axis. */
export function currentSliderAxis(model: ViewerModel, host: ShortcutHost = {}): number | null {
  const sliced = model.dims.notDisplayed;
  const chosen = host.sliderAxis?.();
  if (chosen !== null && chosen !== undefined && sliced.includes(chosen)) return chosen;
  return sliced.length ? sliced[0] : null;
}

const LABELS_ACTIONS: Record<string, (layer: LabelsLayer) => void> = {
  'labels.new_label': layer => void layer.newLabel(),
  'labels.decrease_label_id': layer => {
    const v = layer.selectedLabel;
    layer.selectedLabel = typeof v === 'bigint' ? v - 1n : v - 1;
  },
  'labels.increase_label_id': layer => {
    const v = layer.selectedLabel;
    layer.selectedLabel = typeof v === 'bigint' ? v + 1n : v + 1;
  },
  'labels.decrease_brush_size': layer => (layer.brushSize = stepBrushSize(layer.brushSize, -1)),
  'labels.increase_brush_size': layer => (layer.brushSize = stepBrushSize(layer.brushSize, 1)),
  'labels.toggle_preserve_labels': layer => (layer.preserveLabels = !layer.preserveLabels)
};

/**
 * Performs action `id` (null: nothing) on the model; returns whether it was handled, so the
 * caller can let unhandled keys through (e.g. Enter for a tool that draws polygons).
 */
export function runShortcut(model: ViewerModel, id: string | null, host: ShortcutHost = {}): boolean {
  if (id === null) return false;
  try {
    return run(model, id, host);
  } catch (err) {
    // The model refuses invalid values (a label beyond the dtype, ...): say so, keep going.
    host.showMessage?.(String((err as Error).message ?? err), true);
    return true;
  }
}

function run(model: ViewerModel, id: string, host: ShortcutHost): boolean {
  const layer = model.activeLayer;
  const mode = modeOfAction(id);
  if (mode) {
    if (!layer || layer.kind !== mode[0]) return false;
    if (layer instanceof LabelsLayer || layer instanceof PointsLayer || layer instanceof ShapesLayer) {
      (layer as { mode: string }).mode = mode[1];
    }
    return true; // image: pan/zoom is its only mode
  }
  if (id.startsWith('segment.')) return host.segmentAction?.(id) ?? false;
  const dims = model.dims;
  switch (id) {
    case 'viewer.undo':
      model.history.undo();
      return true;
    case 'viewer.redo':
      model.history.redo();
      return true;
    case 'viewer.reset_view':
      return call(host.resetView);
    case 'viewer.toggle_ortho_views':
      return call(host.toggleOrthoViews);
    case 'viewer.hold_pan_zoom':
      return call(host.beginHoldPanZoom);
    case 'viewer.transpose_axes':
      dims.transpose();
      return true;
    case 'viewer.roll_axes':
      dims.rollAxes();
      return true;
    case 'viewer.previous_slice':
    case 'viewer.next_slice': {
      const axis = currentSliderAxis(model, host);
      if (axis === null) return false;
      dims.setCurrentStep(axis, dims.currentStep[axis] + (id === 'viewer.next_slice' ? 1 : -1));
      return true;
    }
    case 'viewer.focus_axes_up':
    case 'viewer.focus_axes_down': {
      const sliced = dims.notDisplayed;
      const axis = currentSliderAxis(model, host);
      if (!host.setSliderAxis || axis === null) return false;
      const i = sliced.indexOf(axis) + (id === 'viewer.focus_axes_up' ? -1 : 1);
      host.setSliderAxis(sliced[Math.min(sliced.length - 1, Math.max(0, i))]);
      return true;
    }
    case 'viewer.toggle_selected_visibility':
      toggleSelectedVisibility(model);
      return true;
    case 'viewer.toggle_unselected_visibility':
      toggleUnselectedVisibility(model);
      return true;
    case 'viewer.delete_selected_layers':
      void removeSelectedLayers(model, host.confirmRemove);
      return true;
    case 'viewer.select_layer_above':
    case 'viewer.select_layer_below':
    case 'viewer.show_only_layer_above':
    case 'viewer.show_only_layer_below':
      selectNeighbour(model, id.endsWith('above') ? 1 : -1, id.startsWith('viewer.show_only'));
      return true;
  }
  if (layer instanceof LabelsLayer && id in LABELS_ACTIONS) {
    LABELS_ACTIONS[id](layer);
    return true;
  }
  if (layer instanceof PointsLayer || layer instanceof ShapesLayer) {
    const kind = layer.kind;
    if (id === `${kind}.delete_selected`) {
      layer.removeSelected();
      return true;
    }
    if (id === 'points.select_all' && layer instanceof PointsLayer) {
      layer.select([...Array(layer.count).keys()]);
      return true;
    }
    if (id === `${kind}.select_all_in_slice` || id === 'shapes.select_all' || id === 'points.select_append_in_slice') {
      const slice = model.sliceOf(layer);
      const visible = slice ? layer.visibleIndices(slice.step, slice.displayed) : [];
      layer.select(visible, { add: id === 'points.select_append_in_slice' });
      return true;
    }
  }
  if (layer instanceof ShapesLayer) {
    switch (id) {
      case 'shapes.move_to_front':
        layer.bringToFront();
        return true;
      case 'shapes.move_to_back':
        layer.sendToBack();
        return true;
      case 'shapes.finish_drawing':
        if (!layer.draft) return false;
        layer.commitDraft();
        return true;
    }
  }
  // labels.complete_polygon / reset_polygon: the polygon being drawn lives in the labels tool.
  return false;
}

/**
 * napari's select_layer_above/below (Ctrl+Up/Down) and show_only_layer_above/below
 * (Shift+Alt+Up/Down): the neighbour of the active layer in the stack becomes the only
 * selected one; "show only" also hides every other layer. Stops at the ends.
 */
function selectNeighbour(model: ViewerModel, up: 1 | -1, showOnly: boolean): void {
  const layers = model.layers;
  if (layers.length === 0) return;
  const at = layers.findIndex(l => l.id === model.active);
  const next = at < 0 ? (up > 0 ? 0 : layers.length - 1) : Math.min(layers.length - 1, Math.max(0, at + up));
  const target = layers[next];
  model.select(target.id);
  if (showOnly) for (const layer of layers) layer.visible = layer === target;
}

function call(f?: () => void): boolean {
  if (!f) return false;
  f();
  return true;
}
