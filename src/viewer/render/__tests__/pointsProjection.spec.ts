// Covers src/viewer/render/pointsProjection.ts: colour palettes, slicing, culling and the
// per-colour grouping the vector overlay batches its fills by.
import { PointsLayer } from '../../model/pointsLayer';
import { ViewerModel } from '../../model/viewerModel';
import { layerView } from '../../tools/coordinates';
import { cssColor, PointsProjection, snapshotPoints } from '../pointsProjection';

const size = { width: 200, height: 100 };

function snapshotOf(layer: PointsLayer) {
  return snapshotPoints(layer.ndim, layer.data, layer.sizes, layer.faceColors());
}

describe('snapshotPoints', () => {
  it('gives points of the same 8-bit colour one palette entry', () => {
    const colors = Float32Array.of(1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1.0001 / 1.0001, 0.0001, 0, 1);
    const snap = snapshotPoints(2, new Float64Array(8), Float64Array.of(1, 1, 1, 1), colors);
    expect(snap.palette).toEqual(['rgba(255, 0, 0, 1)', 'rgba(0, 255, 0, 1)']);
    expect(Array.from(snap.colorIndex)).toEqual([0, 1, 0, 0]);
  });

  it('has one entry per category when colouring by a categorical property', () => {
    const layer = new PointsLayer({
      id: 'p',
      name: 'p',
      data: [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]],
      properties: { kind: ['a', 'b', 'a', 'c', 'b'] },
      faceColor: { property: 'kind', kind: 'categorical' }
    });
    const snap = snapshotOf(layer);
    expect(snap.palette).toHaveLength(3);
    expect(Array.from(snap.colorIndex)).toEqual([0, 1, 0, 2, 1]);
  });

  it('writes CSS colours with quantised channels and clamped alpha', () => {
    expect(cssColor(0.5, 1, 0, 0.25)).toBe('rgba(128, 255, 0, 0.25)');
    expect(cssColor(-1, 2, 0, 3)).toBe('rgba(0, 255, 0, 1)');
  });
});

describe('PointsProjection', () => {
  it('projects through the view, groups by colour and keeps layer order within a colour', () => {
    const model = new ViewerModel();
    const layer = model.addLayer(
      new PointsLayer({
        id: 'p',
        name: 'p',
        data: [[10, 10], [20, 20], [30, 30], [40, 40]],
        size: 4,
        properties: { k: ['x', 'y', 'x', 'y'] },
        faceColor: { property: 'k', kind: 'categorical' }
      })
    );
    model.camera.set({ row: 25, col: 25 }, 2);
    const view = layerView(layer, model.camera, model.dims, size)!;
    const proj = new PointsProjection();
    proj.project(snapshotOf(layer), view, size);
    expect(proj.count).toBe(4);
    // x = (col - 25) * 2 + 100, y = (row - 25) * 2 + 50; radius = size / 2 * zoom.
    expect(Array.from(proj.x.subarray(0, 4))).toEqual([70, 90, 110, 130]);
    expect(Array.from(proj.y.subarray(0, 4))).toEqual([20, 40, 60, 80]);
    expect(proj.radius[0]).toBe(4);
    const bucket = (b: number) => Array.from(proj.order.subarray(proj.bucketStart[b], proj.bucketStart[b + 1])).map(k => proj.index[k]);
    expect(bucket(0)).toEqual([0, 2]);
    expect(bucket(1)).toEqual([1, 3]);
  });

  it('drops points off the canvas (beyond their radius and the margin) and off the slice', () => {
    const model = new ViewerModel();
    const layer = model.addLayer(
      new PointsLayer({
        id: 'p',
        name: 'p',
        data: [[0, 50, 50], [0, 50, -3], [0, 50, -20], [1, 50, 50], [0.4, 10, 10]],
        size: 4
      })
    );
    model.camera.set({ row: 50, col: 100 }, 1);
    model.dims.setCurrentStep(0, 0);
    const view = layerView(layer, model.camera, model.dims, size)!;
    const proj = new PointsProjection();
    proj.project(snapshotOf(layer), view, size, 2);
    // (50, -3): radius 2 + margin 2 reaches x = 1 -> kept; (50, -20) -> culled; z = 1 -> other slice.
    expect(Array.from(proj.index.subarray(0, proj.count))).toEqual([0, 1, 4]);
  });

  it('scales radii with the layer scale (mean of the displayed axes)', () => {
    const model = new ViewerModel();
    const layer = model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[5, 5]], size: 2, scale: [1, 3] }));
    model.camera.set({ row: 5, col: 15 }, 1);
    const proj = new PointsProjection();
    proj.project(snapshotOf(layer), layerView(layer, model.camera, model.dims, size)!, size);
    expect(proj.radius[0]).toBe(2); // diameter 2 * mean scale 2 / 2
  });

  it('reuses its buffers from frame to frame', () => {
    const coords = new Float64Array(2000).map((_, i) => (i % 2 ? i % 200 : i % 100));
    const snap = snapshotPoints(2, coords, new Float64Array(1000).fill(1), new Float32Array(4000).fill(1));
    const model = new ViewerModel();
    const layer = model.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]] }));
    model.camera.set({ row: 50, col: 100 }, 1);
    const view = layerView(layer, model.camera, model.dims, size)!;
    const proj = new PointsProjection();
    proj.project(snap, view, size);
    const buffers = [proj.x, proj.y, proj.radius, proj.index, proj.order, proj.bucketStart];
    proj.project(snap, view, size);
    expect([proj.x, proj.y, proj.radius, proj.index, proj.order, proj.bucketStart]).toEqual(buffers);
    expect([proj.x, proj.y, proj.radius, proj.index, proj.order, proj.bucketStart].every((b, i) => b === buffers[i])).toBe(true);
    expect(proj.count).toBe(1000);
  });
});
