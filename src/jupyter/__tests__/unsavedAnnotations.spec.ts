// Covers src/jupyter/unsavedAnnotations.ts without a browser: the per-viewer registry of
// unsaved-layer checks, the edit tracking an image document's viewer uses (on a real
// ViewerModel with real labels, points and shapes edits made through the layers' tool
// operations), and the close policy of CloseGuard with a scripted answer in place of the
// dialog. The dialog itself, in real JupyterLab, is covered by ui-tests/tests/unsaved.spec.js.
import { Signal } from '@lumino/signaling';
import { NDArray } from '../../core/ndarray';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import { PointsLayer } from '../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../viewer/model/shapesLayer';
import { ViewerModel } from '../../viewer/model/viewerModel';
import { CloseGuard, ConfirmClose, registerUnsavedCheck, trackUserEdits, unsavedLayersOf } from '../unsavedAnnotations';

const PLANE: [number, number] = [0, 1];

function image(rows = 32, cols = 40): NDArray {
  const data = new Uint16Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 1000;
  return { dtype: 'uint16', shape: [rows, cols], data };
}

function emptyLabels(viewer: ViewerModel, name = 'Labels'): LabelsLayer {
  const data: NDArray = { dtype: 'int32', shape: [32, 40], data: new Int32Array(32 * 40) };
  return viewer.addLayer(new LabelsLayer(data, { id: viewer.newLayerId(), name }));
}

/** A viewer as an image document has it: tracked from creation, then the file's image added. */
function documentViewer(): { viewer: ViewerModel; unsaved: () => string[]; stop: () => void } {
  const viewer = new ViewerModel();
  const edits = trackUserEdits(viewer);
  const registration = registerUnsavedCheck(viewer, edits.check);
  viewer.addImage(image(), { name: 'nuclei' });
  return {
    viewer,
    unsaved: () => unsavedLayersOf(viewer),
    stop: () => {
      registration.dispose();
      edits.dispose();
    }
  };
}

describe('registerUnsavedCheck / unsavedLayersOf', () => {
  it('reports nothing for a viewer without checks', () => {
    expect(unsavedLayersOf(new ViewerModel())).toEqual([]);
  });

  it('joins every check of one viewer, each name once, and keeps viewers apart', () => {
    const a = new ViewerModel();
    const b = new ViewerModel();
    let fromBridge = ['seeds'];
    registerUnsavedCheck(a, () => fromBridge);
    const second = registerUnsavedCheck(a, () => ['masks', 'seeds']);
    registerUnsavedCheck(b, () => ['other']);
    expect(unsavedLayersOf(a)).toEqual(['seeds', 'masks']);
    expect(unsavedLayersOf(b)).toEqual(['other']);
    fromBridge = []; // checks are asked each time, not once
    expect(unsavedLayersOf(a)).toEqual(['masks', 'seeds']);
    second.dispose();
    expect(unsavedLayersOf(a)).toEqual([]);
    second.dispose(); // twice is harmless
    expect(unsavedLayersOf(b)).toEqual(['other']);
  });

  it('skips a check that throws (logging it) instead of making the panel unclosable', () => {
    const viewer = new ViewerModel();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      registerUnsavedCheck(viewer, () => {
        throw new Error('bridge broke');
      });
      registerUnsavedCheck(viewer, () => ['points']);
      expect(unsavedLayersOf(viewer)).toEqual(['points']);
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      error.mockRestore();
    }
  });
});

