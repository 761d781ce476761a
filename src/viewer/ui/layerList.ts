import { Widget } from '@lumino/widgets';
import type { Layer } from '../model/layerBase';
import type { ViewerModel } from '../model/viewerModel';
import { el, iconButton, uniqueId } from './controlsDom';
import { createIcon, hasIcon } from './icons';
import { clickSelect, ConfirmRemove, duplicateSelectedLayers, removeSelectedLayers } from './layerActions';
import { checkLayerName, dropMove, dropPosition, DropPosition, layerOfRow, nextRow, rowOfLayer, stepMove } from './panelLogic';

export interface LayerListCallbacks {
  /**
   * "New labels layer": the host creates it (creating layers is the model's job), sized like
   * `source` (the active layer, when there is one) or the whole scene.
   */
  onNewLabels(source: Layer | undefined): void;
  onNewPoints(source: Layer | undefined): void;
  onNewShapes(source: Layer | undefined): void;
  /** Asked before layers are removed, since removal is not in the undo history. None: no question. */
  confirmRemove?: ConfirmRemove;
  /** Where refusals and errors go (e.g. the viewer's status bar); also shown in the list. */
  onMessage?(text: string, isError: boolean): void;
}

const KIND_NAMES: Record<string, string> = { image: 'Image', labels: 'Labels', points: 'Points', shapes: 'Shapes' };

/**
 * napari's layer list: top layer first, an eye per row, the kind's icon and the name. Click
 * selects (Ctrl/Cmd adds, Shift extends), double-click or F2 renames, rows drag to reorder
 * (Alt+Up/Down from the keyboard), Up/Down move the selection, Delete removes, Space toggles
 * visibility. Every change goes through the ViewerModel; the list only mirrors it.
 */
export class LayerList extends Widget {
  private readonly listNode = el('ul', 'jp-SegLab-layerRows');
  private readonly messageNode = el('div', 'jp-SegLab-layerListMessage');
  private readonly buttons: { remove: HTMLButtonElement; duplicate: HTMLButtonElement; labels: HTMLButtonElement; points: HTMLButtonElement; shapes: HTMLButtonElement };
  private rows: HTMLLIElement[] = [];
  private readonly rowIdPrefix = uniqueId('layerRow');
  private drag: { fromRow: number } | null = null;
  private editing: { layer: Layer; input: HTMLInputElement } | null = null;

  constructor(
    private readonly model: ViewerModel,
    private readonly callbacks: LayerListCallbacks
  ) {
    super();
    this.addClass('jp-SegLab-layerList');
    const list = this.listNode;
    list.tabIndex = 0;
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-multiselectable', 'true');
    list.setAttribute('aria-label', 'Layers (top first): Up/Down to select, Alt+Up/Down to reorder, F2 to rename, Delete to remove, Space to show/hide');
    list.addEventListener('keydown', this.onKeyDown);
    list.addEventListener('dragover', this.onDragOver);
    list.addEventListener('drop', this.onDrop);
    list.addEventListener('dragleave', this.onDragLeave);
    this.messageNode.setAttribute('role', 'status');
    this.messageNode.setAttribute('aria-live', 'polite');

    const bar = el('div', 'jp-SegLab-layerButtons');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Layer actions');
    const active = () => this.model.activeLayer;
    this.buttons = {
      remove: iconButton({ icon: 'trash', label: 'Delete selected layers', onClick: () => void this.removeSelected() }),
      duplicate: iconButton({ icon: 'duplicate', label: 'Duplicate selected layers', onClick: () => this.duplicateSelected() }),
      labels: iconButton({ icon: 'new_labels', label: 'New labels layer', onClick: () => this.callbacks.onNewLabels(active()) }),
      points: iconButton({ icon: 'new_points', label: 'New points layer', onClick: () => this.callbacks.onNewPoints(active()) }),
      shapes: iconButton({ icon: 'new_shapes', label: 'New shapes layer', onClick: () => this.callbacks.onNewShapes(active()) })
    };
    const b = this.buttons;
    bar.append(b.labels, b.points, b.shapes, el('span', 'jp-SegLab-spacer'), b.duplicate, b.remove);
    this.node.append(list, this.messageNode, bar);

    model.layersChanged.connect(this.render, this);
    model.selectionChanged.connect(this.updateSelection, this);
    model.layerChanged.connect(this.onLayerChanged, this);
    this.render();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.model.layersChanged.disconnect(this.render, this);
    this.model.selectionChanged.disconnect(this.updateSelection, this);
    this.model.layerChanged.disconnect(this.onLayerChanged, this);
    super.dispose();
  }

