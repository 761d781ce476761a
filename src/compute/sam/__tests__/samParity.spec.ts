// The whole SegLab SAM pipeline in Node (src/core/sam pre/post-processing + onnxruntime-web's
// WASM backend on the files `python -m seglab.models export` wrote) against, in the same test,
// the upstream PyTorch SamPredictor with the same seeded weights and onnxruntime in Python on
// the same files: 20 point prompts and 20 box prompts on nuclei2d (issue 5, item 4), for
// MobileSAM (vit_t) and SAM ViT-B.
import * as ort from 'onnxruntime-web';
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import { prepareImage, promptArrays, toRgb8 } from '../../../core/sam/transforms';
import { SamSession } from '../samSession';
import { exportedModel } from './exportedModel';

ort.env.wasm.numThreads = 1; // Node without cross-origin isolation: the single-threaded build

// Upstream predictor and onnxruntime (Python) on the same prompts; SegLab's rgb8 rule.
const REFERENCE = `
import tifffile, torch, onnxruntime
from skimage.measure import regionprops
from segment_anything import SamPredictor as UpstreamPredictor
from seglab.models import cached_export
from seglab.models._export import build_model
img = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif")).astype(np.float64)
lo, hi = img.min(), img.max()
rgb8 = np.repeat(np.floor(255 * (img - lo) / (hi - lo) + 0.5).astype(np.uint8)[..., None], 3, axis=2)
truth = tifffile.imread(os.path.join(DATA, "nuclei2d", "labels.tif"))
props = [p for p in regionprops(truth) if p.area >= 30]
pick = np.random.default_rng(0).choice(len(props), 20, replace=False)
points = np.array([[props[i].centroid[1], props[i].centroid[0]] for i in pick])  # (x, y)
boxes = np.array([[props[i].bbox[1], props[i].bbox[0], props[i].bbox[3], props[i].bbox[2]] for i in pick], float)
arch = arg["arch"]
if arch == "vit_t":
    from mobile_sam import SamPredictor as UpstreamPredictor
predictor = UpstreamPredictor(build_model(arch, seed=0).eval())
with torch.no_grad():
    predictor.set_image(rgb8)
folder = cached_export(arch, seed=0)
decoder = onnxruntime.InferenceSession(os.path.join(folder, "decoder.onnx"), providers=["CPUExecutionProvider"])
emb = predictor.features.numpy()
def ort_decode(coords, labels):
    feeds = {"image_embeddings": emb, "point_coords": coords[None].astype(np.float32), "point_labels": labels[None].astype(np.float32),
             "mask_input": np.zeros((1, 1, 256, 256), np.float32), "has_mask_input": np.zeros(1, np.float32)}
    names = [i.name for i in decoder.get_inputs()]
    if "orig_im_size" in names:
        feeds["orig_im_size"] = np.array([1024, 1024], np.float32)
    iou, low = decoder.run(["iou_predictions", "low_res_masks"], feeds)
    return iou[0], low[0]
low_p, iou_p, low_o, iou_o = [], [], [], []
with torch.no_grad():
    for i in range(20):  # one positive point: the three multimask outputs
        _, iou, low = predictor.predict(point_coords=points[i:i + 1], point_labels=np.array([1]), multimask_output=True, return_logits=True)
        low_p.append(low); iou_p.append(iou)
        c = predictor.transform.apply_coords(points[i:i + 1], predictor.original_size)
        oi, ol = ort_decode(np.concatenate([c, [[0, 0]]]), np.array([1, -1]))
        low_o.append(ol[1:]); iou_o.append(oi[1:])
    for i in range(20):  # a box: the single-mask output
        _, iou, low = predictor.predict(box=boxes[i], multimask_output=False, return_logits=True)
        low_p.append(low); iou_p.append(iou)
        c = predictor.transform.apply_boxes(boxes[i][None], predictor.original_size).reshape(2, 2)
        oi, ol = ort_decode(c, np.array([2, 3]))
        low_o.append(ol[:1]); iou_o.append(oi[:1])
emit("image", img.astype(np.uint16)); emit("points", points); emit("boxes", boxes)
emit("embeddings", emb[0])
emit("upstream_low", np.concatenate(low_p)); emit("upstream_iou", np.concatenate(iou_p))
emit("ort_low", np.concatenate(low_o)); emit("ort_iou", np.concatenate(iou_o))
`;

