// Covers src/viewer/render/vectorOverlay.ts against a recording 2D context: what is drawn
// (slice, visibility, opacity, order, selection, drafts), how it is batched, and that layer
// data is copied once per change rather than once per frame.
import { NDArray } from '../../../core/ndarray';
import { PointsLayer } from '../../model/pointsLayer';
import { ShapesLayer } from '../../model/shapesLayer';
import { ViewerModel } from '../../model/viewerModel';
import { draftToScreen } from '../overlayDraft';
import { RASTER_MIN_POINTS, VectorOverlay, VectorOverlayOptions } from '../vectorOverlay';
import { recordingCanvas } from './recordingCanvas';

const size = { width: 200, height: 100 };
const image = (shape: number[]): NDArray => ({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

function setup(options: VectorOverlayOptions = { pointsStrategy: 'path' }) {
  const model = new ViewerModel();
  const canvas = recordingCanvas();
  const scratch = recordingCanvas();
  const overlay = new VectorOverlay(canvas, { createCanvas: () => scratch, ...options });
  const render = (dpr = 1) => {
    overlay.render(model, size, dpr);
    return canvas.ctx.frame();
  };
  return { model, canvas, scratch, overlay, ctx: canvas.ctx, render };
}

function categorical(n: number, categories: number): PointsLayer {
  return new PointsLayer({
    id: 'pts',
    name: 'pts',
    data: Array.from({ length: n }, (_, i) => [10 + (i % 80), 10 + ((i * 7) % 180)]),
    size: 3,
    properties: { c: Array.from({ length: n }, (_, i) => `k${i % categories}`) },
    faceColor: { property: 'c', kind: 'categorical' }
  });
}

describe('VectorOverlay canvas', () => {
  it('sizes its backing store by the device pixel ratio and draws in CSS pixels', () => {
    const { model, canvas, render } = setup();
    model.addLayer(categorical(3, 1));
    const frame = render(2);
    expect([canvas.width, canvas.height]).toEqual([400, 200]);
    expect(frame[0]).toMatchObject({ name: 'clearRect', args: [0, 0, 400, 200] });
    expect(frame.find(c => c.name === 'setTransform')?.args).toEqual([2, 0, 0, 2, 0, 0]);
    expect(canvas.style).toMatchObject({ pointerEvents: 'none', position: 'absolute' });
  });

  it('gives screenshots the frame at device resolution', () => {
    const { overlay, render } = setup();
    render(1.5);
    const image = overlay.toImageData();
    expect([image.width, image.height]).toEqual([300, 150]);
  });
});

describe('VectorOverlay points', () => {
  it('fills each face colour once, whatever the number of points', () => {
    const { model, ctx, render } = setup();
    model.addLayer(categorical(10000, 3));
    model.camera.set({ row: 50, col: 100 }, 1);
    const frame = render();
    const fills = frame.filter(c => c.name === 'fill');
    expect(fills).toHaveLength(3);
    expect(new Set(fills.map(c => c.fillStyle)).size).toBe(3);
    // Equal sizes: each colour's border is a stroke of the same path, 5% of the diameter wide.
    const strokes = frame.filter(c => c.name === 'stroke');
    expect(strokes).toHaveLength(3);
    expect(strokes[0].lineWidth).toBeCloseTo(0.15, 6);
    expect(ctx.count('arc', frame)).toBe(10000);
  });

  it('draws borders of mixed-size points as one ring fill, each with its own width', () => {
    const { model, ctx, render } = setup();
    model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[10, 10], [20, 20], [30, 30]], size: [4, 8, 8], borderWidth: 0.25 }));
    model.camera.set({ row: 50, col: 100 }, 1);
    const frame = render();
    expect(frame.filter(c => c.name === 'stroke')).toHaveLength(0);
    const fills = frame.filter(c => c.name === 'fill');
    expect(fills).toHaveLength(2); // faces, then rings
    const arcs = frame.filter(c => c.name === 'arc');
    // Faces at half the radius (border 25% of the diameter on each side), then outer and inner circles.
    expect(arcs.slice(0, 3).map(c => c.args[2])).toEqual([1, 2, 2]);
    expect(arcs.slice(3).map(c => c.args[2])).toEqual([2, 1, 4, 2, 4, 2]);
    expect(ctx.count('moveTo', frame)).toBe(9);
  });

  it('draws only the points of the current slice', () => {
    const { model, render } = setup();
    model.addImage(image([3, 100, 200]));
    model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 10, 10], [1, 20, 20], [1, 30, 30]], size: 4, borderWidth: 0 }));
    model.camera.set({ row: 50, col: 100 }, 1);
    model.dims.setCurrentStep(0, 1);
    let frame = render();
    // On pixel centres: data (20, 20) is the middle of image pixel (20, 20), world [20, 21).
    expect(frame.filter(c => c.name === 'arc').map(c => c.args.slice(0, 2))).toEqual([
      [20.5, 20.5],
      [30.5, 30.5]
    ]);
    model.dims.setCurrentStep(0, 0);
    frame = render();
    expect(frame.filter(c => c.name === 'arc').map(c => c.args.slice(0, 2))).toEqual([[10.5, 10.5]]);
  });

  it('skips invisible layers and applies opacity', () => {
    const { model, render } = setup();
    const layer = model.addLayer(categorical(5, 1));
    layer.opacity = 0.4;
    model.camera.set({ row: 50, col: 100 }, 1);
    expect(render().filter(c => c.name === 'fill').every(c => c.globalAlpha === 0.4)).toBe(true);
    layer.visible = false;
    expect(render().filter(c => c.name === 'fill')).toHaveLength(0);
  });

  it('rings the selected points only', () => {
    const { model, render } = setup();
    const layer = model.addLayer(categorical(5, 1));
    model.camera.set({ row: 50, col: 100 }, 1);
    expect(render().filter(c => c.name === 'stroke')).toHaveLength(1); // the border only
    layer.select([1, 3]);
    const frame = render();
    const lastBegin = frame.map(c => c.name).lastIndexOf('beginPath');
    expect(frame.slice(lastBegin).filter(c => c.name === 'arc')).toHaveLength(2);
    expect(frame.filter(c => c.name === 'stroke')).toHaveLength(3); // border, halo, highlight
  });

  it('copies the layer arrays once per change, not once per frame', () => {
    const { model, render } = setup();
    const layer = model.addLayer(categorical(100, 2));
    const colors = jest.spyOn(layer, 'faceColors');
    render();
    render();
    render();
    expect(colors).toHaveBeenCalledTimes(1);
    layer.select([0]); // a display change: colours may have changed
    render();
    render();
    expect(colors).toHaveBeenCalledTimes(2);
  });

  it("'auto' rasterises many small points in software and composites them with one drawImage", () => {
    const { model, ctx, scratch, render } = setup({});
    const layer = model.addLayer(categorical(RASTER_MIN_POINTS, 3));
    model.camera.set({ row: 50, col: 100 }, 1);
    let frame = render(2);
    expect(ctx.count('arc', frame)).toBe(0);
    const draws = frame.filter(c => c.name === 'drawImage');
    expect(draws).toHaveLength(1);
    expect(draws[0].args[0]).toBe(scratch);
    const puts = scratch.ctx.calls.filter(c => c.name === 'putImageData');
    expect(puts).toHaveLength(1);
    // The image was drawn in device pixels: the same box from the scratch canvas onto the overlay.
    expect(draws[0].args.slice(1, 5)).toEqual(draws[0].args.slice(5, 9));
    // Zoomed in, the points are too large for the rasteriser: paths again.
    layer.opacity = 0.5;
    model.camera.set({ row: 50, col: 100 }, 12);
    frame = render(2);
    expect(frame.filter(c => c.name === 'drawImage')).toHaveLength(0);
    expect(ctx.count('arc', frame)).toBeGreaterThan(0);
  });

  it("'raster' puts the union of this and the last frame's boxes, so moved points leave no trace", () => {
    const { model, scratch, render } = setup({ pointsStrategy: 'raster' });
    model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[10, 10]], size: 4 }));
    model.camera.set({ row: 50, col: 100 }, 1);
    render();
    model.camera.set({ row: 50, col: 60 }, 1); // the point moves 40 px right
    render();
    const puts = scratch.ctx.calls.filter(c => c.name === 'putImageData').map(c => c.args.slice(3) as number[]);
    const [first, second] = puts;
    // [dirtyX, dirtyY, dirtyWidth, dirtyHeight]: the second covers the first box too.
    expect(second[0]).toBeLessThanOrEqual(first[0]);
    expect(second[0] + second[2]).toBeGreaterThanOrEqual(first[0] + first[2] + 40);
  });

  it('draws sub-pixel points as squares', () => {
    const { model, render } = setup();
    model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[50, 100]], size: 0.5, borderWidth: 0 }));
    model.camera.set({ row: 50, col: 100 }, 1);
    const frame = render();
    expect(frame.filter(c => c.name === 'rect')).toHaveLength(1);
    expect(frame.filter(c => c.name === 'arc')).toHaveLength(0);
  });
});

