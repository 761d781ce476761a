// Covers src/viewer/model/camera.ts: coordinate transforms, pan, anchored zoom, clamping, fit/fitExtent, set() guards, signal.
import { Camera } from '../camera';

const canvas = { width: 800, height: 600 };

function camera(row = 0, col = 0, zoom = 1): Camera {
  const c = new Camera();
  c.set({ row, col }, zoom);
  return c;
}

describe('Camera', () => {
  it('starts at the origin with zoom 1', () => {
    const c = new Camera();
    expect(c.center).toEqual({ row: 0, col: 0 });
    expect(c.zoom).toBe(1);
  });

  it('maps the canvas centre to the camera centre, rows down and columns right', () => {
    const c = camera(100, 200, 2);
    expect(c.screenToData({ x: 400, y: 300 }, canvas)).toEqual({ row: 100, col: 200 });
    // 20 screen px right = 10 data columns at zoom 2; 40 px down = 20 rows
    expect(c.screenToData({ x: 420, y: 340 }, canvas)).toEqual({ row: 120, col: 210 });
    expect(c.dataToScreen({ row: 100, col: 200 }, canvas)).toEqual({ x: 400, y: 300 });
    expect(c.dataToScreen({ row: 99, col: 201 }, canvas)).toEqual({ x: 402, y: 298 });
  });

  it('screenToData and dataToScreen are inverse of each other', () => {
    const c = camera(37.25, -12.5, 3.7);
    for (const p of [{ x: 0, y: 0 }, { x: 800, y: 600 }, { x: 13.5, y: 599 }, { x: -50, y: 1000 }]) {
      const back = c.dataToScreen(c.screenToData(p, canvas), canvas);
      expect(back.x).toBeCloseTo(p.x, 9);
      expect(back.y).toBeCloseTo(p.y, 9);
    }
    for (const d of [{ row: 0, col: 0 }, { row: 511.5, col: -3 }]) {
      const back = c.screenToData(c.dataToScreen(d, canvas), canvas);
      expect(back.row).toBeCloseTo(d.row, 9);
      expect(back.col).toBeCloseTo(d.col, 9);
    }
  });

  it('center returns a copy that cannot modify the camera', () => {
    const c = camera(5, 6, 1);
    const center = c.center as { row: number; col: number };
    center.row = 999;
    expect(c.center).toEqual({ row: 5, col: 6 });
  });

  it('panBy moves the content with the drag', () => {
    for (const zoom of [0.5, 1, 4]) {
      const c = camera(50, 60, zoom);
      const point = { row: 55, col: 70 };
      const before = c.dataToScreen(point, canvas);
      c.panBy(30, -20);
      const after = c.dataToScreen(point, canvas);
      expect(after.x).toBeCloseTo(before.x + 30, 9);
      expect(after.y).toBeCloseTo(before.y - 20, 9);
      expect(c.zoom).toBe(zoom);
    }
  });

  it.each([
    [{ x: 0, y: 0 }, 2],
    [{ x: 400, y: 300 }, 1.5],
    [{ x: 799, y: 17 }, 0.25],
    [{ x: 123.4, y: 567.8 }, 10],
    [{ x: 650, y: 450 }, 1 / 1.1]
  ])('zoomAt keeps the data point under anchor %j fixed (factor %p)', (anchor, factor) => {
    const c = camera(256, 300, 1.3);
    const fixed = c.screenToData(anchor, canvas);
    c.zoomAt(factor, anchor, canvas);
    expect(c.zoom).toBeCloseTo(1.3 * factor, 12);
    const after = c.screenToData(anchor, canvas);
    expect(after.row).toBeCloseTo(fixed.row, 9);
    expect(after.col).toBeCloseTo(fixed.col, 9);
  });

  it('zoomAt composes: zooming in then out by the inverse factor restores the view', () => {
    const c = camera(10, 20, 2);
    c.zoomAt(3, { x: 100, y: 500 }, canvas);
    c.zoomAt(1 / 3, { x: 100, y: 500 }, canvas);
    expect(c.zoom).toBeCloseTo(2, 12);
    expect(c.center.row).toBeCloseTo(10, 9);
    expect(c.center.col).toBeCloseTo(20, 9);
  });

  it('clamps the zoom to [1e-4, 1e4] and keeps the anchor fixed when clamped', () => {
    const c = camera(100, 100, 5000);
    const anchor = { x: 100, y: 100 };
    const fixed = c.screenToData(anchor, canvas);
    c.zoomAt(10, anchor, canvas);
    expect(c.zoom).toBe(1e4);
    const after = c.screenToData(anchor, canvas);
    expect(after.row).toBeCloseTo(fixed.row, 9);
    expect(after.col).toBeCloseTo(fixed.col, 9);
    c.zoomAt(1e-12, anchor, canvas);
    expect(c.zoom).toBe(1e-4);
    c.set({ row: 0, col: 0 }, 1e9);
    expect(c.zoom).toBe(1e4);
    c.set({ row: 0, col: 0 }, 1e-9);
    expect(c.zoom).toBe(1e-4);
  });

  it('fit centres the extent and fits the limiting axis with a 5% margin', () => {
    const c = new Camera();
    c.fit(1000, 500, canvas); // rows limit: 600/1000 < 800/500
    expect(c.center).toEqual({ row: 500, col: 250 });
    expect(c.zoom).toBeCloseTo(0.6 * 0.95, 12);
    // the whole extent is on screen, with the margin on the limiting axis
    const topLeft = c.dataToScreen({ row: 0, col: 0 }, canvas);
    const bottomRight = c.dataToScreen({ row: 1000, col: 500 }, canvas);
    expect(topLeft.y).toBeCloseTo(15, 9);
    expect(bottomRight.y).toBeCloseTo(585, 9);
    expect(topLeft.x).toBeGreaterThan(0);
    expect(bottomRight.x).toBeLessThan(800);
    expect((topLeft.x + bottomRight.x) / 2).toBeCloseTo(400, 9);

    c.fit(100, 1600, canvas, 0); // columns limit, no margin
    expect(c.zoom).toBeCloseTo(0.5, 12);
    expect(c.dataToScreen({ row: 0, col: 0 }, canvas).x).toBeCloseTo(0, 9);
    expect(c.dataToScreen({ row: 100, col: 1600 }, canvas).x).toBeCloseTo(800, 9);
  });

  it('fitExtent centres a box anywhere in the world (translated layers)', () => {
    const c = new Camera();
    c.fitExtent({ top: -50, left: 100, rows: 1000, cols: 500 }, canvas);
    expect(c.center).toEqual({ row: 450, col: 350 });
    expect(c.zoom).toBeCloseTo(0.6 * 0.95, 12);
    expect(c.dataToScreen({ row: -50, col: 350 }, canvas).y).toBeCloseTo(15, 9);
    expect(c.dataToScreen({ row: 950, col: 350 }, canvas).y).toBeCloseTo(585, 9);
    const before = { center: c.center, zoom: c.zoom };
    c.fitExtent({ top: 0, left: 0, rows: NaN, cols: 10 }, canvas);
    c.fitExtent({ top: 0, left: 0, rows: 10, cols: 0 }, canvas);
    expect({ center: c.center, zoom: c.zoom }).toEqual(before);
  });

  it('fit ignores an empty canvas or extent', () => {
    const c = camera(1, 2, 3);
    c.fit(100, 100, { width: 0, height: 600 });
    c.fit(100, 100, { width: 800, height: -1 });
    c.fit(0, 100, canvas);
    c.fit(100, 0, canvas);
    expect(c.center).toEqual({ row: 1, col: 2 });
    expect(c.zoom).toBe(3);
  });

  it('set ignores NaN, infinite, zero and negative values', () => {
    const c = camera(1, 2, 3);
    c.set({ row: NaN, col: 0 }, 1);
    c.set({ row: 0, col: Infinity }, 1);
    c.set({ row: 0, col: 0 }, NaN);
    c.set({ row: 0, col: 0 }, 0);
    c.set({ row: 0, col: 0 }, -2);
    c.set({ row: 0, col: 0 }, Infinity);
    expect(c.center).toEqual({ row: 1, col: 2 });
    expect(c.zoom).toBe(3);
  });

  it('emits changed once per accepted change and not for ignored ones', () => {
    const c = new Camera();
    let count = 0;
    c.changed.connect(sender => {
      expect(sender).toBe(c);
      count++;
    });
    c.set({ row: 1, col: 1 }, 2);
    expect(count).toBe(1);
    c.panBy(5, 5);
    expect(count).toBe(2);
    c.zoomAt(2, { x: 0, y: 0 }, canvas);
    expect(count).toBe(3);
    c.fit(10, 10, canvas);
    expect(count).toBe(4);
    c.set({ row: NaN, col: 0 }, 1);
    c.fit(10, 10, { width: 0, height: 0 });
    expect(count).toBe(4);
  });
});
