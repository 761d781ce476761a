// Covers src/viewer/model/viewerModel.ts, the layer list: adding any layer kind, ids and
// napari-style names, removal (with history), move, duplicate, selection, extent, signals.
// Dims/slicing: viewerDims.spec.ts; channel splitting: viewerChannels.spec.ts.
import { NDArray } from '../../../core/ndarray';
import { UndoableAction } from '../history';
import { ImageLayer } from '../imageLayer';
import { Layer, LayerOptions, LayerValidationError } from '../layerBase';
import { ViewerModel } from '../viewerModel';

const gray = (rows: number, cols: number): NDArray => ({
  dtype: 'uint16',
  shape: [rows, cols],
  data: new Uint16Array(rows * cols).map((_, i) => i)
});

/** A non-image layer kind with no clone(), as a points layer might be; no self-check of its transform. */
class MarkerLayer extends Layer {
  readonly kind = 'points';
  constructor(
    readonly box: Array<[number, number]>,
    options: LayerOptions
  ) {
    super(options);
  }
  get ndim(): number {
    return this.box.length;
  }
  get dataExtent(): Array<[number, number]> {
    return this.box;
  }
  /** An edit recorded the way real layers record theirs. */
  move(label: string, log: string[]): void {
    this.history.push({ label, bytes: 8, layerId: this.id, undo: () => log.push(`undo ${label}`), redo: () => log.push(`redo ${label}`) });
  }
}

const names = (m: ViewerModel) => m.layers.map(l => l.name);

