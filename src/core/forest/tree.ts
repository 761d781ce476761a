/**
 * One classification tree as scikit-learn's RandomForestClassifier grows it (criterion gini,
 * max_features sqrt, bootstrap, fully grown by default), on binned features (./binning.ts):
 * at each node, `maxFeatures` features drawn at random (more while the drawn ones are constant
 * on the node, as scikit-learn does), the split minimising the weighted Gini impurity of the
 * children, found from per-bin class counts. Bootstrap counts are sample weights, as in
 * scikit-learn. Leaves hold class fractions (by weight), which the forest averages.
 *
 * A split sends a sample left when its (unbinned) value is <= the split's float32 threshold.
 */

import type { Binned } from './binning';
import { Random } from './random';

export interface Tree {
  /** Per node: the split feature, or -1 for a leaf. */
  feature: Int32Array;
  threshold: Float32Array;
  /** The split in bin codes (training data only): left when code <= bin. */
  bin: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** (nNodes × nClasses) class fractions; meaningful at leaves. */
  value: Float32Array;
  nClasses: number;
}

export interface TreeOptions {
  maxFeatures: number;
  minSamplesLeaf: number;
  maxDepth: number;
}

export interface GrownTree {
  tree: Tree;
  /** Weighted impurity decrease per feature (scikit-learn's unnormalised importances). */
  importance: Float64Array;
}

export function growTree(data: Binned, y: Uint8Array, nClasses: number, weights: Uint16Array, random: Random, options: TreeOptions): GrownTree {
  const { codes, nFeatures, thresholds } = data;
  const inBag: number[] = [];
  for (let i = 0; i < weights.length; i++) if (weights[i] > 0) inBag.push(i);
  const idx = Int32Array.from(inBag);
  const capacity = 2 * idx.length + 1;
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float32Array(capacity);
  const bin = new Uint8Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const value = new Float32Array(capacity * nClasses);
  const importance = new Float64Array(nFeatures);
  const hist = new Float64Array(256 * nClasses);
  const counts = new Float64Array(nClasses);
  const leftCounts = new Float64Array(nClasses);
  const order = Int32Array.from({ length: nFeatures }, (_, f) => f);
  let nNodes = 1;
  let totalWeight = 0;
  for (const i of inBag) totalWeight += weights[i];
  // Explicit stack of (node, start, end, depth).
  const stack: number[] = [0, 0, idx.length, 0];
  while (stack.length) {
    const depth = stack.pop() as number;
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const node = stack.pop() as number;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[y[idx[k]]] += weights[idx[k]];
    let w = 0;
    let sumSq = 0;
    for (let c = 0; c < nClasses; c++) {
      w += counts[c];
      sumSq += counts[c] * counts[c];
    }
    for (let c = 0; c < nClasses; c++) value[node * nClasses + c] = counts[c] / w;
    const pure = sumSq === w * w;
    if (pure || depth >= options.maxDepth || end - start < 2 * options.minSamplesLeaf) continue;
    // Best split over randomly drawn features (Fisher-Yates prefix of `order`).
    let bestScore = sumSq / w; // a split must beat the parent: Σ L²/nL + Σ R²/nR > Σ N²/n
    let bestFeature = -1;
    let bestBin = 0;
    let visited = 0;
    for (let drawn = 0; drawn < nFeatures && visited < options.maxFeatures; drawn++) {
      const j = drawn + random.int(nFeatures - drawn);
      const f = order[j];
      order[j] = order[drawn];
      order[drawn] = f;
      hist.fill(0);
      let lo = 255;
      let hi = 0;
      for (let k = start; k < end; k++) {
        const i = idx[k];
        const b = codes[i * nFeatures + f];
        hist[b * nClasses + y[i]] += weights[i];
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
      if (lo === hi) continue; // constant on this node: scikit-learn draws another feature
      visited++;
      leftCounts.fill(0);
      let nLeft = 0;
      for (let b = lo; b < hi; b++) {
        let binWeight = 0;
        for (let c = 0; c < nClasses; c++) {
          const h = hist[b * nClasses + c];
          leftCounts[c] += h;
          binWeight += h;
        }
        if (binWeight === 0) continue;
        nLeft += binWeight;
        const nRight = w - nLeft;
        let l2 = 0;
        let r2 = 0;
        for (let c = 0; c < nClasses; c++) {
          const l = leftCounts[c];
          const r = counts[c] - l;
          l2 += l * l;
          r2 += r * r;
        }
        const score = l2 / nLeft + r2 / nRight;
        if (score > bestScore + 1e-12 * w) {
          bestScore = score;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) continue;
    // Partition idx[start, end) by the split.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[idx[i] * nFeatures + bestFeature] <= bestBin) i++;
      else {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        j--;
      }
    }
    const mid = i;
    if (mid - start < options.minSamplesLeaf || end - mid < options.minSamplesLeaf) continue;
    importance[bestFeature] += (bestScore - sumSq / w) / totalWeight;
    feature[node] = bestFeature;
    threshold[node] = thresholds[bestFeature][bestBin];
    bin[node] = bestBin;
    const l = nNodes++;
    const r = nNodes++;
    left[node] = l;
    right[node] = r;
    stack.push(r, mid, end, depth + 1, l, start, mid, depth + 1);
  }
  const tree: Tree = {
    feature: feature.slice(0, nNodes),
    threshold: threshold.slice(0, nNodes),
    bin: bin.slice(0, nNodes),
    left: left.slice(0, nNodes),
    right: right.slice(0, nNodes),
    value: value.slice(0, nNodes * nClasses),
    nClasses
  };
  return { tree, importance };
}
