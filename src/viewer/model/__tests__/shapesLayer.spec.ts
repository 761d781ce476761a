// Covers src/viewer/model/shapesLayer.ts: validation messages, drawing drafts, hit testing and
// selection, drags, vertex edits, deletion and style with undo/redo, and masks/labels checked
// against scikit-image (napari's definitions) on nucleus outlines from real data.
import { itWithPython, nonzeroIndices, runPython } from '../../../core/geometry/__tests__/pythonReference';
import { UndoHistory } from '../history';
import { LayerValidationError } from '../layerBase';
import { ShapeInput, ShapesLayer, ShapesLayerOptions } from '../shapesLayer';

const make = (options: Partial<ShapesLayerOptions> = {}): ShapesLayer => new ShapesLayer({ id: 'shp', name: 'Shapes', ...options });

/** A rectangle, an overlapping ellipse on top of it, and an L-shaped path. */
const scene = (): ShapesLayer =>
  make({
    shapes: [
      { type: 'rectangle', vertices: [[0, 0], [10, 20]] },
      { type: 'ellipse', vertices: [[5, 10], [15, 30]] },
      { type: 'path', vertices: [[30, 0], [30, 20], [40, 20]], edgeWidth: 2 }
    ]
  });

describe('ShapesLayer construction and validation', () => {
  it('expands 2 opposite corners of rectangles and ellipses to 4, and applies napari’s default style', () => {
    const layer = scene();
    expect(layer.kind).toBe('shapes');
    expect(layer.count).toBe(3);
    expect(layer.shape(0)).toEqual({
      type: 'rectangle',
      vertices: [[0, 0], [0, 20], [10, 20], [10, 0]],
      edgeColor: [0, 0, 0, 1],
      edgeWidth: 1,
      faceColor: [1, 1, 1, 1],
      zIndex: 0
    });
    expect(layer.shape(2).edgeWidth).toBe(2);
    expect(layer.dataExtent).toEqual([[0, 41], [0, 31]]);
    expect(make({ ndim: 3 }).dataExtent).toEqual([[0, 1], [0, 1], [0, 1]]);
  });

  it('rejects bad shapes with messages naming what is expected', () => {
    const bad: Array<[ShapeInput, RegExp]> = [
      [{ type: 'circle' as 'ellipse', vertices: [[0, 0], [1, 1]] }, /unknown shape type "circle" for shape 0; expected one of rectangle, ellipse, polygon, line, path/],
      [{ type: 'rectangle', vertices: [[0, 0], [1, 1], [2, 2]] }, /a rectangle needs 4 corners \(or 2 opposite corners\), got 3/],
      [{ type: 'ellipse', vertices: [[0, 0]] }, /an ellipse needs 4 corners \(or 2 opposite corners\), got 1/],
      [{ type: 'line', vertices: [[0, 0], [1, 1], [2, 2]] }, /a line needs exactly 2 vertices, got 3/],
      [{ type: 'path', vertices: [[0, 0]] }, /a path needs at least 2 vertices, got 1/],
      [{ type: 'polygon', vertices: [[0, 0], [1, 1]] }, /a polygon needs at least 3 vertices, got 2/],
      [{ type: 'line', vertices: [[0, 0], [1, NaN]] }, /finite coordinates for vertex 1 of shape 0 \(a line\), got \[1, NaN\]/],
      [{ type: 'line', vertices: [[0, 0], [1, 1, 1]] }, /vertex 1 of shape 0 \(a line\) to have 2 coordinates/],
      [{ type: 'line', vertices: [[0, 0], [1, 1]], edgeWidth: -1 }, /edge width >= 0/],
      [{ type: 'line', vertices: [[0, 0], [1, 1]], faceColor: [2, 0, 0, 1] }, /face colour as \[r, g, b, a\]/]
    ];
    for (const [shape, message] of bad) {
      expect(() => make({ shapes: [shape] })).toThrow(LayerValidationError);
      expect(() => make({ shapes: [shape] })).toThrow(message);
    }
    expect(() => make({ ndim: 7 })).toThrow(/2 to 5 dimensions, got 7/);
    expect(() => make().addShape('polygon', [[0, 0], [0, 1]])).toThrow(/a polygon needs at least 3 vertices, got 2 for the new polygon/);
    expect(() => make().addShape('star' as 'path', [[0, 0], [0, 1]])).toThrow(/unknown shape type "star" for the new shape/);
  });
});