describe('VectorOverlay shapes', () => {
  const rectangle = { type: 'rectangle' as const, vertices: [[10, 10], [10, 30], [20, 30], [20, 10]] };

  it('fills and strokes shapes with their colours and edge width in screen pixels', () => {
    const { model, render } = setup();
    model.addLayer(new ShapesLayer({ id: 's', name: 's', shapes: [{ ...rectangle, faceColor: [1, 0, 0, 0.5], edgeColor: [0, 0, 1, 1], edgeWidth: 2 }] }));
    model.camera.set({ row: 50, col: 100 }, 2);
    const frame = render();
    const fill = frame.find(c => c.name === 'fill')!;
    const stroke = frame.find(c => c.name === 'stroke')!;
    expect(fill.fillStyle).toBe('rgba(255, 0, 0, 0.5)');
    expect(stroke.strokeStyle).toBe('rgba(0, 0, 255, 1)');
    expect(stroke.lineWidth).toBe(4);
  });

  it('draws layers in list order: a shapes layer above a points layer is drawn after it', () => {
    const { model, render } = setup();
    model.addLayer(categorical(3, 1));
    model.addLayer(new ShapesLayer({ id: 's', name: 's', shapes: [{ ...rectangle, faceColor: [0, 1, 0, 1] }] }));
    model.camera.set({ row: 50, col: 100 }, 1);
    let frame = render();
    const order = () => frame.filter(c => c.name === 'fill').map(c => c.fillStyle);
    expect(order()[order().length - 1]).toBe('rgba(0, 255, 0, 1)');
    model.moveLayer(1, 0);
    frame = render();
    expect(order()[0]).toBe('rgba(0, 255, 0, 1)');
  });

  it('shows the bounding box and vertex handles of selected shapes, and every vertex in vertex mode', () => {
    const { model, render } = setup();
    const layer = model.addLayer(
      new ShapesLayer({
        id: 's',
        name: 's',
        shapes: [rectangle, { type: 'polygon', vertices: [[40, 40], [40, 60], [60, 50]] }]
      })
    );
    model.camera.set({ row: 50, col: 100 }, 1);
    const rects = () => render().filter(c => c.name === 'rect').length;
    expect(rects()).toBe(0);
    layer.select([0]);
    expect(rects()).toBe(1 + 4); // bounding box + 4 handles
    layer.mode = 'direct';
    expect(rects()).toBe(1 + 4 + 3);
  });

  it('draws the shape being drawn from the layer draft', () => {
    const { model, render } = setup();
    const layer = model.addLayer(new ShapesLayer({ id: 's', name: 's' }));
    model.camera.set({ row: 50, col: 100 }, 1);
    layer.beginPolygon([10, 10]);
    layer.addDraftVertex([10, 40]);
    layer.updateDraft([30, 40]);
    const frame = render();
    expect(frame.filter(c => c.name === 'lineTo').length).toBeGreaterThanOrEqual(2);
    expect(frame.filter(c => c.name === 'rect')).toHaveLength(2); // the two fixed vertices
  });

  it('skips shapes of other slices', () => {
    const { model, render } = setup();
    model.addImage(image([3, 100, 200]));
    model.addLayer(
      new ShapesLayer({ id: 's', name: 's', shapes: [{ type: 'line', vertices: [[2, 0, 0], [2, 10, 10]] }] })
    );
    model.dims.setCurrentStep(0, 0);
    expect(render().filter(c => c.name === 'stroke')).toHaveLength(0);
    model.dims.setCurrentStep(0, 2);
    expect(render().filter(c => c.name === 'stroke')).toHaveLength(1);
  });
});

