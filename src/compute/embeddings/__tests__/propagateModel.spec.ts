// Mechanics of z-propagation with the REAL exported model (seeded MobileSAM, vit_t) in Node:
// slices of a nuclei3d crop encoded through the embedding cache, each slice decoded from the
// prompts propagateMask derives from its neighbour (projection 'mask': box + mask logits, the
// decoder's single-mask output, as micro-sam's segment_from_mask), masks at the plane's size.
// The weights are random, so this checks plumbing (shapes, frames, cache reuse, determinism),
// not quality; quality needs the trained prompter model (see the note at the end).
import * as ort from 'onnxruntime-web';
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import type { MaskPrompt } from '../../../core/sam/promptsFromMask';
import { propagateMask } from '../../../core/sam/propagate';
import { prepareImage, promptArrays, toMask, toRgb8, upscaleLogits } from '../../../core/sam/transforms';
import { exportedModel } from '../../sam/__tests__/exportedModel';
import { SamSession } from '../../sam/samSession';
import { contentHash } from '../contentHash';
import { EmbeddingCache, embeddingKey } from '../embeddingCache';

ort.env.wasm.numThreads = 1;

const Z0 = 2; // of the crop nuclei3d[13:18]

describe('propagateMask with the seeded vit_t model (nuclei3d crop)', () => {
  itWithReference(
    'encodes each slice once through the cache, decodes full-plane prompts, is deterministic',
    async () => {
      const ref = runReference(`
import tifffile
img = tifffile.imread(os.path.join(DATA, "nuclei3d", "image.tif"))[13:18]
lab = tifffile.imread(os.path.join(DATA, "nuclei3d", "labels.tif"))[13:18].astype(np.int32)
ids, counts = np.unique(lab[${Z0}][lab[${Z0}] > 0], return_counts=True)
emit("image", img); emit("mask", (lab[${Z0}] == ids[counts.argmax()]).astype(np.uint8))
`);
      const [nz, h, w] = ref.image.shape;
      const plane = h * w;
      const pixels = ref.image.data as Uint16Array;
      const session = await SamSession.create(ort, exportedModel('vit_t'), ['wasm']);
      const cache = new EmbeddingCache({ maxBytes: 64 * 1024 * 1024 });
      let encodes = 0;
      const embeddingOf = async (z: number) => {
        const data = pixels.subarray(z * plane, (z + 1) * plane);
        const key = embeddingKey({ modelId: 'vit_t-random-seed0', imageHash: contentHash(data), dtype: 'uint16', shape: [h, w], inputSize: 1024 });
        return cache.getOrCompute(key, async () => {
          encodes++;
          const prepared = prepareImage(toRgb8({ dtype: 'uint16', shape: [h, w], data }, false), h, w);
          return { features: await session.encode(prepared.tensor), inputSize: prepared.inputSize, originalSize: [h, w] };
        });
      };
      const decoded: Array<{ z: number; mask: Uint8Array }> = [];
      const segmentSlice = async (z: number, prompt: MaskPrompt) => {
        const emb = await embeddingOf(z);
        const { coords, labels } = promptArrays(prompt, [h, w]);
        const out = await session.decode(emb.features, coords, labels, prompt.maskInput);
        const mask = toMask(upscaleLogits(out.lowRes.subarray(0, 256 * 256), emb.inputSize, [h, w]));
        decoded.push({ z, mask });
        return { mask, iou: out.iou[0] };
      };
      try {
        const run = () => propagateMask({ start: Z0, mask: ref.mask.data as Uint8Array, nSlices: nz, shape: [h, w], segmentSlice, iouThreshold: 0, projection: 'mask' });
        const t0 = performance.now();
        const first = await run();
        const t1 = performance.now();
        const again = await run();
        const t2 = performance.now();
        const zs = decoded.map(d => d.z);
        console.log(
          `vit_t (random weights), nuclei3d[13:18] from slice ${Z0}: decoded slices ${JSON.stringify(zs.slice(0, zs.length / 2))}, ` +
            `lower ${JSON.stringify(first.lower)}, upper ${JSON.stringify(first.upper)}; predicted IoU ${first.slices.map(s => s.predictedIou.toFixed(3)).join(' ')}; ` +
            `first run ${((t1 - t0) / 1000).toFixed(1)} s (${encodes} encodes), second ${((t2 - t1) / 1000).toFixed(1)} s (cache)`
        );
        expect(encodes).toBeLessThanOrEqual(nz - 1); // slice Z0 is never encoded (it is the given mask)
        expect(again.masks).toEqual(first.masks); // same cache, same prompts: the same result
        expect(again.lower).toEqual(first.lower);
        for (const s of first.slices) {
          if (s.status === 'kept' || s.status === 'rejected') {
            expect(s.prompt!.box).toBeDefined();
            expect(s.prompt!.maskInput!.length).toBe(256 * 256);
            expect(Number.isFinite(s.predictedIou)).toBe(true);
          }
          if (s.status === 'kept') {
            const mine = first.masks.subarray(s.z * plane, (s.z + 1) * plane);
            expect(mine.includes(1)).toBe(true);
            expect(Array.from(mine)).toEqual(Array.from(decoded.find(d => d.z === s.z)!.mask));
          }
        }
        expect(first.slices[Z0].status).toBe('start');
        expect(Array.from(first.masks.subarray(Z0 * plane, (Z0 + 1) * plane))).toEqual(Array.from(ref.mask.data as Uint8Array));
      } finally {
        await session.dispose();
      }
    },
    600000
  );

  // Quality with the bundled trained model (3D IoU against the ground truth after a click and
  // propagation) is measured where the model's whole pipeline runs: in Python by
  // tests/models/test_prompter.py and in the browser by ui-tests/tests/segment.spec.js.
});
