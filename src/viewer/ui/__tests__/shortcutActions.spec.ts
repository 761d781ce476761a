// Covers src/viewer/ui/shortcutActions.ts and layerActions.ts on a real ViewerModel with real
// layers: each default key does to the model what napari's does, list operations (remove with
// confirmation, duplicate, visibility toggles, click selection rules).
import { NDArray } from '../../../core/ndarray';
import { LabelsLayer } from '../../model/labelsLayer';
import { PointsLayer } from '../../model/pointsLayer';
import { ShapesLayer } from '../../model/shapesLayer';
import { ViewerModel } from '../../model/viewerModel';
import {
  clickSelect,
  duplicateSelectedLayers,
  removeSelectedLayers,
  selectedLayers,
  toggleSelectedVisibility,
  toggleUnselectedVisibility
} from '../layerActions';
import { currentSliderAxis, runShortcut, ShortcutHost } from '../shortcutActions';
import { KeyEventLike, matchShortcut } from '../shortcuts';

const stack = (z: number, rows = 4, cols = 4): NDArray => ({ dtype: 'uint16', shape: [z, rows, cols], data: new Uint16Array(z * rows * cols) });
const labelsData = (dtype: 'uint8' | 'uint64' = 'uint8'): NDArray =>
  dtype === 'uint8'
    ? { dtype, shape: [4, 4], data: new Uint8Array(16).fill(0).map((_, i) => (i === 5 ? 7 : 0)) }
    : { dtype, shape: [4, 4], data: new BigUint64Array(16) };

const key = (k: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

/** Presses a key the way the viewer widget will: match, then run. */
function press(model: ViewerModel, k: KeyEventLike, host: ShortcutHost = {}): boolean {
  return runShortcut(model, matchShortcut(k, model.activeLayer?.kind ?? null), host);
}

function withLabels(dtype: 'uint8' | 'uint64' = 'uint8'): { model: ViewerModel; labels: LabelsLayer } {
  const model = new ViewerModel();
  const labels = model.addLayer(new LabelsLayer(labelsData(dtype), { id: 'lab', name: 'Labels' }));
  return { model, labels };
}

describe('labels shortcuts', () => {
  it('switch modes with the digits', () => {
    const { model, labels } = withLabels();
    press(model, key('2'));
    expect(labels.mode).toBe('paint');
    press(model, key('1'));
    expect(labels.mode).toBe('erase');
    press(model, key('4'));
    expect(labels.mode).toBe('fill');
    press(model, key('6'));
    expect(labels.mode).toBe('pan_zoom');
  });

  it('M picks the first unused label, -/= step it, [ ] step the brush, B toggles preserve', () => {
    const { model, labels } = withLabels();
    press(model, key('m'));
    expect(labels.selectedLabel).toBe(8);
    press(model, key('-'));
    expect(labels.selectedLabel).toBe(7);
    press(model, key('='));
    press(model, key('='));
    expect(labels.selectedLabel).toBe(9);
    const size = labels.brushSize;
    press(model, key(']'));
    expect(labels.brushSize).toBe(size + 1);
    press(model, key('['));
    press(model, key('['));
    expect(labels.brushSize).toBe(size - 1);
    const preserve = labels.preserveLabels;
    press(model, key('b'));
    expect(labels.preserveLabels).toBe(!preserve);
  });

  it('steps 64-bit label ids as bigints', () => {
    const { model, labels } = withLabels('uint64');
    press(model, key('='));
    expect(labels.selectedLabel).toBe(2n);
  });

  it('reports an id the dtype cannot hold instead of throwing', () => {
    const { model, labels } = withLabels();
    labels.selectedLabel = 255;
    const messages: string[] = [];
    expect(press(model, key('='), { showMessage: text => messages.push(text) })).toBe(true);
    expect(labels.selectedLabel).toBe(255);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/uint8/);
  });

  it('leaves Enter/Escape to the polygon tool', () => {
    const { model } = withLabels();
    expect(press(model, key('Enter'))).toBe(false);
    expect(press(model, key('Escape'))).toBe(false);
  });
});

