// Covers src/core/labels/labelColors.ts: background transparency, determinism, ids of every
// width (2^24 .. 2^64 - 1, negative int64), distinct colours on real label ids, brightness,
// and that the GLSL source computes exactly what the TypeScript does (run by a small uint
// GLSL interpreter, so the shader text itself is what is checked).
import { DEFAULT_LABEL_COLOR_SEED, fmix32, LABEL_COLOR_GLSL, labelColor, labelHalves, labelRgb8 } from '../labelColors';
import { GlslUint } from './glslUint';
import { itWithReference, numbersOf, runReference } from './pythonReference';

const key = (c: number[]) => c.join(',');

describe('labelColor', () => {
  it('makes the background (0) fully transparent, whatever the id type', () => {
    expect(labelColor(0)).toEqual([0, 0, 0, 0]);
    expect(labelColor(0n)).toEqual([0, 0, 0, 0]);
  });

  it('gives every other id an opaque colour that is the same on every call', () => {
    for (const id of [1, 2, 77, 65535, 2 ** 31, 2 ** 40]) {
      const c = labelColor(id);
      expect(c[3]).toBe(255);
      expect(labelColor(id)).toEqual(c);
      expect(labelColor(BigInt(id))).toEqual(c); // number and bigint ids agree
    }
  });

  it('colours a negative id as its 64-bit two\'s complement, for int32 and int64 alike', () => {
    expect(labelHalves(-1)).toEqual([0xffffffff, 0xffffffff]);
    expect(labelHalves(-(2 ** 40))).toEqual([0, 0xffffff00]);
    expect(labelColor(-1)).toEqual(labelColor(-1n));
    expect(labelColor(-1n)).toEqual(labelColor(2n ** 64n - 1n));
    expect(labelColor(-(2 ** 31))).toEqual(labelColor(-(2n ** 31n)));
  });

  it('splits ids into exact 32-bit halves, beyond 2^53 too', () => {
    expect(labelHalves(2 ** 32 + 5)).toEqual([5, 1]);
    expect(labelHalves(2n ** 53n + 1n)).toEqual([1, 2 ** 21]);
    expect(labelHalves(2n ** 64n - 1n)).toEqual([0xffffffff, 0xffffffff]);
    expect(() => labelHalves(2 ** 53 + 2)).toThrow(/not a safe integer/);
    expect(() => labelHalves(1.5)).toThrow(/not a safe integer/);
  });

  it('gives distinct colours to large ids that floats would merge', () => {
    const ids = [2n ** 24n, 2n ** 24n + 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n, 1n];
    const colours = new Set(ids.map(id => key(labelColor(id))));
    expect(colours.size).toBe(ids.length);
  });

  it('gives distinct colours to ids 1..1000 and keeps colours bright on black', () => {
    const colours = new Set<string>();
    for (let id = 1; id <= 1000; id++) {
      const [r, g, b] = labelColor(id);
      colours.add(key([r, g, b]));
      expect(Math.max(r, g, b)).toBeGreaterThanOrEqual(170); // HSV value >= 170
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeGreaterThanOrEqual(95); // saturation >= 150/255
    }
    expect(colours.size).toBe(1000);
  });

  it('shuffles the assignment with another seed', () => {
    let same = 0;
    for (let id = 1; id <= 200; id++) if (key(labelColor(id, DEFAULT_LABEL_COLOR_SEED)) === key(labelColor(id, 12345))) same++;
    expect(same).toBeLessThan(3);
  });

  it('uses MurmurHash3 fmix32 (known values)', () => {
    // fmix32 is a bijection with fmix32(0) = 0; reference values from the MurmurHash3 finaliser.
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(0xffffffff)).toBe(0x81f16f39);
  });

  itWithReference('is collision-free on the 125 ids of nuclei2d', () => {
    const ref = runReference(`
import tifffile
lab = tifffile.imread(os.path.join(DATA, "nuclei2d/labels.tif"))
emit("ids", np.unique(lab)[1:].astype(np.int64))
`);
    const ids = numbersOf(ref.ids);
    expect(ids.length).toBe(125);
    expect(new Set(ids.map(id => key(labelColor(id)))).size).toBe(125);
  });
});

describe('LABEL_COLOR_GLSL', () => {
  const glsl = new GlslUint(LABEL_COLOR_GLSL);
  const unpack = (rgb: number) => [rgb >>> 16, (rgb >>> 8) & 0xff, rgb & 0xff];

  it('computes exactly the TypeScript colours, for ids of every width and several seeds', () => {
    // Deterministic pseudo-random 64-bit ids (xorshift32 pairs) plus the edge cases.
    let state = 0x9e3779b9;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const halves: Array<[number, number]> = [[1, 0], [2, 0], [0xffffffff, 0xffffffff], [0, 1], [1 << 24, 0], [1, 1 << 21]];
    for (let i = 0; i < 300; i++) halves.push([next(), i % 3 === 0 ? 0 : next()]);
    for (const seed of [DEFAULT_LABEL_COLOR_SEED, 1, 0xdeadbeef]) {
      for (const [lo, hi] of halves) {
        expect({ lo, hi, seed, rgb: glsl.call('seglabLabelRgb8', [[lo, hi], seed]) }).toEqual({ lo, hi, seed, rgb: unpack(labelRgb8(lo, hi, seed)) });
      }
    }
  });

  it('interprets GLSL uint semantics (the interpreter itself): wrapping, shifts, division, int literals refused', () => {
    const g = new GlslUint(`
uint wrap(uint x) { return x * 2u + 3u; }
uint mix2(uint x, uint y) { uint h = x >> 4u; h ^= y << 28u; h *= 3u; return (h / 7u) % 1000u - 1u; }
uint bad(uint x) { return x * 2; }`);
    expect(g.call('wrap', [0xffffffff])).toBe(1); // 0xfffffffe + 3 wraps to 1
    const h = Math.imul(((0xabcdef12 >>> 4) ^ (5 << 28)) >>> 0, 3) >>> 0;
    expect(g.call('mix2', [0xabcdef12, 5])).toBe(((Math.floor(h / 7) % 1000) - 1) >>> 0);
    expect(() => g.call('bad', [1])).toThrow(/needs 2u/);
  });

  it('runs fmix32 exactly like the TypeScript mirror', () => {
    for (const x of [0, 1, 12345, 0x80000000, 0xffffffff]) expect(glsl.call('seglabFmix32', [x])).toBe(fmix32(x));
  });

  it('declares each function before it is called (GLSL has no hoisting)', () => {
    for (const name of ['seglabFmix32', 'seglabHsvChannel', 'seglabLabelRgb8']) {
      const declared = LABEL_COLOR_GLSL.search(new RegExp(`\\b(uint|uvec3)\\s+${name}\\(`));
      const firstCall = LABEL_COLOR_GLSL.search(new RegExp(`[^\\w]${name}\\((?!uint|uvec)`));
      expect(declared).toBeGreaterThanOrEqual(0);
      expect(firstCall === -1 || firstCall > declared).toBe(true);
    }
  });
});
