// Covers src/viewer/model/labelsLayer.ts: validation, defaults, every tool as a model method
// (paint strokes, erase, fill 2D/3D, pick, polygon, new label), preserveLabels, undo/redo
// through the shared history with byte-exact restores, dirty boxes, 64-bit ids and errors.
import { DType, TypedArray, typedArrayConstructor } from '../../../core/dtypes';
import { brushFootprint } from '../../../core/labels/brush';
import { polygonPixels } from '../../../core/labels/polygon';
import { NDArray } from '../../../core/ndarray';
import { UndoHistory } from '../history';
import { LayerValidationError } from '../layerBase';
import { LabelsDataChange, LabelsLayer } from '../labelsLayer';

const make = (dtype: DType, shape: number[], data?: TypedArray): NDArray => {
  const size = shape.reduce((a, n) => a * n, 1);
  const Ctor = typedArrayConstructor(dtype);
  return { dtype, shape, data: data ?? new Ctor(size) };
};
const layerOf = (data: NDArray, options: Partial<ConstructorParameters<typeof LabelsLayer>[1]> = {}) =>
  new LabelsLayer(data, { id: 'labels-1', name: 'labels', ...options });
const list = (a: TypedArray): Array<number | bigint> => Array.from(a as ArrayLike<number | bigint>);
const bytes = (a: NDArray) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
/** Flat indices where a and b differ. */
const changed = (a: TypedArray, b: TypedArray) => {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
};

