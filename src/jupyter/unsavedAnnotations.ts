/**
 * "Closing a panel with unsaved annotations asks first", as napari and JupyterLab's own editors
 * do. Three parts:
 *
 * - a registry: whoever knows that some layers of a viewer hold edits nothing else keeps (the
 *   kernel bridge once its kernel is gone, the edit tracker of a browser-only document)
 *   registers a check for that viewer; `unsavedLayersOf` asks them all;
 * - `trackUserEdits`: the check for viewers that no kernel backs (image files opened from the
 *   file browser), which counts an annotation layer as unsaved once the user edited it;
 * - `CloseGuard`: what a main-area widget's `close()` runs. JupyterLab's tab close button, the
 *   "Close Tab" command and its shortcut, and "Close All Tabs" all call `widget.close()`;
 *   `dispose()` (shutdown, programmatic teardown) never asks.
 */
import type { Layer } from '../viewer/model/layerBase';
import type { LabelsLayer } from '../viewer/model/labelsLayer';
import type { PointsLayer } from '../viewer/model/pointsLayer';
import type { ShapesLayer } from '../viewer/model/shapesLayer';
import type { ViewerModel } from '../viewer/model/viewerModel';

/** Names of the layers of one viewer whose edits would be lost if the viewer went now. */
export type UnsavedCheck = () => string[];

const checks = new WeakMap<ViewerModel, UnsavedCheck[]>();

/** Adds a check for `viewer` (several may be registered); dispose the result to remove it. */
export function registerUnsavedCheck(viewer: ViewerModel, check: UnsavedCheck): { dispose(): void } {
  const list = checks.get(viewer) ?? [];
  list.push(check);
  checks.set(viewer, list);
  return {
    dispose: () => {
      const current = checks.get(viewer);
      const index = current ? current.indexOf(check) : -1;
      if (index >= 0) current!.splice(index, 1);
    }
  };
}

/** What every check registered for `viewer` reports, each name once, in the order first reported. */
export function unsavedLayersOf(viewer: ViewerModel): string[] {
  const names = new Set<string>();
  for (const check of [...(checks.get(viewer) ?? [])]) {
    let reported: string[];
    try {
      reported = check();
    } catch (err) {
      // A broken check must not make the panel impossible to close.
      console.error('SegLab: an unsaved-annotations check failed', err);
      continue;
    }
    for (const name of reported) names.add(name);
  }
  return [...names];
}

const ANNOTATION_KINDS: ReadonlySet<Layer['kind']> = new Set(['labels', 'points', 'shapes']);

function holdsAnnotations(layer: Layer): boolean {
  switch (layer.kind) {
    case 'labels': {
      // Scanned once, when the layer arrives: a new empty labels layer holds nothing yet.
      const values = (layer as LabelsLayer).data.data as ArrayLike<number | bigint>;
      for (let i = 0; i < values.length; i++) if (values[i] != 0) return true;
      return false;
    }
    case 'points':
      return (layer as PointsLayer).count > 0;
    case 'shapes':
      return (layer as ShapesLayer).count > 0;
    default:
      return false;
  }
}

/**
 * Records, from now on, which annotation layers (labels, points, shapes) of `viewer` the user
 * changed: a data edit (paint, fill, erase, polygon, points or shapes added, moved, deleted,
 * restyled, and their undo/redo) marks the layer, and so does a layer that arrives holding
 * annotations (a duplicate of an edited layer, a result an app adds). Image layers never count:
 * opening or dropping an image changes nothing the user would lose. A layer stays marked once
 * edited (an undo back to the original still counts: asking once too often is cheaper than
 * losing work); a removed layer is no longer reported. Layers already in the viewer when the
 * tracking starts count only once edited.
 */
export function trackUserEdits(viewer: ViewerModel): { check: UnsavedCheck; dispose(): void } {
  const edited = new WeakSet<Layer>();
  const seen = new WeakSet<Layer>(viewer.layers);
  const onLayerChanged = (_: ViewerModel, change: { layer: Layer; what: string }) => {
    if (change.what === 'data' && ANNOTATION_KINDS.has(change.layer.kind)) edited.add(change.layer);
  };
  const onLayersChanged = () => {
    for (const layer of viewer.layers) {
      if (seen.has(layer)) continue;
      seen.add(layer);
      if (holdsAnnotations(layer)) edited.add(layer);
    }
  };
  viewer.layerChanged.connect(onLayerChanged);
  viewer.layersChanged.connect(onLayersChanged);
  return {
    check: () => viewer.layers.filter(layer => edited.has(layer)).map(layer => layer.name),
    dispose: () => {
      viewer.layerChanged.disconnect(onLayerChanged);
      viewer.layersChanged.disconnect(onLayersChanged);
    }
  };
}

