// Covers src/viewer/render/shapesPainter.ts: slicing rule, canvas ellipse parameters and
// outline tracing of shapes in screen pixels.
import { ellipseDistance, ellipseFromCorners, pythonFloatMod } from '../../../core/geometry/ellipse';
import { Point2 } from '../../../core/geometry/primitives';
import { ShapesLayer } from '../../model/shapesLayer';
import { ViewerModel } from '../../model/viewerModel';
import { LayerView, layerView } from '../../tools/coordinates';
import { canvasEllipse, edgePixels, screenBounds, shapeOnSlice, snapshotShapes, traceShape } from '../shapesPainter';
import { RecordingContext } from './recordingCanvas';

const size = { width: 200, height: 100 };

function viewOf(scale: [number, number], zoom: number): { layer: ShapesLayer; view: LayerView; model: ViewerModel } {
  const model = new ViewerModel();
  const layer = model.addLayer(new ShapesLayer({ id: 's', name: 's', ndim: 2, scale }));
  model.camera.set({ row: 7, col: -3 }, zoom);
  return { layer, model, view: layerView(layer, model.camera, model.dims, size)! };
}

/** The data (row, col) of a screen point through the view. */
const toData = (view: LayerView, x: number, y: number): Point2 => [(y - view.by) / view.sy, (x - view.bx) / view.sx];

describe('canvasEllipse', () => {
  it('puts points of the canvas ellipse on the model ellipse (rotated, isotropic view)', () => {
    const { view } = viewOf([1.5, 1.5], 2);
    // A rotated rectangle: sides along (cos 0.3, sin 0.3) and (-sin 0.3, cos 0.3).
    const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
    const o: Point2 = [10, 20];
    const a: Point2 = [o[0] + 8 * c, o[1] + 8 * s];
    const corners: Point2[] = [o, a, [a[0] - 4 * s, a[1] + 4 * c], [o[0] - 4 * s, o[1] + 4 * c]];
    const e = canvasEllipse(view, corners)!;
    expect(e).not.toBeNull();
    const model = ellipseFromCorners(corners);
    const rot = pythonFloatMod(model.rotation, Math.PI);
    for (let t = 0; t < 2 * Math.PI; t += 0.4) {
      // The canvas' parametrisation of ellipse(x, y, rx, ry, r).
      const x = e.x + e.radiusX * Math.cos(t) * Math.cos(e.rotation) - e.radiusY * Math.sin(t) * Math.sin(e.rotation);
      const y = e.y + e.radiusX * Math.cos(t) * Math.sin(e.rotation) + e.radiusY * Math.sin(t) * Math.cos(e.rotation);
      expect(ellipseDistance(model, toData(view, x, y), Math.sin(rot), Math.cos(rot))).toBeCloseTo(1, 9);
    }
  });

  it('handles axis-aligned ellipses under anisotropic scale and refuses rotated ones', () => {
    const { view } = viewOf([1, 3], 1);
    const e = canvasEllipse(view, [[0, 0], [0, 10], [4, 10], [4, 0]])!;
    expect(e.radiusX).toBe(15);
    expect(e.radiusY).toBe(2);
    expect(e.rotation).toBe(-0);
    const tilted: Point2[] = [[0, 0], [1, 1], [0, 2], [-1, 1]];
    expect(canvasEllipse(view, tilted)).toBeNull();
  });
});

