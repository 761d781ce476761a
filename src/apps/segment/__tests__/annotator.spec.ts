// The segment tool's workflow on a real model (MobileSAM's architecture, seeded weights, run by
// onnxruntime-web in Node) and real data (nuclei2d): prompts in the micro-sam layers segment
// live into current_object, a second point refines the first mask, commit gives ids 1, 2, ...
// as undo steps, clear and toggle behave as micro-sam's keys, and bad input is refused clearly.
import * as ort from 'onnxruntime-web';
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import { SamSession } from '../../../compute/sam/samSession';
import { exportedModel } from '../../../compute/sam/__tests__/exportedModel';
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { PointsLayer } from '../../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../../viewer/model/shapesLayer';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import { SegmentAnnotator } from '../annotator';
import { embedPlane, segmentPrompt, SegmentRuntime } from '../planeSegmenter';
import { ImageLayer } from '../../../viewer/model/imageLayer';
import { prepareImage, toRgb8 } from '../../../core/sam/transforms';
import { COMMITTED_OBJECTS, CURRENT_OBJECT, POINT_PROMPTS, BOX_PROMPTS } from '../promptLayers';

ort.env.wasm.numThreads = 1;

/** The real session, counting its calls (to see embeddings reused and refinements passed). */
class CountingRuntime implements SegmentRuntime {
  encodes = 0;
  maskInputs: Array<Float32Array | undefined> = [];
  constructor(private readonly session: SamSession) {}
  encode(t: Float32Array) {
    this.encodes++;
    return this.session.encode(t);
  }
  decode(e: Float32Array, c: Float32Array, l: Float32Array, m?: Float32Array) {
    this.maskInputs.push(m);
    return this.session.decode(e, c, l, m);
  }
}

const layer = <T>(model: ViewerModel, name: string, type: abstract new (...a: never[]) => T): T => {
  const found = model.layers.find(l => l.name === name);
  expect(found).toBeInstanceOf(type);
  return found as T;
};

