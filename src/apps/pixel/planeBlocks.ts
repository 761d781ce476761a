/**
 * How a run's domain (a plane or a volume, ./domain.ts) is cut and what is done per block:
 * the blocks (raster order, the visible ones first), the seeded subsampling of large
 * scribbles, and writing a block's probabilities, uncertainty (entropy / log C) and
 * segmentation.
 */
import type { Block } from '../../core/features/pad';
import { Random } from '../../core/forest/random';
import { sizeOf } from '../../core/ndarray';

/** Blocks of a plane (features are cached per block in the workers). */
export const TILE = 256;
/** Blocks of a volume: ~262 000 voxels, whose ~40 features stay ~40 MB in a worker's cache. */
export const TILE_3D = [16, 128, 128] as const;

export function tileOf(nd: number): readonly number[] {
  return nd === 3 ? TILE_3D : [TILE, TILE];
}

/** The block holding domain coordinate `at`. */
export function blockAt(at: readonly number[], shape: readonly number[]): Block {
  const tile = tileOf(shape.length);
  const start = at.map((v, a) => Math.floor(v / tile[a]) * tile[a]);
  return { start, shape: start.map((s, a) => Math.min(tile[a], shape[a] - s)) };
}

export function tilesOf(shape: readonly number[]): Block[] {
  const tile = tileOf(shape.length);
  const out: Block[] = [];
  const at = shape.map(() => 0);
  for (;;) {
    out.push(blockAt(at, shape));
    let a = shape.length - 1;
    while (a >= 0 && (at[a] += tile[a]) >= shape[a]) at[a--] = 0;
    if (a < 0) return out;
  }
}

/**
 * Visible blocks first: those intersecting `box` (rows, columns: the domain's last two axes)
 * and, in a volume, holding slice `z`; each group in raster order.
 */
export function orderBlocks(blocks: Block[], box: [[number, number], [number, number]] | null, z: number | null = null): { block: Block; visible: boolean }[] {
  const visible = (b: Block) => {
    const nd = b.start.length;
    const [r, c] = [nd - 2, nd - 1];
    const inBox = !box || (b.start[r] < box[0][1] && b.start[r] + b.shape[r] > box[0][0] && b.start[c] < box[1][1] && b.start[c] + b.shape[c] > box[1][0]);
    return inBox && (nd === 2 || z === null || (b.start[0] <= z && z < b.start[0] + b.shape[0]));
  };
  const tagged = blocks.map(block => ({ block, visible: visible(block) }));
  return [...tagged.filter(t => t.visible), ...tagged.filter(t => !t.visible)];
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const out = shape.map(() => 1);
  for (let a = shape.length - 2; a >= 0; a--) out[a] = out[a + 1] * shape[a + 1];
  return out;
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
 * Copies a block's probabilities into the domain's, computes its uncertainty (entropy / log C)
 * and returns its segmentation (class + 1, ties to the lower class).
 */
export function writeBlock(p: Float32Array, block: Block, nClasses: number, shape: readonly number[], proba: Float32Array, uncertainty: Float32Array): Uint8Array {
  const size = sizeOf(block.shape);
  const total = sizeOf(shape);
  const seg = new Uint8Array(size);
  const norm = 1 / Math.log(nClasses);
  const strides = stridesOf(shape);
  const inner = stridesOf(block.shape);
  for (let i = 0; i < size; i++) {
    let at = 0;
    for (let a = 0; a < shape.length; a++) at += (block.start[a] + (Math.floor(i / inner[a]) % block.shape[a])) * strides[a];
    let best = 0;
    let entropy = 0;
    for (let k = 0; k < nClasses; k++) {
      const v = p[k * size + i];
      proba[k * total + at] = v;
      if (v > p[best * size + i]) best = k;
      if (v > 0) entropy -= v * Math.log(v);
    }
    uncertainty[at] = entropy * norm;
    seg[i] = best + 1;
  }
  return seg;
}
