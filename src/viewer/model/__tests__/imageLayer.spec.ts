// Covers src/viewer/model/imageLayer.ts: validation (nD, RGB guess, every rejection), display
// properties, setData, valueAt, clone and the 2D/ nD basics. Slicing against numpy is in
// imageSlicing.spec.ts.
import { DType, TypedArray } from '../../../core/dtypes';
import { NDArray } from '../../../core/ndarray';
import { guessRgb, ImageLayer, LayerValidationError, validateImageArray } from '../imageLayer';
import { Layer } from '../layerBase';

const nd = (dtype: DType, shape: number[], data: TypedArray): NDArray => ({ dtype, shape, data });
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const u16 = (shape: number[], values?: number[]) => nd('uint16', shape, values ? new Uint16Array(values) : new Uint16Array(size(shape)));
const u8 = (shape: number[]) => nd('uint8', shape, new Uint8Array(size(shape)));
const iota = (shape: number[]) => nd('float32', shape, new Float32Array(size(shape)).map((_, i) => i));

describe('guessRgb (napari guess_rgb)', () => {
  it.each([
    [[512, 512, 3], true],
    [[31, 31, 4], true],
    [[5, 512, 512, 3], true],
    [[30, 512, 3], false], // a side of 30 is too short: more likely a (z, y, x=3) stack
    [[10, 64, 4], false],
    [[4, 5, 3], false],
    [[512, 512], false],
    [[512, 512, 5], false],
    [[3], false]
  ])('%j -> %p', (shape, expected) => expect(guessRgb(shape)).toBe(expected));
});

describe('validateImageArray', () => {
  it('accepts 2D to 5D grayscale of any dtype', () => {
    for (const shape of [[4, 5], [3, 4, 5], [2, 3, 4, 5], [2, 2, 3, 4, 5]]) {
      expect(validateImageArray(u16(shape))).toBe(false);
    }
    expect(validateImageArray(nd('int64', [2, 2], new BigInt64Array(4)))).toBe(false);
  });

  it('accepts RGB(A) with 2 to 5 axes before the colour axis, guessed or explicit', () => {
    expect(validateImageArray(u8([40, 50, 3]))).toBe(true);
    expect(validateImageArray(u8([4, 5, 3]), true)).toBe(true);
    expect(validateImageArray(u8([4, 5, 3]))).toBe(false); // too small to guess: a 3D stack
    expect(validateImageArray(nd('float32', [2, 1, 1, 4], new Float32Array(8)), true)).toBe(true);
    expect(validateImageArray(u8([2, 2, 2, 2, 2, 3]), true)).toBe(true);
  });

  it.each([
    ['1D', [10], /2 to 5 dimensions, got 1 dimensions \(10\)/],
    ['6D', [2, 2, 2, 2, 2, 2], /2 to 5 dimensions, got 6 dimensions \(2, 2, 2, 2, 2, 2\)/]
  ])('rejects %s grayscale arrays, naming the shape', (_label, shape, message) => {
    expect(() => validateImageArray(u8(shape))).toThrow(LayerValidationError);
    expect(() => validateImageArray(u8(shape))).toThrow(message);
  });

  it('rejects RGB with 6 axes before the colour axis or only 1', () => {
    expect(() => validateImageArray(u8([2, 2, 2, 2, 2, 2, 3]), true)).toThrow(/2 to 5 dimensions before its colour axis, got 7 dimensions/);
    expect(() => validateImageArray(u8([5, 3]), true)).toThrow(/last axis of 3 or 4 after 2 to 5 other axes, got shape \(5, 3\)/);
  });

  it('rejects an axis of length 0 and a buffer that does not match the shape', () => {
    expect(() => validateImageArray(nd('uint8', [0, 5], new Uint8Array(0)))).toThrow(/at least one element, got shape \(0, 5\)/);
    expect(() => validateImageArray(nd('uint8', [4, 0, 5], new Uint8Array(0)))).toThrow(LayerValidationError);
    expect(() => validateImageArray(nd('uint8', [4, 5], new Uint8Array(19)))).toThrow(/expected 20 elements for shape \(4, 5\), got 19/);
  });

  it('rejects rgb=true for a shape whose last axis is not 3 or 4', () => {
    expect(() => validateImageArray(u8([4, 5]), true)).toThrow(/RGB\(A\) image .* got shape \(4, 5\)/);
    expect(() => validateImageArray(u8([4, 5, 2]), true)).toThrow(/got shape \(4, 5, 2\)/);
  });

  it.each(['int16', 'uint16', 'int8', 'int32', 'uint32', 'bool', 'int64'] as DType[])('rejects an RGB image of %s, naming the dtype', dtype => {
    const a = nd(dtype, [40, 40, 3], dtype === 'int64' ? new BigInt64Array(4800) : new Uint8Array(4800));
    expect(() => validateImageArray(a)).toThrow(new RegExp(`uint8 or float .*got ${dtype}$`));
  });
});

