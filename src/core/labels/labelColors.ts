/**
 * A stable pseudo-random colour for every label id, the same in TypeScript (CPU overlays,
 * legends, the colour swatch of the selected label) and in the WebGL2 fragment shader that
 * colours label textures. Only 32-bit unsigned integer operations are used, which GLSL ES
 * 3.00 `uint` arithmetic performs exactly (wrapping mod 2^32), so both sides agree bit for bit.
 *
 * Definition, for an id of any integer dtype (uint8 .. uint64, int8 .. int64):
 *  1. Take the id's 64-bit two's complement (negative ids of signed dtypes wrap) and split it
 *     into 32-bit halves lo (bits 0-31) and hi (bits 32-63). Ids above 2^24 and up to
 *     2^64 - 1 therefore stay distinct; nothing passes through a float.
 *  2. h = fmix32(lo XOR fmix32(hi XOR seed)), with fmix32 MurmurHash3's finaliser (a
 *     bijection of uint32). For a fixed hi, distinct lo give distinct h.
 *  3. h's bits become hue (16 bits, scaled to 0..1535, six sectors of 256), saturation
 *     150..255 (8 bits) and value 170..255 (8 bits): saturated enough to tell apart, and
 *     never darker than 2/3 brightness, so labels stay visible on a black background.
 *  4. Integer HSV to RGB per channel n (R: 5, G: 3, B: 1 sectors of offset):
 *     k = (256 n + hue) mod 1536, w = min(k, 256, max(0, 1024 - k)),
 *     channel = value - (value * saturation * w) / (255 * 256), integer division.
 *  Id 0 is the background: transparent (alpha 0). Every other id is opaque (alpha 255).
 *
 * `seed` plays napari's "shuffle colours" role: another seed, another colour assignment.
 */

/** The seed of the default colour assignment; 0 keeps step 2 a single fmix32 for hi = 0. */
export const DEFAULT_LABEL_COLOR_SEED = 0;

/** MurmurHash3 fmix32, written as the GLSL below: Math.imul is GLSL's wrapping uint `*`. */
export function fmix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h;
}

/** One RGB channel of the integer HSV conversion; `k` in 0..1535 sector units of 1/256. */
export function hsvChannel(k: number, s: number, v: number): number {
  const w = Math.min(Math.min(k, 256), 1024 - Math.min(k, 1024));
  return (v - Math.floor((v * s * w) / 65280)) >>> 0;
}

/**
 * The colour of the id with 32-bit halves (lo, hi), packed as 0xRRGGBB. Background (0, 0)
 * gets a colour too; callers make it transparent.
 */
export function labelRgb8(lo: number, hi: number, seed = DEFAULT_LABEL_COLOR_SEED): number {
  const h = fmix32((lo ^ fmix32((hi ^ seed) >>> 0)) >>> 0);
  const hue = ((h & 0xffff) * 1536) >>> 16;
  const sat = 150 + ((((h >>> 16) & 0xff) * 106) >>> 8);
  const val = 170 + (((h >>> 24) * 86) >>> 8);
  const r = hsvChannel((1280 + hue) % 1536, sat, val);
  const g = hsvChannel((768 + hue) % 1536, sat, val);
  const b = hsvChannel((256 + hue) % 1536, sat, val);
  return (r << 16) | (g << 8) | b;
}

/** lo and hi 32-bit halves of the id's 64-bit two's complement. */
export function labelHalves(id: number | bigint): [number, number] {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) {
      throw new RangeError(`label ids are integers; ${id} is not a safe integer (use a bigint)`);
    }
    // Fast paths for the common 32-bit ids; larger ones go exactly through BigInt.
    if (id >= 0 && id <= 0xffffffff) return [id, 0];
    if (id < 0 && id >= -0x80000000) return [id >>> 0, 0xffffffff];
    id = BigInt(id);
  }
  const bits = BigInt.asUintN(64, id);
  return [Number(bits & 0xffffffffn), Number(bits >> 32n)];
}

/** [r, g, b, a] bytes of a label; the background id 0 is fully transparent. */
export function labelColor(id: number | bigint, seed = DEFAULT_LABEL_COLOR_SEED): [number, number, number, number] {
  const [lo, hi] = labelHalves(id);
  if (lo === 0 && hi === 0) return [0, 0, 0, 0];
  const rgb = labelRgb8(lo, hi, seed);
  return [rgb >>> 16, (rgb >>> 8) & 0xff, rgb & 0xff, 255];
}

/**
 * The same definition for a WebGL2 (GLSL ES 3.00) fragment shader. The shader passes the
 * id's halves as a uvec2 (x = lo, y = hi): for 8/16/32-bit textures hi is 0, or 0xffffffffu
 * for negative values of signed dtypes; 64-bit labels travel as two 32-bit channels.
 * `seglabLabelColor` returns straight (not premultiplied) RGBA in [0, 1].
 */
export const LABEL_COLOR_GLSL = `
uint seglabFmix32(uint h) {
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

uint seglabHsvChannel(uint k, uint s, uint v) {
  uint w = min(min(k, 256u), 1024u - min(k, 1024u));
  return v - (v * s * w) / 65280u;
}

uvec3 seglabLabelRgb8(uvec2 id, uint seed) {
  uint h = seglabFmix32(id.x ^ seglabFmix32(id.y ^ seed));
  uint hue = ((h & 0xffffu) * 1536u) >> 16u;
  uint sat = 150u + ((((h >> 16u) & 0xffu) * 106u) >> 8u);
  uint val = 170u + (((h >> 24u) * 86u) >> 8u);
  return uvec3(
    seglabHsvChannel((1280u + hue) % 1536u, sat, val),
    seglabHsvChannel((768u + hue) % 1536u, sat, val),
    seglabHsvChannel((256u + hue) % 1536u, sat, val));
}

vec4 seglabLabelColor(uvec2 id, uint seed) {
  if (id.x == 0u && id.y == 0u) {
    return vec4(0.0);
  }
  return vec4(vec3(seglabLabelRgb8(id, seed)) / 255.0, 1.0);
}
`;
