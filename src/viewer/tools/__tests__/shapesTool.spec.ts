// Covers src/viewer/tools/shapesTool.ts: drawing, selecting, moving and vertex editing of
// the active Shapes layer, driven by synthetic pointer/key events and checked through the
// ShapesLayer model and its undo history.
import { NDArray } from '../../../core/ndarray';
import { ShapeInput, ShapesLayer } from '../../model/shapesLayer';
import { ViewerModel } from '../../model/viewerModel';
import { ShapesTool } from '../shapesTool';
import { key, NO_ELEMENT, ptr, recordingContext, SIZE } from './toolHarness';

const image = (shape: number[]): NDArray => ({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

const square = (r0: number, c0: number, r1: number, c1: number, extra: Partial<ShapeInput> = {}): ShapeInput => ({
  type: 'rectangle',
  vertices: [
    [r0, c0],
    [r0, c1],
    [r1, c1],
    [r1, c0]
  ],
  ...extra
});

/** Data (row, col) shows at screen (x = col, y = row). */
function setup(shapes: ShapeInput[] = [], ndim?: number) {
  const model = new ViewerModel();
  const layer = model.addLayer(new ShapesLayer({ id: 'shp', name: 'shp', shapes, ndim }));
  // +0.5: points and vertices sit on pixel centres (layerView's pixelCentres).
  model.camera.set({ row: SIZE.height / 2 + 0.5, col: SIZE.width / 2 + 0.5 }, 1);
  const context = recordingContext();
  const messages: string[] = [];
  context.showMessage = text => messages.push(text);
  const tool = new ShapesTool(NO_ELEMENT, model, context, () => undefined, { attach: false });
  return { model, layer, tool, context, messages };
}

function drag(tool: ShapesTool, from: [number, number], to: [number, number], extra = {}): void {
  expect(tool.handlePointerDown(ptr(...from, extra))).toBe(true);
  for (let i = 1; i <= 4; i++) {
    tool.handlePointerMove(ptr(from[0] + ((to[0] - from[0]) * i) / 4, from[1] + ((to[1] - from[1]) * i) / 4, extra));
  }
  expect(tool.handlePointerUp(ptr(...to, extra))).toBe(true);
}

function click(tool: ShapesTool, x: number, y: number, extra = {}): boolean {
  const consumed = tool.handlePointerDown(ptr(x, y, extra));
  tool.handlePointerUp(ptr(x, y, extra));
  return consumed;
}

/** A click 100 ms after the previous event: the second press of a double click. */
function quickClick(tool: ShapesTool, x: number, y: number, previous: number): number {
  tool.handlePointerDown(ptr(x, y, { timeStamp: previous + 100 }));
  tool.handlePointerUp(ptr(x, y, { timeStamp: previous + 120 }));
  return previous + 120;
}

describe('ShapesTool drawing by press-drag-release', () => {
  it('draws a rectangle as one undo step', () => {
    const { model, layer, tool } = setup();
    layer.mode = 'add_rectangle';
    drag(tool, [10, 20], [50, 60]);
    expect(layer.count).toBe(1);
    expect(layer.shape(0).type).toBe('rectangle');
    expect(layer.shape(0).vertices).toEqual([[20, 10], [20, 50], [60, 50], [60, 10]]);
    expect(layer.draft).toBeNull();
    expect(model.history.undoLabel).toBe('Add rectangle');
    model.history.undo();
    expect(layer.count).toBe(0);
  });

  it('shows the draft in the layer while dragging', () => {
    const { layer, tool } = setup();
    layer.mode = 'add_ellipse';
    tool.handlePointerDown(ptr(10, 10));
    tool.handlePointerMove(ptr(30, 40));
    expect(layer.draft).toEqual({ type: 'ellipse', vertices: [[10, 10], [10, 30], [40, 30], [40, 10]] });
    expect(tool.busy).toBe(true);
    tool.handlePointerUp(ptr(30, 40));
    expect(layer.shape(0).type).toBe('ellipse');
    expect(tool.busy).toBe(false);
  });

  it('draws a line; a click without a drag draws nothing', () => {
    const { layer, tool } = setup();
    layer.mode = 'add_line';
    click(tool, 30, 30);
    expect(layer.count).toBe(0);
    drag(tool, [5, 5], [25, 15]);
    expect(layer.shape(0)).toMatchObject({ type: 'line', vertices: [[5, 5], [15, 25]] });
  });

  it('draws on the current slice of a 3D layer', () => {
    const { model, layer, tool } = setup([], 3);
    model.addImage(image([5, 100, 200]));
    model.select(layer.id);
    model.camera.set({ row: 50.5, col: 100.5 }, 1);
    model.dims.setCurrentStep(0, 4);
    layer.mode = 'add_rectangle';
    drag(tool, [10, 10], [20, 20]);
    expect(layer.shape(0).vertices.every(v => v[0] === 4)).toBe(true);
    expect(layer.visibleIndices([4, 0, 0])).toEqual([0]);
    expect(layer.visibleIndices([3, 0, 0])).toEqual([]);
  });

  it('a cancelled drag drops the draft', () => {
    const { layer, tool } = setup();
    layer.mode = 'add_rectangle';
    tool.handlePointerDown(ptr(10, 10));
    tool.handlePointerMove(ptr(40, 40));
    tool.cancel();
    expect(layer.draft).toBeNull();
    expect(layer.count).toBe(0);
  });
});

describe('ShapesTool drawing by clicks', () => {
  it('adds polygon vertices by click, follows the cursor, and finishes on double-click', () => {
    const { model, layer, tool } = setup();
    layer.mode = 'add_polygon';
    click(tool, 10, 10);
    click(tool, 50, 10);
    tool.handlePointerMove(ptr(60, 40)); // hover: the next vertex follows
    expect(layer.draft!.vertices[layer.draft!.vertices.length - 1]).toEqual([40, 60]);
    expect(tool.busy).toBe(true);
    const t = ptr(50, 40).timeStamp;
    tool.handlePointerDown(ptr(50, 40, { timeStamp: t + 10 }));
    tool.handlePointerUp(ptr(50, 40, { timeStamp: t + 20 }));
    quickClick(tool, 50, 40, t + 20);
    expect(layer.draft).toBeNull();
    expect(layer.count).toBe(1);
    expect(layer.shape(0)).toMatchObject({ type: 'polygon', vertices: [[10, 10], [10, 50], [40, 50]] });
    expect(model.history.undoLabel).toBe('Add polygon');
    expect(tool.busy).toBe(false);
  });

  it('finishes a path with Enter and cancels with Escape', () => {
    const { layer, tool } = setup();
    layer.mode = 'add_path';
    click(tool, 0, 0);
    click(tool, 20, 0);
    click(tool, 20, 20);
    expect(tool.handleKeyDown(key('Enter'))).toBe(true);
    expect(layer.shape(0)).toMatchObject({ type: 'path', vertices: [[0, 0], [0, 20], [20, 20]] });
    click(tool, 100, 50);
    click(tool, 120, 50);
    expect(tool.handleKeyDown(key('Escape'))).toBe(true);
    expect(layer.draft).toBeNull();
    expect(layer.count).toBe(1);
  });

  it('does not delete shapes when Delete is pressed while drawing', () => {
    const { layer, tool } = setup([square(0, 0, 10, 10)]);
    layer.select([0]);
    layer.mode = 'add_polygon';
    click(tool, 50, 50);
    expect(tool.handleKeyDown(key('Delete'))).toBe(true);
    expect(layer.count).toBe(1);
  });

  it('keeps a polygon in progress when the active layer changes', () => {
    const { model, layer, tool } = setup();
    layer.mode = 'add_polygon';
    click(tool, 10, 10);
    click(tool, 60, 10);
    click(tool, 60, 60);
    model.addImage(image([4, 4]));
    expect(tool.busy).toBe(false);
    expect(layer.count).toBe(1);
    expect(layer.shape(0).vertices).toEqual([[10, 10], [10, 60], [60, 60]]);
  });
});

describe('ShapesTool select mode', () => {
  const shapes = [square(10, 10, 30, 30), square(20, 20, 40, 40), square(60, 150, 80, 180)];

  it('selects the topmost shape under the cursor and clears on empty space', () => {
    const { layer, tool } = setup(shapes);
    layer.mode = 'select';
    click(tool, 25, 25); // inside both: the later one is on top
    expect([...layer.selected]).toEqual([1]);
    click(tool, 12, 12);
    expect([...layer.selected]).toEqual([0]);
    click(tool, 100, 50);
    expect(layer.selected.size).toBe(0);
  });

  it('Shift-click toggles shapes in the selection', () => {
    const { layer, tool } = setup(shapes);
    layer.mode = 'select';
    click(tool, 12, 12);
    click(tool, 170, 70, { shiftKey: true });
    expect([...layer.selected].sort()).toEqual([0, 2]);
    click(tool, 170, 70, { shiftKey: true });
    expect([...layer.selected]).toEqual([0]);
  });

  it('hits a thin line within the pick radius on screen', () => {
    const { model, layer, tool } = setup([{ type: 'line', vertices: [[50, 50], [50, 150]], edgeWidth: 0.1 }]);
    layer.mode = 'select';
    model.camera.set({ row: 50, col: 100 }, 0.5);
    click(tool, 100, 53); // 3 px = 6 data units away
    expect([...layer.selected]).toEqual([0]);
  });

  it('drags the selection as one undo step', () => {
    const { model, layer, tool } = setup(shapes);
    layer.mode = 'select';
    click(tool, 12, 12);
    const depth = model.history.undoDepth;
    drag(tool, [12, 12], [22, 17]);
    expect(layer.shape(0).vertices[0]).toEqual([15, 20]);
    expect(layer.shape(1).vertices[0]).toEqual([20, 20]);
    expect(model.history.undoDepth).toBe(depth + 1);
    model.history.undo();
    expect(layer.shape(0).vertices[0]).toEqual([10, 10]);
  });

  it('box-selects shapes touching the box and shows the box draft', () => {
    const { layer, tool, context } = setup(shapes);
    layer.mode = 'select';
    tool.handlePointerDown(ptr(0, 0));
    tool.handlePointerMove(ptr(15, 15));
    expect(context.last()).toMatchObject({ kind: 'box', space: 'screen' });
    tool.handlePointerUp(ptr(15, 15));
    expect(context.last()).toBeNull();
    expect([...layer.selected]).toEqual([0]);
  });

  it('Delete removes the selected shapes; undo restores them', () => {
    const { model, layer, tool } = setup(shapes);
    layer.mode = 'select';
    expect(tool.handleKeyDown(key('Delete'))).toBe(false);
    click(tool, 12, 12);
    expect(tool.handleKeyDown(key('Backspace'))).toBe(true);
    expect(layer.count).toBe(2);
    model.history.undo();
    expect(layer.count).toBe(3);
  });
});

describe('ShapesTool vertex editing (direct mode)', () => {
  it('drags a vertex handle of a polygon without jumping to the cursor', () => {
    const { model, layer, tool } = setup([{ type: 'polygon', vertices: [[10, 10], [10, 50], [40, 30]] }]);
    layer.mode = 'direct';
    drag(tool, [52, 12], [72, 22]); // grabbed 2 px off the vertex (10, 50)
    expect(layer.shape(0).vertices[1]).toEqual([20, 70]);
    expect(model.history.undoLabel).toBe('Move vertex');
    expect([...layer.selected]).toEqual([0]);
    model.history.undo();
    expect(layer.shape(0).vertices[1]).toEqual([10, 50]);
  });

  it('a click on an edge of a selected shape inserts a vertex there', () => {
    const { layer, tool } = setup([square(10, 10, 50, 50)]);
    layer.mode = 'direct';
    click(tool, 25, 25); // a click inside, away from vertices and edges, selects
    expect([...layer.selected]).toEqual([0]);
    click(tool, 30, 11); // 1 px from the top edge
    expect(layer.shape(0).type).toBe('polygon');
    expect(layer.shape(0).vertices).toHaveLength(5);
    expect(layer.shape(0).vertices[1]).toEqual([11, 30]);
  });

  it('Alt-click on a vertex removes it; a refused removal is reported, not thrown', () => {
    const { layer, tool, messages } = setup([{ type: 'polygon', vertices: [[10, 10], [10, 50], [40, 50], [40, 10]] }]);
    layer.mode = 'direct';
    click(tool, 50, 40, { altKey: true });
    expect(layer.shape(0).vertices).toEqual([[10, 10], [10, 50], [40, 10]]);
    click(tool, 50, 10, { altKey: true });
    expect(layer.shape(0).vertices).toHaveLength(3);
    expect(messages[0]).toMatch(/cannot remove a vertex/);
  });

  it('drags a rectangle corner and keeps it a rectangle', () => {
    const { layer, tool } = setup([square(10, 10, 30, 30)]);
    layer.mode = 'direct';
    drag(tool, [30, 30], [40, 50]);
    expect(layer.shape(0).type).toBe('rectangle');
    expect(layer.shape(0).vertices).toEqual([[10, 10], [10, 40], [50, 40], [50, 10]]);
  });

  it('vertex_insert and vertex_remove modes edit on a click', () => {
    const { layer, tool } = setup([{ type: 'path', vertices: [[10, 10], [10, 50], [40, 50]] }]);
    layer.mode = 'vertex_insert';
    click(tool, 30, 10);
    expect(layer.shape(0).vertices).toEqual([[10, 10], [10, 30], [10, 50], [40, 50]]);
    layer.mode = 'vertex_remove';
    click(tool, 50, 10);
    expect(layer.shape(0).vertices).toEqual([[10, 10], [10, 30], [40, 50]]);
  });
});

describe('ShapesTool arbitration', () => {
  it('leaves everything to pan/zoom in pan_zoom mode', () => {
    const { layer, tool } = setup([square(10, 10, 30, 30)]);
    expect(tool.active).toBe(false);
    expect(tool.handlePointerDown(ptr(12, 12))).toBe(false);
    expect(tool.handleKeyDown(key('Delete'))).toBe(false);
    layer.mode = 'select';
    expect(tool.active).toBe(true);
    expect(tool.cursor).toBe('default');
    layer.mode = 'add_polygon';
    expect(tool.cursor).toBe('crosshair');
  });
});
