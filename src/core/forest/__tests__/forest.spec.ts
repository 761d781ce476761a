// The forest's contract without a reference: determinism by seed, splits at float thresholds
// that prediction on unbinned values follows, clear refusals of unusable training sets.
import { binFeatures, binOf } from '../binning';
import { trainForest, TrainingSet } from '../forest';
import { argmaxClasses, predictProba } from '../predict';
import { accumulateCodes, compileForest, encodeFeatures } from '../compiled';

/** Two Gaussian blobs in 3 features (feature-major), class = which blob. */
function blobs(n: number, seed = 1): TrainingSet {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const x = new Float32Array(3 * n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let f = 0; f < 3; f++) x[f * n + i] = (y[i] ? 2 : 0) + (rand() + rand() + rand() - 1.5);
  }
  return { x, y, nSamples: n, nFeatures: 3, nClasses: 2 };
}

describe('random forest', () => {
  it('is reproducible from its seed and predicts its training blobs', () => {
    const set = blobs(400);
    const a = trainForest(set, { nTrees: 10, seed: 3 });
    const b = trainForest(set, { nTrees: 10, seed: 3 });
    const c = trainForest(set, { nTrees: 10, seed: 4 });
    expect(Array.from(a.trees[0].threshold)).toEqual(Array.from(b.trees[0].threshold));
    expect(Array.from(a.trees[0].threshold)).not.toEqual(Array.from(c.trees[0].threshold));
    const pred = argmaxClasses(predictProba(a.trees, set.x, set.nSamples), 2, set.nSamples);
    const right = pred.reduce((acc, p, i) => acc + (p === set.y[i] ? 1 : 0), 0);
    expect(right / set.nSamples).toBeGreaterThan(0.97); // fully grown trees, bagged
    expect(a.oobAccuracy).toBeGreaterThan(0.85);
    expect(a.oobAccuracy).toBeLessThan(1);
  });

  it('places thresholds between training values, so binned and unbinned splits agree', () => {
    const x = Float32Array.from([0, 1, 1, 2, 5, 5, 7]);
    const b = binFeatures(x, 7, 1);
    expect(Array.from(b.thresholds[0])).toEqual([0.5, 1.5, 3.5, 6]);
    expect(Array.from(b.codes)).toEqual([0, 1, 1, 2, 3, 3, 4]);
    for (let i = 0; i < 7; i++) expect(binOf(b.thresholds[0], x[i])).toBe(b.codes[i]);
  });

  it('probabilities sum to 1 and a class with one pixel still trains', () => {
    const set = blobs(101);
    set.y.fill(0);
    set.y[50] = 1;
    const forest = trainForest(set, { nTrees: 5, seed: 0 });
    const p = predictProba(forest.trees, set.x, set.nSamples);
    for (let i = 0; i < set.nSamples; i++) expect(p[i] + p[set.nSamples + i]).toBeCloseTo(1, 5);
  });

  it('refuses no samples, a single class, NaN features and labels beyond the classes', () => {
    const set = blobs(20);
    expect(() => trainForest({ ...set, x: new Float32Array(0), y: new Uint8Array(0), nSamples: 0 })).toThrow(/no training samples: scribble at least two classes/);
    expect(() => trainForest({ ...set, y: new Uint8Array(20) })).toThrow(/only one class has samples \(class 0\)/);
    const nan = { ...set, x: set.x.slice() };
    nan.x[25] = NaN;
    expect(() => trainForest(nan)).toThrow(/feature 1 of sample 5 is NaN/);
    expect(() => trainForest({ ...set, y: set.y.map(v => v + 1) })).toThrow(/label 2 is not a class/);
  });
});

describe('compiled forest', () => {
  it('gives the probabilities of the tree-by-tree prediction', () => {
    const set = blobs(500, 7);
    const forest = trainForest(set, { nTrees: 8, seed: 2 });
    const compiled = compileForest(forest.trees, forest.thresholds);
    const test = blobs(300, 9);
    const sums = new Float32Array(2 * 300);
    accumulateCodes(compiled, encodeFeatures(compiled, test.x, 300), 300, sums);
    const half = new Float32Array(2 * 100);
    accumulateCodes(compiled, encodeFeatures(compiled, test.x, 300, 200, 300), 100, half);
    for (let i = 0; i < 100; i++) expect(half[i]).toBe(sums[200 + i]);
    const expected = predictProba(forest.trees, test.x, 300);
    for (let i = 0; i < sums.length; i++) expect(sums[i] / 8).toBeCloseTo(expected[i], 6);
  });
});

describe('feature coding', () => {
  it('codes every value as binOf does, including ties, extremes and uneven thresholds', () => {
    const thresholds = [Float32Array.from([-1e6, -3, -2.5, 0, 1e-7, 2e-7, 1, 1000]), new Float32Array(0), Float32Array.from([5])];
    const values = [-1e7, -1e6, -3.0000001, -3, -2.75, -2.5, -1, 0, 1e-8, 1e-7, 1.5e-7, 2e-7, 0.5, 1, 999, 1000, 1001, 5, 4.9, Infinity, -Infinity];
    const n = values.length;
    const x = new Float32Array(3 * n);
    for (let f = 0; f < 3; f++) for (let i = 0; i < n; i++) x[f * n + i] = values[i];
    const fake = { thresholds, nFeatures: 3 } as unknown as Parameters<typeof encodeFeatures>[0];
    const codes = encodeFeatures(fake, x, n);
    for (let f = 0; f < 3; f++) for (let i = 0; i < n; i++) expect([f, values[i], codes[i * 3 + f]]).toEqual([f, values[i], binOf(thresholds[f], x[f * n + i])]);
  });
});
