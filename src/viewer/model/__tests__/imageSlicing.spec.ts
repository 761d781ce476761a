// Covers ImageLayer.slicePlane, valueAt and takeChannel (src/viewer/model/imageLayer.ts)
// against numpy indexing run in the same test, on the real nuclei3d stack and on 4D/5D and
// RGB arrays; plus the zero-copy guarantee and the argument checks.
import { DType, typedArrayConstructor } from '../../../core/dtypes';
import { ndarrayFromBuffer, NDArray } from '../../../core/ndarray';
import { ImageLayer, takeChannel } from '../imageLayer';
import { haveReference, runPython } from './pythonReference';

interface PlaneRequest {
  step: number[];
  displayed: [number, number];
}

// numpy's answer for each request: integer indices on the sliced axes, full slices on the
// displayed ones, transposed when the row axis comes after the column axis.
const PLANES_SCRIPT = `
def plane(a, step, displayed):
    r, c = displayed
    idx = [int(s) for s in step]
    idx[r] = slice(None)
    idx[c] = slice(None)
    p = a[tuple(idx)]
    return np.swapaxes(p, 0, 1) if r > c else p
`;

function checkPlanes(layer: ImageLayer, requests: PlaneRequest[], planes: { shape: number[]; values: number[] }[]): void {
  requests.forEach((req, i) => {
    const got = layer.slicePlane(req.step, req.displayed);
    expect({ req, shape: got.shape }).toEqual({ req, shape: planes[i].shape });
    expect(Array.from(got.data as ArrayLike<number>)).toEqual(planes[i].values);
  });
}

const permutedPairs = (ndim: number): [number, number][] =>
  [...Array(ndim).keys()].flatMap(r => [...Array(ndim).keys()].filter(c => c !== r).map(c => [r, c] as [number, number]));

const run = haveReference ? it : it.skip;

describe('ImageLayer slicing against numpy', () => {
  run('every displayed pair of the real nuclei3d stack (31×61×57 uint16) at several steps', () => {
    const steps = [
      [0, 0, 0],
      [15, 30, 28],
      [30, 60, 56]
    ];
    const requests = steps.flatMap(step => permutedPairs(3).map(displayed => ({ step, displayed })));
    const { meta, bytes } = runPython<{ shape: number[]; dtype: string; planes: { shape: number[]; values: number[] }[] }>(
      `import tifffile
${PLANES_SCRIPT}
a = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei3d/image.tif"))
planes = [dict(shape=list(p.shape), values=p.ravel().tolist()) for p in (plane(a, q["step"], q["displayed"]) for q in request)]
sys.stdout.buffer.write(json.dumps(dict(shape=list(a.shape), dtype=str(a.dtype), planes=planes)).encode() + b"\\n")
sys.stdout.buffer.write(a.astype("<u2").tobytes())`,
      requests
    );
    expect([meta.shape, meta.dtype]).toEqual([[31, 61, 57], 'uint16']);
    const layer = new ImageLayer(ndarrayFromBuffer(bytes.buffer, 'uint16', meta.shape), { id: 'n', name: 'nuclei3d' });
    checkPlanes(layer, requests, meta.planes);
  });

  run('valueAt on the real stack matches numpy at random indices and the corners', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const indices = [[0, 0, 0], [30, 60, 56], ...Array.from({ length: 50 }, () => [rand(31), rand(61), rand(57)])];
    const { meta, bytes } = runPython<{ values: number[] }>(
      `import tifffile
a = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei3d/image.tif"))
sys.stdout.buffer.write(json.dumps(dict(values=[int(a[tuple(i)]) for i in request])).encode() + b"\\n")
sys.stdout.buffer.write(a.astype("<u2").tobytes())`,
      indices
    );
    const layer = new ImageLayer(ndarrayFromBuffer(bytes.buffer, 'uint16', [31, 61, 57]), { id: 'n', name: 'n' });
    expect(indices.map(i => layer.valueAt(i)![0])).toEqual(meta.values);
    expect(new Set(meta.values).size).toBeGreaterThan(5); // real, varied pixels
  });

  it.each([
    ['4D int16', 'int16' as DType, [3, 4, 5, 6], false],
    ['5D float64', 'float64' as DType, [2, 3, 4, 5, 6], false],
    ['4D RGB uint8 (z, y, x, 3)', 'uint8' as DType, [3, 40, 35, 3], true],
    ['3D RGBA float32', 'float32' as DType, [32, 33, 4], true]
  ])('%s: every displayed pair at two steps', (_label, dtype, shape, rgb) => {
    if (!haveReference) return;
    const ndim = shape.length - (rgb ? 1 : 0);
    const requests = [0, 1].flatMap(k =>
      permutedPairs(ndim).map(displayed => ({ step: shape.slice(0, ndim).map((n, a) => (k === 0 ? 0 : (a * 7 + 1) % n)), displayed }))
    );
    // Values: a deterministic pattern in the dtype's range, made the same way on both sides.
    const total = shape.reduce((a, b) => a * b, 1);
    const data = new (typedArrayConstructor(dtype))(total) as unknown as Float64Array;
    for (let i = 0; i < total; i++) data[i] = dtype === 'uint8' ? (i * 37) % 256 : dtype === 'int16' ? ((i * 37) % 65536) - 32768 : i * 0.5 - 100;
    const { meta } = runPython<{ planes: { shape: number[]; values: number[] }[] }>(
      `${PLANES_SCRIPT}
shape, dtype = request["shape"], request["dtype"]
i = np.arange(int(np.prod(shape)), dtype=np.int64)
v = {"uint8": (i * 37) % 256, "int16": (i * 37) % 65536 - 32768}.get(dtype, i * 0.5 - 100)
a = v.astype(dtype).reshape(shape)
planes = [dict(shape=list(p.shape), values=p.ravel().tolist()) for p in (plane(a, q["step"], q["displayed"]) for q in request["requests"])]
print(json.dumps(dict(planes=planes)))`,
      { shape, dtype, requests }
    );
    const layer = new ImageLayer({ dtype, shape, data: data as unknown as NDArray['data'] }, { id: 'a', name: 'a', rgb });
    checkPlanes(layer, requests, meta.planes);
  });

  run('takeChannel matches numpy take along every axis', () => {
    const shape = [3, 4, 5, 2];
    const total = 120;
    const array: NDArray = { dtype: 'int32', shape, data: new Int32Array(total).map((_, i) => i * 3 - 50) };
    const { meta } = runPython<{ channels: { shape: number[]; values: number[] }[][] }>(
      `a = (np.arange(120) * 3 - 50).astype(np.int32).reshape(${JSON.stringify(shape)})
print(json.dumps(dict(channels=[[dict(shape=list(np.take(a, i, axis).shape), values=np.take(a, i, axis).ravel().tolist()) for i in range(a.shape[axis])] for axis in range(4)])))`,
      null
    );
    shape.forEach((n, axis) => {
      for (let i = 0; i < n; i++) {
        const got = takeChannel(array, axis, i);
        expect({ axis, i, shape: got.shape, values: Array.from(got.data as Int32Array) }).toEqual({ axis, i, ...meta.channels[axis][i] });
      }
    });
  });
});

