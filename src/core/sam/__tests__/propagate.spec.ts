// Mask propagation through z (src/core/sam/propagate.ts), its logic tested strictly with a
// deterministic segmenter built from nuclei3d's ground truth: slice z's answer is the tracked
// nucleus's ground-truth mask in slice z (empty where it has ended). Every call's prompt is
// checked against promptFromMask of the neighbour's mask, and every expected stop is computed
// independently here.
import { itWithReference, runReference } from '../../labels/__tests__/pythonReference';
import { promptFromMask, type MaskPrompt, type Projection } from '../promptsFromMask';
import { maskIoU, propagateMask, PropagationAbortedError, type PropagationResult } from '../propagate';

interface Volume {
  labels: Int32Array;
  nz: number;
  h: number;
  w: number;
}

let vol: Volume | null = null;
function volume(): Volume {
  if (!vol) {
    const ref = runReference(`
import tifffile
emit("labels", tifffile.imread(os.path.join(DATA, "nuclei3d", "labels.tif")).astype(np.int32))
`);
    const [nz, h, w] = ref.labels.shape;
    vol = { labels: ref.labels.data as Int32Array, nz, h, w };
  }
  return vol;
}

function objectMask(v: Volume, z: number, id: number): Uint8Array {
  const plane = v.h * v.w;
  const out = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) out[i] = v.labels[z * plane + i] === id ? 1 : 0;
  return out;
}

function promptLocation(p: MaskPrompt): [number, number] {
  const k = p.labels?.indexOf(1) ?? -1;
  if (p.points && k >= 0) return [Math.round(p.points[k][1]), Math.round(p.points[k][0])];
  const [x0, y0, x1, y1] = p.box!;
  return [Math.floor((y0 + y1 - 1) / 2), Math.floor((x0 + x1 - 1) / 2)];
}

/** The ground-truth segmenter of nucleus `id`; records its calls. */
function truthSegmenter(v: Volume, id: number, iouOf: (z: number) => number = () => 1) {
  const calls: Array<{ z: number; prompt: MaskPrompt; previous: Uint8Array }> = [];
  const segmentSlice = async (z: number, prompt: MaskPrompt, previous: Uint8Array) => {
    calls.push({ z, prompt, previous: previous.slice() });
    // The prompt is where the neighbour's mask is.
    const [y, x] = promptLocation(prompt);
    if (!(y >= 0 && y < v.h && x >= 0 && x < v.w)) throw new Error(`prompt outside the plane: (${y}, ${x})`);
    return { mask: objectMask(v, z, id), iou: iouOf(z) };
  };
  return { calls, segmentSlice };
}