describe('points and shapes shortcuts', () => {
  it('points: modes, select all in slice, delete selected (undoable)', () => {
    const model = new ViewerModel();
    const points = model.addLayer(new PointsLayer({ id: 'p', name: 'Points', data: [[0, 1, 1], [0, 2, 2], [3, 1, 1]] }));
    press(model, key('2'));
    expect(points.mode).toBe('add');
    press(model, key('3'));
    expect(points.mode).toBe('select');
    model.dims.setCurrentStep(0, 0);
    press(model, key('a'));
    expect([...points.selected].sort()).toEqual([0, 1]);
    points.select([2]);
    press(model, key('A', { shiftKey: true })); // adds the slice's points
    expect([...points.selected].sort()).toEqual([0, 1, 2]);
    points.clearSelection();
    press(model, key('a', { ctrlKey: true }));
    expect(points.selected.size).toBe(3);
    press(model, key('p'));
    expect(points.mode).toBe('add');
    press(model, key('s'));
    expect(points.mode).toBe('select');
    points.select([1]);
    press(model, key('Delete'));
    expect(points.count).toBe(2);
    press(model, key('z', { ctrlKey: true }));
    expect(points.count).toBe(3);
  });

  it('shapes: letter modes, select all, front/back, delete, Escape finishes a draft', () => {
    const model = new ViewerModel();
    const shapes = model.addLayer(
      new ShapesLayer({
        id: 's',
        name: 'Shapes',
        shapes: [
          { type: 'rectangle', vertices: [[0, 0], [0, 4], [4, 4], [4, 0]] },
          { type: 'line', vertices: [[1, 1], [5, 5]] }
        ]
      })
    );
    press(model, key('r'));
    expect(shapes.mode).toBe('add_rectangle');
    press(model, key('p'));
    expect(shapes.mode).toBe('add_polygon');
    press(model, key('5'));
    expect(shapes.mode).toBe('select');
    press(model, key('a'));
    expect(shapes.selected.size).toBe(2);
    shapes.select([0]);
    press(model, key('f'));
    expect(shapes.drawOrder()[1]).toBe(0);
    press(model, key('b'));
    expect(shapes.drawOrder()[0]).toBe(0);
    press(model, key('Backspace'));
    expect(shapes.count).toBe(1);
    expect(press(model, key('Escape'))).toBe(false); // nothing being drawn
    shapes.beginLine([0, 0]);
    shapes.updateDraft([3, 3]);
    expect(press(model, key('Escape'))).toBe(true);
    expect(shapes.count).toBe(2);
    shapes.beginLine([0, 0]);
    shapes.updateDraft([2, 3]);
    expect(press(model, key('Enter'))).toBe(true);
    expect(shapes.count).toBe(3);
    press(model, key('d'));
    expect(shapes.mode).toBe('direct');
    press(model, key('z'));
    expect(shapes.mode).toBe('pan_zoom');
  });

  it('mode keys of another kind do nothing', () => {
    const { model, labels } = withLabels();
    expect(runShortcut(model, 'points.mode.add')).toBe(false);
    expect(labels.mode).toBe('pan_zoom');
    expect(runShortcut(model, null)).toBe(false);
  });
});