describe('ShapesLayer drawing', () => {
  it('draws a rectangle by drag as one undo step, corners in drawing order', () => {
    const layer = make();
    layer.beginRectangle([4, 5]);
    layer.updateDraft([6, 6]);
    layer.updateDraft([8, 9]);
    expect(layer.draft).toEqual({ type: 'rectangle', vertices: [[4, 5], [4, 9], [8, 9], [8, 5]] });
    expect(layer.commitDraft()).toBe(0);
    expect(layer.draft).toBeNull();
    expect(layer.shape(0).vertices).toEqual([[4, 5], [4, 9], [8, 9], [8, 5]]);
    expect(layer.history.undoLabel).toBe('Add rectangle');
    expect(layer.history.undoDepth).toBe(1);
    layer.history.undo();
    expect(layer.count).toBe(0);
    layer.history.redo();
    expect(layer.shape(0).type).toBe('rectangle');
  });

  it('discards a click without a drag, and a cancelled draft', () => {
    const layer = make();
    layer.beginEllipse([4, 5]);
    layer.updateDraft([4, 12]); // no height
    expect(layer.commitDraft()).toBeNull();
    layer.beginLine([1, 1]);
    expect(layer.commitDraft()).toBeNull(); // zero length
    layer.beginLine([1, 1]);
    layer.updateDraft([3, 3]);
    layer.cancelDraft();
    expect(layer.count).toBe(0);
    expect(layer.history.canUndo).toBe(false);
    expect(() => layer.updateDraft([1, 1])).toThrow(/no shape is being drawn/);
  });

  it('draws a polygon click by click, merging the double-click and dropping the cursor vertex', () => {
    const layer = make();
    layer.beginPolygon([0, 0]);
    layer.updateDraft([0, 5]);
    layer.addDraftVertex([0, 10]);
    layer.addDraftVertex([10, 10]);
    layer.updateDraft([10, 3]);
    layer.addDraftVertex([10, 0]); // first click of the double-click
    layer.addDraftVertex([10, 0]); // second click
    expect(layer.draft!.vertices).toHaveLength(6); // 4 corners, the repeated click, the cursor
    expect(layer.commitDraft()).toBe(0);
    expect(layer.shape(0)).toMatchObject({ type: 'polygon', vertices: [[0, 0], [0, 10], [10, 10], [10, 0]] });
    expect(layer.history.undoDepth).toBe(1);
  });

  it('discards a polygon with fewer than 3 distinct vertices and keeps a 2-vertex path', () => {
    const layer = make();
    layer.beginPolygon([0, 0]);
    layer.addDraftVertex([5, 5]);
    layer.addDraftVertex([5, 5]);
    expect(layer.commitDraft()).toBeNull();
    layer.beginPath([0, 0]);
    layer.addDraftVertex([5, 5]);
    layer.updateDraft([9, 9]); // the cursor vertex is not part of the path
    expect(layer.commitDraft()).toBe(0);
    expect(layer.shape(0).vertices).toEqual([[0, 0], [5, 5]]);
    layer.beginRectangle([0, 0]);
    expect(() => layer.addDraftVertex([1, 1])).toThrow(/only polygons and paths take vertices one by one; the draft is a rectangle/);
  });

  it('keeps every vertex of a shape drawn in 3D on the slice where drawing began', () => {
    const layer = make({ ndim: 3 });
    layer.beginPolygon([4, 0, 0]);
    layer.addDraftVertex([7.3, 0, 10]); // the cursor's z is not used
    layer.addDraftVertex([4, 10, 10]);
    layer.commitDraft();
    expect(layer.shape(0).vertices).toEqual([[4, 0, 0], [4, 0, 10], [4, 10, 10]]);
    layer.beginRectangle([2, 1, 1], [0, 2]); // drawn on an x-slice: rows are z, columns x
    layer.updateDraft([5, 9, 4]);
    layer.commitDraft();
    expect(layer.shape(1).vertices).toEqual([[2, 1, 1], [2, 1, 4], [5, 1, 4], [5, 1, 1]]);
  });

  it('finishes a polygon being drawn when the tool changes, as napari', () => {
    const layer = make();
    layer.mode = 'add_polygon';
    layer.beginPolygon([0, 0]);
    layer.addDraftVertex([0, 9]);
    layer.addDraftVertex([9, 9]);
    layer.mode = 'select';
    expect(layer.count).toBe(1);
    expect(layer.shape(0).vertices).toEqual([[0, 0], [0, 9], [9, 9]]);
    expect(() => (layer.mode = 'erase' as 'select')).toThrow(/unknown shapes mode "erase"; expected one of pan_zoom, select, direct/);
  });
});