describe('traceShape', () => {
  it('closes rectangles and polygons but not paths and lines', () => {
    const { view } = viewOf([1, 1], 1);
    const ctx = new RecordingContext({ width: 1, height: 1 });
    traceShape(ctx as unknown as CanvasRenderingContext2D, 'rectangle', [[0, 0], [0, 4], [2, 4], [2, 0]], view);
    expect(ctx.calls.map(c => c.name)).toEqual(['moveTo', 'lineTo', 'lineTo', 'lineTo', 'closePath']);
    ctx.calls = [];
    traceShape(ctx as unknown as CanvasRenderingContext2D, 'path', [[0, 0], [0, 4], [2, 4]], view);
    expect(ctx.calls.map(c => c.name)).toEqual(['moveTo', 'lineTo', 'lineTo']);
    // Screen position: x = (col + 3) + 100, y = (row - 7) + 50.
    expect(ctx.calls[1].args).toEqual([107, 43]);
  });

  it('traces a rotated ellipse under anisotropic scale as its outline polygon', () => {
    const { view } = viewOf([1, 2], 1);
    const ctx = new RecordingContext({ width: 1, height: 1 });
    traceShape(ctx as unknown as CanvasRenderingContext2D, 'ellipse', [[0, 0], [1, 1], [0, 2], [-1, 1]], view);
    expect(ctx.count('ellipse', ctx.calls)).toBe(0);
    expect(ctx.count('lineTo', ctx.calls)).toBe(63);
  });

  it('starts the canvas ellipse where its outline begins (no stray segment)', () => {
    const { view } = viewOf([1, 1], 1);
    const ctx = new RecordingContext({ width: 1, height: 1 });
    traceShape(ctx as unknown as CanvasRenderingContext2D, 'ellipse', [[0, 0], [0, 10], [4, 10], [4, 0]], view);
    const [move, ellipse] = ctx.calls;
    const [x, y, rx] = ellipse.args as number[];
    expect(move.args).toEqual([x + rx, y]);
  });
});

describe('snapshotShapes and shapeOnSlice', () => {
  it('agree with ShapesLayer.visibleIndices across slices', () => {
    const model = new ViewerModel();
    const layer = model.addLayer(
      new ShapesLayer({
        id: 's',
        name: 's',
        shapes: [
          { type: 'rectangle', vertices: [[1, 0, 0], [1, 0, 5], [1, 5, 5], [1, 5, 0]] },
          { type: 'line', vertices: [[0.4, 1, 1], [2.6, 4, 4]] },
          { type: 'path', vertices: [[3, 0, 0], [3, 2, 2]] }
        ]
      })
    );
    const snap = snapshotShapes(layer);
    expect(Array.from(snap.order)).toEqual([0, 1, 2]);
    for (let step = 0; step < model.dims.nsteps[0]; step++) {
      model.dims.setCurrentStep(0, step);
      const view = layerView(layer, model.camera, model.dims, size)!;
      const mine = [0, 1, 2].filter(i => shapeOnSlice(snap.shapes[i], view));
      expect(mine).toEqual(layer.visibleIndices(view.sliceIndex, [view.rowAxis, view.colAxis]));
    }
  });

  it('keeps draw order by z-index and drops fills of open shapes and invisible colours', () => {
    const layer = new ShapesLayer({
      id: 's',
      name: 's',
      shapes: [
        { type: 'polygon', vertices: [[0, 0], [0, 4], [4, 4]], zIndex: 2 },
        { type: 'path', vertices: [[0, 0], [4, 4]], faceColor: [1, 0, 0, 1] },
        { type: 'rectangle', vertices: [[0, 0], [0, 1], [1, 1], [1, 0]], edgeColor: [0, 0, 0, 0] }
      ]
    });
    const snap = snapshotShapes(layer);
    expect(Array.from(snap.order)).toEqual([1, 2, 0]);
    expect(snap.shapes[1].fill).toBeNull();
    expect(snap.shapes[2].edge).toBeNull();
    expect(snap.shapes[0].fill).toBe('rgba(255, 255, 255, 1)');
  });
});

describe('screen helpers', () => {
  it('measures bounds and edge widths in screen pixels', () => {
    const { view } = viewOf([2, 2], 1.5);
    const [x0, y0, x1, y1] = screenBounds([[0, 0], [2, 4]], view);
    expect([x1 - x0, y1 - y0]).toEqual([12, 6]);
    expect(edgePixels(2, view)).toBe(6);
    expect(edgePixels(0.01, view)).toBe(1);
  });
});
