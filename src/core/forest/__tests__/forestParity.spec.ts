// The random forest (src/core/forest) against scikit-learn's RandomForestClassifier on the
// same features and samples: nuclei2d, ilastik's filters at 6 scales (48 features, ours; the
// reference computes them with scipy, equal to 2e-5), scribbles derived from the ground truth
// with a fixed seed (a cross through 20 nuclei and 30 strokes in the background). Foreground F1 on
// every pixel against the ground truth: ours within 1 point of scikit-learn's (100 trees),
// averaged over forest seeds and scribble draws (DRAWS says why).
import { computeBlockFeatures, wholeImage } from '../../features/blockFeatures';
import { FeatureSpec, FILTERS } from '../../features/featureSet';
import { haveReference, runPython } from '../../../viewer/model/__tests__/pythonReference';
import { argmaxClasses, predictProba } from '../predict';
import { trainForest } from '../forest';
import { foregroundF1, SCRIBBLES } from './scribbles';


const REFERENCE = SCRIBBLES + `
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score
def feats(img, scales):
    out = []
    for s in scales:
        g = lambda o: ndi.gaussian_filter(img, s, order=o, mode="mirror", truncate=3.5)
        out.append(g(0))
        out.append(ndi.gaussian_laplace(img, s, mode="mirror", truncate=3.5))
        out.append(ndi.gaussian_gradient_magnitude(img, s, mode="mirror", truncate=3.5))
        out.append(g(0) - ndi.gaussian_filter(img, 0.66 * s, mode="mirror", truncate=3.5))
        gy, gx = g((1, 0)), g((0, 1))
        sm = lambda a: ndi.gaussian_filter(a, 0.5 * s, mode="mirror", truncate=3.5)
        t = np.stack([np.stack([sm(gy * gy), sm(gy * gx)], -1), np.stack([sm(gy * gx), sm(gx * gx)], -1)], -2)
        e = np.linalg.eigvalsh(t)[..., ::-1]; out += [e[..., 0], e[..., 1]]
        hh = np.stack([np.stack([g((2, 0)), g((1, 1))], -1), np.stack([g((1, 1)), g((0, 2))], -1)], -2)
        e = np.linalg.eigvalsh(hh)[..., ::-1]; out += [e[..., 0], e[..., 1]]
    return np.stack(out).astype(np.float32)
order = ["gaussian", "laplacian", "gradientMagnitude", "differenceOfGaussians", "structureTensor", "hessian"]
f = feats(img, request["scales"]).reshape(-1, h * w)
where = np.flatnonzero(scrib.ravel())
y = scrib.ravel()[where] - 1
f1s, oobs = [], []
for seed in range(request["seeds"]):
    rf = RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=2, oob_score=True).fit(f[:, where].T, y)
    f1s.append(f1_score((lab > 0).ravel(), rf.predict(f.T) == 1))
    oobs.append(rf.oob_score_)
sys.stdout.write(json.dumps({"f1": f1s, "oob": oobs, "n": int(len(where)), "shape": [h, w]}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(img.tobytes() + (lab > 0).astype(np.uint8).tobytes() + where.astype(np.int32).tobytes() + y.astype(np.uint8).tobytes())
`;

const SCALES = [0.7, 1.0, 1.6, 3.5, 5.0, 10.0];
/** Forests per side and draw: one forest's F1 varies with its seed by about a point. */
const SEEDS = 3;
/**
 * Scribble draws: on one draw the two forests' F1 differ by up to 2 points either way (ours
 * cuts at global quantiles, scikit-learn at node-local midpoints; measured +1.7, -0.4, +0.7
 * points on draws 0-2), so each draw may not be more than a point worse and the mean gap
 * over draws is within a point.
 */
const DRAWS = 3;


const maybe = haveReference ? describe : describe.skip;

interface Draw {
  ours: number[];
  sklearn: number[];
  oursOob: number[];
  sklearnOob: number[];
  importances: Float64Array;
  n: number;
}

/** One scribble draw: F1 and OOB accuracy of SEEDS forests each side. */
function compareOnDraw(draw: number): Draw {
  const { meta, bytes } = runPython<{ f1: number[]; oob: number[]; n: number; shape: [number, number] }>(REFERENCE, { seed: draw, scales: SCALES, seeds: SEEDS });
  const [h, w] = meta.shape;
  const size = h * w;
  let o = 0;
  const image = new Float32Array(bytes.buffer, bytes.byteOffset, size);
  o += size * 4;
  const truth = bytes.subarray(o, o + size);
  o += size;
  const where = new Int32Array(bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + meta.n * 4));
  o += meta.n * 4;
  const y = bytes.slice(o, o + meta.n);
  const specs: FeatureSpec[] = SCALES.flatMap(sigma => FILTERS.map(filter => ({ filter, sigma })));
  const features = computeBlockFeatures({ data: image, shape: [h, w] }, wholeImage([h, w]), specs);
  const nFeatures = features.names.length;
  expect(nFeatures).toBe(48);
  const x = new Float32Array(nFeatures * meta.n);
  for (let f = 0; f < nFeatures; f++) for (let k = 0; k < meta.n; k++) x[f * meta.n + k] = features.data[f * size + where[k]];
  const out: Draw = { ours: [], sklearn: meta.f1, oursOob: [], sklearnOob: meta.oob, importances: new Float64Array(0), n: meta.n };
  for (let seed = 0; seed < SEEDS; seed++) {
    const forest = trainForest({ x, y, nSamples: meta.n, nFeatures, nClasses: 2 }, { nTrees: 100, seed });
    out.ours.push(foregroundF1(argmaxClasses(predictProba(forest.trees, features.data, size), 2, size), 1, truth));
    out.oursOob.push(forest.oobAccuracy);
    out.importances = forest.importances;
  }
  return out;
}

const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;

maybe('random forest vs scikit-learn', () => {
  it('reaches scikit-learn’s foreground F1 (±1 point) on nuclei2d scribbles', () => {
    const gaps: number[] = [];
    for (let draw = 0; draw < DRAWS; draw++) {
      const d = compareOnDraw(draw);
      const gap = mean(d.ours) - mean(d.sklearn);
      gaps.push(gap);
      // eslint-disable-next-line no-console
      console.log(`draw ${draw} (${d.n} samples): F1 ${mean(d.ours).toFixed(4)} vs scikit-learn ${mean(d.sklearn).toFixed(4)}; OOB ${mean(d.oursOob).toFixed(4)} vs ${mean(d.sklearnOob).toFixed(4)}`);
      expect(gap).toBeGreaterThanOrEqual(-0.01); // never more than a point worse
      expect(Math.abs(mean(d.oursOob) - mean(d.sklearnOob))).toBeLessThanOrEqual(0.01);
      expect(d.importances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    expect(Math.abs(mean(gaps))).toBeLessThanOrEqual(0.01);
  }, 300000);
});
