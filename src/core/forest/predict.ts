/**
 * Applying trees to unbinned features: class probabilities as scikit-learn's predict_proba
 * gives them (each tree's leaf class fractions, averaged), a sample going left when its value
 * is <= the split's threshold. Tree by tree over all pixels, so one tree's nodes stay in cache.
 */

import type { Tree } from './tree';

/**
 * Adds the leaf fractions of `trees` for every sample to `sums` ((nClasses × n), class-major,
 * as probability layers are stored). `x` is feature-major (nFeatures × n).
 */
export function accumulateTrees(trees: readonly Tree[], x: Float32Array, n: number, sums: Float32Array): void {
  for (const tree of trees) {
    const { feature, threshold, left, right, value, nClasses } = tree;
    if (sums.length !== nClasses * n) throw new RangeError(`expected ${nClasses} × ${n} sums, got ${sums.length}`);
    for (let i = 0; i < n; i++) {
      let node = 0;
      let f = feature[0];
      while (f >= 0) {
        node = x[f * n + i] <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      const v = node * nClasses;
      for (let c = 0; c < nClasses; c++) sums[c * n + i] += value[v + c];
    }
  }
}

/** Probabilities (nClasses × n) of the whole forest. */
export function predictProba(trees: readonly Tree[], x: Float32Array, n: number): Float32Array {
  if (trees.length === 0) throw new RangeError('the forest has no trees');
  const nClasses = trees[0].nClasses;
  const sums = new Float32Array(nClasses * n);
  accumulateTrees(trees, x, n, sums);
  const inv = 1 / trees.length;
  for (let i = 0; i < sums.length; i++) sums[i] *= inv;
  return sums;
}

/** The most probable class per sample (ties to the lower class, as numpy's argmax). */
export function argmaxClasses(proba: Float32Array, nClasses: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (proba[c * n + i] > proba[best * n + i]) best = c;
    out[i] = best;
  }
  return out;
}
