/**
 * How a plane is cut and what is done per block in a pixel classification run: the blocks
 * (TILE² in raster order, the visible ones first), the seeded subsampling of large scribbles,
 * and writing a block's probabilities, uncertainty (entropy / log C) and segmentation.
 */
import type { Block } from '../../core/features/pad';
import { Random } from '../../core/forest/random';

/** Blocks the plane is cut into (features are cached per block in the workers). */
export const TILE = 256;

export function blockAt(r: number, c: number, h: number, w: number): Block {
  const r0 = Math.floor(r / TILE) * TILE;
  const c0 = Math.floor(c / TILE) * TILE;
  return { start: [r0, c0], shape: [Math.min(TILE, h - r0), Math.min(TILE, w - c0)] };
}

export function tilesOf(h: number, w: number): Block[] {
  const out: Block[] = [];
  for (let r0 = 0; r0 < h; r0 += TILE) for (let c0 = 0; c0 < w; c0 += TILE) out.push(blockAt(r0, c0, h, w));
  return out;
}

/** Visible blocks first (those intersecting `box`), each group in raster order. */
export function orderBlocks(blocks: Block[], box: [[number, number], [number, number]] | null): { block: Block; visible: boolean }[] {
  const visible = (b: Block) =>
    !box || (b.start[0] < box[0][1] && b.start[0] + b.shape[0] > box[0][0] && b.start[1] < box[1][1] && b.start[1] + b.shape[1] > box[1][0]);
  const tagged = blocks.map(block => ({ block, visible: visible(block) }));
  return [...tagged.filter(t => t.visible), ...tagged.filter(t => !t.visible)];
}

/** Keeps at most `max` samples overall, the same fraction of each block (seeded, reproducible). */
export function subsample(entries: { indices: number[]; y: number[] }[], max: number): void {
  const total = entries.reduce((a, e) => a + e.indices.length, 0);
  if (total <= max) return;
  const random = new Random(12345);
  const keep = max / total;
  for (const e of entries) {
    const idx: number[] = [];
    const y: number[] = [];
    e.indices.forEach((v, k) => {
      if (random.next() < keep) {
        idx.push(v);
        y.push(e.y[k]);
      }
    });
    e.indices = idx;
    e.y = y;
  }
}

/**
 * Copies a block's probabilities into the plane's, computes its uncertainty (entropy / log C)
 * and returns its segmentation (class + 1, ties to the lower class).
 */
export function writeBlock(p: Float32Array, block: Block, nClasses: number, h: number, w: number, proba: Float32Array, uncertainty: Float32Array): Uint8Array {
  const [bh, bw] = block.shape;
  const size = bh * bw;
  const seg = new Uint8Array(size);
  const norm = 1 / Math.log(nClasses);
  for (let i = 0; i < size; i++) {
    const r = block.start[0] + Math.floor(i / bw);
    const c = block.start[1] + (i % bw);
    const at = r * w + c;
    let best = 0;
    let entropy = 0;
    for (let k = 0; k < nClasses; k++) {
      const v = p[k * size + i];
      proba[k * h * w + at] = v;
      if (v > p[best * size + i]) best = k;
      if (v > 0) entropy -= v * Math.log(v);
    }
    uncertainty[at] = entropy * norm;
    seg[i] = best + 1;
  }
  return seg;
}