describe('LabelsLayer construction', () => {
  it('accepts every integer dtype from 2 to 5 dimensions, with napari defaults', () => {
    for (const dtype of ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64'] as DType[]) {
      const layer = layerOf(make(dtype, [3, 4]));
      expect(layer.kind).toBe('labels');
      expect(layer.selectedLabel).toBe(dtype.endsWith('64') ? 1n : 1);
    }
    const layer = layerOf(make('uint16', [2, 2, 2, 2, 3]));
    expect(layer.ndim).toBe(5);
    expect(layer.dataExtent).toEqual([[0, 2], [0, 2], [0, 2], [0, 2], [0, 3]]);
    expect(layer.opacity).toBe(0.7);
    expect(layer.mode).toBe('pan_zoom');
    expect(layer.brushSize).toBe(10);
    expect(layer.preserveLabels).toBe(false);
    expect(layer.contiguous).toBe(true);
    expect(layer.nEditDim).toBe(2);
    expect(layer.showSelectedLabel).toBe(false);
    expect(layer.contour).toBe(0);
  });

  it('refuses float and bool data with the conversion rule in the message', () => {
    for (const dtype of ['float32', 'float64', 'bool'] as DType[]) {
      expect(() => layerOf(make(dtype, [2, 2]))).toThrow(LayerValidationError);
      expect(() => layerOf(make(dtype, [2, 2]))).toThrow(/labels must be an integer array.*convert whole-number floats with \.astype\(np\.int32\)/);
    }
  });

  it('refuses empty axes, 1D or 6D data and a buffer of the wrong length', () => {
    expect(() => layerOf({ dtype: 'uint8', shape: [0, 4], data: new Uint8Array(0) })).toThrow(/at least one pixel along every axis.*\(0, 4\)/);
    expect(() => layerOf(make('uint8', [5]))).toThrow(/2 to 5 dimensions/);
    expect(() => layerOf(make('uint8', [1, 1, 1, 1, 1, 2]))).toThrow(/2 to 5 dimensions/);
    expect(() => layerOf({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(3) })).toThrow(/needs 4 elements/);
  });

  it('validates its tool state', () => {
    const layer = layerOf(make('uint8', [4, 4]));
    expect(() => (layer.brushSize = 0.5)).toThrow(/brush size must be a finite number >= 1/);
    expect(() => (layer.brushSize = NaN)).toThrow(/brush size/);
    expect(() => (layer.mode = 'lasso' as never)).toThrow(/labels mode/);
    expect(() => (layer.nEditDim = 4 as never)).toThrow(/nEditDim/);
    expect(() => (layer.contour = -1)).toThrow(/contour/);
    expect(() => layerOf(make('uint8', [4, 4]), { opacity: 2 })).toThrow(/opacity/);
  });

  it('refuses label ids that do not fit the dtype, as napari does', () => {
    const layer = layerOf(make('uint8', [4, 4]));
    expect(() => (layer.selectedLabel = 300)).toThrow(/label 300 does not fit this layer's uint8 data \(0 to 255\)/);
    expect(() => (layer.selectedLabel = -1)).toThrow(/does not fit/);
    expect(() => (layer.selectedLabel = 2.5)).toThrow(/integers/);
    expect(() => layerOf(make('uint8', [2, 2]), { selectedLabel: 256 })).toThrow(/does not fit/);
    const wide = layerOf(make('uint64', [2, 2]));
    expect(() => (wide.selectedLabel = 2n ** 64n)).toThrow(/does not fit/);
    wide.selectedLabel = 2 ** 40; // numbers are accepted and stored as bigint
    expect(wide.selectedLabel).toBe(2n ** 40n);
    const signed = layerOf(make('int16', [2, 2]));
    signed.selectedLabel = -32768n;
    expect(signed.selectedLabel).toBe(-32768);
  });

  it('emits display changes for tool state only when a value changes', () => {
    const layer = layerOf(make('uint8', [4, 4]));
    const seen: string[] = [];
    layer.changed.connect((_, change) => seen.push(change));
    layer.mode = 'paint';
    layer.mode = 'paint';
    layer.selectedLabel = 4;
    layer.contour = 2;
    expect(seen).toEqual(['display', 'display', 'display']);
  });
});

describe('LabelsLayer brush', () => {
  it('paints the brush footprint with the selected label and records one step per stroke', () => {
    const data = make('uint32', [64, 64]);
    const layer = layerOf(data, { brushSize: 5, selectedLabel: 7 });
    const before = Buffer.from(bytes(data));
    layer.beginStroke();
    layer.paintAt([20.3, 30.6], [0, 1]);
    layer.paintAt([20.3, 40.6], [0, 1]);
    const action = layer.endStroke();
    expect(action?.label).toBe('Paint');
    expect(layer.history.undoDepth).toBe(1);
    // Exactly the union of the discs stamped along the stroke.
    const expected = new Set<number>();
    for (let col = 30.6; col <= 40.6 + 1e-9; col += 10 / 8) {
      const [rr, cc] = brushFootprint([20.3, Math.min(col, 40.6)], 5);
      rr.forEach((r, k) => expected.add(r * 64 + cc[k]));
    }
    const painted = changed(new Uint32Array(before.buffer, before.byteOffset, 64 * 64), data.data);
    expect(painted).toEqual([...expected].sort((a, b) => a - b));
    expect(painted.every(i => data.data[i] === 7)).toBe(true);
    expect(action!.bytes).toBe(painted.length * (4 + 4 + 4));
    expect(layer.history.bytes).toBe(action!.bytes);
  });

  it('undo leaves the data byte-identical to before the stroke; redo restores the stroke', () => {
    const data = make('uint16', [40, 50]);
    data.data.forEach((_, i) => (data.data[i] = (i * 7919) % 5)); // some existing labels
    const layer = layerOf(data, { brushSize: 7, selectedLabel: 3 });
    const before = Buffer.from(bytes(data));
    layer.beginStroke();
    for (const p of [[5, 5], [12.5, 20], [30, 44.2], [39, 49]]) layer.paintAt(p, [0, 1]);
    layer.endStroke();
    const after = Buffer.from(bytes(data));
    expect(after.equals(before)).toBe(false);
    expect(layer.history.undo()).toBe(true);
    expect(bytes(data).equals(before)).toBe(true);
    expect(layer.history.redo()).toBe(true);
    expect(bytes(data).equals(after)).toBe(true);
  });

  it('a paintAt outside a stroke is a stroke of its own', () => {
    const layer = layerOf(make('uint8', [10, 10]), { brushSize: 1 });
    layer.paintAt([2, 2], [0, 1]);
    layer.paintAt([5, 5], [0, 1]);
    expect(layer.history.undoDepth).toBe(2);
    expect(layer.strokeActive).toBe(false);
  });

  it('erases to background, and preserveLabels erases only the selected label', () => {
    const data = make('uint8', [1, 6], Uint8Array.from([1, 2, 1, 2, 1, 2]));
    const layer = layerOf(data, { brushSize: 1, selectedLabel: 2 });
    layer.preserveLabels = true;
    layer.beginStroke();
    for (let c = 0; c < 6; c++) layer.eraseAt([0, c], [0, 1]);
    expect(layer.endStroke()?.label).toBe('Erase');
    expect(list(data.data)).toEqual([1, 0, 1, 0, 1, 0]);
    layer.preserveLabels = false;
    layer.eraseAt([0, 0], [0, 1]);
    expect(data.data[0]).toBe(0);
  });

  it('preserveLabels paints only over background (napari semantics)', () => {
    const data = make('uint8', [1, 6], Uint8Array.from([0, 4, 0, 5, 0, 9]));
    const layer = layerOf(data, { brushSize: 1, selectedLabel: 9, preserveLabels: true });
    layer.beginStroke();
    for (let c = 0; c < 6; c++) layer.paintAt([0, c], [0, 1]);
    const action = layer.endStroke();
    expect(list(data.data)).toEqual([9, 4, 9, 5, 9, 9]);
    expect(action!.diff.indices.length).toBe(3);
  });

  it('paints only the displayed plane of a volume, along any displayed axes', () => {
    const data = make('uint8', [6, 8, 10]);
    const layer = layerOf(data, { brushSize: 3, selectedLabel: 2 });
    layer.paintAt([4, 3, 5], [1, 2]); // z = 4 plane
    const zs = new Set(changed(new Uint8Array(data.data.length), data.data).map(i => Math.floor(i / 80)));
    expect([...zs]).toEqual([4]);
    const xz = make('uint8', [6, 8, 10]);
    const side = layerOf(xz, { brushSize: 3, selectedLabel: 2 });
    side.paintAt([3, 6, 5], [0, 2]); // y = 6 plane, displayed as (z, x)
    const ys = new Set(changed(new Uint8Array(xz.data.length), xz.data).map(i => Math.floor(i / 10) % 8));
    expect([...ys]).toEqual([6]);
    expect(changed(new Uint8Array(xz.data.length), xz.data).length).toBe(9);
  });

  it('paints a ball through the volume with nEditDim 3', () => {
    const data = make('uint8', [9, 9, 9]);
    const layer = layerOf(data, { brushSize: 3, selectedLabel: 1, nEditDim: 3 });
    layer.paintAt([4, 4, 4], [1, 2]);
    expect(changed(new Uint8Array(data.data.length), data.data).length).toBe(1 + 6 + 12);
  });

  it('reports the dirty box of each event and of undo/redo', () => {
    const layer = layerOf(make('uint8', [3, 20, 30]), { brushSize: 3 });
    const boxes: LabelsDataChange['box'][] = [];
    const changes: string[] = [];
    layer.dataChanged.connect((_, change) => boxes.push(change.box));
    layer.changed.connect((_, change) => changes.push(change));
    layer.paintAt([1, 10, 10], [1, 2]);
    expect(boxes).toEqual([[[1, 2], [9, 12], [9, 12]]]);
    expect(changes).toEqual(['data']);
    layer.history.undo();
    expect(boxes[1]).toEqual([[1, 2], [9, 12], [9, 12]]);
    // Clipped at the border.
    layer.paintAt([0, 0, 29], [1, 2]);
    expect(boxes[2]).toEqual([[0, 1], [0, 2], [28, 30]]);
  });

  it('round-trips uint64 ids above 2^53 through paint, undo and redo', () => {
    const data = make('uint64', [8, 8]);
    (data.data as BigUint64Array).fill(2n ** 63n + 5n);
    const layer = layerOf(data, { brushSize: 3, selectedLabel: 2n ** 53n + 1n });
    const before = Buffer.from(bytes(data));
    layer.paintAt([4, 4], [0, 1]);
    expect(layer.valueAt([4, 4])).toBe(2n ** 53n + 1n);
    expect(layer.valueAt([0, 0])).toBe(2n ** 63n + 5n);
    const after = Buffer.from(bytes(data));
    layer.history.undo();
    expect(bytes(data).equals(before)).toBe(true);
    layer.history.redo();
    expect(bytes(data).equals(after)).toBe(true);
  });

  it('refuses bad points and undo in the middle of a stroke', () => {
    const layer = layerOf(make('uint8', [4, 5, 6]), { brushSize: 2 });
    expect(() => layer.paintAt([9, 2, 2], [1, 2])).toThrow(/lies on no slice/);
    expect(() => layer.paintAt([1, 2], [1, 2])).toThrow(/expected 3 finite data coordinates/);
    expect(() => layer.paintAt([1, 2, NaN], [1, 2])).toThrow(/finite/);
    expect(() => layer.paintAt([1, 2, 2], [1, 1])).toThrow(/distinct axes/);
    expect(layer.strokeActive).toBe(false); // a refused point opens no stroke
    layer.paintAt([1, 2, 2], [1, 2]);
    layer.beginStroke();
    layer.paintAt([1, 0, 0], [1, 2]);
    expect(() => layer.history.undo()).toThrow(/finish the brush stroke/);
    layer.endStroke();
    expect(layer.history.undoDepth).toBe(2);
    expect(layer.history.undo()).toBe(true);
  });

  it('keeps history within its memory bound with bytes equal to the diffs', () => {
    const history = new UndoHistory({ maxBytes: 2000 });
    const layer = layerOf(make('uint32', [50, 50]), { brushSize: 5 });
    layer.history = history;
    const actions = [];
    for (let i = 0; i < 10; i++) {
      layer.selectedLabel = i + 1;
      layer.beginStroke();
      layer.paintAt([25, 4 + 4 * i], [0, 1]);
      const action = layer.endStroke()!;
      // index (4 bytes) + before + after (4 bytes each for uint32) per changed pixel.
      expect(action.bytes).toBe(12 * action.diff.indices.length);
      actions.push(action);
      expect(history.bytes).toBeLessThanOrEqual(2000);
      const kept = actions.slice(actions.length - history.undoDepth);
      expect(history.bytes).toBe(kept.reduce((a, x) => a + x.bytes, 0));
    }
    expect(history.undoDepth).toBeLessThan(10); // the oldest strokes were forgotten
    expect(history.undoDepth).toBeGreaterThan(0);
  });
});

describe('LabelsLayer fill, pick, polygon, new label', () => {
  // Two planes: a ring of 1s around a hole of 0s at (1..2, 1..2) in plane 0; plane 1 all 0.
  const volume = () => {
    const data = make('uint8', [2, 4, 4]);
    const ring = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1];
    ring.forEach((v, i) => (data.data[i] = v));
    return data;
  };

  it('fills the connected region in the displayed plane (nEditDim 2) or the volume (3)', () => {
    const data = volume();
    const layer = layerOf(data, { selectedLabel: 5 });
    expect(layer.fill([0, 1, 1], [1, 2])).toBe(true);
    expect(list(data.data.slice(0, 16)).filter(v => v === 5).length).toBe(4);
    expect(list(data.data.slice(16)).every(v => v === 0)).toBe(true);
    layer.history.undo();
    layer.nEditDim = 3;
    layer.fill([0, 1, 1], [1, 2]);
    // The hole touches plane 1 through faces: the whole of plane 1 joins the region.
    expect(list(data.data).filter(v => v === 5).length).toBe(4 + 16);
  });

  it('fills every pixel of the clicked label when not contiguous', () => {
    const data = make('uint8', [1, 7], Uint8Array.from([3, 0, 3, 3, 0, 3, 1]));
    const layer = layerOf(data, { selectedLabel: 8, contiguous: false });
    layer.fill([0, 0], [0, 1]);
    expect(list(data.data)).toEqual([8, 0, 8, 8, 0, 8, 1]);
  });

  it('does nothing when the clicked label is already selected, or is a label under preserveLabels', () => {
    const data = volume();
    const layer = layerOf(data, { selectedLabel: 1 });
    expect(layer.fill([0, 0, 0], [1, 2])).toBe(false);
    layer.selectedLabel = 2;
    layer.preserveLabels = true;
    expect(layer.fill([0, 0, 0], [1, 2])).toBe(false);
    expect(layer.fill([0, 1, 1], [1, 2])).toBe(true);
    expect(layer.history.undoDepth).toBe(1);
  });

  it('undoes a fill byte for byte and reports its box', () => {
    const data = volume();
    const layer = layerOf(data, { selectedLabel: 9 });
    const boxes: LabelsDataChange['box'][] = [];
    layer.dataChanged.connect((_, c) => boxes.push(c.box));
    const before = Buffer.from(bytes(data));
    layer.fill([0, 0, 0], [1, 2]);
    expect(boxes[0]).toEqual([[0, 1], [0, 4], [0, 4]]);
    expect(layer.history.undoLabel).toBe('Fill');
    layer.history.undo();
    expect(bytes(data).equals(before)).toBe(true);
  });

  it('rounds points half to even and refuses points outside the data', () => {
    const data = make('uint8', [3, 3], Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    const layer = layerOf(data);
    expect(layer.pick([0.5, 1.5])).toBe(2); // (0, 2)
    expect(layer.selectedLabel).toBe(2);
    expect(layer.pick([2.4, 0.6])).toBe(7);
    expect(() => layer.pick([2.6, 0])).toThrow(/point \[3, 0\] lies outside the data/);
    expect(() => layer.fill([-0.6, 0], [0, 1])).toThrow(/outside the data/);
    expect(() => layer.valueAt([0, 3])).toThrow(/index \[0, 3\] lies outside/);
    expect(() => layer.valueAt([0.5, 1])).toThrow(/outside/);
  });

  it('paints a polygon with skimage pixels in the plane through the slice point', () => {
    const data = make('uint16', [3, 30, 40]);
    const layer = layerOf(data, { selectedLabel: 11 });
    const vertices: Array<[number, number]> = [[2, 3], [25.5, 8], [20, 35.2], [6, 30]];
    const action = layer.paintPolygon(vertices, [1, 0, 0], [1, 2]);
    expect(action?.label).toBe('Polygon');
    const [rr, cc] = polygonPixels(vertices.map(v => v[0]), vertices.map(v => v[1]), [30, 40]);
    const expected = Array.from(rr, (r, k) => 1200 + r * 40 + cc[k]).sort((a, b) => a - b);
    expect(changed(new Uint16Array(data.data.length), data.data)).toEqual(expected);
    // Transposed display: vertices are (x, y) when displayedAxes is [2, 1].
    const t = make('uint16', [3, 30, 40]);
    layerOf(t, { selectedLabel: 11 }).paintPolygon(vertices.map(([a, b]) => [b, a] as [number, number]), [1, 0, 0], [2, 1]);
    expect(bytes(t).equals(bytes(data))).toBe(true);
    expect(() => layer.paintPolygon([[0, 0], [1, 1]], [1, 0, 0], [1, 2])).toThrow(/at least 3 vertices/);
  });

  it('selects max(data) + 1 as the new label, and refuses one beyond the dtype', () => {
    const layer = layerOf(make('int16', [2, 2], Int16Array.from([-4, 17, 3, 0])));
    expect(layer.newLabel()).toBe(18);
    expect(layer.selectedLabel).toBe(18);
    const full = layerOf(make('uint8', [1, 2], Uint8Array.from([255, 0])));
    expect(() => full.newLabel()).toThrow(/label 256 does not fit/);
    const wide = layerOf(make('uint64', [1, 2], BigUint64Array.from([2n ** 60n, 3n])));
    expect(wide.newLabel()).toBe(2n ** 60n + 1n);
  });

  it('forgets its undo steps when its data is replaced', () => {
    const layer = layerOf(make('uint8', [4, 4]), { brushSize: 1 });
    layer.paintAt([1, 1], [0, 1]);
    layer.setData(make('uint8', [5, 5]));
    expect(layer.history.undoDepth).toBe(0);
    expect(layer.shape).toEqual([5, 5]);
    layer.setData(make('uint64', [2, 2]));
    expect(layer.selectedLabel).toBe(1n); // the id follows the element type
    layer.selectedLabel = 300n;
    layer.setData(make('uint8', [2, 2]));
    expect(layer.selectedLabel).toBe(1); // 300 does not fit uint8: back to the default
    expect(() => layer.setData(make('float32', [2, 2]))).toThrow(/integer array/);
  });

  it('clones with its own data and the same settings', () => {
    const layer = layerOf(make('uint8', [4, 4]), { selectedLabel: 3, brushSize: 2, contour: 1 });
    const copy = layer.clone({ id: 'labels-2', name: 'copy' });
    copy.paintAt([1, 1], [0, 1]);
    expect(layer.valueAt([1, 1])).toBe(0);
    expect(copy.valueAt([1, 1])).toBe(3);
    expect([copy.brushSize, copy.contour, copy.opacity]).toEqual([2, 1, 0.7]);
  });

  it('colours labels with its seed, the background transparent', () => {
    const layer = layerOf(make('uint8', [2, 2]));
    expect(layer.colorOf(0)[3]).toBe(0);
    const c = layer.colorOf(5);
    layer.colorSeed = 99;
    expect(layer.colorOf(5)).not.toEqual(c);
  });

  it('names and colours ids 1..n with its label classes, which clones keep and bad ones are refused', () => {
    const layer = layerOf(make('uint8', [2, 2]), { labelClasses: [{ name: 'background', color: [0, 0, 255, 255] }] });
    const hashed = layer.colorOf(2);
    const changes: string[] = [];
    layer.changed.connect((_, what) => changes.push(what));
    layer.labelClasses = [...layer.labelClasses, { name: 'nucleus', color: [255, 255, 0, 255] }];
    expect([layer.colorOf(1), layer.colorOf(2), layer.colorOf(3)]).toEqual([[0, 0, 255, 255], [255, 255, 0, 255], layer.colorOf(3)]);
    expect([...layer.colorOverrides.keys()]).toEqual([1, 2]);
    layer.labelClasses = [...layer.labelClasses]; // the same classes: no change announced
    expect(changes).toEqual(['display']);
    expect(layer.clone({ id: 'labels-2', name: 'copy' }).labelClasses).toEqual(layer.labelClasses);
    layer.labelClasses = [];
    expect(layer.colorOf(2)).toEqual(hashed);
    const c = (name: string) => ({ name, color: [0, 0, 0, 255] as [number, number, number, number] });
    expect(() => (layer.labelClasses = [c('a'), c('a')])).toThrow(/label class 2: the name "a" is taken/);
    expect(() => (layer.labelClasses = [c('')])).toThrow(/label class 1: expected a name of 1 to 64/);
    expect(() => (layer.labelClasses = Array.from({ length: 17 }, (_, k) => c(`c${k}`)))).toThrow(/at most 16 label classes/);
    expect(() => (layer.labelClasses = [{ name: 'a', color: [0, 0, 256, 255] }])).toThrow(LayerValidationError);
    expect(layer.labelClasses).toEqual([]);
  });
});