describe('ShapesLayer hit testing and selection', () => {
  it('hits faces of closed shapes, the topmost by z-order, and lines only near them', () => {
    const layer = scene();
    expect(layer.shapeAt([2, 2])).toBe(0);
    expect(layer.shapeAt([8, 15])).toBe(1); // rectangle and ellipse overlap: the later is on top
    layer.bringToFront([0]);
    expect(layer.shapeAt([8, 15])).toBe(0); // now the rectangle's z-index is higher
    expect(layer.shapeAt([6, 11])).toBe(0); // inside the ellipse's box corner but outside the ellipse
    expect(layer.shapeAt([35, 10])).toBeNull(); // inside the L's bend: a path has no face
    expect(layer.shapeAt([30.9, 10])).toBe(2); // within edge width / 2
    expect(layer.shapeAt([31.5, 10])).toBeNull();
    expect(layer.shapeAt([31.5, 10], undefined, 2)).toBe(2); // a wider pick tolerance
    expect(layer.valueAt([30, 10])).toEqual({ index: 2, type: 'path' });
    expect(layer.valueAt([50, 50])).toBeNull();
  });

  it('selects by click (toggle with add) and by box, touching counts', () => {
    const layer = scene();
    expect(layer.selectNear([2, 2])).toBe(0);
    layer.selectNear([30, 5], undefined, 0, { add: true });
    expect([...layer.selected].sort()).toEqual([0, 2]);
    layer.selectNear([30, 5], undefined, 0, { add: true });
    expect([...layer.selected]).toEqual([0]);
    layer.selectNear([100, 100]);
    expect(layer.selected.size).toBe(0);
    expect(layer.selectInBox([12, 0], [14, 8])).toEqual([]); // below the rectangle, beside the ellipse
    expect(layer.selectInBox([25, 15], [45, 25])).toEqual([2]); // only crosses the path's segments
    expect(layer.selectInBox([-1, -1], [16, 31], undefined, { add: true })).toEqual([0, 1]);
    expect([...layer.selected].sort()).toEqual([0, 1, 2]);
  });

  it('only sees shapes on the current slice', () => {
    const layer = make({ shapes: [{ type: 'rectangle', vertices: [[3, 0, 0], [3, 10, 10]] }, { type: 'line', vertices: [[0, 5, 5], [6, 5, 5]] }] });
    expect(layer.visibleIndices([3, 0, 0])).toEqual([0, 1]); // the line crosses z 0..6
    expect(layer.visibleIndices([7, 0, 0])).toEqual([]);
    expect(layer.shapeAt([3, 5, 5])).toBe(1);
    expect(layer.shapeAt([2, 2, 2])).toBeNull(); // rectangle is on z 3
    expect(layer.selectInBox([3, 0, 0], [3, 1, 1])).toEqual([0]);
  });

  it('finds the vertex of a selected shape under the cursor for the direct tool', () => {
    const layer = scene();
    expect(layer.vertexAt([0, 20], undefined, 1)).toBeNull(); // nothing selected
    layer.select([0]);
    expect(layer.vertexAt([0.5, 19.5], undefined, 1)).toEqual({ shape: 0, vertex: 1 });
    expect(layer.vertexAt([5, 5], undefined, 1)).toBeNull();
  });
});