  /** Starts renaming a layer in place (also on double-click and F2). */
  beginRename(layerId: string): void {
    const index = this.model.layers.findIndex(l => l.id === layerId);
    if (index < 0) return;
    const layer = this.model.layers[index];
    const row = this.rows[rowOfLayer(index, this.model.layers.length)];
    const nameNode = row?.querySelector<HTMLElement>('.jp-SegLab-layerName');
    if (!nameNode) return;
    this.cancelRename();
    const input = el('input', 'jp-SegLab-layerNameInput');
    input.type = 'text';
    input.value = layer.name;
    input.setAttribute('aria-label', 'Layer name: Enter to apply, Escape to cancel');
    input.spellcheck = false;
    input.addEventListener('keydown', event => {
      event.stopPropagation(); // typing must not trigger list keys or shortcuts
      if (event.key === 'Enter') {
        event.preventDefault();
        this.commitRename();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.cancelRename();
        this.listNode.focus();
      }
    });
    input.addEventListener('blur', () => this.commitRename(false));
    input.addEventListener('pointerdown', event => event.stopPropagation());
    input.addEventListener('click', event => event.stopPropagation());
    nameNode.replaceWith(input);
    row.draggable = false;
    this.editing = { layer, input };
    input.focus();
    input.select();
  }

  private commitRename(refocus = true): void {
    const editing = this.editing;
    if (!editing) return;
    const name = editing.input.value;
    if (name !== editing.layer.name) {
      const others = this.model.layers.filter(l => l !== editing.layer).map(l => l.name);
      const problem = checkLayerName(name, others);
      if (problem) {
        this.showMessage(problem, true);
        editing.input.setAttribute('aria-invalid', 'true');
        if (refocus) editing.input.focus();
        else this.cancelRename(); // focus left: give up rather than trap the user
        return;
      }
      this.editing = null;
      editing.layer.name = name; // emits layerChanged: the row updates
    }
    this.editing = null;
    this.showMessage('', false);
    this.render();
    if (refocus) this.listNode.focus();
  }

  private cancelRename(): void {
    if (!this.editing) return;
    this.editing = null;
    this.render();
  }

  private render(): void {
    if (this.editing && !this.model.layers.includes(this.editing.layer)) this.editing = null;
    if (this.editing) return; // rebuilt once renaming ends
    const layers = this.model.layers;
    const count = layers.length;
    this.rows = [];
    const rows = layers.map((layer, index) => this.makeRow(layer, rowOfLayer(index, count))).reverse();
    this.listNode.replaceChildren(...rows);
    this.rows = rows;
    if (count === 0) {
      const empty = el('li', 'jp-SegLab-layerEmpty', 'No layers');
      empty.setAttribute('role', 'presentation');
      this.listNode.appendChild(empty);
    }
    this.updateSelection();
  }

  private makeRow(layer: Layer, row: number): HTMLLIElement {
    const li = el('li', 'jp-SegLab-layerRow');
    li.id = `${this.rowIdPrefix}-${row}`;
    li.setAttribute('role', 'option');
    li.dataset.row = String(row);
    li.draggable = true;
    const eye = iconButton({
      icon: layer.visible ? 'eye' : 'eye_off',
      label: `Show ${layer.name}`,
      pressed: layer.visible,
      className: 'jp-SegLab-layerEye',
      onClick: event => {
        event.stopPropagation();
        layer.visible = !layer.visible;
      }
    });
    eye.tabIndex = -1; // the list is one tab stop; Space toggles from the keyboard
    const kind = el('span', 'jp-SegLab-layerKind');
    if (hasIcon(layer.kind)) kind.appendChild(createIcon(layer.kind));
    kind.title = KIND_NAMES[layer.kind] ?? layer.kind;
    const name = el('span', 'jp-SegLab-layerName', layer.name);
    name.title = layer.name;
    li.append(eye, kind, name);
    li.setAttribute('aria-label', `${layer.name}, ${KIND_NAMES[layer.kind] ?? layer.kind} layer${layer.visible ? '' : ', hidden'}`);
    li.addEventListener('click', event => {
      clickSelect(this.model, layer.id, { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey });
      this.listNode.focus();
    });
    li.addEventListener('dblclick', event => {
      if ((event.target as HTMLElement).closest('.jp-SegLab-layerEye')) return;
      this.beginRename(layer.id);
    });
    li.addEventListener('dragstart', event => {
      this.drag = { fromRow: row };
      event.dataTransfer?.setData('text/plain', layer.name); // Firefox starts no drag without data
      if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
      li.classList.add('jp-SegLab-dragging');
    });
    li.addEventListener('dragend', () => {
      this.drag = null;
      li.classList.remove('jp-SegLab-dragging');
      this.clearDropMarks();
    });
    return li;
  }

