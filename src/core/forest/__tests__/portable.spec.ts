// The classifier trained here (the browser's code), exported as the portable JSON document
// and applied in Python by seglab.apply_pixel_classifier, to numpy and to Dask arrays (chunks
// of 128², also on a dask.distributed cluster): the predicted classes agree on >= 99.9 % of
// nuclei2d's pixels (measured: all of them), and the probabilities to float32 rounding.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { computeBlockFeatures, wholeImage } from '../../features/blockFeatures';
import { FeatureSpec, FILTERS } from '../../features/featureSet';
import { haveReference, runPython } from '../../../viewer/model/__tests__/pythonReference';
import { trainForest } from '../forest';
import { fromBase64, toBase64, toPortable, treesFromPortable } from '../portable';
import { argmaxClasses, predictProba } from '../predict';
import { SCRIBBLES } from './scribbles';

const APPLY = `
import seglab, dask.array as da
clf = seglab.load_pixel_classifier(request["classifier"])
img = tifffile.imread(os.path.join(os.environ["SEGLAB_DATA"], "nuclei2d/image.tif"))
p_np = seglab.apply_pixel_classifier(img, clf)
lazy = seglab.apply_pixel_classifier(da.from_array(img, chunks=128), request["classifier"])
p_da = lazy.compute(scheduler="threads")
from distributed import Client, LocalCluster
with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster):
    seg = seglab.apply_pixel_classifier(da.from_array(img, chunks=200), clf, output="segmentation").compute()
sys.stdout.write(json.dumps({"n": int(img.size), "dask_equal": bool(np.array_equal(p_np, p_da)), "chunks": len(lazy.chunks[1]) * len(lazy.chunks[2])}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(p_np.astype(np.float32).tobytes() + seg.astype(np.uint8).tobytes())
`;

const maybe = haveReference ? describe : describe.skip;

describe('portable classifier document', () => {
  it('round-trips typed arrays through base64, any length', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 17]) {
      const a = Float32Array.from({ length: n }, (_, i) => i * 1.5 - 3);
      expect(Array.from(new Float32Array(fromBase64(toBase64(a))))).toEqual(Array.from(a));
    }
    expect(toBase64(Uint8Array.from([77, 97, 110]))).toBe('TWFu');
    expect(() => fromBase64('ab$c')).toThrow(/expected base64/);
  });
});

maybe('the kernel applies the browser’s classifier', () => {
  it('agrees with the browser on nuclei2d, with numpy, Dask and dask.distributed', () => {
    const { meta, bytes } = runPython<{ n: number; shape: [number, number] }>(SCRIBBLES + `
sys.stdout.write(json.dumps({"n": int((scrib > 0).sum()), "shape": [h, w]}) + "\\n"); sys.stdout.flush()
where = np.flatnonzero(scrib.ravel())
sys.stdout.buffer.write(img.tobytes() + where.astype(np.int32).tobytes() + (scrib.ravel()[where] - 1).astype(np.uint8).tobytes())`, { seed: 0 });
    const [h, w] = meta.shape;
    const size = h * w;
    const image = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size * 4));
    const where = new Int32Array(bytes.buffer.slice(bytes.byteOffset + size * 4, bytes.byteOffset + size * 4 + meta.n * 4));
    const y = bytes.slice(size * 4 + meta.n * 4);
    const specs: FeatureSpec[] = [0.7, 1.6, 3.5, 5.0].flatMap(sigma => FILTERS.map(filter => ({ filter, sigma })));
    const features = computeBlockFeatures({ data: image, shape: [h, w] }, wholeImage([h, w]), specs);
    const nf = features.names.length;
    const x = new Float32Array(nf * meta.n);
    for (let f = 0; f < nf; f++) for (let k = 0; k < meta.n; k++) x[f * meta.n + k] = features.data[f * size + where[k]];
    const forest = trainForest({ x, y, nSamples: meta.n, nFeatures: nf, nClasses: 2 }, { nTrees: 30, seed: 1 });
    const doc = toPortable(forest, {
      features: specs,
      featureNames: features.names,
      ndim: 2,
      channels: 1,
      spacing: [1, 1],
      classes: [
        { name: 'background', color: '#1f77b4' },
        { name: 'nuclei <b>', color: '#d62728' }
      ]
    });
    // The document alone predicts what the forest predicts.
    const ours = predictProba(forest.trees, features.data, size);
    expect(Array.from(predictProba(treesFromPortable(doc), features.data, size))).toEqual(Array.from(ours));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'seglab-clf-')), 'classifier.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const out = runPython<{ n: number; dask_equal: boolean; chunks: number }>('import tifffile\n' + APPLY, { classifier: file });
    expect(out.meta.dask_equal).toBe(true);
    expect(out.meta.chunks).toBe(16);
    const theirs = new Float32Array(out.bytes.buffer.slice(out.bytes.byteOffset, out.bytes.byteOffset + 2 * size * 4));
    const seg = out.bytes.subarray(2 * size * 4);
    const mine = argmaxClasses(ours, 2, size);
    let same = 0;
    let segSame = 0;
    let worst = 0;
    for (let i = 0; i < size; i++) {
      if ((theirs[size + i] > theirs[i] ? 1 : 0) === mine[i]) same++;
      if (seg[i] === mine[i] + 1) segSame++;
      worst = Math.max(worst, Math.abs(theirs[i] - ours[i]));
    }
    // eslint-disable-next-line no-console
    console.log(`kernel vs browser: ${same} / ${size} classes equal (distributed: ${segSame}); worst probability difference ${worst}`);
    expect(same / size).toBeGreaterThanOrEqual(0.999);
    expect(segSame / size).toBeGreaterThanOrEqual(0.999);
    expect(worst).toBeLessThan(1e-5);
  }, 240000);
});