describe('ShapesLayer edits and undo', () => {
  it('makes a whole drag of the selection one step and undoes it exactly', () => {
    const layer = scene();
    layer.select([0, 2]);
    layer.beginMove();
    for (let k = 0; k < 5; k++) layer.moveSelectedBy([0.1, 0.3]);
    layer.endMove();
    expect(layer.history.undoDepth).toBe(1);
    expect(layer.history.undoLabel).toBe('Move 2 shapes');
    expect(layer.shape(2).vertices[0][1]).toBeCloseTo(1.5, 12);
    expect(layer.shape(1).vertices[0]).toEqual([5, 10]); // not selected
    layer.history.undo();
    expect(layer.shapes).toEqual(scene().shapes);
    layer.history.redo();
    expect(layer.shape(0).vertices[2][0]).toBeCloseTo(10.5, 12);
    layer.moveSelected([0, 0]);
    expect(layer.history.undoDepth).toBe(1); // no movement, no step
  });

  it('drags a polygon vertex freely and a rectangle corner keeping a rectangle, one step per drag', () => {
    const layer = make({ shapes: [{ type: 'polygon', vertices: [[0, 0], [0, 10], [10, 10]] }, { type: 'rectangle', vertices: [[0, 0], [4, 6]] }] });
    layer.beginVertexMove(0, 2);
    layer.moveVertexTo([12, 11]);
    layer.moveVertexTo([14, 12]);
    layer.endVertexMove();
    expect(layer.shape(0).vertices).toEqual([[0, 0], [0, 10], [14, 12]]);
    layer.moveVertex(1, 2, [10, 3]);
    expect(layer.shape(1).vertices).toEqual([[0, 0], [0, 3], [10, 3], [10, 0]]);
    expect(layer.history.undoDepth).toBe(2);
    layer.history.undo();
    expect(layer.shape(1).vertices).toEqual([[0, 0], [0, 6], [4, 6], [4, 0]]);
    layer.history.undo();
    expect(layer.shape(0).vertices).toEqual([[0, 0], [0, 10], [10, 10]]);
    expect(() => layer.beginVertexMove(0, 3)).toThrow(/no vertex 3: shape 0 has 3 vertices/);
    expect(() => layer.moveVertexTo([1, 1])).toThrow(/beginVertexMove\(\) before moveVertexTo\(\)/);
  });

  it('refuses undo in the middle of a drag', () => {
    const layer = scene();
    layer.addShape('line', [[0, 0], [5, 5]]);
    layer.beginVertexMove(3, 0);
    layer.moveVertexTo([1, 1]);
    expect(() => layer.history.undo()).toThrow(/finish the drag/);
    layer.endVertexMove();
    layer.history.undo();
    expect(layer.shape(3).vertices).toEqual([[0, 0], [5, 5]]);
  });

  it('inserts a vertex into the nearest segment, turning rectangles into polygons and lines into paths', () => {
    const layer = make({
      shapes: [
        { type: 'polygon', vertices: [[0, 0], [0, 10], [10, 10], [10, 0]] },
        { type: 'rectangle', vertices: [[0, 0], [4, 4]] },
        { type: 'line', vertices: [[0, 0], [0, 8]] },
        { type: 'ellipse', vertices: [[0, 0], [4, 4]] }
      ]
    });
    expect(layer.insertVertex(0, [5, 11])).toBe(2); // near the side (0,10)-(10,10)
    expect(layer.shape(0).vertices).toEqual([[0, 0], [0, 10], [5, 11], [10, 10], [10, 0]]);
    expect(layer.insertVertex(0, [5, -1])).toBe(5); // the closing side (10,0)-(0,0)
    layer.insertVertex(1, [2, 4]);
    expect(layer.shape(1).type).toBe('polygon');
    layer.insertVertex(2, [1, 4]);
    expect(layer.shape(2)).toMatchObject({ type: 'path', vertices: [[0, 0], [1, 4], [0, 8]] });
    expect(() => layer.insertVertex(3, [0, 2])).toThrow(/cannot insert a vertex into an ellipse \(shape 3\)/);
    layer.history.undo();
    expect(layer.shape(2)).toMatchObject({ type: 'line', vertices: [[0, 0], [0, 8]] });
    layer.history.undo();
    expect(layer.shape(1).type).toBe('rectangle');
  });

  it('removes vertices only down to each type’s minimum', () => {
    const layer = make({
      shapes: [
        { type: 'polygon', vertices: [[0, 0], [0, 10], [10, 10], [10, 0]] },
        { type: 'rectangle', vertices: [[0, 0], [4, 4]] },
        { type: 'line', vertices: [[0, 0], [0, 8]] },
        { type: 'path', vertices: [[0, 0], [0, 8]] },
        { type: 'ellipse', vertices: [[0, 0], [4, 4]] }
      ]
    });
    layer.removeVertex(0, 1);
    expect(layer.shape(0).vertices).toEqual([[0, 0], [10, 10], [10, 0]]);
    expect(() => layer.removeVertex(0, 0)).toThrow('cannot remove a vertex: a polygon needs at least 3 vertices and shape 0 has 3');
    layer.removeVertex(1, 0);
    expect(layer.shape(1)).toMatchObject({ type: 'polygon', vertices: [[0, 4], [4, 4], [4, 0]] });
    expect(() => layer.removeVertex(2, 0)).toThrow('a line needs exactly 2 vertices and shape 2 has 2');
    expect(() => layer.removeVertex(3, 0)).toThrow('a path needs at least 2 vertices and shape 3 has 2');
    expect(() => layer.removeVertex(4, 0)).toThrow('cannot remove a vertex: an ellipse needs exactly 4 corners and shape 4 has 4');
    layer.history.undo();
    expect(layer.shape(1).type).toBe('rectangle');
    layer.history.undo();
    expect(layer.shape(0).vertices).toHaveLength(4);
  });

  it('deletes the selection; undo restores the shapes at their indices, selected', () => {
    const layer = scene();
    layer.select([0, 2]);
    expect(layer.removeSelected()).toBe(2);
    expect(layer.shapes.map(s => s.type)).toEqual(['ellipse']);
    expect(layer.history.undoLabel).toBe('Delete 2 shapes');
    layer.history.undo();
    expect(layer.shapes).toEqual(scene().shapes);
    expect([...layer.selected].sort()).toEqual([0, 2]);
    layer.history.redo();
    expect(layer.count).toBe(1);
    expect(layer.selected.size).toBe(0);
  });

  it('sets style and z-order on the selection as one step each', () => {
    const layer = scene();
    layer.select([1]);
    layer.setStyle({ faceColor: [1, 0, 0, 0.5], edgeWidth: 3 });
    expect(layer.shape(1)).toMatchObject({ faceColor: [1, 0, 0, 0.5], edgeWidth: 3 });
    layer.sendToBack();
    expect(layer.drawOrder()).toEqual([1, 0, 2]);
    layer.history.undo();
    expect(layer.drawOrder()).toEqual([0, 1, 2]);
    layer.history.undo();
    expect(layer.shape(1)).toMatchObject({ faceColor: [1, 1, 1, 1], edgeWidth: 1 });
    expect(() => layer.setStyle({ zIndex: 0.5 })).toThrow(/integer z-index, got 0.5/);
    expect(layer.history.canRedo).toBe(true); // a refused edit leaves the history alone
  });

  it('records into the viewer’s shared history; replacing the data forgets only its own steps', () => {
    const shared = new UndoHistory();
    const a = scene();
    const b = make({ id: 'b' });
    a.history = shared;
    b.history = shared;
    a.addShape('line', [[0, 0], [1, 1]]);
    b.addShape('line', [[0, 0], [1, 1]]);
    a.setData([{ type: 'polygon', vertices: [[0, 0], [0, 1], [1, 1]] }]);
    expect(shared.undoDepth).toBe(1);
    shared.undo();
    expect(b.count).toBe(0);
    expect(a.count).toBe(1);
  });

  it('clones into an independent layer', () => {
    const layer = scene();
    const copy = layer.clone({ id: 'copy', name: 'copy' });
    expect(copy.shapes).toEqual(layer.shapes);
    copy.select([0]);
    copy.moveSelected([1, 1]);
    expect(layer.shape(0).vertices[0]).toEqual([0, 0]);
  });
});