describe('SegmentAnnotator', () => {
  let session: SamSession;
  let runtime: CountingRuntime;
  let image: { dtype: 'uint16'; shape: readonly number[]; data: Uint16Array };
  let centroids: Float64Array;

  beforeAll(async () => {
    const ref = runReference(`
import tifffile
from skimage.measure import regionprops
img = tifffile.imread(f"{DATA}/nuclei2d/image.tif")[:160, :160]
lab = tifffile.imread(f"{DATA}/nuclei2d/labels.tif")[:160, :160]
props = [p for p in regionprops(lab) if p.area > 80][:2]
emit("image", img.astype(np.uint16)); emit("centroids", np.array([p.centroid for p in props]))`);
    image = { dtype: 'uint16', shape: ref.image.shape, data: ref.image.data as Uint16Array };
    centroids = ref.centroids.data as Float64Array;
    session = await SamSession.create(ort, exportedModel('vit_t'));
  }, 300000);

  afterAll(() => session?.dispose());

  itWithReference(
    'segments live, refines, commits with new ids as undo steps, clears, toggles',
    async () => {
      runtime = new CountingRuntime(session);
      const model = new ViewerModel();
      model.addImage(image, { name: 'nuclei' });
      const messages: string[] = [];
      const annotator = new SegmentAnnotator(model, async () => runtime, { message: text => messages.push(text) });
      annotator.start();
      expect(model.layers.map(l => l.name)).toEqual(['nuclei', COMMITTED_OBJECTS, CURRENT_OBJECT, BOX_PROMPTS, POINT_PROMPTS]);
      expect(model.activeLayer?.name).toBe(POINT_PROMPTS);
      const points = layer(model, POINT_PROMPTS, PointsLayer);
      const current = layer(model, CURRENT_OBJECT, LabelsLayer);
      const committed = layer(model, COMMITTED_OBJECTS, LabelsLayer);

      // One click: the mask the upstream predictor's rules give (best of three), live.
      const [r0, c0] = [centroids[0], centroids[1]];
      points.add([r0, c0]);
      await annotator.settled();
      const emb = await embedPlane(runtime, image, false);
      const one = await segmentPrompt(runtime, emb, { points: [[c0, r0]], labels: [1] });
      expect(Array.from(current.data.data as Uint32Array)).toEqual(Array.from(one.mask));
      expect(runtime.encodes).toBe(2); // the annotator's, and the reference's own
      expect(runtime.maskInputs[0]).toBeUndefined();

      // A negative point (T) refines: the previous mask's logits go in as mask_input.
      annotator.toggleLabel();
      expect(annotator.pointLabel).toBe('negative');
      points.add([r0 + 6, c0 + 6]);
      await annotator.settled();
      const refined = runtime.maskInputs[runtime.maskInputs.length - 1];
      expect(refined).toBeDefined();
      expect(Array.from(refined!)).toEqual(Array.from(one.lowRes));
      expect(points.properties.label).toEqual(['positive', 'negative']);
      expect(runtime.encodes).toBe(2); // the plane's embeddings were kept

      // Commit: id 1 where the current object was, as one undo step; prompts cleared.
      const before = Array.from(current.data.data as Uint32Array);
      expect(before.some(v => v)).toBe(true);
      expect(await annotator.commit()).toBe(1);
      expect(Array.from(committed.data.data as Uint32Array)).toEqual(before.map(v => (v ? 1 : 0)));
      expect(points.count).toBe(0);
      expect((current.data.data as Uint32Array).every(v => v === 0)).toBe(true);
      expect(model.history.undoLabel).toBe('Commit object');

      // A second object gets id 2; undo takes back only that commit.
      annotator.toggleLabel();
      points.add([centroids[2], centroids[3]]);
      await annotator.settled();
      expect(await annotator.commit()).toBe(2);
      const withTwo = Array.from(committed.data.data as Uint32Array);
      expect(withTwo.some(v => v === 2)).toBe(true);
      model.history.undo();
      expect((committed.data.data as Uint32Array).some(v => v === 2)).toBe(false);
      expect((committed.data.data as Uint32Array).some(v => v === 1)).toBe(true);

      // A box prompt segments too (single-mask output); clear removes it and the object.
      const boxes = layer(model, BOX_PROMPTS, ShapesLayer);
      boxes.setData([{ type: 'rectangle', vertices: [[r0 - 12, c0 - 12], [r0 - 12, c0 + 12], [r0 + 12, c0 + 12], [r0 + 12, c0 - 12]] }]);
      await annotator.settled();
      const boxed = await segmentPrompt(runtime, emb, { box: [c0 - 12, r0 - 12, c0 + 12, r0 + 12] });
      expect(Array.from(current.data.data as Uint32Array)).toEqual(Array.from(boxed.mask));
      annotator.clear();
      expect(boxes.count).toBe(0);
      expect((current.data.data as Uint32Array).every(v => v === 0)).toBe(true);

      // A point outside the image is refused with where it is; nothing is written.
      points.add([500, 10]);
      await annotator.settled();
      expect(messages[messages.length - 1]).toMatch(/^segmentation failed: point \(x 10\.0, y 500\.0\) is outside the 160 × 160 image$/);
      expect((current.data.data as Uint32Array).every(v => v === 0)).toBe(true);

      annotator.clear();
      annotator.dispose();
    },
    300000
  );

  itWithReference(
    'tiled planes: the prompt goes to its tile, the mask comes back at the plane size; a 1 × 1 image works',
    async () => {
      const model = new ViewerModel();
      model.addImage(image, { name: 'nuclei' });
      const annotator = new SegmentAnnotator(model, async () => runtime, {}, { tiling: { tileShape: [80, 80], halo: [24, 24] } });
      const img = model.layers[0] as ImageLayer;
      // A point just right of the first inner-tile border: tile (0, 1), whose outer block starts at column 56.
      const plane = annotator.planeOf(img);
      const result = await annotator.segmentOn(img, plane, { points: [[84, 20]], labels: [1] });
      expect(result.tileId).toBe(1);
      expect(result.shape).toEqual([160, 160]);
      const crop = new Uint16Array(104 * 104);
      for (let r = 0; r < 104; r++) for (let c = 0; c < 104; c++) crop[r * 104 + c] = image.data[r * 160 + 56 + c];
      // The tile is converted with the whole plane's intensity range, so compare with that embedding.
      let [lo, hi] = [Infinity, -Infinity];
      for (const v of image.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      const prepared = prepareImage(toRgb8({ dtype: 'uint16', shape: [104, 104], data: crop }, false, [lo, hi]), 104, 104);
      const emb = { embeddings: await runtime.encode(prepared.tensor), inputSize: prepared.inputSize, originalSize: [104, 104] as [number, number] };
      const local = await segmentPrompt(runtime, emb, { points: [[84 - 56, 20]], labels: [1] });
      const expected = new Uint8Array(160 * 160);
      for (let r = 0; r < 104; r++) for (let c = 0; c < 104; c++) expected[r * 160 + 56 + c] = local.mask[r * 104 + c];
      expect(Array.from(result.mask)).toEqual(Array.from(expected));

      const tiny = new ViewerModel();
      tiny.addImage({ dtype: 'uint8', shape: [1, 1], data: Uint8Array.of(7) }, { name: 'dot' });
      const one = new SegmentAnnotator(tiny, async () => runtime);
      const dot = tiny.layers[0] as ImageLayer;
      const r1 = await one.segmentOn(dot, one.planeOf(dot), { points: [[0, 0]], labels: [1] });
      expect(r1.shape).toEqual([1, 1]);
      expect(r1.mask.length).toBe(1);
    },
    300000
  );

  itWithReference('refuses a viewer without an image', () => {
    const model = new ViewerModel();
    const annotator = new SegmentAnnotator(model, async () => runtime);
    expect(() => annotator.start()).toThrow(/^open an image first/);
  });
});
