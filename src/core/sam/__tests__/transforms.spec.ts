// src/core/sam/transforms.ts and pilResize.ts against the upstream code they reproduce, run in the
// same test from the project's venv: segment_anything's ResizeLongestSide (Pillow through
// torchvision), Sam.preprocess and Sam.postprocess_masks (torch), on nuclei2d and on sizes that
// make Pillow upscale, downscale (with antialiasing) and resize odd shapes.
import { NDArray } from '../../ndarray';
import { itWithReference, runReference } from '../../labels/__tests__/pythonReference';
import { resizeBilinearLikePillow } from '../pilResize';
import { chooseMask, prepareImage, preprocessShape, toMask, toRgb8, transformBox, transformPoints, upscaleLogits } from '../transforms';

const UPSTREAM = `
import types, tifffile, torch
from segment_anything.modeling import Sam
from segment_anything.utils.transforms import ResizeLongestSide
def rgb8(a):  # SegLab's rule (src/core/sam/transforms.ts toRgb8)
    a = a.astype(np.float64)
    lo, hi = a.min(), a.max()
    g = np.floor(255 * (a - lo) / (hi - lo) + 0.5) if hi > lo else np.zeros_like(a)
    return np.repeat(g.astype(np.uint8)[..., None], 3, axis=2)
# Sam's methods on an object holding only what they read (no network is built).
fake = types.SimpleNamespace(pixel_mean=torch.tensor([123.675, 116.28, 103.53]).view(-1, 1, 1),
                             pixel_std=torch.tensor([58.395, 57.12, 57.375]).view(-1, 1, 1),
                             image_encoder=types.SimpleNamespace(img_size=1024))
`;

/** nuclei2d tiled or cropped to `shape`, as the reference builds it. */
const IMAGE = `
base = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))
h, w = arg["shape"]
img = np.tile(base, (-(-h // base.shape[0]), -(-w // base.shape[1])))[:h, :w]
`;

function nd(values: NDArray): Uint8Array {
  return values.data as Uint8Array;
}

describe('SAM pre-processing = ResizeLongestSide + Sam.preprocess', () => {
  const shapes: [number, number][] = [
    [512, 512], // nuclei2d itself: upscaled 2x
    [1500, 900], // downscaled with antialiasing, not square
    [37, 101] // odd sizes, upscaled by different factors per axis after rounding
  ];
  for (const shape of shapes) {
    itWithReference(`${shape.join(' × ')}: the resized uint8 image is Pillow's byte for byte, the input tensor torch's`, () => {
      const ref = runReference(
        UPSTREAM + IMAGE + `
t = ResizeLongestSide(1024)
x8 = rgb8(img)
r = t.apply_image(x8)
x = Sam.preprocess(fake, torch.as_tensor(r).permute(2, 0, 1).contiguous()[None])
emit("image", img.astype(np.uint16)); emit("rgb8", x8); emit("resized", r); emit("tensor", x.numpy()[0])`,
        { shape }
      );
      const rgb8 = toRgb8(ref.image, false);
      expect(Buffer.from(rgb8).equals(Buffer.from(nd(ref.rgb8)))).toBe(true);
      const [h, w] = preprocessShape(shape[0], shape[1]);
      expect([h, w]).toEqual(ref.resized.shape.slice(0, 2));
      const resized = resizeBilinearLikePillow(rgb8, shape[0], shape[1], 3, h, w);
      const expected = nd(ref.resized);
      let differing = 0;
      for (let i = 0; i < expected.length; i++) if (resized[i] !== expected[i]) differing++;
      expect(differing).toBe(0);
      const prepared = prepareImage(rgb8, shape[0], shape[1]);
      const tensor = ref.tensor.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < tensor.length; i++) worst = Math.max(worst, Math.abs(prepared.tensor[i] - tensor[i]));
      expect(worst).toBe(0); // the same float32 operations in the same order
      expect(prepared.inputSize).toEqual([h, w]);
    }, 60000);
  }

  itWithReference('points and boxes go into the 1024 frame as apply_coords / apply_boxes put them', () => {
    const points: [number, number][] = [[0, 0], [101.5, 3.25], [36.9, 1499.9], [899, 1499]];
    const ref = runReference(
      UPSTREAM + `
t = ResizeLongestSide(1024)
pts = np.array(arg["points"], float)
emit("points", torch.as_tensor(t.apply_coords(pts, (1500, 900)), dtype=torch.float).numpy())
emit("box", torch.as_tensor(t.apply_boxes(np.array([[10, 20, 500.5, 1400]], float), (1500, 900)), dtype=torch.float).numpy())`,
      { points }
    );
    expect(Array.from(transformPoints(points, [1500, 900]))).toEqual(Array.from(ref.points.data as Float32Array));
    expect(Array.from(transformBox([10, 20, 500.5, 1400], [1500, 900]))).toEqual(Array.from(ref.box.data as Float32Array));
  });
});

describe('SAM post-processing = Sam.postprocess_masks, threshold 0', () => {
  itWithReference('upscales low-resolution logits to the original size as torch does (bilinear, align_corners=False)', () => {
    for (const original of [[512, 512], [1500, 900], [37, 101]]) {
      const ref = runReference(
        UPSTREAM + `
g = torch.Generator().manual_seed(3)
low = torch.randn((1, 1, 256, 256), generator=g) * 8
h, w = ResizeLongestSide.get_preprocess_shape(arg["shape"][0], arg["shape"][1], 1024)
up = Sam.postprocess_masks(fake, low, (h, w), tuple(arg["shape"]))
emit("low", low.numpy()[0, 0]); emit("up", up.numpy()[0, 0])`,
        { shape: original }
      );
      const up = upscaleLogits(ref.low.data as Float32Array, preprocessShape(original[0], original[1]), original as [number, number]);
      const expected = ref.up.data as Float32Array;
      expect(up.length).toBe(expected.length);
      let worst = 0;
      let flips = 0;
      for (let i = 0; i < up.length; i++) {
        worst = Math.max(worst, Math.abs(up[i] - expected[i]));
        if (up[i] > 0 !== expected[i] > 0) flips++;
      }
      expect(worst).toBeLessThan(1e-4); // float32 rounding of the same weights, summed in another order
      expect(flips).toBeLessThanOrEqual(2); // pixels whose logit is within 1e-4 of the threshold
      expect(toMask(up).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
  }, 60000);
});

describe('SAM mask choice', () => {
  it('takes the best of the three multimask outputs, or the single-mask output', () => {
    expect(chooseMask([0.9, 0.2, 0.7, 0.5], true)).toBe(2);
    expect(chooseMask([0.1, 0.8, 0.8, 0.5], true)).toBe(1); // ties: the first, as argmax
    expect(chooseMask([0.1, 0.8, 0.7, 0.5], false)).toBe(0);
    expect(() => chooseMask([0.1, 0.2], true)).toThrow(/expected 4 IoU predictions, got 2/);
  });

  it('refuses images that are neither gray nor RGB(A)', () => {
    expect(() => toRgb8({ dtype: 'uint8', shape: [2, 2, 2], data: new Uint8Array(8) }, true)).toThrow(/expected a 2D gray/);
    expect(Array.from(toRgb8({ dtype: 'uint16', shape: [1, 2], data: Uint16Array.from([7, 7]) }, false))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
