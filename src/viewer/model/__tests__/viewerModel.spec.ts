// Covers src/viewer/model/viewerModel.ts: adding/removing layers, napari-style unique names, extent, signals.
import { NDArray } from '../../../core/ndarray';
import { ImageLayer } from '../imageLayer';
import { ViewerModel } from '../viewerModel';

const gray = (rows: number, cols: number): NDArray => ({
  dtype: 'uint16',
  shape: [rows, cols],
  data: new Uint16Array(rows * cols).map((_, i) => i)
});

describe('ViewerModel', () => {
  it('starts empty with a camera and no extent', () => {
    const m = new ViewerModel();
    expect(m.layers).toHaveLength(0);
    expect(m.extent).toBeNull();
    expect(m.camera.zoom).toBe(1);
  });

  it('adds layers bottom-first with generated unique ids', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 2));
    const b = m.addImage(gray(3, 3));
    expect(m.layers).toEqual([a, b]);
    expect(a).toBeInstanceOf(ImageLayer);
    expect(a.id).toMatch(/^layer-\d+$/);
    expect(b.id).not.toBe(a.id);
    expect(m.getLayer(a.id)).toBe(a);
    expect(m.getLayer('nope')).toBeUndefined();
  });

  it('generated ids are unique across viewers too', () => {
    const ids = [new ViewerModel(), new ViewerModel()].map(m => m.addImage(gray(1, 1)).id);
    expect(new Set(ids).size).toBe(2);
  });

  it('passes id, rgb and contrast limits through to the layer', () => {
    const m = new ViewerModel();
    const layer = m.addImage(gray(2, 2), { id: 'mine', name: 'nuclei', contrastLimits: [0, 50] });
    expect(layer.id).toBe('mine');
    expect(layer.name).toBe('nuclei');
    expect(layer.contrastLimits).toEqual([0, 50]);
    const rgb = m.addImage({ dtype: 'uint8', shape: [2, 2, 3], data: new Uint8Array(12) }, { rgb: true });
    expect(rgb.rgb).toBe(true);
  });

  it('rejects a duplicate id without changing the layer list', () => {
    const m = new ViewerModel();
    m.addImage(gray(1, 1), { id: 'x' });
    let emitted = 0;
    m.layersChanged.connect(() => emitted++);
    expect(() => m.addImage(gray(1, 1), { id: 'x' })).toThrow(/a layer with id x already exists/);
    expect(m.layers).toHaveLength(1);
    expect(emitted).toBe(0);
  });

  it('does not add a layer whose array is invalid', () => {
    const m = new ViewerModel();
    expect(() => m.addImage({ dtype: 'uint8', shape: [5], data: new Uint8Array(5) })).toThrow(/2D image/);
    expect(m.layers).toHaveLength(0);
  });

  it('names layers like napari: "Image", "Image [1]", "Image [2]", reusing freed names', () => {
    const m = new ViewerModel();
    const names = [1, 2, 3].map(() => m.addImage(gray(1, 1)).name);
    expect(names).toEqual(['Image', 'Image [1]', 'Image [2]']);
    expect(m.addImage(gray(1, 1), { name: 'cells' }).name).toBe('cells');
    expect(m.addImage(gray(1, 1), { name: 'cells' }).name).toBe('cells [1]');
    m.removeLayer(m.layers[1].id); // frees "Image [1]"
    expect(m.addImage(gray(1, 1)).name).toBe('Image [1]');
    expect(m.addImage(gray(1, 1)).name).toBe('Image [3]');
  });

  it('removeLayer removes by id, keeps the order of the rest and reports success', () => {
    const m = new ViewerModel();
    const [a, b, c] = [1, 2, 3].map(() => m.addImage(gray(1, 1)));
    expect(m.removeLayer(b.id)).toBe(true);
    expect(m.layers).toEqual([a, c]);
    expect(m.getLayer(b.id)).toBeUndefined();
    expect(m.removeLayer(b.id)).toBe(false);
    expect(m.removeLayer('unknown')).toBe(false);
    expect(m.layers).toEqual([a, c]);
  });

  it('extent covers every layer and follows removals and data changes', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(10, 3));
    expect(m.extent).toEqual({ rows: 10, cols: 3 });
    const b = m.addImage(gray(4, 20));
    expect(m.extent).toEqual({ rows: 10, cols: 20 });
    m.removeLayer(a.id);
    expect(m.extent).toEqual({ rows: 4, cols: 20 });
    b.setData(gray(7, 8));
    expect(m.extent).toEqual({ rows: 7, cols: 8 });
    m.removeLayer(b.id);
    expect(m.extent).toBeNull();
  });

  it('emits layersChanged on add and on successful remove only', () => {
    const m = new ViewerModel();
    let count = 0;
    m.layersChanged.connect(sender => {
      expect(sender).toBe(m);
      count++;
    });
    const a = m.addImage(gray(1, 1));
    expect(count).toBe(1);
    m.removeLayer('unknown');
    expect(count).toBe(1);
    m.removeLayer(a.id);
    expect(count).toBe(2);
  });

  it('forwards layer changes as layerChanged with the layer and what changed', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 2));
    const b = m.addImage(gray(2, 2));
    const seen: [string, string][] = [];
    m.layerChanged.connect((_, { layer, what }) => seen.push([layer.id, what]));
    a.contrastLimits = [0, 1];
    b.setData(gray(3, 3));
    a.visible = false;
    expect(seen).toEqual([
      [a.id, 'display'],
      [b.id, 'data'],
      [a.id, 'display']
    ]);
  });

  it('stops forwarding changes of a removed layer', () => {
    const m = new ViewerModel();
    const a = m.addImage(gray(2, 2));
    let count = 0;
    m.layerChanged.connect(() => count++);
    m.removeLayer(a.id);
    a.name = 'gone';
    a.setData(gray(1, 1));
    expect(count).toBe(0);
  });
});

describe('ViewerModel ids', () => {
  it('never hands out an automatic id that an explicit id already took', () => {
    const model = new ViewerModel();
    const first = model.addImage(gray(2, 2));
    const taken = `layer-${Number(first.id.split('-')[1]) + 1}`;
    model.addImage(gray(2, 2), { id: taken });
    const next = model.addImage(gray(2, 2));
    expect(next.id).not.toBe(taken);
    expect(new Set(model.layers.map(l => l.id)).size).toBe(3);
  });
});