  private updateSelection(): void {
    const selection = this.model.selection;
    const active = this.model.active;
    const count = this.model.layers.length;
    this.model.layers.forEach((layer, index) => {
      const li = this.rows[rowOfLayer(index, count)];
      if (!li) return;
      li.setAttribute('aria-selected', String(selection.has(layer.id)));
      li.classList.toggle('jp-mod-selected', selection.has(layer.id));
      li.classList.toggle('jp-mod-active', layer.id === active);
      if (layer.id === active) {
        this.listNode.setAttribute('aria-activedescendant', li.id);
        li.scrollIntoView?.({ block: 'nearest' });
      }
    });
    if (active === null) this.listNode.removeAttribute('aria-activedescendant');
    const b = this.buttons;
    const hasSelection = selection.size > 0;
    b.remove.disabled = !hasSelection;
    b.duplicate.disabled = !hasSelection;
    b.labels.disabled = count === 0; // a labels layer needs a shape to take
  }

  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: string }): void {
    if (change.what !== 'display' || this.editing) return;
    const index = this.model.layers.indexOf(change.layer);
    const li = this.rows[rowOfLayer(index, this.model.layers.length)];
    if (index < 0 || !li) return;
    const layer = change.layer;
    const nameNode = li.querySelector('.jp-SegLab-layerName');
    const eye = li.querySelector('.jp-SegLab-layerEye');
    const nameChanged = nameNode?.textContent !== layer.name;
    const visibilityChanged = eye?.getAttribute('aria-pressed') !== String(layer.visible);
    if (nameChanged || visibilityChanged) {
      // Cheap enough, and keeps the row's labels consistent; most display changes skip this.
      const fresh = this.makeRow(layer, rowOfLayer(index, this.model.layers.length));
      li.replaceWith(fresh);
      this.rows[rowOfLayer(index, this.model.layers.length)] = fresh;
      this.updateSelection();
    }
  }

  private async removeSelected(): Promise<void> {
    try {
      await removeSelectedLayers(this.model, this.callbacks.confirmRemove);
    } catch (err) {
      this.showMessage(String((err as Error).message ?? err), true);
    }
  }

  private duplicateSelected(): void {
    const { errors } = duplicateSelectedLayers(this.model);
    if (errors.length) this.showMessage(errors.join('\n'), true);
  }

  private showMessage(text: string, isError: boolean): void {
    this.messageNode.textContent = text;
    this.messageNode.classList.toggle('jp-SegLab-error', isError);
    if (text) this.callbacks.onMessage?.(text, isError);
  }

  private activeRow(): number | null {
    const index = this.model.layers.findIndex(l => l.id === this.model.active);
    return index < 0 ? null : rowOfLayer(index, this.model.layers.length);
  }

  private onKeyDown = (event: KeyboardEvent): void => {
    if (event.target !== this.listNode) return;
    const layers = this.model.layers;
    const count = layers.length;
    const row = this.activeRow();
    const handled = (): void => {
      event.preventDefault();
      event.stopPropagation(); // the notebook must not also act on these keys
    };
    if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && event.altKey) {
      const index = row === null ? -1 : layerOfRow(row, count);
      const move = stepMove(index, event.key === 'ArrowUp' ? 1 : -1, count);
      if (move) this.model.moveLayer(...move);
      handled();
    } else if (['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) {
      const delta = { ArrowUp: -1, ArrowDown: 1, Home: -count, End: count }[event.key]!;
      const next = nextRow(row, delta, count);
      if (next !== null) clickSelect(this.model, layers[layerOfRow(next, count)].id, { toggle: event.ctrlKey || event.metaKey, range: event.shiftKey });
      handled();
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      void this.removeSelected();
      handled();
    } else if (event.key === 'F2' && this.model.active !== null) {
      this.beginRename(this.model.active);
      handled();
    } else if (event.key === ' ' && row !== null) {
      const layer = layers[layerOfRow(row, count)];
      layer.visible = !layer.visible;
      handled();
    } else if ((event.key === 'a' || event.key === 'A') && (event.ctrlKey || event.metaKey)) {
      this.model.selectAll();
      handled();
    }
  };

  // ---- drag and drop ----------------------------------------------------------------------

  private dropTarget(event: DragEvent): { overRow: number; position: DropPosition; li: HTMLLIElement } | null {
    const li = (event.target as HTMLElement).closest?.<HTMLLIElement>('.jp-SegLab-layerRow');
    if (!li || !this.listNode.contains(li)) return null;
    const rect = li.getBoundingClientRect();
    return { overRow: Number(li.dataset.row), position: dropPosition(event.clientY, rect.top, rect.height), li };
  }

  private onDragOver = (event: DragEvent): void => {
    if (!this.drag) return; // not one of our rows (e.g. a file dragged over)
    const target = this.dropTarget(event);
    if (!target) return;
    event.preventDefault(); // allows the drop
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    this.clearDropMarks();
    target.li.classList.add(target.position === 'above' ? 'jp-SegLab-dropAbove' : 'jp-SegLab-dropBelow');
  };

  private onDragLeave = (event: DragEvent): void => {
    if (!this.listNode.contains(event.relatedTarget as Node | null)) this.clearDropMarks();
  };

  private onDrop = (event: DragEvent): void => {
    const drag = this.drag;
    const target = this.dropTarget(event);
    this.clearDropMarks();
    if (!drag || !target) return;
    event.preventDefault();
    this.drag = null;
    const move = dropMove(drag.fromRow, target.overRow, target.position, this.model.layers.length);
    if (move) this.model.moveLayer(...move);
  };

  private clearDropMarks(): void {
    for (const li of this.rows) li.classList.remove('jp-SegLab-dropAbove', 'jp-SegLab-dropBelow');
  }
}
