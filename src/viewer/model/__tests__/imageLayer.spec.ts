// Covers src/viewer/model/imageLayer.ts: validateImageArray, contrast limits, setData, valueAt, extent, signals.
import { DType, TypedArray } from '../../../core/dtypes';
import { NDArray } from '../../../core/ndarray';
import { ImageLayer, LayerValidationError, validateImageArray } from '../imageLayer';

const nd = (dtype: DType, shape: number[], data: TypedArray): NDArray => ({ dtype, shape, data });
const u16 = (shape: number[], values?: number[]) =>
  nd('uint16', shape, values ? new Uint16Array(values) : new Uint16Array(shape.reduce((a, b) => a * b, 1)));
const u8 = (shape: number[]) => nd('uint8', shape, new Uint8Array(shape.reduce((a, b) => a * b, 1)));

describe('validateImageArray', () => {
  it('accepts 2D images of any dtype as grayscale', () => {
    expect(validateImageArray(u16([4, 5]))).toBe(false);
    expect(validateImageArray(nd('int64', [2, 2], new BigInt64Array(4)))).toBe(false);
    expect(validateImageArray(u16([4, 5]), false)).toBe(false);
  });

  it('detects RGB and RGBA from a last axis of 3 or 4 on a 3D array', () => {
    expect(validateImageArray(u8([4, 5, 3]))).toBe(true);
    expect(validateImageArray(u8([4, 5, 4]))).toBe(true);
    expect(validateImageArray(nd('float32', [2, 2, 3], new Float32Array(12)))).toBe(true);
    expect(validateImageArray(nd('float64', [2, 2, 4], new Float64Array(16)), true)).toBe(true);
  });

  it.each([
    ['1D', [10], /got 1 dimensions \(10\)/],
    ['4D', [2, 3, 4, 3], /got 4 dimensions \(2, 3, 4, 3\)/],
    ['3D with 5 channels', [4, 5, 5], /got 3 dimensions \(4, 5, 5\)/],
    ['3D stack of planes', [10, 64, 64], /got 3 dimensions \(10, 64, 64\)/]
  ])('rejects %s arrays with a message naming the shape', (_label, shape, message) => {
    expect(() => validateImageArray(u8(shape))).toThrow(LayerValidationError);
    expect(() => validateImageArray(u8(shape))).toThrow(message);
  });

  it('rejects rgb=true for a shape that is not (rows, cols, 3|4), naming the shape', () => {
    expect(() => validateImageArray(u8([4, 5]), true)).toThrow(/RGB\(A\) image .* got shape \(4, 5\)/);
    expect(() => validateImageArray(u8([4, 5, 2]), true)).toThrow(/got shape \(4, 5, 2\)/);
  });

  it('rejects rgb=false for an RGB-looking 3D array (it is not 2D)', () => {
    expect(() => validateImageArray(u8([4, 5, 3]), false)).toThrow(/2D image .* got 3 dimensions \(4, 5, 3\)/);
  });

  it.each(['int16', 'uint16', 'int8', 'int32', 'uint32', 'bool', 'int64'] as DType[])(
    'rejects an RGB image of %s, naming the dtype',
    dtype => {
      const a = nd(dtype, [2, 2, 3], dtype === 'int64' ? new BigInt64Array(12) : new Uint8Array(12));
      expect(() => validateImageArray(a)).toThrow(new RegExp(`uint8 or float .*got ${dtype}$`));
    }
  );
});

