// Covers src/viewer/tools/coordinates.ts: screen <-> world <-> layer data mapping in nD, as
// the vector overlay draws and the points/shapes tools edit.
import { NDArray } from '../../../core/ndarray';
import { PointsLayer } from '../../model/pointsLayer';
import { ViewerModel } from '../../model/viewerModel';
import {
  data2ToLayerData,
  data2ToScreen,
  dataLengthToScreen,
  layerAxisOf,
  layerDataTo2,
  layerDataToScreen,
  layerView,
  onCurrentSlice,
  screenLengthToData,
  screenToData2,
  screenToLayerData,
  screenToWorld,
  worldToScreen
} from '../coordinates';

const size = { width: 200, height: 100 };

const image = (shape: number[]): NDArray => ({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

describe('layerView', () => {
  it('maps the canvas centre to the camera centre for an untransformed 2D layer', () => {
    const m = new ViewerModel();
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]] }));
    m.camera.set({ row: 10, col: 20 }, 2);
    const view = layerView(pts, m.camera, m.dims, size)!;
    expect(view.rowAxis).toBe(0);
    expect(view.colAxis).toBe(1);
    expect(screenToData2(view, { x: 100, y: 50 })).toEqual([10, 20]);
    expect(screenToData2(view, { x: 102, y: 54 })).toEqual([12, 21]);
    expect(data2ToScreen(view, [12, 21])).toEqual({ x: 102, y: 54 });
  });

  it('agrees with camera.screenToData followed by layer.worldToData under scale and translate', () => {
    const m = new ViewerModel();
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]], scale: [2, 0.5], translate: [5, -7] }));
    m.camera.set({ row: 3.5, col: -12 }, 1.7);
    const view = layerView(pts, m.camera, m.dims, size)!;
    for (const p of [{ x: 0, y: 0 }, { x: 13.25, y: 88 }, { x: 200, y: 100 }]) {
      const world = m.camera.screenToData(p, size);
      const expected = pts.worldToData([world.row, world.col]);
      const got = screenToData2(view, p);
      expect(got[0]).toBeCloseTo(expected[0], 12);
      expect(got[1]).toBeCloseTo(expected[1], 12);
      const back = data2ToScreen(view, got);
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
  });

  it('fills the sliced axes of a 3D layer from the current step', () => {
    const m = new ViewerModel();
    m.addImage(image([5, 10, 10]));
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', ndim: 3 }));
    m.dims.setCurrentStep(0, 3);
    m.camera.set({ row: 5, col: 5 }, 10);
    const view = layerView(pts, m.camera, m.dims, size)!;
    expect(view.slicedAxes).toEqual([0]);
    expect(view.sliceIndex).toEqual([3, 0, 0]);
    expect(screenToLayerData(view, { x: 100, y: 50 })).toEqual([3, 5, 5]);
    expect(data2ToLayerData(view, [1.5, 2.5])).toEqual([3, 1.5, 2.5]);
    expect(layerDataTo2(view, [3, 1.5, 2.5])).toEqual([1.5, 2.5]);
    expect(layerDataToScreen(view, [9, 5, 5])).toEqual({ x: 100, y: 50 });
  });

  it('uses the same slice index as ViewerModel.sliceOf, also for a coarser layer scale', () => {
    const m = new ViewerModel();
    m.addImage(image([8, 4, 4]));
    const coarse = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0, 0], [3, 1, 1]], scale: [2, 1, 1] }));
    for (let step = 0; step < 8; step++) {
      m.dims.setCurrentStep(0, step);
      const view = layerView(coarse, m.camera, m.dims, size)!;
      expect(view.sliceIndex[0]).toBe(m.sliceOf(coarse)!.step[0]);
      expect(view.sliceIndex[0]).toBe(Math.floor(step / 2));
    }
  });

  it('is defined outside the layer extent, where new points are added', () => {
    const m = new ViewerModel();
    m.addImage(image([10, 4, 4]));
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[2, 1, 1]] }));
    m.dims.setCurrentStep(0, 7);
    expect(m.sliceOf(pts)).toBeNull();
    expect(layerView(pts, m.camera, m.dims, size)!.sliceIndex[0]).toBe(7);
  });

  it('follows the dims order: a rolled 3D view slices the layer along its last axis', () => {
    const m = new ViewerModel();
    m.addImage(image([6, 7, 8]));
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', ndim: 3 }));
    m.dims.order = [2, 0, 1];
    m.dims.setCurrentStep(2, 5);
    const view = layerView(pts, m.camera, m.dims, size)!;
    expect([view.rowAxis, view.colAxis]).toEqual([0, 1]);
    expect(view.slicedAxes).toEqual([2]);
    const p = screenToLayerData(view, { x: 100, y: 50 });
    expect(p[2]).toBe(5);
    m.dims.transpose();
    const transposed = layerView(pts, m.camera, m.dims, size)!;
    expect([transposed.rowAxis, transposed.colAxis]).toEqual([1, 0]);
  });

  it('aligns a 2D layer to the last world axes and is null when a displayed axis is missing', () => {
    const m = new ViewerModel();
    m.addImage(image([6, 7, 8]));
    const flat = m.addLayer(new PointsLayer({ id: 'p', name: 'p', ndim: 2 }));
    const view = layerView(flat, m.camera, m.dims, size)!;
    expect([view.rowAxis, view.colAxis]).toEqual([0, 1]);
    expect(view.slicedAxes).toEqual([]);
    expect(layerAxisOf(0, 2, 3)).toBe(-1);
    expect(layerAxisOf(2, 2, 3)).toBe(1);
    m.dims.order = [1, 0, 2]; // displays world axes 0 and 2: the 2D layer has no axis 0
    expect(layerView(flat, m.camera, m.dims, size)).toBeNull();
  });
});