describe('ViewerModel layer list', () => {
  it('starts empty: no extent, 2D dims, empty history and selection', () => {
    const m = new ViewerModel();
    expect([m.layers.length, m.extent, m.camera.zoom, m.dims.ndim, m.history.canUndo, m.selection.size, m.active]).toEqual([0, null, 1, 2, false, 0, null]);
  });

  it('adds images bottom-first with generated unique ids, also across viewers', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 2));
    const b = m.addImage(gray(3, 3));
    expect(m.layers).toEqual([a, b]);
    expect(a).toBeInstanceOf(ImageLayer);
    expect(a.id).toMatch(/^layer-\d+$/);
    expect(b.id).not.toBe(a.id);
    expect(m.getLayer(a.id)).toBe(a);
    expect(m.getLayer('nope')).toBeUndefined();
    expect(new ViewerModel().addImage(gray(1, 1)).id).not.toBe(b.id);
  });

  it('getLayer with a class returns the layer only if it is of that class', () => {
    const m = new ViewerModel();
    const image = m.addImage(gray(2, 2));
    const marker = m.addLayer(new MarkerLayer([[0, 2], [0, 2]], { id: 'm', name: 'Points' }));
    expect(m.getLayer(image.id, ImageLayer)).toBe(image);
    expect(m.getLayer('m', ImageLayer)).toBeUndefined();
    expect(m.getLayer('m', MarkerLayer)).toBe(marker);
  });

  it('passes id, name, rgb and display options through to the image layer', () => {
    const m = new ViewerModel();
    const layer = m.addImage(gray(2, 2), { id: 'mine', name: 'nuclei', contrastLimits: [0, 50], colormap: 'viridis', gamma: 2, opacity: 0.5 });
    expect([layer.id, layer.name, layer.contrastLimits, layer.colormap, layer.gamma, layer.opacity]).toEqual(['mine', 'nuclei', [0, 50], 'viridis', 2, 0.5]);
    const rgb = m.addImage({ dtype: 'uint8', shape: [2, 2, 3], data: new Uint8Array(12) }, { rgb: true });
    expect(rgb.rgb).toBe(true);
  });

  it('rejects a duplicate id without changing the layer list', () => {
    const m = new ViewerModel();
    m.addImage(gray(1, 1), { id: 'x' });
    let emitted = 0;
    m.layersChanged.connect(() => emitted++);
    expect(() => m.addImage(gray(1, 1), { id: 'x' })).toThrow(/a layer with id x already exists/);
    expect(() => m.addLayer(new MarkerLayer([[0, 1], [0, 1]], { id: 'x', name: 'p' }))).toThrow(LayerValidationError);
    expect([m.layers.length, emitted]).toEqual([1, 0]);
  });

  it.each([
    ['a 1D array', { dtype: 'uint8', shape: [5], data: new Uint8Array(5) }, {}, /2 to 5 dimensions/],
    ['a 6D array', { dtype: 'uint8', shape: [1, 1, 1, 1, 1, 2], data: new Uint8Array(2) }, {}, /2 to 5 dimensions, got 6/],
    ['an empty axis', { dtype: 'uint8', shape: [0, 4], data: new Uint8Array(0) }, {}, /at least one element/],
    ['gamma 0', gray(2, 2), { gamma: 0 }, /gamma/],
    ['an unknown colormap', gray(2, 2), { colormap: 'jet' }, /colormap among gray, .*, got "jet"/],
    ['a scale of the wrong length', gray(2, 2), { scale: [1, 1, 1] }, /expected 2 positive finite scale values/]
  ])('does not add an image with %s, and says why', (_label, data, options, message) => {
    const m = new ViewerModel();
    let emitted = 0;
    m.layersChanged.connect(() => emitted++);
    expect(() => m.addImage(data as NDArray, options)).toThrow(LayerValidationError);
    expect(() => m.addImage(data as NDArray, options)).toThrow(message);
    expect([m.layers.length, emitted]).toEqual([0, 0]);
  });

  it('addLayer adopts any layer kind: unique name, the viewer history, the layer list', () => {
    const m = new ViewerModel();
    const p1 = m.addLayer(new MarkerLayer([[0, 4], [0, 4]], { id: 'p1', name: 'Points' }));
    const p2 = m.addLayer(new MarkerLayer([[0, 4], [0, 4]], { id: 'p2', name: 'Points' }));
    expect(names(m)).toEqual(['Points', 'Points [1]']);
    expect(p1.history).toBe(m.history);
    expect(p2.history).toBe(m.history);
    expect(m.layers).toEqual([p1, p2]);
    expect(() => m.addLayer(p1)).toThrow(/a layer with id p1 already exists/); // the same layer twice
  });

  it('addLayer refuses a layer whose scale does not match its ndim', () => {
    const m = new ViewerModel();
    const layer = new MarkerLayer([[0, 4], [0, 4], [0, 4]], { id: 'p', name: 'p', scale: [1, 1] });
    expect(() => m.addLayer(layer)).toThrow(/expected 3 positive finite scale values/);
    expect(m.layers).toHaveLength(0);
  });

  it('names layers like napari: "Image", "Image [1]", ..., reusing freed names', () => {
    const m = new ViewerModel();
    [1, 2, 3].forEach(() => m.addImage(gray(1, 1)));
    expect(names(m)).toEqual(['Image', 'Image [1]', 'Image [2]']);
    expect(m.addImage(gray(1, 1), { name: 'cells' }).name).toBe('cells');
    expect(m.addImage(gray(1, 1), { name: 'cells' }).name).toBe('cells [1]');
    m.removeLayer(m.layers[1].id);
    expect(m.addImage(gray(1, 1)).name).toBe('Image [1]');
    expect(m.addImage(gray(1, 1)).name).toBe('Image [3]');
  });

  it('never hands out an automatic id that an explicit id already took', () => {
    const m = new ViewerModel();
    const first = m.addImage(gray(2, 2));
    const taken = `layer-${Number(first.id.split('-')[1]) + 1}`;
    m.addImage(gray(2, 2), { id: taken });
    expect(m.addImage(gray(2, 2)).id).not.toBe(taken);
    expect(m.newLayerId()).not.toBe(taken);
  });

  it('removeLayer removes by id, keeps the order of the rest and reports success', () => {
    const m = new ViewerModel();
    const [a, b, c] = [1, 2, 3].map(() => m.addImage(gray(1, 1)));
    expect(m.removeLayer(b.id)).toBe(true);
    expect(m.layers).toEqual([a, c]);
    expect(m.removeLayer(b.id)).toBe(false);
    expect(m.removeLayer('unknown')).toBe(false);
    expect(m.layers).toEqual([a, c]);
  });

  it('removeLayer forgets the removed layer’s undo steps and keeps the others', () => {
    const m = new ViewerModel();
    const log: string[] = [];
    const a = m.addLayer(new MarkerLayer([[0, 4], [0, 4]], { id: 'a', name: 'a' }));
    const b = m.addLayer(new MarkerLayer([[0, 4], [0, 4]], { id: 'b', name: 'b' }));
    a.move('a1', log);
    b.move('b1', log);
    a.move('a2', log);
    m.removeLayer('b');
    expect([m.history.undoDepth, m.history.bytes]).toEqual([2, 16]);
    while (m.history.undo());
    expect(log).toEqual(['undo a2', 'undo a1']);
  });

  it('extent is the world box of the displayed axes over every layer', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(10, 3));
    expect(m.extent).toEqual({ top: 0, left: 0, rows: 10, cols: 3 });
    const b = m.addImage(gray(4, 20), { translate: [-2, 5], scale: [1, 0.5] });
    expect(m.extent).toEqual({ top: -2, left: 0, rows: 12, cols: 15 });
    m.removeLayer(a.id);
    expect(m.extent).toEqual({ top: -2, left: 5, rows: 4, cols: 10 });
    b.setData(gray(7, 8));
    expect(m.extent).toEqual({ top: -2, left: 5, rows: 7, cols: 4 });
    m.dims.transpose();
    expect(m.extent).toEqual({ top: 5, left: -2, rows: 4, cols: 7 });
    m.removeLayer(b.id);
    expect(m.extent).toBeNull();
  });

  it('moveLayer moves like napari’s move(src, dest) and validates indices', () => {
    const m = new ViewerModel();
    ['a', 'b', 'c', 'd'].forEach(name => m.addImage(gray(1, 1), { name }));
    let emitted = 0;
    m.layersChanged.connect(() => emitted++);
    m.moveLayer(0, 3);
    expect(names(m)).toEqual(['b', 'c', 'd', 'a']);
    m.moveLayer(3, 1);
    expect(names(m)).toEqual(['b', 'a', 'c', 'd']);
    m.moveLayer(2, 2);
    expect(emitted).toBe(2);
    for (const [from, to] of [[-1, 0], [0, 4], [0.5, 1]]) expect(() => m.moveLayer(from, to)).toThrow(/layer index in \[0, 4\)/);
  });

  it('duplicateLayer puts an independent copy named "<name> copy" above the original and selects it', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 3), { name: 'cells', colormap: 'magma' });
    m.addImage(gray(1, 1), { name: 'top' });
    const copy = m.duplicateLayer(a.id) as ImageLayer;
    expect(names(m)).toEqual(['cells', 'cells copy', 'top']);
    expect([copy.colormap, copy.history, m.active]).toEqual(['magma', m.history, copy.id]);
    expect(copy.data.data).not.toBe(a.data.data);
    expect(m.duplicateLayer(a.id).name).toBe('cells copy [1]');
    m.addLayer(new MarkerLayer([[0, 1], [0, 1]], { id: 'p', name: 'p' }));
    expect(() => m.duplicateLayer('p')).toThrow(/points layers cannot be duplicated/);
    expect(() => m.duplicateLayer('ghost')).toThrow(/id of a layer in this viewer, got "ghost"/);
  });

  it('emits layersChanged on add, successful remove, move and duplicate only', () => {
    const m = new ViewerModel();
    let count = 0;
    m.layersChanged.connect(sender => {
      expect(sender).toBe(m);
      count++;
    });
    const a = m.addImage(gray(1, 1));
    m.removeLayer('unknown');
    m.duplicateLayer(a.id);
    m.moveLayer(0, 1);
    m.removeLayer(a.id);
    expect(count).toBe(4);
  });

  it('forwards layer changes as layerChanged and stops for removed layers', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 2));
    const b = m.addImage(gray(2, 2));
    const seen: [string, string][] = [];
    m.layerChanged.connect((_, { layer, what }) => seen.push([layer.id, what]));
    a.contrastLimits = [0, 1];
    b.setData(gray(3, 3));
    a.visible = false;
    m.removeLayer(a.id);
    a.name = 'gone';
    expect(seen).toEqual([
      [a.id, 'display'],
      [b.id, 'data'],
      [a.id, 'display']
    ]);
  });
});

