// seglab.embeddings (Python, onnxruntime) = SegLab's browser pipeline in Node (toRgb8 +
// prepareImage + SamSession.encode on onnxruntime-web) for the seeded MobileSAM export on
// nuclei2d: the encoder inputs are identical bit for bit (whole plane and a tile cropped from
// the plane's rgb8), the embeddings agree within 1e-4 relative L2, the image hash is the same.
import * as ort from 'onnxruntime-web';
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import { cropPlane, tileGrid } from '../../../core/sam/tiling';
import { prepareImage, toRgb8 } from '../../../core/sam/transforms';
import { exportedModel } from '../../sam/__tests__/exportedModel';
import { SamSession } from '../../sam/samSession';
import { contentHash } from '../contentHash';

ort.env.wasm.numThreads = 1;

const REFERENCE = `
import sys, tifffile
sys.path.insert(0, os.path.join(os.getcwd(), "python-kernel-bridge"))
from seglab.embeddings import compute_embeddings, prepare_image, to_rgb8, tile_grid
from seglab.models import cached_export
img = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))
emb = compute_embeddings(img, cached_export("vit_t", seed=0), progress=False)
rgb8 = to_rgb8(img, False)
tensor, _ = prepare_image(rgb8)
y0, x0, y1, x1 = tile_grid(img.shape, (200, 300), (40, 40))[4]["outer"]
tile_tensor, tile_size = prepare_image(np.ascontiguousarray(rgb8[y0:y1, x0:x1]))
emit("image", img); emit("features", emb["features"][0]); emit("tensor", tensor[0]); emit("tile_tensor", tile_tensor[0])
emit("tile_size", np.array(tile_size)); emit("hash", np.frombuffer(emb["attrs"]["image_hashes"][0].encode(), np.uint8))
`;

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('embeddings computed in Python = in the browser pipeline (vit_t, seeded)', () => {
  itWithReference(
    'nuclei2d: identical encoder inputs (plane and tile), embeddings within 1e-4, same hash',
    async () => {
      const ref = runReference(REFERENCE);
      const image = ref.image;
      const [h, w] = image.shape as [number, number];
      expect(contentHash(image.data)).toBe(Buffer.from(ref.hash.data as Uint8Array).toString());
      const rgb8 = toRgb8(image, false);
      const prepared = prepareImage(rgb8, h, w);
      expect(firstDifference(prepared.tensor, ref.tensor.data as Float32Array)).toBe(-1);
      const tile = tileGrid([h, w], [200, 300], [40, 40]).tiles[4];
      const [y0, x0, y1, x1] = tile.outer;
      const tilePrepared = prepareImage(cropPlane(rgb8, [h, w], tile.outer, 3), y1 - y0, x1 - x0);
      expect(tilePrepared.inputSize).toEqual(Array.from(ref.tile_size.data as BigInt64Array, Number));
      expect(firstDifference(tilePrepared.tensor, ref.tile_tensor.data as Float32Array)).toBe(-1);

      const session = await SamSession.create(ort, exportedModel('vit_t'), ['wasm']);
      try {
        const features = await session.encode(prepared.tensor);
        const err = relativeL2(features, ref.features.data as Float32Array);
        console.log(`nuclei2d vit_t: Node (onnxruntime-web wasm) vs Python (onnxruntime) embeddings rel L2 ${err.toExponential(2)}`);
        expect(err).toBeLessThan(1e-4);
      } finally {
        await session.dispose();
      }
    },
    300000
  );
});