const PLANE = 256 * 256;

function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

function maskIoU(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] > 0;
    const y = b[i] > 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

for (const arch of ['vit_t', 'vit_b']) {
  describe(`SegLab's SAM pipeline in Node = upstream SamPredictor (${arch}, seeded weights)`, () => {
    itWithReference(
      '20 points and 20 boxes on nuclei2d: low-res logits and IoU within 1e-3, masks IoU >= 0.98 (upstream) and >= 0.995 (onnxruntime)',
      async () => {
        const ref = runReference(REFERENCE, { arch });
        const session = await SamSession.create(ort, exportedModel(arch), ['wasm']);
        try {
          const image = ref.image;
          const original: [number, number] = [image.shape[0], image.shape[1]];
          const prepared = prepareImage(toRgb8(image, false), original[0], original[1]);
          const embeddings = await session.encode(prepared.tensor);
          const refEmb = ref.embeddings.data as Float32Array;
          expect(relativeL2(embeddings, refEmb)).toBeLessThan(1e-4);
          const points = ref.points.data as Float64Array;
          const boxes = ref.boxes.data as Float64Array;
          const upstreamLow = ref.upstream_low.data as Float32Array;
          const upstreamIou = ref.upstream_iou.data as Float32Array;
          const ortLow = ref.ort_low.data as Float32Array;
          let plane = 0;
          const worst = { logits: 0, iou: 0, maskUpstream: 1, maskOrt: 1 };
          const ours: number[] = [];
          for (let i = 0; i < 40; i++) {
            const prompt =
              i < 20
                ? { points: [[points[i * 2], points[i * 2 + 1]] as [number, number]], labels: [1 as const] }
                : { box: Array.from(boxes.subarray((i - 20) * 4, (i - 20) * 4 + 4)) as [number, number, number, number] };
            const { coords, labels } = promptArrays(prompt, original);
            const out = await session.decode(embeddings, coords, labels);
            const planes = i < 20 ? [1, 2, 3] : [0]; // multimask for a point, single mask for a box
            for (const k of planes) {
              const mine = out.lowRes.subarray(k * PLANE, (k + 1) * PLANE);
              const theirs = upstreamLow.subarray(plane * PLANE, (plane + 1) * PLANE);
              worst.logits = Math.max(worst.logits, relativeL2(mine, theirs));
              worst.maskUpstream = Math.min(worst.maskUpstream, maskIoU(mine, theirs));
              worst.maskOrt = Math.min(worst.maskOrt, maskIoU(mine, ortLow.subarray(plane * PLANE, (plane + 1) * PLANE)));
              ours.push(out.iou[k]);
              plane++;
            }
          }
          worst.iou = relativeL2(ours, upstreamIou);
          console.log(`${arch}: worst relative L2 of logits ${worst.logits.toExponential(2)}, of IoU predictions ${worst.iou.toExponential(2)}; worst mask IoU vs upstream ${worst.maskUpstream.toFixed(4)}, vs onnxruntime ${worst.maskOrt.toFixed(4)}`);
          expect(worst.logits).toBeLessThan(1e-3);
          expect(worst.iou).toBeLessThan(1e-3);
          expect(worst.maskUpstream).toBeGreaterThanOrEqual(0.98);
          expect(worst.maskOrt).toBeGreaterThanOrEqual(0.995);
        } finally {
          await session.dispose();
        }
      },
      900000
    );
  });
}
