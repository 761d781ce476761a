/**
 * The trained pixel classifier as a portable JSON document, read by Python's
 * `seglab.load_pixel_classifier` / `seglab.apply_pixel_classifier` (the same features and the
 * same trees, so the kernel predicts what the browser predicted, on numpy or Dask arrays):
 *
 * ```
 * { "format": "seglab-pixel-classifier", "version": 1,
 *   "features": [{"filter": "gaussian", "sigma": 1.0}, ...],   // ../features/featureSet.ts
 *   "ndim": 2, "channels": 1, "spacing": [1, 1],
 *   "feature_names": [...],                                    // one per forest input
 *   "classes": [{"name": "background", "color": "#..."}, ...],
 *   "trees": [{"feature": B64<int32>, "threshold": B64<float32>, "left": B64<int32>,
 *              "right": B64<int32>, "value": B64<float32 nNodes × nClasses>}, ...],
 *   "oob_accuracy": 0.97, "importances": [...],
 *   "embedding": {"model_id": "...", "model_sha256": "..." | null, "channels": [0, 5, ...],
 *                 "grid": 64, "frame": 1024} }                 // optional
 * ```
 *
 * B64<T>: base64 of the little-endian typed array. A node with feature -1 is a leaf; otherwise
 * a pixel goes to `left` when its feature value is <= `threshold` (float32), else `right`.
 * The forest's input k is output channel k of the feature set in `feature_names` order: the
 * filters' outputs (per image channel), then, with `embedding`, the listed channels of the
 * model's image embedding upsampled to the pixels (../features/embeddingFeatures.ts). Such a
 * classifier needs that model's embedding of each image it is applied to (Python:
 * `apply_pixel_classifier(..., embeddings=seglab.compute_embeddings(image, model_folder))`).
 */

import type { FeatureSpec } from '../features/featureSet';
import type { Forest } from './forest';
import type { Tree } from './tree';

export const CLASSIFIER_FORMAT = 'seglab-pixel-classifier';

export interface ClassInfo {
  name: string;
  color: string;
}

export interface PortableClassifier {
  format: typeof CLASSIFIER_FORMAT;
  version: 1;
  features: FeatureSpec[];
  ndim: number;
  channels: number;
  spacing: number[];
  feature_names: string[];
  classes: ClassInfo[];
  trees: { feature: string; threshold: string; left: string; right: string; value: string }[];
  oob_accuracy: number | null;
  importances: number[];
  embedding?: EmbeddingFeatureInfo;
}

/** Which model's embedding a classifier takes, and which of its channels. */
export interface EmbeddingFeatureInfo {
  model_id: string;
  model_sha256: string | null;
  channels: number[];
  grid: number;
  frame: number;
}

export interface ClassifierContext {
  features: FeatureSpec[];
  featureNames: string[];
  ndim: number;
  channels: number;
  spacing: number[];
  classes: ClassInfo[];
  embedding?: EmbeddingFeatureInfo | null;
}

export function toPortable(forest: Forest, context: ClassifierContext): PortableClassifier {
  if (context.featureNames.length !== forest.nFeatures) {
    throw new RangeError(`the forest has ${forest.nFeatures} inputs but the feature set names ${context.featureNames.length}`);
  }
  if (context.classes.length !== forest.nClasses) throw new RangeError(`the forest has ${forest.nClasses} classes, ${context.classes.length} are described`);
  return {
    format: CLASSIFIER_FORMAT,
    version: 1,
    features: context.features.map(f => ({ filter: f.filter, sigma: f.sigma })),
    ndim: context.ndim,
    channels: context.channels,
    spacing: [...context.spacing],
    feature_names: [...context.featureNames],
    classes: context.classes.map(c => ({ name: c.name, color: c.color })),
    trees: forest.trees.map(t => ({
      feature: toBase64(t.feature),
      threshold: toBase64(t.threshold),
      left: toBase64(t.left),
      right: toBase64(t.right),
      value: toBase64(t.value)
    })),
    oob_accuracy: Number.isFinite(forest.oobAccuracy) ? forest.oobAccuracy : null,
    importances: Array.from(forest.importances),
    ...(context.embedding ? { embedding: { ...context.embedding, channels: [...context.embedding.channels] } } : {})
  };
}

/** The trees of a portable classifier (e.g. to predict in a worker after a reload). */
export function treesFromPortable(doc: PortableClassifier): Tree[] {
  if (doc.format !== CLASSIFIER_FORMAT || doc.version !== 1) throw new RangeError(`expected a ${CLASSIFIER_FORMAT} version 1 document, got ${JSON.stringify(doc.format)} ${JSON.stringify(doc.version)}`);
  const nClasses = doc.classes.length;
  return doc.trees.map((t, k) => {
    const feature = new Int32Array(fromBase64(t.feature));
    const n = feature.length;
    const tree: Tree = {
      feature,
      threshold: new Float32Array(fromBase64(t.threshold)),
      bin: new Uint8Array(n), // training-only; not needed to predict from floats
      left: new Int32Array(fromBase64(t.left)),
      right: new Int32Array(fromBase64(t.right)),
      value: new Float32Array(fromBase64(t.value)),
      nClasses
    };
    if (tree.threshold.length !== n || tree.left.length !== n || tree.right.length !== n || tree.value.length !== n * nClasses) {
      throw new RangeError(`tree ${k}: its arrays disagree on the number of nodes (${n})`);
    }
    return tree;
  });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of a typed array's bytes (little-endian on every platform SegLab runs on). */
export function toBase64(array: ArrayBufferView): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=';
    out += i + 2 < bytes.length ? ALPHABET[c & 63] : '=';
  }
  return out;
}

export function fromBase64(text: string): ArrayBuffer {
  const clean = text.replace(/=+$/, '');
  if (/[^A-Za-z0-9+/]/.test(clean)) throw new RangeError('expected base64 text');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const v = [0, 1, 2, 3].map(k => (i + k < clean.length ? ALPHABET.indexOf(clean[i + k]) : 0));
    const n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if (o < bytes.length) bytes[o++] = (n >> 16) & 255;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes.buffer;
}