describe('pixel centres', () => {
  it('puts data coordinate k on the centre of raster pixel k, which the camera draws over [k, k + 1)', () => {
    const m = new ViewerModel();
    m.addImage(image([10, 10]), { scale: [2, 3], translate: [1, -4] });
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]], scale: [2, 3], translate: [1, -4] }));
    m.camera.set({ row: 4, col: 2 }, 1.5);
    const edges = layerView(pts, m.camera, m.dims, size)!;
    const centres = layerView(pts, m.camera, m.dims, size, { pixelCentres: true })!;
    // Pixel (5, 7) spans world rows [11, 13) and columns [17, 20): its centre is (12, 18.5).
    expect(data2ToScreen(centres, [5, 7])).toEqual(m.camera.dataToScreen({ row: 12, col: 18.5 }, size));
    expect(data2ToScreen(edges, [5, 7])).toEqual(m.camera.dataToScreen({ row: 11, col: 17 }, size));
    const back = screenToData2(centres, m.camera.dataToScreen({ row: 12, col: 18.5 }, size));
    expect(back[0]).toBeCloseTo(5, 12);
    expect(back[1]).toBeCloseTo(7, 12);
  });
});

describe('hit radii in screen and data units', () => {
  it('converts screen pixels to data units through zoom and the finer scale', () => {
    const m = new ViewerModel();
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data: [[0, 0]], scale: [1, 4] }));
    m.camera.set({ row: 0, col: 0 }, 2);
    const view = layerView(pts, m.camera, m.dims, size)!;
    // 1 data unit is 2 px along rows and 8 px along columns: 6 px is at least 3 data rows.
    expect(screenLengthToData(view, 6)).toBe(3);
    expect(dataLengthToScreen(view, 1)).toBe(5);
  });
});

describe('world mapping', () => {
  it('screenToWorld fills the displayed axes from the camera and the others from the slice', () => {
    const m = new ViewerModel();
    m.addImage(image([4, 10, 20]));
    m.dims.setCurrentStep(0, 2);
    m.camera.set({ row: 5, col: 10 }, 1);
    expect(screenToWorld(m.camera, m.dims, size, { x: 110, y: 53 })).toEqual([2.5, 8, 20]);
    expect(worldToScreen(m.camera, m.dims, size, [0, 8, 20])).toEqual({ x: 110, y: 53 });
  });
});

describe('onCurrentSlice', () => {
  it('matches PointsLayer.visibleIndices', () => {
    const m = new ViewerModel();
    m.addImage(image([6, 5, 5]));
    const data = [[0, 1, 1], [2.4, 1, 1], [2.5, 1, 1], [3.49, 2, 2], [-0.5, 0, 0], [5, 3, 3]];
    const pts = m.addLayer(new PointsLayer({ id: 'p', name: 'p', data }));
    for (let step = 0; step < 6; step++) {
      m.dims.setCurrentStep(0, step);
      const view = layerView(pts, m.camera, m.dims, size)!;
      const mine = data.map((d, i) => (onCurrentSlice(view, d) ? i : -1)).filter(i => i >= 0);
      expect(mine).toEqual(pts.visibleIndices(view.sliceIndex, [view.rowAxis, view.colAxis]));
    }
  });
});