describe('trackUserEdits (the image document viewer)', () => {
  it('does not count loading the image, nor an empty new labels layer, nor display changes', () => {
    const { viewer, unsaved } = documentViewer();
    expect(unsaved()).toEqual([]);
    const labels = emptyLabels(viewer);
    expect(unsaved()).toEqual([]);
    labels.opacity = 0.3;
    labels.brushSize = 4;
    labels.selectedLabel = 3;
    labels.mode = 'paint';
    labels.name = 'cells';
    viewer.layers[0].opacity = 0.5;
    viewer.moveLayer(1, 0);
    expect(unsaved()).toEqual([]);
  });

  it('counts a labels layer the user added and painted, under its current name, until it is removed', () => {
    const { viewer, unsaved } = documentViewer();
    const labels = emptyLabels(viewer);
    labels.beginStroke();
    labels.paintAt([10, 10], PLANE);
    labels.paintAt([10, 20], PLANE);
    labels.endStroke();
    expect(Array.from(labels.data.data as Int32Array).some(v => v === 1)).toBe(true); // really painted
    expect(unsaved()).toEqual(['Labels']);
    labels.name = 'my <b>cells</b>';
    expect(unsaved()).toEqual(['my <b>cells</b>']);
    viewer.removeLayer(labels.id);
    expect(unsaved()).toEqual([]);
  });

  it('counts fill, erase and polygon edits, and an undone paint (asks once too often, never too rarely)', () => {
    const { viewer, unsaved } = documentViewer();
    const filled = emptyLabels(viewer, 'filled');
    const erased = emptyLabels(viewer, 'erased');
    const polygon = emptyLabels(viewer, 'polygon');
    const undone = emptyLabels(viewer, 'undone');
    erased.setData({ dtype: 'int32', shape: [32, 40], data: new Int32Array(32 * 40).fill(2) });
    // Erasing is judged by a tracker that starts after the layer got its labels.
    const fromNow = trackUserEdits(viewer);
    expect(filled.fill([5, 5], PLANE)).toBe(true);
    expect(fromNow.check()).toEqual(['filled']);
    erased.eraseAt([3, 3], PLANE);
    expect(fromNow.check()).toEqual(['filled', 'erased']);
    polygon.paintPolygon([[2, 2], [2, 12], [12, 7]], [0, 0], PLANE);
    undone.paintAt([20, 20], PLANE);
    expect(viewer.history.undo()).toBe(true);
    expect(Array.from(undone.data.data as Int32Array).every(v => v === 0)).toBe(true);
    expect(fromNow.check()).toEqual(['filled', 'erased', 'polygon', 'undone']);
    expect(unsaved()).toEqual(['filled', 'erased', 'polygon', 'undone']);
    fromNow.dispose();
  });

  it('counts points and shapes added, moved and deleted, not a shape draft that was cancelled', () => {
    const { viewer, unsaved } = documentViewer();
    const points = viewer.addLayer(new PointsLayer({ id: viewer.newLayerId(), name: 'Points', ndim: 2 }));
    const moved = viewer.addLayer(new PointsLayer({ id: viewer.newLayerId(), name: 'moved', ndim: 2 }));
    const shapes = viewer.addLayer(new ShapesLayer({ id: viewer.newLayerId(), name: 'Shapes', ndim: 2 }));
    const drafted = viewer.addLayer(new ShapesLayer({ id: viewer.newLayerId(), name: 'drafted', ndim: 2 }));
    expect(unsaved()).toEqual([]);
    drafted.beginRectangle([4, 5]);
    drafted.updateDraft([8, 9]);
    drafted.cancelDraft();
    expect(unsaved()).toEqual([]);

    points.add([5, 6]);
    expect(unsaved()).toEqual(['Points']);
    shapes.beginRectangle([4, 5]);
    shapes.updateDraft([8, 9]);
    expect(shapes.commitDraft()).toBe(0);
    expect(unsaved()).toEqual(['Points', 'Shapes']);

    // Layers that were there (and held points) before the tracking began count only once edited.
    moved.add([1, 1]);
    const later = trackUserEdits(viewer);
    expect(later.check()).toEqual([]);
    moved.select([0]);
    expect(later.check()).toEqual([]); // selecting is no edit
    moved.moveSelected([2, 3]);
    expect(moved.coordinates(0)).toEqual([3, 4]);
    expect(later.check()).toEqual(['moved']);
    shapes.select([0]);
    shapes.removeSelected();
    expect(later.check()).toEqual(['moved', 'Shapes']);
    later.dispose();
  });

  it('counts a layer that arrives holding annotations (a duplicate of an edited layer), not one of an image', () => {
    const { viewer, unsaved } = documentViewer();
    const labels = emptyLabels(viewer);
    labels.paintAt([10, 10], PLANE);
    const copy = viewer.duplicateLayer(labels.id);
    viewer.removeLayer(labels.id);
    expect(unsaved()).toEqual([copy.name]);
    viewer.duplicateLayer(viewer.layers[0].id); // the image
    viewer.addLayer(new PointsLayer({ id: viewer.newLayerId(), name: 'seeds', data: [[1, 2], [3, 4]] }));
    expect(unsaved()).toEqual(['Labels copy', 'seeds']);
  });

  it('stops counting once disposed', () => {
    const { viewer, unsaved, stop } = documentViewer();
    stop();
    const labels = emptyLabels(viewer);
    labels.paintAt([10, 10], PLANE);
    expect(unsaved()).toEqual([]);
  });
});

