// Covers ViewerModel.addImage with channelAxis (napari's channel_axis): one layer per channel,
// napari's default colormaps and additive blending, per-channel options, validation, and
// the split of a real RGB image against numpy.
import { ndarrayFromBuffer, NDArray } from '../../../core/ndarray';
import { ImageLayer, LayerValidationError } from '../imageLayer';
import { defaultChannelColormaps, ViewerModel } from '../viewerModel';
import { haveReference, runPython } from './pythonReference';

const iota = (shape: number[]): NDArray => ({
  dtype: 'float32',
  shape,
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => i)
});

describe('defaultChannelColormaps (napari split_channels)', () => {
  it('gray for one, magenta/green for two, cyan-yellow-magenta-red-green-blue cycling for more', () => {
    expect(defaultChannelColormaps(1)).toEqual(['gray']);
    expect(defaultChannelColormaps(2)).toEqual(['magenta', 'green']);
    expect(defaultChannelColormaps(3)).toEqual(['cyan', 'yellow', 'magenta']);
    expect(defaultChannelColormaps(8)).toEqual(['cyan', 'yellow', 'magenta', 'red', 'green', 'blue', 'cyan', 'yellow']);
  });
});

describe('ViewerModel.addImage with channelAxis', () => {
  it('splits (C, Y, X) into one additive layer per channel, channel planes viewed without copying', () => {
    const m = new ViewerModel();
    const data = iota([2, 3, 4]);
    const layers = m.addImage(data, { channelAxis: 0 });
    expect(layers).toHaveLength(2);
    expect(m.layers).toEqual(layers);
    expect(layers.map(l => [l.name, l.colormap, l.blending, l.ndim])).toEqual([
      ['Image', 'magenta', 'additive', 2],
      ['Image [1]', 'green', 'additive', 2]
    ]);
    expect(layers[1].valueAt([2, 3])).toEqual([23]);
    expect(layers[1].data.data.buffer).toBe(data.data.buffer);
    expect(m.active).toBe(layers[1].id);
    expect(m.dims.ndim).toBe(2);
  });

  it('splits along a middle or negative axis by copying each channel', () => {
    const m = new ViewerModel();
    const layers = m.addImage(iota([4, 3, 5, 6]), { channelAxis: -3, name: 'cells' });
    expect(layers.map(l => [l.name, l.colormap, l.shape])).toEqual([
      ['cells', 'cyan', [4, 5, 6]],
      ['cells [1]', 'yellow', [4, 5, 6]],
      ['cells [2]', 'magenta', [4, 5, 6]]
    ]);
    // element (z=2, c=1, y=3, x=4) of the (4, 3, 5, 6) array
    expect(layers[1].valueAt([2, 3, 4])).toEqual([2 * 90 + 1 * 30 + 3 * 6 + 4]);
    expect(m.dims.nsteps).toEqual([4, 5, 6]);
  });

  it('takes per-channel lists for names, colormaps, limits, opacity, blending, gamma and visibility', () => {
    const m = new ViewerModel();
    const layers = m.addImage(iota([2, 3, 4]), {
      channelAxis: 0,
      name: ['DAPI', 'GFP'],
      colormap: ['blue', 'green'],
      contrastLimits: [
        [0, 10],
        [5, 20]
      ],
      opacity: [1, 0.5],
      blending: ['translucent', 'additive'],
      gamma: [1, 0.8],
      visible: [true, false]
    });
    expect(layers.map(l => [l.name, l.colormap, l.contrastLimits, l.opacity, l.blending, l.gamma, l.visible])).toEqual([
      ['DAPI', 'blue', [0, 10], 1, 'translucent', 1, true],
      ['GFP', 'green', [5, 20], 0.5, 'additive', 0.8, false]
    ]);
  });

  it('one value for all channels applies to each; explicit ids get a channel suffix', () => {
    const m = new ViewerModel();
    const layers = m.addImage(iota([3, 2, 2]), { channelAxis: 0, id: 'k', colormap: 'gray', contrastLimits: [0, 5], blending: 'translucent' });
    expect(layers.map(l => [l.id, l.colormap, l.contrastLimits, l.blending])).toEqual([
      ['k-0', 'gray', [0, 5], 'translucent'],
      ['k-1', 'gray', [0, 5], 'translucent'],
      ['k-2', 'gray', [0, 5], 'translucent']
    ]);
  });

  it('accepts scale and translate with or without the channel axis entry', () => {
    const m = new ViewerModel();
    const [a] = m.addImage(iota([2, 3, 4]), { channelAxis: 0, scale: [99, 2, 3], translate: [99, 1, 1] });
    expect([a.scale, a.translate]).toEqual([[2, 3], [1, 1]]);
    const [b] = m.addImage(iota([3, 2, 4]), { channelAxis: 1, scale: [2, 3] });
    expect(b.scale).toEqual([2, 3]);
    expect(() => m.addImage(iota([2, 3, 4]), { channelAxis: 0, scale: [1, 1, 1, 1] })).toThrow(/expected 2 positive finite scale values/);
  });

  it.each([
    [3, /channel_axis to be an integer in \[-3, 3\) for shape \(2, 3, 4\), got 3/],
    [-4, /got -4/],
    [0.5, /got 0.5/]
  ])('rejects channelAxis %p with the valid range', (axis, message) => {
    const m = new ViewerModel();
    expect(() => m.addImage(iota([2, 3, 4]), { channelAxis: axis })).toThrow(LayerValidationError);
    expect(() => m.addImage(iota([2, 3, 4]), { channelAxis: axis })).toThrow(message);
    expect(m.layers).toHaveLength(0);
  });

  it('adds all channels or none: a bad per-channel value or list length adds nothing', () => {
    const m = new ViewerModel();
    let emitted = 0;
    m.layersChanged.connect(() => emitted++);
    expect(() => m.addImage(iota([3, 2, 2]), { channelAxis: 0, colormap: ['red', 'green', 'jet'] })).toThrow(/got "jet"/);
    expect(() => m.addImage(iota([3, 2, 2]), { channelAxis: 0, name: ['a', 'b'] })).toThrow(/expected 3 name values \(one per channel\), got 2/);
    expect(() => m.addImage(iota([3, 2]), { channelAxis: 0 })).toThrow(/2 to 5 dimensions, got 1/); // channels of 1D
    m.addImage(iota([2, 2]), { id: 'x-1' });
    expect(() => m.addImage(iota([3, 2, 2]), { channelAxis: 0, id: 'x' })).toThrow(/a layer with id x-1 already exists/);
    expect([m.layers.length, emitted]).toEqual([1, 1]);
  });

  (haveReference ? it : it.skip)('splitting the real HeLa RGB image along its last axis gives numpy’s channels', () => {
    const { meta, bytes } = runPython<{ shape: number[]; sums: number[]; pixels: number[][] }>(
      `import tifffile
a = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "misc/hela_cells_rgb.tif"))
meta = dict(shape=list(a.shape), sums=[int(a[..., c].astype(np.int64).sum()) for c in range(3)],
            pixels=[[int(v) for v in a[y, x]] for y, x in [(0, 0), (100, 200), (511, 671), (300, 33)]])
sys.stdout.buffer.write(json.dumps(meta).encode() + b"\\n")
sys.stdout.buffer.write(np.ascontiguousarray(a).tobytes())`,
      null
    );
    expect(meta.shape).toEqual([512, 672, 3]);
    const m = new ViewerModel();
    const channels = m.addImage(ndarrayFromBuffer(bytes.buffer, 'uint8', meta.shape), { channelAxis: -1 });
    expect(channels.map(c => [c.rgb, c.shape, c.colormap])).toEqual([
      [false, [512, 672], 'cyan'],
      [false, [512, 672], 'yellow'],
      [false, [512, 672], 'magenta']
    ]);
    const sum = (layer: ImageLayer) => (layer.data.data as Uint8Array).reduce((acc, v) => acc + v, 0);
    expect(channels.map(sum)).toEqual(meta.sums);
    [[0, 0], [100, 200], [511, 671], [300, 33]].forEach((p, i) => expect(channels.map(c => c.valueAt(p)![0])).toEqual(meta.pixels[i]));
    expect(new Set(meta.sums).size).toBe(3); // three different real channels
  });
});