describe('ImageLayer', () => {
  it('is a Layer with id, name, data, nD shape and default display settings', () => {
    const data = u16([2, 3], [5, 9, 100, 7, 8, 50]);
    const layer = new ImageLayer(data, { id: 'a', name: 'cells' });
    expect(layer).toBeInstanceOf(Layer);
    expect([layer.kind, layer.id, layer.name, layer.data, layer.rgb]).toEqual(['image', 'a', 'cells', data, false]);
    expect([layer.ndim, layer.shape, layer.dataExtent]).toEqual([2, [2, 3], [[0, 2], [0, 3]]]);
    expect(layer.contrastLimits).toEqual([5, 100]);
    expect([layer.colormap, layer.gamma, layer.interpolation]).toEqual(['gray', 1, 'nearest']);
    expect([layer.visible, layer.opacity, layer.blending, layer.scale, layer.translate]).toEqual([true, 1, 'translucent', [1, 1], [0, 0]]);
  });

  it('an RGB(A) stack has the colour axis outside ndim, shape and extent', () => {
    const layer = new ImageLayer(u8([5, 40, 50, 4]), { id: 'a', name: 'x' });
    expect([layer.rgb, layer.ndim, layer.shape, layer.contrastLimits]).toEqual([true, 3, [5, 40, 50], [0, 255]]);
    expect(layer.dataExtent).toEqual([[0, 5], [0, 40], [0, 50]]);
    const f = new ImageLayer(nd('float32', [1, 1, 4], new Float32Array([0.2, 0.3, 0.4, 0.5])), { id: 'b', name: 'y', rgb: true });
    expect(f.contrastLimits).toEqual([0, 1]);
  });

  it('takes every display option from the constructor', () => {
    const layer = new ImageLayer(u16([2, 3, 4]), {
      id: 'a',
      name: 'x',
      colormap: 'magma',
      gamma: 0.5,
      interpolation: 'linear',
      contrastLimits: [0, 1000],
      opacity: 0.25,
      blending: 'additive',
      visible: false,
      scale: [2, 0.5, 0.5],
      translate: [10, 0, -3]
    });
    expect([layer.colormap, layer.gamma, layer.interpolation, layer.contrastLimits]).toEqual(['magma', 0.5, 'linear', [0, 1000]]);
    expect([layer.opacity, layer.blending, layer.visible, layer.scale, layer.translate]).toEqual([0.25, 'additive', false, [2, 0.5, 0.5], [10, 0, -3]]);
    expect(layer.worldExtent).toEqual([[10, 14], [0, 1.5], [-3, -1]]);
  });

  it.each([
    ['an unknown colormap, listing the valid names', { colormap: 'jet' }, /colormap among gray, gray_r, viridis.*yellow, got "jet"/],
    ['gamma 0', { gamma: 0 }, /gamma to be a finite number > 0, got 0/],
    ['negative gamma', { gamma: -1 }, /got -1/],
    ['NaN gamma', { gamma: NaN }, /got NaN/],
    ['an unknown interpolation', { interpolation: 'cubic' }, /interpolation nearest or linear, got "cubic"/],
    ['a scale of the wrong length', { scale: [1, 1] }, /expected 3 positive finite scale values \(one per axis\), got \[1, 1\]/],
    ['a zero scale', { scale: [1, 0, 1] }, /positive finite scale/],
    ['a translate of the wrong length', { translate: [0, 0, 0, 0] }, /expected 3 finite translate values/],
    ['contrast limits with low >= high', { contrastLimits: [5, 5] }, /low < high/],
    ['opacity above 1', { opacity: 1.5 }, /opacity in \[0, 1\]/],
    ['an empty name', { name: ' ' }, /non-empty layer name/]
  ])('rejects %s with a LayerValidationError', (_label, options, message) => {
    const make = () => new ImageLayer(u16([2, 3, 4]), { id: 'a', name: 'x', ...(options as object) });
    expect(make).toThrow(LayerValidationError);
    expect(make).toThrow(message);
  });

  it('display setters validate, emit display once, and stay silent when nothing changes', () => {
    const layer = new ImageLayer(u16([1, 2], [0, 10]), { id: 'a', name: 'x' });
    const seen: string[] = [];
    layer.changed.connect((sender, what) => seen.push(`${sender === layer}:${what}`));
    layer.colormap = 'viridis';
    layer.colormap = 'viridis';
    layer.gamma = 2;
    layer.gamma = 2;
    layer.interpolation = 'linear';
    layer.opacity = 0.5;
    layer.blending = 'opaque';
    layer.visible = false;
    layer.name = 'renamed';
    layer.name = 'renamed';
    expect(seen).toEqual(new Array(7).fill('true:display'));
    expect(() => (layer.colormap = 'Viridis' as never)).toThrow(/colormap among/);
    expect(() => (layer.gamma = 0)).toThrow(/gamma/);
    expect(() => (layer.blending = 'minimum' as never)).toThrow(/blending translucent, additive, opaque/);
    expect([layer.colormap, layer.gamma, layer.blending, seen.length]).toEqual(['viridis', 2, 'opaque', 7]);
  });

  it('contrast limits: a copy out, a copy in, validated', () => {
    const layer = new ImageLayer(u16([1, 2], [0, 10]), { id: 'a', name: 'x' });
    layer.contrastLimits[0] = 99;
    expect(layer.contrastLimits).toEqual([0, 10]);
    const limits: [number, number] = [-5, 2.5];
    layer.contrastLimits = limits;
    limits[0] = 100;
    expect(layer.contrastLimits).toEqual([-5, 2.5]);
    for (const bad of [[5, 5], [6, 5], [NaN, 5], [0, Infinity]]) {
      expect(() => (layer.contrastLimits = bad as [number, number])).toThrow(/low < high/);
    }
    expect(layer.contrastLimits).toEqual([-5, 2.5]);
  });

  it('setData keeps user contrast limits for the same dtype, recomputes them otherwise, and emits data', () => {
    const layer = new ImageLayer(u16([2, 2], [0, 1, 2, 3]), { id: 'a', name: 'x' });
    layer.contrastLimits = [1, 2];
    const seen: string[] = [];
    layer.changed.connect((_, what) => seen.push(what));
    layer.setData(u16([3, 2, 1], [100, 200, 300, 400, 500, 600]));
    expect([layer.ndim, layer.shape, layer.contrastLimits]).toEqual([3, [3, 2, 1], [1, 2]]);
    layer.setData(nd('float32', [1, 3], new Float32Array([-1, NaN, 4])));
    expect(layer.contrastLimits).toEqual([-1, 4]);
    layer.setData(u8([40, 40, 3]));
    expect([layer.rgb, layer.contrastLimits]).toEqual([true, [0, 255]]);
    expect(seen).toEqual(['data', 'data', 'data']);
  });

  it('setData refuses a new ndim that an explicit scale no longer fits, and changes nothing', () => {
    const data = u16([2, 2]);
    const layer = new ImageLayer(data, { id: 'a', name: 'x', scale: [2, 2] });
    let emitted = 0;
    layer.changed.connect(() => emitted++);
    expect(() => layer.setData(u16([2, 2, 2]))).toThrow(/expected 3 positive finite scale values/);
    expect([layer.data, layer.ndim, emitted]).toEqual([data, 2, 0]);
    expect(() => layer.setData(nd('int16', [40, 40, 3], new Int16Array(4800)))).toThrow(/got int16/);
    // Without an explicit transform the defaults follow the data.
    const free = new ImageLayer(u16([2, 2]), { id: 'b', name: 'y' });
    free.setData(u16([2, 2, 2]));
    expect([free.scale, free.translate]).toEqual([[1, 1, 1], [0, 0, 0]]);
  });

  it('valueAt reads nD indices, null outside, every channel of RGB(A)', () => {
    const layer = new ImageLayer(iota([2, 3, 4]), { id: 'a', name: 'x' });
    expect(layer.valueAt([0, 0, 0])).toEqual([0]);
    expect(layer.valueAt([1, 2, 3])).toEqual([23]);
    expect(layer.valueAt([1, 0, 2])).toEqual([14]);
    for (const outside of [[-1, 0, 0], [2, 0, 0], [0, 3, 0], [0, 0, 4]]) expect(layer.valueAt(outside)).toBeNull();
    expect(() => layer.valueAt([0, 0])).toThrow(/expected 3 integer indices for shape \(2, 3, 4\)/);
    expect(() => layer.valueAt([0, 0.5, 0])).toThrow(RangeError);
    const rgba = new ImageLayer(nd('uint8', [2, 2, 4], new Uint8Array(16).map((_, i) => i * 10)), { id: 'b', name: 'y', rgb: true });
    expect(rgba.valueAt([1, 1])).toEqual([120, 130, 140, 150]);
  });

  it('valueAt(row, col) is the 2D form, with 64-bit integers as numbers', () => {
    const layer = new ImageLayer(nd('int64', [1, 2], new BigInt64Array([-7n, 2n ** 40n])), { id: 'a', name: 'x' });
    expect(layer.valueAt(0, 0)).toEqual([-7]);
    expect(layer.valueAt(0, 1)).toEqual([2 ** 40]);
    expect(layer.valueAt(1, 0)).toBeNull();
  });

  it('clone copies pixels and every setting under a new id and name', () => {
    const layer = new ImageLayer(iota([2, 3]), {
      id: 'a',
      name: 'x',
      colormap: 'green',
      gamma: 0.7,
      interpolation: 'linear',
      contrastLimits: [1, 4],
      opacity: 0.4,
      blending: 'additive',
      visible: false,
      scale: [3, 4],
      translate: [1, 2]
    });
    const copy = layer.clone({ id: 'b', name: 'x copy' });
    expect([copy.id, copy.name]).toEqual(['b', 'x copy']);
    const settings = (l: ImageLayer) => [l.colormap, l.gamma, l.interpolation, l.contrastLimits, l.opacity, l.blending, l.visible, l.scale, l.translate, l.rgb];
    expect(settings(copy)).toEqual(settings(layer));
    expect(copy.data.data).not.toBe(layer.data.data);
    expect(Array.from(copy.data.data as Float32Array)).toEqual(Array.from(layer.data.data as Float32Array));
    (copy.data.data as Float32Array)[0] = 99; // the copy is independent
    expect(layer.valueAt([0, 0])).toEqual([0]);
  });
});
