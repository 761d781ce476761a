// Covers src/viewer/model/layerBase.ts through a minimal concrete layer: defaults, validation,
// change signals, scale/translate and the world<->data transforms, checkTransform, dispose.
import { UndoHistory } from '../history';
import { Layer, LayerOptions, LayerValidationError } from '../layerBase';

/** The smallest real layer: a box of a given shape (what a labels or image layer spans). */
class BoxLayer extends Layer {
  readonly kind = 'labels';
  constructor(
    readonly shape: number[],
    options: LayerOptions
  ) {
    super(options);
    this.checkTransform();
  }
  get ndim(): number {
    return this.shape.length;
  }
  get dataExtent(): Array<[number, number]> {
    return this.shape.map(n => [0, n]);
  }
}

const box = (shape = [4, 5, 6], options: Partial<LayerOptions> = {}) => new BoxLayer(shape, { id: 'b', name: 'box', ...options });

describe('Layer', () => {
  it('has napari’s defaults and its own history until a viewer adopts it', () => {
    const layer = box();
    expect([layer.id, layer.name, layer.visible, layer.opacity, layer.blending]).toEqual(['b', 'box', true, 1, 'translucent']);
    expect([layer.scale, layer.translate]).toEqual([[1, 1, 1], [0, 0, 0]]);
    expect(layer.history).toBeInstanceOf(UndoHistory);
    expect(layer.history).not.toBe(box().history);
    expect(layer.clone).toBeUndefined(); // optional: this kind does not offer duplication
  });

  it.each([
    [{ name: '' }, /non-empty layer name, got ""/],
    [{ name: 3 as unknown as string }, /got 3/],
    [{ opacity: -0.1 }, /opacity in \[0, 1\], got -0.1/],
    [{ opacity: NaN }, /opacity in \[0, 1\], got NaN/],
    [{ blending: 'multiply' as never }, /blending translucent, additive, opaque, got "multiply"/],
    [{ scale: [1, -1, 1] }, /positive finite scale values/],
    [{ scale: [1, 1] }, /expected 3 positive finite scale values \(one per axis\), got \[1, 1\]/],
    [{ translate: [0, Infinity, 0] }, /finite translate values/],
    [{ translate: [0, 0] }, /expected 3 finite translate values/]
  ])('rejects %j at construction', (options, message) => {
    expect(() => box([4, 5, 6], options)).toThrow(LayerValidationError);
    expect(() => box([4, 5, 6], options)).toThrow(message);
  });

  it('keeps copies of the scale and translate it was given and hands out copies', () => {
    const scale = [2, 3, 4];
    const layer = box([4, 5, 6], { scale });
    scale[0] = 100;
    layer.scale[1] = 100;
    expect(layer.scale).toEqual([2, 3, 4]);
  });

  it('setters emit one display change each, none when the value is unchanged or rejected', () => {
    const layer = box();
    const seen: string[] = [];
    layer.changed.connect((sender, what) => seen.push(`${sender === layer}:${what}`));
    layer.name = 'renamed';
    layer.name = 'renamed';
    layer.visible = false;
    layer.visible = false;
    layer.opacity = 0.3;
    layer.opacity = 0.3;
    layer.blending = 'additive';
    layer.blending = 'additive';
    layer.scale = [1, 2, 3];
    layer.translate = [4, 5, 6];
    expect(seen).toEqual(new Array(6).fill('true:display'));
    expect(() => (layer.opacity = 2)).toThrow(LayerValidationError);
    expect(() => (layer.scale = [1, 2])).toThrow(/expected 3 positive/);
    expect(() => (layer.translate = [1, NaN, 2])).toThrow(/finite translate/);
    expect(seen).toHaveLength(6);
    expect([layer.name, layer.visible, layer.opacity, layer.blending, layer.scale, layer.translate]).toEqual([
      'renamed',
      false,
      0.3,
      'additive',
      [1, 2, 3],
      [4, 5, 6]
    ]);
  });

  it('world = data × scale + translate, per axis, and back', () => {
    const layer = box([4, 5, 6], { scale: [2, 0.5, 1], translate: [10, -1, 0] });
    expect(layer.worldExtent).toEqual([[10, 18], [-1, 1.5], [0, 6]]);
    expect(layer.dataToWorld([1, 2, 3])).toEqual([12, 0, 3]);
    expect(layer.worldToData([12, 0, 3])).toEqual([1, 2, 3]);
    for (const p of [[0.25, 4.75, -3], [3.99, 0, 5.5]]) {
      layer.worldToData(layer.dataToWorld(p)).forEach((v, i) => expect(v).toBeCloseTo(p[i], 12));
    }
  });

  it('checkTransform catches an explicit transform that no longer matches ndim', () => {
    const layer = box([4, 5, 6], { scale: [1, 1, 1], translate: [0, 0, 0] });
    expect(() => layer.checkTransform()).not.toThrow();
    layer.shape.pop(); // the data lost an axis behind the transform's back
    expect(() => layer.checkTransform()).toThrow(/expected 2 positive finite scale values/);
    expect(() => box([4, 5]).checkTransform()).not.toThrow(); // defaults always fit
  });

  it('dispose disconnects every observer', () => {
    const layer = box();
    let count = 0;
    layer.changed.connect(() => count++);
    layer.dispose();
    layer.name = 'after';
    expect(count).toBe(0);
  });
});
