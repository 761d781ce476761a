import { Widget } from '@lumino/widgets';
import type { Layer } from '../model/layerBase';
import type { ViewerModel } from '../model/viewerModel';
import { el, iconButton } from './controlsDom';
import { runShortcut } from './shortcutActions';
import { ShortcutOverrides, titleWithShortcut } from './shortcuts';
import { ToolMode, toolModesFor } from './toolModes';

export interface ViewerToolbarOptions {
  /** Saves or copies a screenshot of the canvas (the viewer widget knows how). */
  onScreenshot(): void;
  /**
   * Switches between the single 2D view and orthogonal views; call setOrthoViews() with the
   * result. Left out: the host has no orthogonal views and the button is not shown.
   */
  onToggleOrthoViews?(): void;
  /** The user's shortcut settings, read whenever titles are built. */
  shortcuts?: () => ShortcutOverrides;
  /** Show shortcuts with macOS symbols; default: guessed from the browser. */
  mac?: boolean;
}

function guessMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform ?? '');
}

/**
 * The thin row above the canvas: the active layer's tools (napari's mode buttons, one
 * aria-pressed toggle each, titles with the shortcut), undo/redo bound to the viewer's
 * history, a screenshot button and the orthogonal-views toggle.
 */
export class ViewerToolbar extends Widget {
  private readonly toolGroup = el('div', 'jp-SegLab-toolGroup');
  private readonly undoButton: HTMLButtonElement;
  private readonly redoButton: HTMLButtonElement;
  private readonly orthoButton: HTMLButtonElement;
  private readonly screenshotButton: HTMLButtonElement;
  private layer: Layer | null = null;
  private toolButtons: Array<{ tool: ToolMode; button: HTMLButtonElement }> = [];
  private readonly mac: boolean;

  constructor(
    private readonly model: ViewerModel,
    private readonly options: ViewerToolbarOptions
  ) {
    super();
    this.addClass('jp-SegLab-toolbar');
    this.mac = options.mac ?? guessMac();
    this.node.setAttribute('role', 'toolbar');
    this.node.setAttribute('aria-label', 'Viewer tools');
    this.toolGroup.setAttribute('role', 'group');
    this.undoButton = iconButton({ icon: 'undo', label: 'Undo', onClick: () => model.history.undo() });
    this.redoButton = iconButton({ icon: 'redo', label: 'Redo', onClick: () => model.history.redo() });
    this.screenshotButton = iconButton({ icon: 'screenshot', label: 'Screenshot', onClick: () => options.onScreenshot() });
    this.orthoButton = iconButton({ icon: 'ortho', label: 'Orthogonal views', pressed: false, onClick: () => options.onToggleOrthoViews?.() });
    const history = el('div', 'jp-SegLab-toolGroup');
    history.setAttribute('role', 'group');
    history.setAttribute('aria-label', 'History');
    history.append(this.undoButton, this.redoButton);
    const view = el('div', 'jp-SegLab-toolGroup');
    view.setAttribute('role', 'group');
    view.setAttribute('aria-label', 'View');
    if (options.onToggleOrthoViews) view.append(this.orthoButton);
    view.append(this.screenshotButton);
    this.node.append(this.toolGroup, el('span', 'jp-SegLab-spacer'), history, view);
    this.node.addEventListener('keydown', this.onKeyDown);

    model.selectionChanged.connect(this.onSelectionChanged, this);
    model.layerChanged.connect(this.onLayerChanged, this);
    model.history.changed.connect(this.updateHistory, this);
    this.rebuildTools();
    this.refreshTitles();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.model.selectionChanged.disconnect(this.onSelectionChanged, this);
    this.model.layerChanged.disconnect(this.onLayerChanged, this);
    this.model.history.changed.disconnect(this.updateHistory, this);
    super.dispose();
  }

  /** Buttons of a workflow (the segment tool), placed after the layer's tools. */
  addExtra(node: HTMLElement): void {
    this.node.insertBefore(node, this.node.querySelector('.jp-SegLab-spacer'));
  }

  /** Shows whether orthogonal views are on (the viewer widget owns that view state). */
  setOrthoViews(active: boolean): void {
    this.orthoButton.setAttribute('aria-pressed', String(active));
    this.orthoButton.classList.toggle('jp-mod-active', active);
  }

  /** Rebuilds the tooltips, e.g. after the user changed the shortcut settings. */
  refreshTitles(): void {
    const overrides = this.options.shortcuts?.() ?? {};
    for (const { tool, button } of this.toolButtons) button.title = titleWithShortcut(tool.label, tool.actionId, overrides, this.mac);
    this.orthoButton.title = titleWithShortcut('Orthogonal views', 'viewer.toggle_ortho_views', overrides, this.mac);
    this.screenshotButton.title = 'Screenshot of the canvas';
    this.updateHistory();
  }

  private onSelectionChanged(): void {
    if ((this.model.activeLayer ?? null) !== this.layer) this.rebuildTools();
  }

  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: string }): void {
    if (change.layer === this.layer && change.what === 'display') this.updatePressed();
  }

  private rebuildTools(): void {
    const layer = this.model.activeLayer ?? null;
    this.layer = layer;
    const overrides = this.options.shortcuts?.() ?? {};
    this.toolButtons = toolModesFor(layer?.kind ?? null).map(tool => {
      const button = iconButton({
        icon: tool.icon,
        label: tool.label,
        title: titleWithShortcut(tool.label, tool.actionId, overrides, this.mac),
        pressed: false,
        className: 'jp-SegLab-toolButton',
        onClick: () => runShortcut(this.model, tool.actionId)
      });
      button.dataset.mode = tool.mode;
      return { tool, button };
    });
    this.toolGroup.replaceChildren(...this.toolButtons.map(t => t.button));
    this.toolGroup.setAttribute('aria-label', layer ? `Tools for ${layer.name}` : 'Tools');
    this.updatePressed();
  }

  private updatePressed(): void {
    const layer = this.layer;
    // Image layers have no mode: pan/zoom is always on.
    const mode = layer && 'mode' in layer ? String((layer as { mode: unknown }).mode) : 'pan_zoom';
    for (const { tool, button } of this.toolButtons) {
      const on = tool.mode === mode;
      button.setAttribute('aria-pressed', String(on));
      button.classList.toggle('jp-mod-active', on);
    }
  }

  private updateHistory(): void {
    const h = this.model.history;
    const overrides = this.options.shortcuts?.() ?? {};
    this.undoButton.disabled = !h.canUndo;
    this.redoButton.disabled = !h.canRedo;
    this.undoButton.title = titleWithShortcut(h.undoLabel ? `Undo ${h.undoLabel}` : 'Nothing to undo', 'viewer.undo', overrides, this.mac);
    this.redoButton.title = titleWithShortcut(h.redoLabel ? `Redo ${h.redoLabel}` : 'Nothing to redo', 'viewer.redo', overrides, this.mac);
    this.undoButton.setAttribute('aria-label', h.undoLabel ? `Undo ${h.undoLabel}` : 'Undo');
    this.redoButton.setAttribute('aria-label', h.redoLabel ? `Redo ${h.redoLabel}` : 'Redo');
  }

  /** Left/Right move focus between the toolbar's buttons (ARIA toolbar pattern). */
  private onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const buttons = Array.from(this.node.querySelectorAll<HTMLButtonElement>('button:not([disabled])'));
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const next = buttons[(at + (event.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length];
    next.focus();
    event.preventDefault();
    event.stopPropagation();
  };
}