/** Where propagation must stop going `step` from z0 for object `id` (independent of propagate.ts). */
function expectedStop(v: Volume, id: number, z0: number, step: -1 | 1, threshold: number): { lastKept: number; stoppedAt: number | null; reason: string } {
  let z = z0;
  for (;;) {
    const next = z + step;
    if (next < 0 || next >= v.nz) return { lastKept: z, stoppedAt: null, reason: z === z0 ? 'start-at-end' : 'volume-end' };
    const m = objectMask(v, next, id);
    if (!m.includes(1)) return { lastKept: z, stoppedAt: next, reason: 'empty' };
    if (maskIoU(m, objectMask(v, z, id)) < threshold) return { lastKept: z, stoppedAt: next, reason: 'overlap' };
    z = next;
  }
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Prompts equal (typed arrays compared element-wise outside jest's slow deep equality). */
function samePrompt(a: MaskPrompt | null, b: MaskPrompt | null): boolean {
  if (!a || !b) return a === b;
  const { maskInput: ma, ...ra } = a;
  const { maskInput: mb, ...rb } = b;
  return JSON.stringify(ra) === JSON.stringify(rb) && (ma && mb ? same(ma, mb) : ma === mb);
}

function middleObjects(v: Volume, z: number): number[] {
  const plane = v.h * v.w;
  const ids = new Set<number>();
  for (let i = 0; i < plane; i++) if (v.labels[z * plane + i]) ids.add(v.labels[z * plane + i]);
  return [...ids].sort((a, b) => a - b);
}

describe('propagateMask with a ground-truth segmenter (nuclei3d)', () => {
  itWithReference('every projection mode reproduces each middle-slice nucleus in 3D; order, prompts, stop reasons', async () => {
    const v = volume();
    const z0 = Math.floor(v.nz / 2);
    const ids = middleObjects(v, z0);
    expect(ids.length).toBeGreaterThan(5);
    const projections: Projection[] = ['mask', 'points', 'box', 'points_and_mask', 'single_point'];
    let checked = 0;
    for (const projection of projections) {
      for (const id of ids) {
        const seg = truthSegmenter(v, id);
        const r = await propagateMask({ start: z0, mask: objectMask(v, z0, id), nSlices: v.nz, shape: [v.h, v.w], segmentSlice: seg.segmentSlice, iouThreshold: 0, projection });
        const lower = expectedStop(v, id, z0, -1, 0);
        const upper = expectedStop(v, id, z0, 1, 0);
        expect({ id, projection, lower: r.lower, upper: r.upper }).toEqual({ id, projection, lower, upper });
        // Downwards first, then upwards, one slice at a time; each prompt from the neighbour's mask.
        const order = seg.calls.map(c => c.z);
        const down = Array.from({ length: z0 - (lower.stoppedAt ?? lower.lastKept) }, (_, k) => z0 - 1 - k);
        const up = Array.from({ length: (upper.stoppedAt ?? upper.lastKept) - z0 }, (_, k) => z0 + 1 + k);
        expect(order).toEqual([...down, ...up]);
        for (const c of seg.calls) {
          const neighbour = c.z < z0 ? c.z + 1 : c.z - 1;
          expect(same(c.previous, objectMask(v, neighbour, id))).toBe(true);
          expect(samePrompt(c.prompt, promptFromMask(c.previous, v.h, v.w, projection, 0))).toBe(true);
        }
        // The stack: the object exactly on [lastKept lower, lastKept upper], nothing elsewhere.
        for (let z = 0; z < v.nz; z++) {
          const got = r.masks.subarray(z * v.h * v.w, (z + 1) * v.h * v.w);
          const inside = z >= lower.lastKept && z <= upper.lastKept;
          expect(same(got, inside ? objectMask(v, z, id) : new Uint8Array(v.h * v.w))).toBe(true);
        }
        expect(r.range).toEqual([lower.lastKept, upper.lastKept]);
        checked++;
      }
    }
    console.log(`${checked} propagations (${ids.length} nuclei of slice ${z0} × ${projections.length} projections) matched the ground truth in 3D`);
  });

  itWithReference('stops on the overlap threshold (micro-sam criterion) and on predicted IoU', async () => {
    const v = volume();
    const z0 = Math.floor(v.nz / 2);
    let stoppedByOverlap = 0;
    for (const id of middleObjects(v, z0)) {
      const seg = truthSegmenter(v, id);
      const r = await propagateMask({ start: z0, mask: objectMask(v, z0, id), nSlices: v.nz, shape: [v.h, v.w], segmentSlice: seg.segmentSlice, iouThreshold: 0.8, projection: 'box' });
      const lower = expectedStop(v, id, z0, -1, 0.8);
      const upper = expectedStop(v, id, z0, 1, 0.8);
      expect([r.lower, r.upper]).toEqual([lower, upper]);
      for (const d of [lower, upper]) {
        if (d.reason === 'overlap') {
          stoppedByOverlap++;
          expect(r.slices[d.stoppedAt!].status).toBe('rejected');
          expect(r.slices[d.stoppedAt!].overlap).toBeLessThan(0.8);
        }
      }
    }
    expect(stoppedByOverlap).toBeGreaterThan(0);

    const id = middleObjects(v, z0)[0];
    const seg = truthSegmenter(v, id, z => 1 - 0.1 * Math.abs(z - z0));
    const r = await propagateMask({ start: z0, mask: objectMask(v, z0, id), nSlices: v.nz, shape: [v.h, v.w], segmentSlice: seg.segmentSlice, iouThreshold: 0, minPredictedIou: 0.75 });
    const lower = expectedStop(v, id, z0, -1, 0);
    if (z0 - lower.lastKept >= 3) expect(r.lower).toEqual({ lastKept: z0 - 2, stoppedAt: z0 - 3, reason: 'predicted-iou' });
    expect(r.slices[z0].status).toBe('start');
  });

  itWithReference('cancellation rejects with an AbortError carrying the slices segmented so far', async () => {
    const v = volume();
    const z0 = Math.floor(v.nz / 2);
    const id = middleObjects(v, z0).find(i => expectedStop(v, i, z0, -1, 0).lastKept <= z0 - 2)!;
    const controller = new AbortController();
    const seg = truthSegmenter(v, id);
    const segmentSlice = async (z: number, p: MaskPrompt, prev: Uint8Array) => {
      const out = await seg.segmentSlice(z, p, prev);
      if (seg.calls.length === 2) controller.abort();
      return out;
    };
    const err = await propagateMask({ start: z0, mask: objectMask(v, z0, id), nSlices: v.nz, shape: [v.h, v.w], segmentSlice, iouThreshold: 0, signal: controller.signal }).catch(e => e);
    expect(err).toBeInstanceOf(PropagationAbortedError);
    expect(err.name).toBe('AbortError');
    const partial = (err as PropagationAbortedError).partial as PropagationResult;
    expect(partial.slices.filter(s => s.status === 'kept').map(s => s.z)).toEqual([z0 - 1]); // the 2nd result arrived after the abort
    expect(seg.calls.length).toBe(2);
  });

  it('validates its input', async () => {
    const segmentSlice = async () => ({ mask: new Uint8Array(4), iou: 1 });
    await expect(propagateMask({ start: 0, mask: new Uint8Array(4), nSlices: 2, shape: [2, 2], segmentSlice })).rejects.toThrow(/empty/);
    await expect(propagateMask({ start: 3, mask: Uint8Array.of(1, 0, 0, 0), nSlices: 2, shape: [2, 2], segmentSlice })).rejects.toThrow(/start slice/);
    const r = await propagateMask({ start: 0, mask: Uint8Array.of(1, 0, 0, 0), nSlices: 1, shape: [2, 2], segmentSlice });
    expect([r.lower.reason, r.upper.reason]).toEqual(['start-at-end', 'start-at-end']);
  });
});