describe('ImageLayer', () => {
  it('keeps id, name, data, extent and computes default contrast limits', () => {
    const data = u16([2, 3], [5, 9, 100, 7, 8, 50]);
    const layer = new ImageLayer(data, { id: 'a', name: 'cells' });
    expect(layer.kind).toBe('image');
    expect(layer.id).toBe('a');
    expect(layer.name).toBe('cells');
    expect(layer.data).toBe(data);
    expect(layer.rgb).toBe(false);
    expect(layer.visible).toBe(true);
    expect(layer.extent).toEqual({ rows: 2, cols: 3 });
    expect(layer.contrastLimits).toEqual([5, 100]);
  });

  it('uses explicit contrast limits when given', () => {
    const layer = new ImageLayer(u16([2, 2], [1, 2, 3, 4]), { id: 'a', name: 'x', contrastLimits: [0, 1000] });
    expect(layer.contrastLimits).toEqual([0, 1000]);
  });

  it('gives RGB layers [0, 255] for uint8 and [0, 1] for float, whatever the content', () => {
    expect(new ImageLayer(u8([2, 2, 3]), { id: 'a', name: 'x' }).contrastLimits).toEqual([0, 255]);
    const f = nd('float32', [1, 1, 4], new Float32Array([0.2, 0.3, 0.4, 0.5]));
    const layer = new ImageLayer(f, { id: 'b', name: 'y' });
    expect(layer.rgb).toBe(true);
    expect(layer.extent).toEqual({ rows: 1, cols: 1 });
    expect(layer.contrastLimits).toEqual([0, 1]);
  });

  it('rejects invalid arrays at construction', () => {
    expect(() => new ImageLayer(u8([7]), { id: 'a', name: 'x' })).toThrow(LayerValidationError);
  });

  it('contrastLimits returns a copy', () => {
    const layer = new ImageLayer(u16([1, 2], [0, 10]), { id: 'a', name: 'x' });
    layer.contrastLimits[0] = 99;
    expect(layer.contrastLimits).toEqual([0, 10]);
  });

  it('contrast limits setter accepts low < high and emits display', () => {
    const layer = new ImageLayer(u16([1, 2], [0, 10]), { id: 'a', name: 'x' });
    const seen: string[] = [];
    layer.changed.connect((_, what) => seen.push(what));
    const limits: [number, number] = [-5, 2.5];
    layer.contrastLimits = limits;
    limits[0] = 100; // the layer must not keep the caller's array
    expect(layer.contrastLimits).toEqual([-5, 2.5]);
    expect(seen).toEqual(['display']);
  });

  it.each([
    [[5, 5]],
    [[6, 5]],
    [[NaN, 5]],
    [[0, NaN]],
    [[-Infinity, 5]],
    [[0, Infinity]]
  ])('contrast limits setter rejects %j and keeps the old limits', value => {
    const layer = new ImageLayer(u16([1, 2], [0, 10]), { id: 'a', name: 'x' });
    let emitted = 0;
    layer.changed.connect(() => emitted++);
    expect(() => {
      layer.contrastLimits = value as [number, number];
    }).toThrow(/low < high/);
    expect(layer.contrastLimits).toEqual([0, 10]);
    expect(emitted).toBe(0);
  });

  it('name and visible setters emit display', () => {
    const layer = new ImageLayer(u16([1, 1]), { id: 'a', name: 'x' });
    const seen: string[] = [];
    layer.changed.connect((sender, what) => {
      expect(sender).toBe(layer);
      seen.push(what);
    });
    layer.name = 'renamed';
    layer.visible = false;
    expect(layer.name).toBe('renamed');
    expect(layer.visible).toBe(false);
    expect(seen).toEqual(['display', 'display']);
  });

  it('setData keeps user contrast limits when the dtype is unchanged and emits data', () => {
    const layer = new ImageLayer(u16([2, 2], [0, 1, 2, 3]), { id: 'a', name: 'x' });
    layer.contrastLimits = [1, 2];
    const seen: string[] = [];
    layer.changed.connect((_, what) => seen.push(what));
    const next = u16([3, 1], [100, 200, 300]);
    layer.setData(next);
    expect(layer.data).toBe(next);
    expect(layer.extent).toEqual({ rows: 3, cols: 1 });
    expect(layer.contrastLimits).toEqual([1, 2]);
    expect(seen).toEqual(['data']);
  });

  it('setData recomputes contrast limits when the dtype changes', () => {
    const layer = new ImageLayer(u16([2, 2], [0, 1, 2, 3]), { id: 'a', name: 'x' });
    layer.contrastLimits = [1, 2];
    layer.setData(nd('float32', [1, 3], new Float32Array([-1, NaN, 4])));
    expect(layer.contrastLimits).toEqual([-1, 4]);
    layer.setData(u8([2, 2, 3]));
    expect(layer.rgb).toBe(true);
    expect(layer.contrastLimits).toEqual([0, 255]);
  });

  it('setData rejects an invalid array and leaves the layer unchanged', () => {
    const data = u16([2, 2]);
    const layer = new ImageLayer(data, { id: 'a', name: 'x' });
    let emitted = 0;
    layer.changed.connect(() => emitted++);
    expect(() => layer.setData(nd('int16', [2, 2, 3], new Int16Array(12)))).toThrow(/got int16/);
    expect(layer.data).toBe(data);
    expect(layer.rgb).toBe(false);
    expect(emitted).toBe(0);
  });

  it('valueAt reads row-major values and returns null outside the image', () => {
    const layer = new ImageLayer(u16([2, 3], [1, 2, 3, 4, 5, 6]), { id: 'a', name: 'x' });
    expect(layer.valueAt(0, 0)).toEqual([1]);
    expect(layer.valueAt(0, 2)).toEqual([3]);
    expect(layer.valueAt(1, 0)).toEqual([4]);
    expect(layer.valueAt(1, 2)).toEqual([6]);
    for (const [r, c] of [[-1, 0], [0, -1], [2, 0], [0, 3], [5, 5]]) {
      expect(layer.valueAt(r, c)).toBeNull();
    }
  });

  it('valueAt returns every channel of an RGB(A) pixel', () => {
    const data = nd('uint8', [2, 2, 4], new Uint8Array(16).map((_, i) => i * 10));
    const layer = new ImageLayer(data, { id: 'a', name: 'x' });
    expect(layer.valueAt(0, 0)).toEqual([0, 10, 20, 30]);
    expect(layer.valueAt(1, 1)).toEqual([120, 130, 140, 150]);
    expect(layer.valueAt(2, 0)).toBeNull();
    const rgb = nd('float64', [1, 2, 3], new Float64Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
    expect(new ImageLayer(rgb, { id: 'b', name: 'y' }).valueAt(0, 1)).toEqual([0.4, 0.5, 0.6]);
  });

  it('valueAt converts 64-bit integers to numbers', () => {
    const layer = new ImageLayer(nd('int64', [1, 2], new BigInt64Array([-7n, 2n ** 40n])), { id: 'a', name: 'x' });
    expect(layer.valueAt(0, 0)).toEqual([-7]);
    expect(layer.valueAt(0, 1)).toEqual([2 ** 40]);
  });
});

describe('ImageLayer contrast limits on construction and RGB toggles', () => {
  const arr = (dtype: DType, shape: number[], data: TypedArray): NDArray => ({ dtype, shape, data });

  it('validates contrast limits given to the constructor like the setter does', () => {
    const data = arr('float32', [2, 2], new Float32Array([0, 1, 2, 3]));
    expect(() => new ImageLayer(data, { id: 'a', name: 'a', contrastLimits: [5, 5] })).toThrow(LayerValidationError);
    expect(() => new ImageLayer(data, { id: 'a', name: 'a', contrastLimits: [NaN, 1] })).toThrow(LayerValidationError);
    expect(new ImageLayer(data, { id: 'a', name: 'a', contrastLimits: [1, 2] }).contrastLimits).toEqual([1, 2]);
  });

  it('recomputes limits when data switches between grayscale and RGB of the same dtype', () => {
    const layer = new ImageLayer(arr('float32', [2, 3], new Float32Array([0, 10, 20, 500, 700, 1000])), { id: 'b', name: 'b' });
    expect(layer.contrastLimits).toEqual([0, 1000]);
    layer.setData(arr('float32', [1, 2, 3], new Float32Array([0, 0.5, 1, 0.2, 0.3, 0.4])));
    expect(layer.rgb).toBe(true);
    expect(layer.contrastLimits).toEqual([0, 1]);
  });
});