/** A stand-in owner (a Lumino Widget in the app): disposable, with a `disposed` signal. */
class Owner {
  isDisposed = false;
  closed = 0;
  readonly disposed = new Signal<this, void>(this);
  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
  }
}

function scriptedConfirm() {
  const asked: Array<{ names: readonly string[]; consequence: string; dismissed: AbortSignal; answer: (yes: boolean) => void }> = [];
  const confirm: ConfirmClose = (names, consequence, dismissed) =>
    new Promise(resolve => asked.push({ names, consequence, dismissed, answer: resolve }));
  return { asked, confirm };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('CloseGuard', () => {
  it('closes at once, without asking, when nothing is unsaved', () => {
    const viewer = new ViewerModel();
    const owner = new Owner();
    const { asked, confirm } = scriptedConfirm();
    const guard = new CloseGuard(owner, viewer, 'lost here', confirm);
    guard.requestClose(() => owner.closed++);
    expect(owner.closed).toBe(1); // synchronously
    expect(asked).toHaveLength(0);
  });

  it('asks with the layer names, keeps the widget on "Cancel", closes on "Close anyway"', async () => {
    const { viewer } = documentViewer();
    emptyLabels(viewer).paintAt([10, 10], PLANE);
    const owner = new Owner();
    const { asked, confirm } = scriptedConfirm();
    const guard = new CloseGuard(owner, viewer, 'lost here', confirm);

    guard.requestClose(() => owner.closed++);
    guard.requestClose(() => owner.closed++); // a second click while the dialog is open
    expect(asked).toHaveLength(1);
    expect(asked[0].names).toEqual(['Labels']);
    expect(asked[0].consequence).toBe('lost here');
    expect(guard.isAsking).toBe(true);
    asked[0].answer(false);
    await settle();
    expect(owner.closed).toBe(0);
    expect(guard.isAsking).toBe(false);

    guard.requestClose(() => owner.closed++);
    expect(asked).toHaveLength(2);
    asked[1].answer(true);
    await settle();
    expect(owner.closed).toBe(1);
  });

  it('dismisses the question when the widget is disposed meanwhile, and never closes it then', async () => {
    const viewer = new ViewerModel();
    registerUnsavedCheck(viewer, () => ['seeds']);
    const owner = new Owner();
    const { asked, confirm } = scriptedConfirm();
    const guard = new CloseGuard(owner, viewer, 'lost here', confirm);
    guard.requestClose(() => owner.closed++);
    expect(asked[0].dismissed.aborted).toBe(false);
    owner.dispose();
    expect(asked[0].dismissed.aborted).toBe(true);
    asked[0].answer(true);
    await settle();
    expect(owner.closed).toBe(0);
    guard.requestClose(() => owner.closed++);
    expect(asked).toHaveLength(1);
  });

  it('keeps the widget open when asking fails', async () => {
    const viewer = new ViewerModel();
    registerUnsavedCheck(viewer, () => ['seeds']);
    const owner = new Owner();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const guard = new CloseGuard(owner, viewer, 'lost here', () => Promise.reject(new Error('no dialog')));
      guard.requestClose(() => owner.closed++);
      await settle();
      expect(owner.closed).toBe(0);
      expect(guard.isAsking).toBe(false);
      expect(error).toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });
});
