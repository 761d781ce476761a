// Pixel classification with model features: the session takes a SAM-family encoder's
// embedding of the plane (here the bundled seglab-nucleus-prompter's, computed by the kernel's
// seglab.compute_embeddings with the browser's exact pre-processing), upsamples its varying
// channels to the pixels and trains on them with or without the filters. The exported
// classifier names the model and its channels; seglab.apply_pixel_classifier given the same
// embedding predicts what the browser predicted (numpy and Dask), and refuses without it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PixelWorkerHost } from '../../../compute/pixel/engine';
import { ViewerModel } from '../../../viewer/model/viewerModel';
import { LabelsLayer } from '../../../viewer/model/labelsLayer';
import { haveReference, runPython } from '../../../viewer/model/__tests__/pythonReference';
import { foregroundF1, SCRIBBLES as SCRIBBLE_SCRIPT } from '../../../core/forest/__tests__/scribbles';
import { ModelFeatureSource, PixelSession, SCRIBBLES, SEGMENTATION } from '../pixelSession';

function load() {
  const { meta, bytes } = runPython<{ shape: [number, number]; input_size: [number, number]; sha: string; id: string }>(SCRIBBLE_SCRIPT + `
import seglab
from seglab.models import bundled_prompter
emb = seglab.compute_embeddings(tifffile.imread(os.path.join(root, "nuclei2d/image.tif")), bundled_prompter(), progress=False)
a = emb["attrs"]
sys.stdout.write(json.dumps({"shape": [h, w], "input_size": a["input_size"], "sha": a["model_sha256"], "id": a["model_id"]}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(tifffile.imread(os.path.join(root, "nuclei2d/image.tif")).astype(np.uint16).tobytes() + (lab > 0).astype(np.uint8).tobytes() + scrib.tobytes() + emb["features"][0].tobytes())`, { seed: 0 });
  const [h, w] = meta.shape;
  const n = h * w;
  const embStart = 4 * n;
  return {
    ...meta,
    h,
    w,
    image: new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 2 * n)),
    truth: bytes.slice(2 * n, 3 * n),
    scribbles: bytes.slice(3 * n, 4 * n),
    embedding: new Float32Array(bytes.buffer.slice(bytes.byteOffset + embStart, bytes.byteOffset + bytes.byteLength))
  };
}

const APPLY = `
import seglab, tifffile, dask.array as da
from seglab.models import bundled_prompter
img = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d/image.tif"))
emb = seglab.compute_embeddings(img, bundled_prompter(), progress=False)
clf = seglab.load_pixel_classifier(request["classifier"])
p_np = seglab.apply_pixel_classifier(img, clf, embeddings=emb)
p_da = seglab.apply_pixel_classifier(da.from_array(img, chunks=128), clf, embeddings=emb).compute(scheduler="threads")
try:
    seglab.apply_pixel_classifier(img, clf)
    refusal = None
except ValueError as e:
    refusal = str(e)
sys.stdout.write(json.dumps({"dask_equal": bool(np.array_equal(p_np, p_da)), "refusal": refusal, "repr": repr(clf)}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(p_np.astype(np.float32).tobytes())
`;

const maybe = haveReference ? describe : describe.skip;

maybe('pixel classification with model features', () => {
  const data = load();
  let model: ViewerModel;
  let session: PixelSession;
  let embedded = 0;

  beforeEach(() => {
    model = new ViewerModel();
    model.addImage({ dtype: 'uint16', shape: [data.h, data.w], data: data.image }, { name: 'nuclei' });
    session = new PixelSession(model, [new PixelWorkerHost(), new PixelWorkerHost()]);
    const source: ModelFeatureSource = {
      model: () => ({ id: data.id, sha256: data.sha }),
      embedding: async () => {
        embedded++;
        return { embeddings: data.embedding, inputSize: data.input_size, originalSize: [data.h, data.w] };
      }
    };
    session.modelFeatureSource = source;
    session.live = false;
    session.start();
    const scribbles = model.layers.find(l => l.name === SCRIBBLES) as LabelsLayer;
    scribbles.writeRegion([0, 0], { dtype: 'uint8', shape: [data.h, data.w], data: data.scribbles });
  });
  afterEach(() => session.dispose());

  const f1 = () => foregroundF1((model.layers.find(l => l.name === SEGMENTATION) as LabelsLayer).data.data as Uint8Array, 2, data.truth);

  it('trains on the embedding alone and with the filters; the kernel applies the classifier alike', async () => {
    const filters = await session.train();
    const filtersF1 = f1();
    session.setModelFeatures(true);
    const both = await session.train();
    const bothF1 = f1();
    const bothProbabilities = session.probabilities!.slice();
    // The prompter's embedding has 2 maps (foreground, contact) x 16 sub-cells that vary; 224 zero channels are left out.
    const nModel = both!.featureNames.filter(n => n.includes('embedding')).length;
    expect(nModel).toBe(32);
    expect(both!.featureNames.length).toBe(filters!.featureNames.length + nModel);
    const doc = session.exportClassifier();
    expect(doc.embedding).toEqual(expect.objectContaining({ model_id: data.id, model_sha256: data.sha, grid: 64, frame: 1024 }));
    session.setFeatures([]);
    const alone = await session.train();
    const aloneF1 = f1();
    expect(alone!.featureNames.length).toBe(nModel);
    expect(() => session.setModelFeatures(false)).toThrow(/select a filter first/);
    // eslint-disable-next-line no-console
    console.log(`F1 filters ${filtersF1.toFixed(4)}, filters + ${data.id} embedding ${bothF1.toFixed(4)}, embedding alone ${aloneF1.toFixed(4)} (embedded ${embedded}×)`);
    expect(filtersF1).toBeGreaterThanOrEqual(0.85);
    expect(bothF1).toBeGreaterThanOrEqual(0.85);
    expect(aloneF1).toBeGreaterThanOrEqual(0.8);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-clf-')), 'classifier.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const out = runPython<{ dask_equal: boolean; refusal: string | null; repr: string }>(APPLY, { classifier: file });
    expect(out.meta.dask_equal).toBe(true);
    expect(out.meta.refusal).toMatch(/uses the image embedding of seglab-nucleus-prompter: pass embeddings=/);
    expect(out.meta.repr).toMatch(/with seglab-nucleus-prompter embedding/);
    // The classifier exported after the "both" run: compare with the probabilities of that run.
    const n = data.h * data.w;
    const theirs = new Float32Array(out.bytes.buffer.slice(out.bytes.byteOffset, out.bytes.byteOffset + 2 * n * 4));
    let same = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (theirs[n + i] > theirs[i] === bothProbabilities[n + i] > bothProbabilities[i]) same++;
      worst = Math.max(worst, Math.abs(theirs[i] - bothProbabilities[i]));
    }
    // eslint-disable-next-line no-console
    console.log(`kernel vs browser with model features: ${same} / ${n} classes equal, worst probability difference ${worst}`);
    expect(same / n).toBeGreaterThanOrEqual(0.999);
  }, 240000);
});