describe('viewer shortcuts', () => {
  it('arrows step the first sliced axis, or the host\'s axis; Alt+Up/Down move between axes', () => {
    const model = new ViewerModel();
    model.addImage({ dtype: 'uint8', shape: [3, 5, 4, 4], data: new Uint8Array(3 * 5 * 16) });
    const start = model.dims.currentStep;
    press(model, key('ArrowRight'));
    expect(model.dims.currentStep[0]).toBe(start[0] + 1);
    press(model, key('ArrowLeft'));
    press(model, key('ArrowLeft'));
    expect(model.dims.currentStep[0]).toBe(start[0] - 1);
    let axis: number | null = null;
    const host: ShortcutHost = { sliderAxis: () => axis, setSliderAxis: a => (axis = a) };
    expect(currentSliderAxis(model, host)).toBe(0);
    press(model, key('ArrowDown', { altKey: true }), host);
    expect(axis).toBe(1);
    press(model, key('ArrowRight'), host);
    expect(model.dims.currentStep[1]).toBe(start[1] + 1);
    press(model, key('ArrowDown', { altKey: true }), host);
    expect(axis).toBe(1); // stays on the last sliced axis
  });

  it('arrows are not handled in 2D, so the canvas may pan with them', () => {
    const model = new ViewerModel();
    model.addImage({ dtype: 'uint8', shape: [4, 4], data: new Uint8Array(16) });
    expect(press(model, key('ArrowRight'))).toBe(false);
  });

  it('transpose and roll change the dims order', () => {
    const model = new ViewerModel();
    model.addImage(stack(3));
    press(model, key('t', { altKey: true }));
    expect(model.dims.displayed).toEqual([2, 1]);
    press(model, key('e', { ctrlKey: true }));
    expect(model.dims.order).not.toEqual([0, 2, 1]);
  });

  it('undo/redo go through the shared history', () => {
    const { model, labels } = withLabels();
    labels.mode = 'fill';
    labels.selectedLabel = 3;
    labels.fill([0, 0], [0, 1]);
    expect(labels.valueAt([0, 0])).toBe(3);
    press(model, key('z', { metaKey: true }));
    expect(labels.valueAt([0, 0])).toBe(0);
    press(model, key('y', { ctrlKey: true }));
    expect(labels.valueAt([0, 0])).toBe(3);
  });

  it('host actions are only handled when the host provides them', () => {
    const { model } = withLabels();
    expect(press(model, key('Home'))).toBe(false);
    let resets = 0;
    let ortho = 0;
    expect(press(model, key('Home'), { resetView: () => resets++ })).toBe(true);
    expect(press(model, key('Y', { ctrlKey: true, shiftKey: true }), { toggleOrthoViews: () => ortho++ })).toBe(true);
    expect([resets, ortho]).toEqual([1, 1]);
  });

  it('Ctrl+Up/Down select the neighbour layer; Shift+Alt+Up/Down also show only it', () => {
    const model = new ViewerModel();
    const [a, b, c] = ['a', 'b', 'c'].map(name => model.addImage(stack(1), { name }));
    press(model, key('ArrowDown', { ctrlKey: true }));
    expect(model.active).toBe(b.id);
    press(model, key('ArrowDown', { ctrlKey: true }));
    press(model, key('ArrowDown', { ctrlKey: true }));
    expect(model.active).toBe(a.id);
    press(model, key('ArrowUp', { shiftKey: true, altKey: true }));
    expect(model.active).toBe(b.id);
    expect([a, b, c].map(l => l.visible)).toEqual([false, true, false]);
    expect([...model.selection]).toEqual([b.id]);
  });

  it('V and Shift+V toggle visibility of the selected and the other layers', () => {
    const model = new ViewerModel();
    const a = model.addImage(stack(1), { name: 'a' });
    const b = model.addImage(stack(1), { name: 'b' });
    press(model, key('v'));
    expect([a.visible, b.visible]).toEqual([true, false]);
    press(model, key('V', { shiftKey: true }));
    expect([a.visible, b.visible]).toEqual([false, false]);
    toggleSelectedVisibility(model);
    toggleUnselectedVisibility(model);
    expect([a.visible, b.visible]).toEqual([true, true]);
  });

  it('Ctrl+Delete removes the selected layers after confirmation', async () => {
    const model = new ViewerModel();
    model.addImage(stack(1), { name: 'a' });
    model.addImage(stack(1), { name: 'b' });
    let asked: string[] = [];
    const host: ShortcutHost = {
      confirmRemove: layers => {
        asked = layers.map(l => l.name);
        return false;
      }
    };
    press(model, key('Delete', { ctrlKey: true }), host);
    await Promise.resolve();
    expect(asked).toEqual(['b']);
    expect(model.layers).toHaveLength(2);
    press(model, key('Backspace', { ctrlKey: true }));
    await Promise.resolve();
    expect(model.layers.map(l => l.name)).toEqual(['a']);
  });
});

describe('layer list operations', () => {
  function threeLayers(): ViewerModel {
    const model = new ViewerModel();
    for (const name of ['a', 'b', 'c']) model.addImage(stack(1), { name });
    return model;
  }
  const names = (model: ViewerModel) => selectedLayers(model).map(l => l.name);

  it('click selects one, Ctrl toggles, Shift selects a range', () => {
    const model = threeLayers();
    const [a, b, c] = model.layers;
    clickSelect(model, a.id);
    expect(names(model)).toEqual(['a']);
    clickSelect(model, c.id, { toggle: true });
    expect(names(model)).toEqual(['c', 'a']); // top of the list first
    expect(model.active).toBe(c.id);
    clickSelect(model, c.id, { toggle: true });
    expect(names(model)).toEqual(['a']);
    clickSelect(model, a.id, { toggle: true }); // the last selected layer stays selected
    expect(names(model)).toEqual(['a']);
    clickSelect(model, c.id, { range: true });
    expect(names(model)).toEqual(['c', 'b', 'a']);
    expect(model.active).toBe(c.id);
    clickSelect(model, b.id);
    expect(names(model)).toEqual(['b']);
    clickSelect(model, 'gone');
    expect(names(model)).toEqual(['b']);
  });

  it('removes the selection, asking first when told to', async () => {
    const model = threeLayers();
    clickSelect(model, model.layers[0].id, { toggle: true });
    expect(await removeSelectedLayers(model, () => Promise.resolve(false))).toBe(0);
    expect(await removeSelectedLayers(model, () => true)).toBe(2);
    expect(model.layers.map(l => l.name)).toEqual(['b']);
    model.clearSelection();
    expect(await removeSelectedLayers(model)).toBe(0);
  });

  it('duplicates every selected layer above its original and selects the copies', () => {
    const model = threeLayers();
    clickSelect(model, model.layers[0].id, { toggle: true }); // a and c
    const { copies, errors } = duplicateSelectedLayers(model);
    expect(errors).toEqual([]);
    expect(model.layers.map(l => l.name)).toEqual(['a', 'a copy', 'b', 'c', 'c copy']);
    expect(names(model).sort()).toEqual(['a copy', 'c copy']);
    expect(copies).toHaveLength(2);
  });
});
