/**
 * Fast prediction: the forest's trees packed into flat arrays and applied to bin codes.
 *
 * Every split threshold of a trained forest is one of its features' bin thresholds
 * (./binning.ts), so `value <= threshold` is exactly `code(value) <= bin`: the features are
 * coded once (uint8, sample-major: one pixel's features in one cache line) and the trees
 * compare bytes, children stored next to each other (right = left + 1, branch-free step).
 * Same probabilities as ./predict.ts (tested).
 */

import type { Tree } from './tree';

export interface CompiledForest {
  /** Per node (all trees): split feature, or -1 at a leaf. */
  feature: Int32Array;
  bin: Uint8Array;
  /** Absolute index of the left child (the right one follows it). At a leaf: its value row. */
  left: Int32Array;
  roots: Int32Array;
  /** (nLeaves × nClasses) class fractions. */
  value: Float32Array;
  nClasses: number;
  nFeatures: number;
  /** The bin thresholds per feature the trees were trained on. */
  thresholds: Float32Array[];
}

export function compileForest(trees: readonly Tree[], thresholds: Float32Array[]): CompiledForest {
  const nClasses = trees[0].nClasses;
  const total = trees.reduce((a, t) => a + t.feature.length, 0);
  const feature = new Int32Array(total);
  const bin = new Uint8Array(total);
  const left = new Int32Array(total);
  const roots = new Int32Array(trees.length);
  const leaves = trees.reduce((a, t) => a + t.feature.filter(f => f < 0).length, 0);
  const value = new Float32Array(leaves * nClasses);
  let base = 0;
  let leaf = 0;
  trees.forEach((t, k) => {
    roots[k] = base;
    for (let node = 0; node < t.feature.length; node++) {
      const at = base + node;
      feature[at] = t.feature[node];
      if (t.feature[node] >= 0) {
        if (t.right[node] !== t.left[node] + 1) throw new Error('expected the right child to follow the left one');
        bin[at] = t.bin[node];
        left[at] = base + t.left[node];
      } else {
        left[at] = leaf;
        value.set(t.value.subarray(node * nClasses, (node + 1) * nClasses), leaf * nClasses);
        leaf++;
      }
    }
    base += t.feature.length;
  });
  return { feature, bin, left, roots, value, nClasses, nFeatures: thresholds.length, thresholds };
}

/**
 * Features (feature-major, nFeatures × n) of samples [from, to) -> their bin codes
 * (sample-major, (to - from) × nFeatures).
 */
export function encodeFeatures(forest: CompiledForest, x: Float32Array, n: number, from = 0, to = n): Uint8Array {
  const nf = forest.nFeatures;
  if (x.length !== nf * n) throw new RangeError(`expected ${nf} × ${n} feature values, got ${x.length}`);
  const m = to - from;
  const codes = new Uint8Array(m * nf);
  for (let f = 0; f < nf; f++) {
    const t = forest.thresholds[f];
    const column = x.subarray(f * n + from, f * n + to);
    const nt = t.length;
    if (nt === 0) continue; // a constant feature: every value is bin 0
    // A uniform grid over [t0, t_last] remembering the first bin of each cell: a value starts
    // there and steps up past the few thresholds inside its cell (no binary search per value).
    const cells = GRID;
    const lo = t[0];
    const scale = nt > 1 && t[nt - 1] > lo ? cells / (t[nt - 1] - lo) : 0;
    const first = new Uint8Array(cells + 1);
    for (let c = 0, b = 0; c <= cells; c++) {
      const edge = lo + c / (scale || 1);
      while (b < nt && t[b] < edge) b++;
      first[c] = Math.max(0, b - 1);
    }
    for (let i = 0; i < m; i++) {
      const v = column[i];
      let b: number;
      if (v <= lo) b = 0;
      else {
        const c = scale === 0 ? 0 : Math.min(cells, Math.floor((v - lo) * scale));
        b = first[c];
        while (b < nt && v > t[b]) b++;
      }
      codes[i * nf + f] = b;
    }
  }
  return codes;
}

/** Cells of the lookup grid per feature (4 KiB; thresholds per cell stay few). */
const GRID = 4096;

/**
 * Adds the leaf fractions of trees [from, to) to `sums` (nClasses × n, class-major). The step
 * is arithmetic ((bin - code) >>> 31 is 1 when code > bin), not a branch on the comparison.
 */
export function accumulateCodes(forest: CompiledForest, codes: Uint8Array, n: number, sums: Float32Array, from = 0, to = forest.roots.length): void {
  const { feature, bin, left, roots, value, nClasses, nFeatures: nf } = forest;
  for (let t = from; t < to; t++) {
    const root = roots[t];
    const f0 = feature[root];
    for (let i = 0; i < n; i++) {
      const row = i * nf;
      let node = root;
      let f = f0;
      while (f >= 0) {
        node = left[node] + ((bin[node] - codes[row + f]) >>> 31);
        f = feature[node];
      }
      const v = left[node] * nClasses;
      for (let c = 0; c < nClasses; c++) sums[c * n + i] += value[v + c];
    }
  }
}
