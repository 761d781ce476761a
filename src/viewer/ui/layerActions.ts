/**
 * Layer-list operations that the list's buttons, its keyboard handling and the viewer's
 * shortcuts share. They only call the ViewerModel, so they are tested without a DOM.
 */
import type { Layer } from '../model/layerBase';
import type { ViewerModel } from '../model/viewerModel';

/** Asked before layers are removed (removal is not undoable); resolve false to keep them. */
export type ConfirmRemove = (layers: readonly Layer[]) => boolean | Promise<boolean>;

/** The selected layers, top of the list first. */
export function selectedLayers(model: ViewerModel): Layer[] {
  const ids = model.selection;
  return model.layers.filter(l => ids.has(l.id)).reverse();
}

/**
 * Removes the selected layers after `confirm` agrees (none: no question). Returns how many
 * went. Layers removed meanwhile by someone else are skipped.
 */
export async function removeSelectedLayers(model: ViewerModel, confirm?: ConfirmRemove): Promise<number> {
  const layers = selectedLayers(model);
  if (layers.length === 0) return 0;
  if (confirm && !(await confirm(layers))) return 0;
  let removed = 0;
  for (const layer of layers) if (model.removeLayer(layer.id)) removed++;
  return removed;
}

/**
 * Duplicates every selected layer (napari duplicates the whole selection), each copy right
 * above its original; the copies end up selected. Returns the copies and one message per
 * layer that could not be copied.
 */
export function duplicateSelectedLayers(model: ViewerModel): { copies: Layer[]; errors: string[] } {
  const copies: Layer[] = [];
  const errors: string[] = [];
  for (const layer of selectedLayers(model)) {
    try {
      copies.push(model.duplicateLayer(layer.id));
    } catch (err) {
      errors.push(`${layer.name}: ${(err as Error).message ?? err}`);
    }
  }
  copies.forEach((copy, i) => model.select(copy.id, { add: i > 0 }));
  return { copies, errors };
}

/** napari's V: flips the visibility of each selected layer. */
export function toggleSelectedVisibility(model: ViewerModel): void {
  for (const layer of selectedLayers(model)) layer.visible = !layer.visible;
}

/** napari's Shift+V: flips the visibility of each layer that is not selected. */
export function toggleUnselectedVisibility(model: ViewerModel): void {
  const ids = model.selection;
  for (const layer of model.layers) if (!ids.has(layer.id)) layer.visible = !layer.visible;
}

/**
 * The click rules of napari's layer list: a plain click selects only that layer, Ctrl/Cmd
 * toggles it in the selection, Shift selects the range from the active layer.
 */
export function clickSelect(model: ViewerModel, id: string, modifiers: { toggle?: boolean; range?: boolean } = {}): void {
  const layers = model.layers;
  const index = layers.findIndex(l => l.id === id);
  if (index < 0) return;
  if (modifiers.range && model.active !== null) {
    const anchor = layers.findIndex(l => l.id === model.active);
    const [lo, hi] = anchor < index ? [anchor, index] : [index, anchor];
    model.select(layers[lo].id);
    for (let i = lo + 1; i <= hi; i++) model.select(layers[i].id, { add: true });
    model.select(id, { add: true }); // the clicked layer becomes the active one
    return;
  }
  if (modifiers.toggle) {
    if (model.selection.has(id) && model.selection.size > 1) model.deselect(id);
    else model.select(id, { add: true });
    return;
  }
  model.select(id);
}