describe('VectorOverlay drafts', () => {
  it('draws a screen box draft and clears it', () => {
    const { overlay, render } = setup();
    overlay.setDraft({ kind: 'box', space: 'screen', points: [[10, 20], [30, 5]] });
    expect(render().find(c => c.name === 'rect')?.args).toEqual([5, 10, 15, 20]);
    overlay.setDraft(null);
    expect(render().filter(c => c.name === 'rect')).toHaveLength(0);
  });

  it('maps world and layer drafts through the camera and the layer transform', () => {
    const model = new ViewerModel();
    const layer = model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]], scale: [2, 2], translate: [1, 1] }));
    model.camera.set({ row: 0, col: 0 }, 1);
    expect(draftToScreen({ points: [[3, 4]] }, model, size)).toEqual([[53, 104]]);
    expect(draftToScreen({ points: [[3, 4]], space: layer }, model, size)).toEqual([[57, 109]]);
  });

  it('draws a closed, filled lasso in its own colour', () => {
    const { overlay, render } = setup();
    overlay.setDraft({ points: [[0, 0], [0, 10], [10, 10]], space: 'screen', closed: true, fill: 'rgba(255, 255, 0, 0.2)', color: 'yellow' });
    const frame = render();
    expect(frame.filter(c => c.name === 'closePath')).toHaveLength(1);
    expect(frame.find(c => c.name === 'fill')?.fillStyle).toBe('rgba(255, 255, 0, 0.2)');
    expect(frame.filter(c => c.name === 'stroke').map(c => c.strokeStyle)).toContain('yellow');
  });
});

describe('VectorOverlay lifetime', () => {
  it('forgets removed layers and stops observing after dispose', () => {
    const { model, overlay, render } = setup();
    const layer = model.addLayer(categorical(3, 1));
    render();
    model.removeLayer(layer.id);
    expect(render().filter(c => c.name === 'fill')).toHaveLength(0);
    overlay.dispose();
    expect(overlay.isDisposed).toBe(true);
    overlay.render(model, size, 1); // a no-op
  });
});
