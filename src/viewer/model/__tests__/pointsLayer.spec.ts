// Covers src/viewer/model/pointsLayer.ts: construction and validation messages, slicing,
// hit testing and selection, every edit with its undo/redo, colours, and the status-bar value.
import { UndoHistory } from '../history';
import { LayerValidationError } from '../layerBase';
import { CATEGORY_COLORS, MISSING_COLOR, PointsLayer, PointsLayerOptions } from '../pointsLayer';

const make = (options: Partial<PointsLayerOptions> = {}): PointsLayer => new PointsLayer({ id: 'pts', name: 'Points', ...options });

/** Three 2D points with a categorical and a numeric property. */
const cells = (): PointsLayer =>
  make({
    data: [[10, 10], [20, 30], [40, 5]],
    properties: { kind: ['nucleus', 'cell', 'nucleus'], area: [5, 15, 10] }
  });

const rows = (layer: PointsLayer): number[][] => Array.from({ length: layer.count }, (_, i) => layer.coordinates(i));

describe('PointsLayer construction', () => {
  it('defaults like napari: size 10, 2D, white faces, nothing selected, pan_zoom', () => {
    const layer = make({ data: [[1, 2], [3, 4]] });
    expect(layer.kind).toBe('points');
    expect(layer.ndim).toBe(2);
    expect(layer.count).toBe(2);
    expect(Array.from(layer.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(layer.sizes)).toEqual([10, 10]);
    expect(layer.faceColorOf(1)).toEqual([1, 1, 1, 1]);
    expect(layer.selected.size).toBe(0);
    expect(layer.mode).toBe('pan_zoom');
    expect(make({ ndim: 4 }).ndim).toBe(4);
  });

  it('reports the index range covering its points as the extent', () => {
    expect(make({ data: [[1, 7], [4.5, -2]] }).dataExtent).toEqual([[1, 5.5], [-2, 8]]);
    expect(make({ ndim: 3 }).dataExtent).toEqual([[0, 1], [0, 1], [0, 1]]);
  });

  it('rejects bad input with messages that say what was expected', () => {
    const bad: Array<[Partial<PointsLayerOptions>, RegExp]> = [
      [{ ndim: 1 }, /2 to 5 dimensions, got 1/],
      [{ ndim: 6 }, /2 to 5 dimensions, got 6/],
      [{ data: [[1, 2], [3, 4, 5]] }, /point 1 with 2 coordinates \(the layer's ndim\), got 3: \[3, 4, 5\]/],
      [{ data: [[1, 2]], ndim: 3 }, /point 0 with 3 coordinates/],
      [{ data: [[1, NaN]] }, /finite coordinates for point 0, got \[1, NaN\]/],
      [{ data: [[1, Infinity]] }, /finite coordinates/],
      [{ data: [[1, 2]], size: [1, 2] }, /expected 1 point sizes \(one per point\), got 2/],
      [{ data: [[1, 2]], size: -3 }, /positive finite point size, got -3/],
      [{ data: [[1, 2]], properties: { label: ['a', 'b'] } }, /property "label" needs one value per point \(1\), got 2 values/],
      [{ data: [[1, 2]], properties: { label: [null as unknown as string] } }, /numbers or strings, got null/],
      [{ properties: { label: [] } }, /property "label" has no default value for new points: pass currentProperties/],
      [{ data: [[1, 2]], currentProperties: { nope: 1 } }, /unknown property "nope"; the layer has no properties/],
      [{ faceColor: [1, 0, 0] as unknown as [number, number, number, number] }, /face colour as \[r, g, b, a\]/],
      [{ faceColor: { property: 'kind', kind: 'categorical' } }, /cannot colour by unknown property "kind"/],
      [{ borderWidth: 2 }, /border width in \[0, 1\]/],
      [{ ndim: 3, scale: [1, 1] }, /expected 3 positive finite scale values/]
    ];
    for (const [options, message] of bad) {
      expect(() => make(options)).toThrow(LayerValidationError);
      expect(() => make(options)).toThrow(message);
    }
  });

  it('takes the last point’s values as current properties unless given', () => {
    expect(cells().currentProperties).toEqual({ kind: 'nucleus', area: 10 });
    expect(make({ properties: { kind: [] }, currentProperties: { kind: 'cell' } }).currentProperties).toEqual({ kind: 'cell' });
  });
});

describe('PointsLayer slicing and hit testing', () => {
  // z, y, x: two points on slice 2 (one exactly half-way up from 1.5), one on 3, one on 1.
  const volume = (): PointsLayer => make({ data: [[2, 10, 10], [1.5, 12, 10], [2.5, 10, 40], [1.49, 30, 30]], size: 4 });

  it('shows a point on the slice its hidden coordinates round to (halves up)', () => {
    expect(volume().visibleIndices([2, 0, 0], [1, 2])).toEqual([0, 1]);
    expect(volume().visibleIndices([3, 0, 0], [1, 2])).toEqual([2]);
    expect(volume().visibleIndices([1, 0, 0])).toEqual([3]); // default: the last two axes shown
    // Showing axes (0, 2) hides axis 1: only the points at y 10 are on y-slice 10.
    expect(volume().visibleIndices([0, 10, 0], [0, 2])).toEqual([0, 2]);
    expect(() => volume().visibleIndices([2, 0], [1, 2])).toThrow(/slice position of 3 finite numbers/);
    expect(() => volume().visibleIndices([2, 0, 0], [1, 1])).toThrow(/two different displayed axes in 0..2, got \[1, 1\]/);
  });

  it('hits the nearest visible point whose disc contains the cursor', () => {
    const layer = volume();
    expect(layer.pointAt([2, 11.5, 10], [1, 2])).toBe(1); // 0.5 from point 1, 1.5 from point 0
    expect(layer.pointAt([2, 10, 12.5], [1, 2])).toBeNull(); // 2.5 away, radius 2
    expect(layer.pointAt([2, 10, 12.5], [1, 2], 3)).toBe(0); // a wider pick radius
    expect(layer.pointAt([3, 10, 10], [1, 2], 100)).toBe(2); // point 0 is on another slice
    expect(layer.pointAt([2, 11, 10], [1, 2])).toBe(1); // equidistant: the later point, drawn on top
  });

  it('describes the point under the cursor for the status bar', () => {
    expect(cells().valueAt([20, 31])).toEqual({ index: 1, coordinates: [20, 30], size: 10, properties: { kind: 'cell', area: 15 } });
    expect(cells().valueAt([100, 100])).toBeNull();
  });
});

describe('PointsLayer selection', () => {
  it('selects by click: replace, shift-toggle, and clear on empty space', () => {
    const layer = cells();
    expect(layer.selectNear([10, 11])).toBe(0);
    expect([...layer.selected]).toEqual([0]);
    expect(layer.selectNear([20, 30], undefined, 0, { add: true })).toBe(1);
    expect([...layer.selected].sort()).toEqual([0, 1]);
    layer.selectNear([20, 30], undefined, 0, { add: true }); // toggles 1 off again
    expect([...layer.selected]).toEqual([0]);
    layer.selectNear([200, 200], undefined, 0, { add: true }); // nothing hit, add: unchanged
    expect([...layer.selected]).toEqual([0]);
    expect(layer.selectNear([200, 200])).toBeNull();
    expect(layer.selected.size).toBe(0);
  });

  it('selects the visible points in a drag box, on the box’s slice only', () => {
    const layer = make({ data: [[0, 1, 1], [0, 5, 5], [1, 2, 2], [0, 9, 9]] });
    expect(layer.selectInBox([0, 0, 0], [0, 5, 5], [1, 2])).toEqual([0, 1]);
    expect(layer.selectInBox([0, 9, 9], [0, 8, 8], [1, 2], { add: true })).toEqual([3]);
    expect([...layer.selected].sort()).toEqual([0, 1, 3]);
    expect(layer.selectInBox([1, 0, 0], [1, 9, 9], [1, 2])).toEqual([2]);
    expect([...layer.selected]).toEqual([2]);
  });

  it('rejects selecting a point that does not exist', () => {
    expect(() => cells().select([3])).toThrow(/no point 3: the layer has 3 points/);
  });
});

describe('PointsLayer edits and undo', () => {
  it('adds a point with the current size and properties, undoably', () => {
    const layer = cells();
    layer.currentSize = 4;
    layer.currentProperties = { kind: 'debris' };
    expect(layer.add([50, 60])).toBe(3);
    expect(layer.coordinates(3)).toEqual([50, 60]);
    expect(layer.sizes[3]).toBe(4);
    expect(layer.propertiesOf(3)).toEqual({ kind: 'debris', area: 10 });
    expect(layer.history.undoLabel).toBe('Add point');
    layer.history.undo();
    expect(layer.count).toBe(3);
    expect(layer.properties.kind).toEqual(['nucleus', 'cell', 'nucleus']);
    layer.history.redo();
    expect(layer.propertiesOf(3)).toEqual({ kind: 'debris', area: 10 });
  });

  it('refuses a tool click outside the image bounds, naming them; the model alone accepts it', () => {
    const layer = make({ ndim: 3 });
    const bounds: Array<[number, number]> = [[0, 5], [0, 512], [0, 256]];
    expect(() => layer.add([2, 100, 256], { bounds })).toThrow('point [2, 100, 256] is outside the image bounds [0, 5) x [0, 512) x [0, 256)');
    expect(layer.add([2, 100, 255.5], { bounds })).toBe(0);
    expect(layer.add([-7, 1000, 1000])).toBe(1);
    expect(() => layer.add([1, 2])).toThrow(/a point with 3 coordinates/);
    expect(() => layer.add([1, 2, NaN])).toThrow(/finite coordinates for a point/);
    expect(layer.count).toBe(2);
  });

  it('makes a whole drag one undo step, restoring the exact coordinates', () => {
    const layer = cells();
    const history = layer.history;
    layer.select([0, 2]);
    expect(layer.beginMove()).toBe(true);
    layer.moveSelectedBy([0.1, 0.2]);
    layer.moveSelectedBy([0.1, 0.2]);
    layer.moveSelectedBy([0.1, -3]);
    layer.endMove();
    expect(history.undoDepth).toBe(1);
    expect(history.undoLabel).toBe('Move 2 points');
    expect(layer.coordinates(0)[1]).toBeCloseTo(7.4, 12);
    expect(layer.coordinates(1)).toEqual([20, 30]); // not selected
    history.undo();
    expect(rows(layer)).toEqual([[10, 10], [20, 30], [40, 5]]); // exact, no float drift
    history.redo();
    expect(layer.coordinates(2)[0]).toBeCloseTo(40.3, 12);
  });

  it('records nothing for a drag that ends where it began or has nothing selected', () => {
    const layer = cells();
    layer.select([1]);
    layer.beginMove();
    layer.moveSelectedBy([1, 1]);
    layer.moveSelectedBy([-1, -1]);
    layer.endMove();
    layer.clearSelection();
    expect(layer.beginMove()).toBe(false);
    layer.moveSelected([5, 5]);
    expect(layer.history.canUndo).toBe(false);
    expect(rows(layer)).toEqual([[10, 10], [20, 30], [40, 5]]);
  });

  it('refuses undo in the middle of a drag, keeping the step', () => {
    const layer = cells();
    layer.add([1, 1]);
    layer.select([0]);
    layer.moveSelectedBy([1, 0]); // starts a drag implicitly
    expect(() => layer.history.undo()).toThrow(/finish the drag/);
    layer.endMove();
    expect(layer.history.undoLabel).toBe('Move point');
    layer.history.undo();
    layer.history.undo();
    expect(layer.count).toBe(3);
  });

  it('deletes the selection and undo puts the points back at their indices, selected', () => {
    const layer = cells();
    layer.select([0, 2]);
    expect(layer.removeSelected()).toBe(2);
    expect(rows(layer)).toEqual([[20, 30]]);
    expect(layer.properties).toEqual({ kind: ['cell'], area: [15] });
    expect(layer.selected.size).toBe(0);
    expect(layer.history.undoLabel).toBe('Delete 2 points');
    layer.history.undo();
    expect(rows(layer)).toEqual([[10, 10], [20, 30], [40, 5]]);
    expect(layer.properties).toEqual({ kind: ['nucleus', 'cell', 'nucleus'], area: [5, 15, 10] });
    expect([...layer.selected].sort()).toEqual([0, 2]);
    layer.history.redo();
    expect(layer.count).toBe(1);
    expect(layer.removeSelected()).toBe(0); // nothing selected: no step
    expect(layer.history.undoDepth).toBe(1);
  });

  it('keeps the selection on the same points when an undone delete shifts indices', () => {
    const layer = cells();
    layer.select([0]);
    layer.removeSelected();
    layer.select([1]); // the point at [40, 5]
    layer.history.undo(); // [10, 10] comes back at index 0
    expect([...layer.selected]).toEqual([0]); // undo selects what came back
    layer.history.redo();
    layer.select([1]);
    layer.add([7, 7]);
    layer.history.undo(); // removing the added last point keeps [40, 5] selected
    expect([...layer.selected]).toEqual([1]);
    expect(layer.coordinates(1)).toEqual([40, 5]);
  });

  it('sets a property and a size on the selection as one step each', () => {
    const layer = cells();
    layer.select([0, 1]);
    layer.setProperty('kind', 'mitotic');
    expect(layer.properties.kind).toEqual(['mitotic', 'mitotic', 'nucleus']);
    layer.setSize(3, [2]);
    expect(Array.from(layer.sizes)).toEqual([10, 10, 3]);
    layer.history.undo();
    expect(Array.from(layer.sizes)).toEqual([10, 10, 10]);
    expect(layer.history.undoLabel).toBe('Set kind');
    layer.history.undo();
    expect(layer.properties.kind).toEqual(['nucleus', 'cell', 'nucleus']);
    layer.history.redo();
    expect(layer.properties.kind).toEqual(['mitotic', 'mitotic', 'nucleus']);
    expect(() => layer.setProperty('colour', 1)).toThrow(/unknown property "colour"; the layer has "kind", "area"/);
    expect(() => layer.setSize(0)).toThrow(/positive finite point size, got 0/);
  });

  it('replaces its data from outside, validating everything before changing anything', () => {
    const layer = cells();
    layer.currentProperties = { kind: 'debris' };
    layer.select([1]);
    expect(() => layer.setData([[1, 1]], { properties: { kind: ['a', 'b'] } })).toThrow(/needs one value per point \(1\), got 2/);
    expect(layer.count).toBe(3);
    expect([...layer.selected]).toEqual([1]);
    layer.setData([[1, 1], [2, 2]], { properties: { kind: ['a', 'b'], score: [1, 2] } });
    expect(layer.properties).toEqual({ kind: ['a', 'b'], score: [1, 2] });
    expect(layer.currentProperties).toEqual({ kind: 'debris', score: 2 }); // kept, and the last point's
    expect(layer.selected.size).toBe(0);
    layer.setData([]);
    expect(layer.properties).toEqual({ kind: [], score: [] });
    expect(layer.add([3, 3])).toBe(0);
    expect(layer.propertiesOf(0)).toEqual({ kind: 'debris', score: 2 });
  });

  it('records its steps in the viewer’s shared history with its layer id', () => {
    const shared = new UndoHistory();
    const a = cells();
    const b = make({ id: 'other', data: [[0, 0]] });
    a.history = shared;
    b.history = shared;
    a.add([1, 1]);
    b.add([2, 2]);
    shared.undo(); // undoes b's add, the last thing done
    expect([a.count, b.count]).toEqual([4, 1]);
    // Replacing data from outside forgets only this layer's steps.
    b.setData([[5, 5], [6, 6]]);
    expect(shared.canRedo).toBe(false);
    expect(shared.undoLabel).toBe('Add point');
    shared.undo();
    expect(a.count).toBe(3);
  });

  it('emits data for coordinate changes and display for selection', () => {
    const layer = cells();
    const seen: string[] = [];
    layer.changed.connect((_, what) => seen.push(what));
    layer.select([0]);
    layer.moveSelected([1, 1]);
    layer.add([3, 3]);
    expect(seen).toEqual(['display', 'data', 'data']);
  });
});

describe('PointsLayer colours', () => {
  it('gives categories distinct colours in order of first appearance, stable under deletion', () => {
    const layer = cells();
    layer.faceColor = { property: 'kind', kind: 'categorical' };
    expect(layer.faceColorOf(0)).toEqual(CATEGORY_COLORS[0].map(Math.fround));
    expect(layer.faceColorOf(1)).toEqual(CATEGORY_COLORS[1].map(Math.fround));
    expect(layer.faceColorOf(2)).toEqual(layer.faceColorOf(0));
    layer.select([0, 2]);
    layer.removeSelected(); // 'cell' is now the first category present, but keeps its colour
    expect(layer.faceColorOf(0)).toEqual(CATEGORY_COLORS[1].map(Math.fround));
  });

  it('maps a numeric property through its range onto the ramp, and a custom colormap', () => {
    const layer = cells();
    layer.faceColor = { property: 'area', kind: 'continuous' };
    const low = layer.faceColorOf(0);
    const high = layer.faceColorOf(1);
    expect(low.map(v => Math.round(v * 255))).toEqual([68, 1, 84, 255]);
    expect(high.map(v => Math.round(v * 255))).toEqual([253, 231, 37, 255]);
    const grey = new Uint8Array(1024).map((_, i) => (i % 4 === 3 ? 255 : i >> 2));
    layer.setContinuousColormap(grey);
    expect(layer.faceColorOf(2)[0]).toBeCloseTo(128 / 255, 6); // area 10 is half-way from 5 to 15
    expect(() => layer.setContinuousColormap(new Uint8Array(256))).toThrow(/256 RGBA entries/);
  });

  it('shows non-numeric values of a continuous property in the missing colour', () => {
    const layer = make({ data: [[0, 0], [1, 1]], properties: { score: ['n/a', 3] } });
    layer.faceColor = { property: 'score', kind: 'continuous' };
    expect(layer.faceColorOf(0)).toEqual(MISSING_COLOR.map(Math.fround));
    expect(layer.faceColors()).toHaveLength(8);
  });

  it('validates border colour, width and mode', () => {
    const layer = cells();
    layer.borderColor = [0, 1, 0, 0.5];
    expect(layer.borderColor).toEqual([0, 1, 0, 0.5]);
    expect(() => (layer.borderColor = [0, 2, 0, 1])).toThrow(/border colour/);
    expect(() => (layer.mode = 'paint' as 'add')).toThrow(/unknown points mode "paint"; expected one of pan_zoom, add, select/);
  });
});

describe('PointsLayer clone', () => {
  it('copies everything into an independent layer', () => {
    const layer = cells();
    layer.faceColor = { property: 'kind', kind: 'categorical' };
    const copy = layer.clone({ id: 'copy', name: 'Points copy' });
    expect(rows(copy)).toEqual(rows(layer));
    expect(copy.properties).toEqual(layer.properties);
    expect(Array.from(copy.faceColors())).toEqual(Array.from(layer.faceColors()));
    copy.select([0]);
    copy.moveSelected([1, 1]);
    expect(layer.coordinates(0)).toEqual([10, 10]);
  });
});