describe('ShapesLayer masks and labels', () => {
  it('paints labels in draw order so the top shape wins, and only the slice asked for', () => {
    const layer = make({ shapes: [{ type: 'rectangle', vertices: [[0, 0], [3, 3]] }, { type: 'rectangle', vertices: [[2, 2], [4, 4]], zIndex: -1 }] });
    const labels = layer.toLabels([5, 5]);
    expect(labels.dtype).toBe('int32');
    expect(labels.data[2 * 5 + 2]).toBe(1); // overlap: shape 0 has the higher z-index
    expect(labels.data[4 * 5 + 4]).toBe(2);
    const volume = make({ shapes: [{ type: 'rectangle', vertices: [[1, 0, 0], [1, 2, 2]] }, { type: 'rectangle', vertices: [[2, 0, 0], [2, 3, 3]] }] });
    expect(nonzeroIndices(volume.toLabels([4, 4], { step: [1, 0, 0] }).data as Int32Array)).toHaveLength(9);
    expect(volume.toMasks([4, 4]).shape).toEqual([2, 4, 4]);
    expect(() => layer.toMask(0, [0, 4])).toThrow(/mask shape \[rows, cols\] of positive integers/);
  });

  itWithPython('shapes mask parity test')('matches napari’s definitions in scikit-image on nucleus outlines and boxes from nuclei2d', () => {
    // Real shapes: each nucleus outline (find_contours) as a polygon, its bounding box as a
    // rectangle and ellipse, and its major axis as a line; reference painting in draw order.
    const ref = runPython<{ shape: [number, number]; shapes: Array<{ type: string; vertices: number[][]; z: number }> }>(
      [
        'import tifffile',
        'from skimage.measure import find_contours, regionprops',
        'labels = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d/labels.tif"))',
        'shapes = []',
        'for k, region in enumerate(regionprops(labels)[:40]):',
        '    contour = max(find_contours((labels == region.label).astype(float), 0.5), key=len)',
        '    r0, c0, r1, c1 = region.bbox',
        '    cy, cx = region.centroid',
        '    dy, dx = np.cos(region.orientation) * region.axis_major_length / 2, np.sin(region.orientation) * region.axis_major_length / 2',
        '    shapes.append(dict(type="polygon", vertices=contour.tolist(), z=k % 3))',
        '    shapes.append(dict(type=["rectangle", "ellipse"][k % 2], vertices=[[r0 - 1.5, c0 + 0.5], [r1 + 2, c1 - 0.5]], z=(k + 1) % 3))',
        '    shapes.append(dict(type="line", vertices=[[cy - dy, cx - dx], [cy + dy, cx + dx]], z=2))',
        'print(json.dumps(dict(shape=list(labels.shape), shapes=shapes)))'
      ].join('\n'),
      {}
    );
    const layer = make({ shapes: ref.shapes.map(s => ({ type: s.type as ShapeInput['type'], vertices: s.vertices, zIndex: s.z })) });
    const expected = runPython<{ masks: number[][]; labels: number[] }>(
      [
        'from skimage.draw import polygon2mask, ellipse, line',
        'shape = tuple(data["shape"])',
        'def mask(s):',
        '    v = np.array(s["vertices"], dtype=float)',
        '    if s["type"] == "polygon": return polygon2mask(shape, v)',
        '    (r0, c0), (r1, c1) = v[0], v[1]',
        '    if s["type"] == "rectangle": return polygon2mask(shape, np.array([[r0, c0], [r0, c1], [r1, c1], [r1, c0]]))',
        '    m = np.zeros(shape, bool)',
        '    if s["type"] == "ellipse":',
        '        m[ellipse((r0 + r1) / 2, (c0 + c1) / 2, abs(r1 - r0) / 2, abs(c1 - c0) / 2, shape=shape)] = True',
        '    else:  # napari path_to_mask: clip, round half to even, skimage.draw.line',
        '        p = np.round(np.clip(v, 0, np.array(shape) - 1)).astype(int)',
        '        m[line(*p[0], *p[1])] = True',
        '    return m',
        'masks = [mask(s) for s in data["shapes"]]',
        'labels = np.zeros(shape, np.int32)',
        'order = sorted(range(len(masks)), key=lambda i: (data["shapes"][i]["z"], i))',
        'for i in order: labels[masks[i]] = i + 1',
        'print(json.dumps(dict(masks=[np.flatnonzero(m).tolist() for m in masks], labels=labels.ravel().tolist())))'
      ].join('\n'),
      ref
    );
    expect(layer.count).toBe(120);
    const ours = Array.from({ length: layer.count }, (_, i) => nonzeroIndices(layer.toMask(i, ref.shape).data as Uint8Array));
    expect(ours).toEqual(expected.masks);
    expect(Array.from(layer.toLabels(ref.shape).data as Int32Array)).toEqual(expected.labels);
    expect(new Set(expected.labels).size).toBeGreaterThan(80); // overlaps really happened and many shapes show
  });
});
