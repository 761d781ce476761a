/**
 * Features of one block of an image: the block is read with the halo its features reach
 * (mirrored at the image's borders), filtered, and cropped back. A block's values are the same
 * whichever blocks the image is cut into, so features are computed lazily for what is needed
 * (the view, the scribbled pixels), never for a whole volume at once (ilastik's approach).
 *
 * Multichannel images (a trailing channel axis in `channels`) get every feature per channel,
 * channel-major: all features of channel 0, then of channel 1, ...
 */

import { Block, cropHalo, readPadded } from './pad';
import { computePaddedFeatures, featureHalo, featureNames, FeatureGeometry, FeatureSpec, validateSpecs } from './featureSet';

export interface FeatureImage {
  /** C-ordered pixels, spatial axes then (when `channels` > 1) the channel axis last. */
  data: ArrayLike<number>;
  /** Spatial shape (2 or 3 axes). */
  shape: readonly number[];
  /** Channels interleaved on a last axis (default 1). */
  channels?: number;
  spacing?: readonly number[];
}

export interface BlockFeatures {
  /** (nFeatures, ...block.shape) float32. */
  data: Float32Array;
  names: string[];
  shape: number[];
}

/** The whole image as one block. */
export function wholeImage(shape: readonly number[]): Block {
  return { start: shape.map(() => 0), shape: [...shape] };
}

export function computeBlockFeatures(image: FeatureImage, block: Block, specs: readonly FeatureSpec[]): BlockFeatures {
  validateSpecs(specs);
  const nd = image.shape.length;
  const channels = image.channels ?? 1;
  const geometry: FeatureGeometry = { ndim: nd, spacing: image.spacing };
  checkBlock(image, block, channels);
  const halo = featureHalo(specs, geometry);
  checkReach(image.shape, halo, specs);
  const blockSize = block.shape.reduce((x, y) => x * y, 1);
  const perChannel = featureNames(specs, nd);
  const names = channels === 1 ? perChannel : Array.from({ length: channels }, (_, c) => perChannel.map(n => `${n} ch${c}`)).flat();
  const data = new Float32Array(names.length * blockSize);
  for (let c = 0; c < channels; c++) {
    const plane = channels === 1 ? image.data : strideChannel(image.data, channels, c);
    const padded = readPadded(plane, image.shape, block, halo);
    const bad = padded.data.findIndex(v => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`the image has a non-finite value (${padded.data[bad]}) near block ${JSON.stringify(block.start)}${channels > 1 ? `, channel ${c}` : ''}: filters need finite pixels`);
    const maps = computePaddedFeatures(padded.data, padded.shape, specs, geometry);
    maps.forEach((m, k) => cropHalo(m, padded.shape, halo, data, (c * perChannel.length + k) * blockSize));
  }
  return { data, names, shape: [names.length, ...block.shape] };
}

function checkBlock(image: FeatureImage, block: Block, channels: number): void {
  const nd = image.shape.length;
  if (nd !== 2 && nd !== 3) throw new RangeError(`expected a 2D or 3D image, got shape ${JSON.stringify(image.shape)}`);
  const expected = image.shape.reduce((x, y) => x * y, 1) * channels;
  if (image.data.length !== expected) throw new RangeError(`expected ${expected} values for shape ${JSON.stringify(image.shape)} × ${channels} channel(s), got ${image.data.length}`);
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`expected a positive channel count, got ${channels}`);
  for (let a = 0; a < nd; a++) {
    const s = block.start[a];
    const n = block.shape[a];
    if (!Number.isInteger(s) || !Number.isInteger(n) || s < 0 || n < 1 || s + n > image.shape[a]) {
      throw new RangeError(`block ${JSON.stringify(block)} is not inside the image ${JSON.stringify(image.shape)}`);
    }
  }
}

/**
 * ilastik refuses scales whose filter window does not fit in the image; so do we (mirroring
 * would fold the window over itself and the feature would mean little).
 */
function checkReach(shape: readonly number[], halo: readonly number[], specs: readonly FeatureSpec[]): void {
  for (let a = 0; a < shape.length; a++) {
    if (halo[a] >= shape[a]) {
      const largest = Math.max(...specs.map(s => s.sigma));
      throw new RangeError(`σ=${largest} reaches ${halo[a]} px along axis ${a}, but the image is ${shape[a]} px there: choose smaller scales for this image`);
    }
  }
}

/** Channel c of interleaved pixels, copied out. */
function strideChannel(data: ArrayLike<number>, channels: number, c: number): ArrayLike<number> {
  const n = data.length / channels;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = data[i * channels + c];
  return out;
}
