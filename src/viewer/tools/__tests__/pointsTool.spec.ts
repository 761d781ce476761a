// Covers src/viewer/tools/pointsTool.ts (and the LayerTool plumbing in toolBase.ts): the
// gestures of the points tool driven by synthetic pointer/key events, checked through the
// PointsLayer model and its undo history.
import { NDArray } from '../../../core/ndarray';
import { PointsLayer } from '../../model/pointsLayer';
import { ViewerModel } from '../../model/viewerModel';
import { PointsTool } from '../pointsTool';
import { ShapesTool } from '../shapesTool';
import { PICK_RADIUS_PX } from '../toolBase';
import { key, NO_ELEMENT, ptr, recordingContext, SIZE } from './toolHarness';

const image = (shape: number[]): NDArray => ({ dtype: 'uint8', shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

/**
 * A viewer whose camera puts data (row, col) at screen (x = col, y = row): world centre
 * (50.5, 100.5), i.e. data (50, 100), on a 200 x 100 canvas at zoom 1.
 */
function setup(data: number[][] = [], options: { size?: number; ndim?: number } = {}) {
  const model = new ViewerModel();
  const layer = model.addLayer(new PointsLayer({ id: 'pts', name: 'pts', data, size: options.size ?? 4, ndim: options.ndim }));
  // +0.5: points and vertices sit on pixel centres (layerView's pixelCentres).
  model.camera.set({ row: SIZE.height / 2 + 0.5, col: SIZE.width / 2 + 0.5 }, 1);
  const context = recordingContext();
  let renders = 0;
  const tool = new PointsTool(NO_ELEMENT, model, context, () => renders++, { attach: false });
  return { model, layer, tool, context, renders: () => renders };
}

function click(tool: PointsTool, x: number, y: number, extra = {}): boolean {
  const down = tool.handlePointerDown(ptr(x, y, extra));
  tool.handlePointerUp(ptr(x, y, extra));
  return down;
}

function drag(tool: PointsTool, from: [number, number], to: [number, number], extra = {}): void {
  expect(tool.handlePointerDown(ptr(...from, extra))).toBe(true);
  const steps = 4;
  for (let i = 1; i <= steps; i++) {
    tool.handlePointerMove(ptr(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps, extra));
  }
  expect(tool.handlePointerUp(ptr(...to, extra))).toBe(true);
}

describe('PointsTool arbitration', () => {
  it('leaves events to pan/zoom in pan_zoom mode, for other layer kinds, and while Space is held', () => {
    const { model, layer, tool } = setup();
    expect(tool.active).toBe(false);
    expect(tool.handlePointerDown(ptr(10, 10))).toBe(false);
    layer.mode = 'add';
    expect(tool.active).toBe(true);
    expect(tool.handleKeyDown(key(' '))).toBe(false);
    expect(tool.active).toBe(false);
    expect(tool.handlePointerDown(ptr(10, 10))).toBe(false);
    tool.handleKeyUp(key(' '));
    expect(tool.active).toBe(true);
    model.addImage(image([4, 4])); // becomes the active layer
    expect(tool.active).toBe(false);
    expect(layer.count).toBe(0);
  });

  it('ignores secondary buttons and invisible layers', () => {
    const { layer, tool } = setup();
    layer.mode = 'add';
    expect(tool.handlePointerDown(ptr(10, 10, { button: 2 }))).toBe(false);
    layer.visible = false;
    expect(tool.handlePointerDown(ptr(10, 10))).toBe(false);
    expect(layer.count).toBe(0);
  });

  it('does not consume hover moves', () => {
    const { layer, tool } = setup();
    layer.mode = 'select';
    expect(tool.handlePointerMove(ptr(5, 5))).toBe(false);
    expect(tool.cursor).toBe('default');
    layer.mode = 'add';
    expect(tool.cursor).toBe('crosshair');
  });
});

describe('PointsTool add mode', () => {
  it('adds a point at the cursor on click, one undo step', () => {
    const { model, layer, tool } = setup();
    layer.mode = 'add';
    expect(click(tool, 30, 40)).toBe(true);
    expect(layer.count).toBe(1);
    expect(layer.coordinates(0)).toEqual([40, 30]);
    expect(model.history.undoLabel).toBe('Add point');
    model.history.undo();
    expect(layer.count).toBe(0);
  });

  it('adds on the current slice of a 3D layer', () => {
    const { model, layer, tool } = setup([], { ndim: 3 });
    model.addImage(image([9, 100, 200]));
    model.select(layer.id);
    model.dims.setCurrentStep(0, 6);
    model.camera.set({ row: 50.5, col: 100.5 }, 1);
    layer.mode = 'add';
    click(tool, 12.5, 20.25);
    expect(layer.coordinates(0)).toEqual([6, 20.25, 12.5]);
    expect(layer.visibleIndices([6, 0, 0])).toEqual([0]);
  });

  it('pans instead of adding when the press is dragged', () => {
    const { model, layer, tool } = setup();
    layer.mode = 'add';
    const before = model.camera.center;
    drag(tool, [50, 50], [80, 70]);
    expect(layer.count).toBe(0);
    const after = model.camera.center;
    expect(after.col).toBeCloseTo(before.col - 30, 9);
    expect(after.row).toBeCloseTo(before.row - 20, 9);
  });
});

describe('PointsTool select mode', () => {
  const data = [
    [10, 10],
    [10, 40],
    [60, 150]
  ];

  it('selects the point under the cursor and clears on empty space', () => {
    const { layer, tool } = setup(data);
    layer.mode = 'select';
    click(tool, 41, 11);
    expect([...layer.selected]).toEqual([1]);
    click(tool, 100, 90);
    expect(layer.selected.size).toBe(0);
  });

  it('Shift-click adds to the selection (and toggles a selected point off)', () => {
    const { layer, tool } = setup(data);
    layer.mode = 'select';
    click(tool, 10, 10);
    click(tool, 40, 10, { shiftKey: true });
    expect([...layer.selected].sort()).toEqual([0, 1]);
    click(tool, 40, 10, { shiftKey: true });
    expect([...layer.selected]).toEqual([0]);
    click(tool, 100, 90, { shiftKey: true }); // Shift-click on nothing keeps the selection
    expect([...layer.selected]).toEqual([0]);
  });

  it('picks within PICK_RADIUS_PX on screen even when the point is smaller than a pixel', () => {
    const { model, layer, tool } = setup([[50, 100]], { size: 0.1 });
    layer.mode = 'select';
    model.camera.set({ row: 50, col: 100 }, 0.5); // 1 data unit = 0.5 px
    click(tool, 100 + PICK_RADIUS_PX - 1, 50);
    expect([...layer.selected]).toEqual([0]);
    click(tool, 100 + PICK_RADIUS_PX + 2, 50);
    expect(layer.selected.size).toBe(0);
  });

  it('uses the point radius in data units when that is larger than the pick radius on screen', () => {
    const { model, layer, tool } = setup([[50, 100]], { size: 4 });
    layer.mode = 'select';
    model.camera.set({ row: 50, col: 100 }, 10); // radius 2 data units = 20 px
    click(tool, 118, 50);
    expect([...layer.selected]).toEqual([0]);
  });

  it('drags the selection as one undo step', () => {
    const { model, layer, tool } = setup(data);
    layer.mode = 'select';
    click(tool, 10, 10);
    click(tool, 40, 10, { shiftKey: true });
    const depth = model.history.undoDepth;
    drag(tool, [40, 10], [55, 30]);
    expect(layer.coordinates(0)).toEqual([30, 25]);
    expect(layer.coordinates(1)).toEqual([30, 55]);
    expect(layer.coordinates(2)).toEqual([60, 150]);
    expect(model.history.undoDepth).toBe(depth + 1);
    expect(model.history.undoLabel).toBe('Move 2 points');
    model.history.undo();
    expect(layer.coordinates(0)).toEqual([10, 10]);
    expect(layer.coordinates(1)).toEqual([10, 40]);
  });

  it('a drag starting on an unselected point selects and moves only it', () => {
    const { layer, tool } = setup(data);
    layer.mode = 'select';
    click(tool, 10, 10);
    drag(tool, [150, 60], [140, 62]);
    expect([...layer.selected]).toEqual([2]);
    expect(layer.coordinates(2)).toEqual([62, 140]);
    expect(layer.coordinates(0)).toEqual([10, 10]);
  });

  it('a press on a point without moving records no move step', () => {
    const { model, layer, tool } = setup(data);
    layer.mode = 'select';
    click(tool, 10, 10);
    const depth = model.history.undoDepth;
    tool.handlePointerDown(ptr(10, 10));
    tool.handlePointerMove(ptr(11, 11)); // under the drag threshold
    tool.handlePointerUp(ptr(11, 11));
    expect(model.history.undoDepth).toBe(depth);
    expect(layer.coordinates(0)).toEqual([10, 10]);
  });

  it('box-selects on a drag over empty space, showing the box as a screen draft', () => {
    const { layer, tool, context } = setup(data);
    layer.mode = 'select';
    tool.handlePointerDown(ptr(0, 0));
    tool.handlePointerMove(ptr(30, 20));
    tool.handlePointerMove(ptr(50, 20));
    expect(context.last()).toEqual({ kind: 'box', space: 'screen', points: [[0, 0], [20, 50]] });
    tool.handlePointerUp(ptr(50, 20));
    expect(context.last()).toBeNull();
    expect([...layer.selected].sort()).toEqual([0, 1]);
    // Shift adds the next box to the selection.
    tool.handlePointerDown(ptr(199, 99, { shiftKey: true }));
    tool.handlePointerMove(ptr(120, 50, { shiftKey: true }));
    tool.handlePointerUp(ptr(120, 50, { shiftKey: true }));
    expect([...layer.selected].sort()).toEqual([0, 1, 2]);
  });

  it('box selection only takes points of the current slice', () => {
    const { model, layer, tool } = setup(
      [
        [0, 10, 10],
        [1, 10, 12]
      ],
      { ndim: 3 }
    );
    model.addImage(image([3, 100, 200]));
    model.select(layer.id);
    model.camera.set({ row: 50.5, col: 100.5 }, 1);
    model.dims.setCurrentStep(0, 1);
    layer.mode = 'select';
    drag(tool, [0, 0], [30, 30]);
    expect([...layer.selected]).toEqual([1]);
  });

  it('Delete and Backspace remove the selection, one undo step; Escape clears it', () => {
    const { model, layer, tool } = setup(data);
    layer.mode = 'select';
    expect(tool.handleKeyDown(key('Delete'))).toBe(false); // nothing selected: not consumed
    click(tool, 10, 10);
    expect(tool.handleKeyDown(key('Backspace'))).toBe(true);
    expect(layer.count).toBe(2);
    model.history.undo();
    expect(layer.count).toBe(3);
    click(tool, 40, 10);
    expect(tool.handleKeyDown(key('Escape'))).toBe(true);
    expect(layer.selected.size).toBe(0);
    click(tool, 40, 10);
    expect(tool.handleKeyDown(key('Delete', { ctrlKey: true }))).toBe(false);
  });

  it('a cancelled drag keeps the distance moved as one step', () => {
    const { model, layer, tool } = setup(data);
    layer.mode = 'select';
    tool.handlePointerDown(ptr(10, 10));
    tool.handlePointerMove(ptr(30, 10));
    tool.cancel();
    expect(tool.busy).toBe(false);
    expect(layer.coordinates(0)).toEqual([10, 30]);
    expect(model.history.undoLabel).toBe('Move point');
    // The next press starts fresh.
    expect(tool.handlePointerUp(ptr(30, 10))).toBe(false);
  });

  it('switching the active layer mid-drag ends the gesture', () => {
    const { model, layer, tool, context } = setup(data);
    layer.mode = 'select';
    tool.handlePointerDown(ptr(100, 90));
    tool.handlePointerMove(ptr(120, 95));
    model.addImage(image([4, 4]));
    expect(tool.busy).toBe(false);
    expect(context.last()).toBeNull();
  });
});

describe('PointsTool DOM wiring', () => {
  it('shares the cursor with other tools on the same element', () => {
    const target = new EventTarget();
    const element = Object.assign(target, { style: { cursor: '' }, getBoundingClientRect: () => ({ left: 0, top: 0 }) }) as unknown as HTMLElement;
    const model = new ViewerModel();
    const a = model.addLayer(new PointsLayer({ id: 'a', name: 'a' }));
    const b = model.addLayer(new PointsLayer({ id: 'b', name: 'b' }));
    a.mode = 'add';
    b.mode = 'select';
    const tools = [new PointsTool(element, model, recordingContext(), () => undefined), new ShapesTool(element, model, recordingContext(), () => undefined)];
    const move = () => {
      const e = new Event('pointermove');
      Object.assign(e, { clientX: 5, clientY: 5, pointerId: 1, button: 0 });
      target.dispatchEvent(e);
      return element.style.cursor;
    };
    expect(move()).toBe('default'); // b is active, in select mode; the shapes tool leaves it alone
    model.select('a');
    expect(move()).toBe('crosshair');
    a.mode = 'pan_zoom';
    expect(move()).toBe(''); // back to the stylesheet's cursor (pan/zoom's grab)
    tools.forEach(t => t.dispose());
  });

  it('listens in the capture phase and stops only the presses it consumes', () => {
    const target = new EventTarget();
    const captures: number[] = [];
    const element = Object.assign(target, {
      style: { cursor: '' },
      getBoundingClientRect: () => ({ left: 10, top: 20 }),
      setPointerCapture: (id: number) => captures.push(id),
      releasePointerCapture: () => undefined,
      focus: () => undefined
    }) as unknown as HTMLElement;
    const model = new ViewerModel();
    const layer = model.addLayer(new PointsLayer({ id: 'p', name: 'p' }));
    model.camera.set({ row: 50.5, col: 100.5 }, 1);
    const tool = new PointsTool(element, model, recordingContext(), () => undefined);
    const event = (type: string, clientX: number, clientY: number) => {
      const e = new Event(type, { cancelable: true });
      Object.assign(e, { clientX, clientY, pointerId: 7, button: 0, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false });
      let stopped = false;
      e.stopPropagation = () => (stopped = true);
      target.dispatchEvent(e);
      return { stopped, prevented: e.defaultPrevented };
    };
    expect(event('pointerdown', 40, 60)).toEqual({ stopped: false, prevented: false }); // pan_zoom mode
    layer.mode = 'add';
    expect(event('pointerdown', 40, 60)).toEqual({ stopped: true, prevented: true });
    expect(captures).toEqual([7]);
    event('pointerup', 40, 60);
    expect(layer.coordinates(0)).toEqual([40, 30]);
    tool.dispose();
    event('pointerdown', 50, 60);
    event('pointerup', 50, 60);
    expect(layer.count).toBe(1);
    expect(tool.isDisposed).toBe(true);
  });
});