/**
 * Asks whether to close although `layerNames` would be lost; resolves true for "Close anyway".
 * `dismissed` aborting (the widget went away meanwhile) answers "Cancel".
 */
export type ConfirmClose = (layerNames: readonly string[], consequence: string, dismissed: AbortSignal) => Promise<boolean>;

const MAX_NAMES_SHOWN = 12;

/** JupyterLab's dialog: the layer names as a list, "Cancel" the default, "Close anyway" in warning style. */
export const askBeforeClosing: ConfirmClose = async (layerNames, consequence, dismissed) => {
  // Loaded on first use: these packages need a browser (and ship ES modules that the unit
  // tests' CommonJS loader cannot read), while the registry and the edit tracking above run,
  // and are tested, anywhere. JupyterLab has loaded both long before anyone closes a tab.
  const [{ Dialog }, { Widget }] = await Promise.all([import('@jupyterlab/apputils'), import('@lumino/widgets')]);
  if (dismissed.aborted) return false;
  const body = new Widget();
  body.addClass('jp-SegLab-unsavedDialog');
  const paragraph = (text: string) => {
    const p = document.createElement('p');
    p.textContent = text; // layer names are user strings: text nodes only, never markup
    body.node.appendChild(p);
  };
  paragraph(layerNames.length === 1 ? 'This layer has unsaved annotations:' : 'These layers have unsaved annotations:');
  const list = document.createElement('ul');
  for (const name of layerNames.slice(0, MAX_NAMES_SHOWN)) {
    const item = document.createElement('li');
    item.textContent = name;
    list.appendChild(item);
  }
  body.node.appendChild(list);
  if (layerNames.length > MAX_NAMES_SHOWN) paragraph(`and ${layerNames.length - MAX_NAMES_SHOWN} more.`);
  paragraph(consequence);
  const dialog = new Dialog<unknown>({
    title: 'Close with unsaved annotations?',
    body,
    buttons: [Dialog.cancelButton({ label: 'Cancel' }), Dialog.warnButton({ label: 'Close anyway' })],
    defaultButton: 0
  });
  const dismiss = () => dialog.reject();
  dismissed.addEventListener('abort', dismiss, { once: true });
  try {
    return (await dialog.launch()).button.accept;
  } finally {
    dismissed.removeEventListener('abort', dismiss);
    dialog.dispose();
  }
};

/** What a guarded widget needs to be: a Lumino Widget has both. */
export interface GuardedOwner {
  readonly isDisposed: boolean;
  readonly disposed: { connect(slot: () => void): boolean };
}

/**
 * The close policy of a widget showing `viewer`: with no unsaved layers it closes at once;
 * otherwise it asks (one dialog at a time, however often close is requested meanwhile) and
 * closes only on "Close anyway". The owner overrides `close()` with
 * `this.guard.requestClose(() => super.close())`, so JupyterLab's own close handling (the
 * document manager's for documents) runs unchanged once the user agreed; `dispose()` is left
 * alone, and disposing the owner while the dialog is open dismisses it.
 */
export class CloseGuard {
  private asking: AbortController | null = null;

  constructor(
    private readonly owner: GuardedOwner,
    private readonly viewer: ViewerModel,
    /** One or two sentences for the dialog: where the annotations would be lost. */
    private readonly consequence: string,
    private readonly confirm: ConfirmClose = askBeforeClosing
  ) {
    owner.disposed.connect(() => this.asking?.abort());
  }

  /** Whether the dialog is open. */
  get isAsking(): boolean {
    return this.asking !== null;
  }

  requestClose(closeNow: () => void): void {
    if (this.owner.isDisposed || this.asking) return;
    const names = unsavedLayersOf(this.viewer);
    if (names.length === 0) {
      closeNow();
      return;
    }
    const asking = new AbortController();
    this.asking = asking;
    void this.confirm(names, this.consequence, asking.signal)
      .catch(err => {
        console.error('SegLab: could not ask before closing', err);
        return false;
      })
      .then(agreed => {
        this.asking = null;
        if (agreed && !asking.signal.aborted && !this.owner.isDisposed) closeNow();
      });
  }
}
