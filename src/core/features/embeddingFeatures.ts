/**
 * Foundation-model features: a SAM-family encoder's image embedding of a plane, upsampled to
 * pixel resolution by bilinear interpolation, one feature per embedding channel (as in the
 * work that uses SAM / µSAM / DINO features for ilastik-style pixel classification).
 *
 * Definition (seglab/pixel/embedding.py computes the same): the embedding is a (C, G, G) grid
 * over SAM's 1024² input frame (G = 64: cells of 16 frame pixels). The plane (H, W) was
 * resized to `inputSize` (th, tw) in that frame, so pixel (y, x) has its centre at frame
 * ((y + 0.5) · th / H, (x + 0.5) · tw / W), which is grid coordinate frame / cell − 0.5.
 * The feature is the bilinear interpolation of the channel there, clamped to the grid's edge
 * cells (PyTorch's `interpolate(mode="bilinear", align_corners=False)` at that point).
 *
 * Channels that are constant over the image's part of the grid carry nothing for a forest and
 * are left out (`varyingChannels`); the classifier records the channels it uses.
 */

import type { Block } from './pad';

export interface EmbeddingGrid {
  /** (channels, grid, grid) float32, C-ordered. */
  data: Float32Array;
  channels: number;
  /** Cells per side (64 for SAM's 1024 input). */
  grid: number;
  /** The side of the encoder's square input frame (1024). */
  frame: number;
  /** The plane's size in the frame after the longest-side resize: [th, tw]. */
  inputSize: readonly [number, number];
  /** The plane's own size: [H, W]. */
  planeShape: readonly [number, number];
}

/** Upper bound on embedding channels (SAM ViT-H: 256; DINO-family up to 1536). */
export const MAX_EMBEDDING_CHANNELS = 2048;

export function checkEmbeddingGrid(e: EmbeddingGrid): void {
  const { channels, grid, frame, inputSize, planeShape } = e;
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_EMBEDDING_CHANNELS) throw new RangeError(`expected 1..${MAX_EMBEDDING_CHANNELS} embedding channels, got ${channels}`);
  if (!Number.isInteger(grid) || grid < 1 || !(frame > 0)) throw new RangeError(`expected a positive grid and frame, got grid ${grid}, frame ${frame}`);
  if (e.data.length !== channels * grid * grid) throw new RangeError(`expected ${channels}×${grid}×${grid} embedding values, got ${e.data.length}`);
  const [th, tw] = inputSize;
  const [h, w] = planeShape;
  if (!(th > 0 && tw > 0 && th <= frame && tw <= frame)) throw new RangeError(`expected an input size inside the ${frame}² frame, got ${th}×${tw}`);
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new RangeError(`expected a positive plane shape, got ${h}×${w}`);
}

/** The channels whose values are not all equal over the cells the image covers. */
export function varyingChannels(e: EmbeddingGrid): number[] {
  checkEmbeddingGrid(e);
  const cell = e.frame / e.grid;
  const rows = Math.min(e.grid, Math.ceil(e.inputSize[0] / cell));
  const cols = Math.min(e.grid, Math.ceil(e.inputSize[1] / cell));
  const out: number[] = [];
  const g2 = e.grid * e.grid;
  for (let c = 0; c < e.channels; c++) {
    const first = e.data[c * g2];
    let varies = false;
    for (let r = 0; r < rows && !varies; r++) {
      const row = c * g2 + r * e.grid;
      for (let k = 0; k < cols; k++) {
        if (e.data[row + k] !== first) {
          varies = true;
          break;
        }
      }
    }
    if (varies) out.push(c);
  }
  return out;
}

/** Bilinear taps along one axis: for each output pixel, the lower cell, the upper cell and the upper weight. */
function taps(start: number, n: number, size: number, inputSize: number, cell: number, grid: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const t = new Float32Array(n);
  const scale = inputSize / size;
  for (let i = 0; i < n; i++) {
    // float64 here, float32 weights: seglab/pixel/embedding.py computes them the same way
    const g = Math.min(Math.max(((start + i + 0.5) * scale) / cell - 0.5, 0), grid - 1);
    const l = Math.floor(g);
    lo[i] = l;
    hi[i] = Math.min(l + 1, grid - 1);
    t[i] = g - l;
  }
  return { lo, hi, t };
}

/**
 * The upsampled embedding channels `channels` for the pixels of `block` (2D): (channels.length,
 * ...block.shape) float32, channel-major as computeBlockFeatures' output.
 */
export function embeddingBlockFeatures(e: EmbeddingGrid, block: Block, channels: readonly number[]): Float32Array {
  checkEmbeddingGrid(e);
  const [h, w] = e.planeShape;
  if (block.start.length !== 2 || block.start[0] < 0 || block.start[1] < 0 || block.start[0] + block.shape[0] > h || block.start[1] + block.shape[1] > w) {
    throw new RangeError(`block ${JSON.stringify(block)} is not inside the ${h}×${w} plane the embedding was computed for`);
  }
  for (const c of channels) if (!Number.isInteger(c) || c < 0 || c >= e.channels) throw new RangeError(`embedding channel ${c} is not among the ${e.channels} channels`);
  const [bh, bw] = block.shape;
  const cell = e.frame / e.grid;
  const ty = taps(block.start[0], bh, h, e.inputSize[0], cell, e.grid);
  const tx = taps(block.start[1], bw, w, e.inputSize[1], cell, e.grid);
  const g = e.grid;
  const out = new Float32Array(channels.length * bh * bw);
  const row = new Float32Array(2 * bw);
  channels.forEach((c, k) => {
    const base = c * g * g;
    for (let i = 0; i < bh; i++) {
      const r0 = base + ty.lo[i] * g;
      const r1 = base + ty.hi[i] * g;
      const v = ty.t[i];
      // The two grid rows interpolated along x, then blended along y, each step rounded to
      // float32 as numpy's float32 arithmetic rounds it (the kernel's features are bit-equal).
      for (let j = 0; j < bw; j++) {
        const u = tx.t[j];
        const a = e.data[r0 + tx.lo[j]];
        const b = e.data[r0 + tx.hi[j]];
        const c0 = e.data[r1 + tx.lo[j]];
        const d = e.data[r1 + tx.hi[j]];
        row[j] = Math.fround(a + Math.fround(u * Math.fround(b - a)));
        row[bw + j] = Math.fround(c0 + Math.fround(u * Math.fround(d - c0)));
      }
      const o = k * bh * bw + i * bw;
      for (let j = 0; j < bw; j++) out[o + j] = row[j] + Math.fround(v * Math.fround(row[bw + j] - row[j]));
    }
  });
  return out;
}

export const embeddingFeatureName = (modelId: string, channel: number): string => `${modelId} embedding ${channel}`;