describe('ImageLayer.slicePlane without numpy', () => {
  const volume = () => {
    const data = new Uint16Array(4 * 5 * 6).map((_, i) => i);
    return new ImageLayer({ dtype: 'uint16', shape: [4, 5, 6], data }, { id: 'v', name: 'v' });
  };

  it('returns a view of the layer buffer for the trailing pair: no copy', () => {
    const layer = volume();
    const plane = layer.slicePlane([2, 0, 0], [1, 2]);
    expect(plane.shape).toEqual([5, 6]);
    expect(plane.data.buffer).toBe(layer.data.data.buffer);
    expect(plane.data.byteOffset).toBe(2 * 30 * 2);
    (layer.data.data as Uint16Array)[2 * 30 + 7] = 999; // visible through the view
    expect(plane.data[7]).toBe(999);
  });

  it('also a view for a 2D image (the whole image) and for RGB planes', () => {
    const image = new ImageLayer({ dtype: 'uint8', shape: [3, 4], data: new Uint8Array(12) }, { id: 'a', name: 'a' });
    const plane = image.slicePlane([0, 0], [0, 1]);
    expect(plane.data.buffer).toBe(image.data.data.buffer);
    expect(plane.data.length).toBe(12);
    const rgb = new ImageLayer({ dtype: 'uint8', shape: [2, 3, 4, 3], data: new Uint8Array(72) }, { id: 'b', name: 'b', rgb: true });
    const rgbPlane = rgb.slicePlane([1, 0, 0], [1, 2]);
    expect([rgbPlane.shape, rgbPlane.data.byteOffset, rgbPlane.data.buffer === rgb.data.data.buffer]).toEqual([[3, 4, 3], 36, true]);
  });

  it('copies for a transposed or non-trailing pair (the layer buffer is never handed out there)', () => {
    const layer = volume();
    const transposed = layer.slicePlane([1, 0, 0], [2, 1]);
    expect(transposed.shape).toEqual([6, 5]);
    expect(transposed.data.buffer).not.toBe(layer.data.data.buffer);
    expect(Array.from(transposed.data.subarray(0, 3) as Uint16Array)).toEqual([30, 36, 42]); // (z=1, y=0..2, x=0)
  });

  it('ignores the step entries of the displayed axes', () => {
    const layer = volume();
    expect(Array.from(layer.slicePlane([3, 4, 5], [1, 2]).data as Uint16Array)).toEqual(Array.from(layer.slicePlane([3, 0, 0], [1, 2]).data as Uint16Array));
  });

  it.each([
    [[0, 0], [1, 2], /expected a step of 3 indices for shape \(4, 5, 6\)/],
    [[4, 0, 0], [1, 2], /step\[0\] to be an integer in \[0, 4\), got 4/],
    [[-1, 0, 0], [1, 2], /got -1/],
    [[0.5, 0, 0], [1, 2], /got 0.5/],
    [[0, 0, 0], [1, 1], /two different displayed axes in \[0, 3\), got \[1, 1\]/],
    [[0, 0, 0], [1, 3], /got \[1, 3\]/]
  ])('rejects step %j with displayed %j', (step, displayed, message) => {
    expect(() => volume().slicePlane(step, displayed as [number, number])).toThrow(message);
  });
});
