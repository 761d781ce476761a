import { MATPLOTLIB_TABLES } from './colormapData';

/**
 * Colormaps as 256-entry RGBA lookup tables (bytes), named as napari names them so that
 * `colormap='magma'` means the same in the kernel and in the browser.
 *
 * The perceptual maps are matplotlib's own tables (generated into colormapData.ts by
 * scripts/gen-colormaps.py and checked against matplotlib in the tests); the single-hue maps
 * are linear ramps from black to the full colour, as napari's `green`, `magenta`, ... are.
 */

/** Black-to-colour ramps: the full-intensity RGB (0..1) at the top end. */
const LINEAR_RAMPS = {
  gray: [1, 1, 1],
  green: [0, 1, 0],
  magenta: [1, 0, 1],
  cyan: [0, 1, 1],
  red: [1, 0, 0],
  blue: [0, 0, 1],
  yellow: [1, 1, 0]
} as const;

const PERCEPTUAL = ['viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo'] as const;

export type ColormapName = keyof typeof LINEAR_RAMPS | 'gray_r' | (typeof PERCEPTUAL)[number];

export const COLORMAP_NAMES: readonly ColormapName[] = [
  'gray',
  'gray_r',
  ...PERCEPTUAL,
  'green',
  'magenta',
  'cyan',
  'red',
  'blue',
  'yellow'
];

/** Entries per table: one per 8-bit intensity step, as napari and matplotlib use. */
export const LUT_SIZE = 256;

export function isColormapName(name: unknown): name is ColormapName {
  return typeof name === 'string' && (COLORMAP_NAMES as readonly string[]).includes(name);
}

const cache = new Map<ColormapName, Uint8Array>();

function build(name: ColormapName): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE * 4);
  const hex = (MATPLOTLIB_TABLES as Record<string, string | undefined>)[name];
  for (let i = 0; i < LUT_SIZE; i++) {
    if (hex !== undefined) {
      for (let c = 0; c < 3; c++) lut[i * 4 + c] = parseInt(hex.substr(i * 6 + c * 2, 2), 16);
    } else if (name === 'gray_r') {
      lut.fill(255 - i, i * 4, i * 4 + 3);
    } else {
      const top = LINEAR_RAMPS[name as keyof typeof LINEAR_RAMPS];
      for (let c = 0; c < 3; c++) lut[i * 4 + c] = top[c] * i;
    }
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

/**
 * The RGBA table of a colormap (LUT_SIZE × 4 bytes, entry 0 for the low contrast limit). A
 * fresh copy each call, so a caller that edits it cannot change the map for everyone else.
 */
export function colormapLUT(name: ColormapName): Uint8Array {
  return sharedLUT(name).slice();
}

function sharedLUT(name: ColormapName): Uint8Array {
  if (!isColormapName(name)) {
    throw new RangeError(`unknown colormap ${JSON.stringify(name)}; expected one of ${COLORMAP_NAMES.join(', ')}`);
  }
  let lut = cache.get(name);
  if (!lut) {
    lut = build(name);
    cache.set(name, lut);
  }
  return lut;
}

/**
 * The colour for a normalised intensity `t` (0 = low limit, 1 = high limit), clamped to the
 * table, picking the nearest entry as the renderer does. NaN has no colour: transparent.
 */
export function colormapColor(name: ColormapName, t: number): [number, number, number, number] {
  if (Number.isNaN(t)) return [0, 0, 0, 0];
  const lut = sharedLUT(name);
  const i = Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1)) * 4;
  return [lut[i], lut[i + 1], lut[i + 2], lut[i + 3]];
}