describe('ViewerModel selection', () => {
  function three() {
    const m = new ViewerModel();
    const [a, b, c] = ['a', 'b', 'c'].map(name => m.addImage(gray(1, 1), { name }));
    return { m, a, b, c };
  }

  it('a new layer becomes the only selected and the active one', () => {
    const { m, c } = three();
    expect([[...m.selection], m.active, m.activeLayer]).toEqual([[c.id], c.id, c]);
  });

  it('select replaces the selection; with add it extends it; both make the layer active', () => {
    const { m, a, b, c } = three();
    let count = 0;
    m.selectionChanged.connect(() => count++);
    m.select(a.id);
    expect([[...m.selection], m.active]).toEqual([[a.id], a.id]);
    m.select(b.id, { add: true });
    expect([[...m.selection].sort(), m.active]).toEqual([[a.id, b.id].sort(), b.id]);
    m.select(b.id, { add: true }); // nothing changes: no signal
    expect(count).toBe(2);
    expect(() => m.select('ghost')).toThrow(/id of a layer in this viewer/);
    m.selectAll();
    expect([m.selection.size, m.active]).toEqual([3, b.id]);
    m.clearSelection();
    expect([m.selection.size, m.active, m.activeLayer]).toEqual([0, null, undefined]);
    m.selectAll();
    expect(m.active).toBe(c.id); // nothing was active: the topmost takes it
  });

  it('deselect hands the active role to the topmost remaining selected layer', () => {
    const { m, a, b, c } = three();
    m.select(a.id);
    m.select(c.id, { add: true });
    m.select(b.id, { add: true });
    m.deselect(b.id);
    expect([[...m.selection].sort(), m.active]).toEqual([[a.id, c.id].sort(), c.id]);
    m.deselect(a.id);
    expect(m.active).toBe(c.id);
    m.deselect(c.id);
    expect(m.active).toBeNull();
  });

  it('the selection is a copy', () => {
    const { m, c } = three();
    (m.selection as Set<string>).clear();
    expect(m.selection.has(c.id)).toBe(true);
  });

  it('removing the active layer selects the one below it (napari), or the new bottom', () => {
    const { m, a, b, c } = three();
    m.select(b.id);
    m.removeLayer(b.id);
    expect([[...m.selection], m.active]).toEqual([[a.id], a.id]);
    m.removeLayer(a.id);
    expect([[...m.selection], m.active]).toEqual([[c.id], c.id]);
    m.removeLayer(c.id);
    expect([m.selection.size, m.active]).toEqual([0, null]);
  });

  it('removing an unselected layer leaves the selection alone; removing one of several selected keeps the others', () => {
    const { m, a, b, c } = three();
    let count = 0;
    m.selectionChanged.connect(() => count++);
    m.removeLayer(a.id);
    expect([[...m.selection], m.active, count]).toEqual([[c.id], c.id, 0]);
    m.select(b.id, { add: true });
    m.removeLayer(b.id);
    expect([[...m.selection], m.active]).toEqual([[c.id], c.id]);
  });
});

describe('UndoableAction layerId', () => {
  it('is optional: viewer-level actions without it survive any layer removal', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(1, 1));
    const action: UndoableAction = { label: 'Reset view', bytes: 0, undo: () => undefined, redo: () => undefined };
    m.history.push(action);
    m.removeLayer(a.id);
    expect(m.history.undoLabel).toBe('Reset view');
  });
});
