import { ISignal, Signal } from '@lumino/signaling';

/** Canvas corners the bar can sit in (napari's `viewer.scale_bar.position`); the first is the default. */
export const SCALE_BAR_POSITIONS = ['bottom_right', 'bottom_left', 'top_right', 'top_left'] as const;
export type ScaleBarPosition = (typeof SCALE_BAR_POSITIONS)[number];
/** Longest unit string, in characters (code points, as Python counts them). */
export const MAX_UNIT_LENGTH = 32;

export interface ScaleBarState {
  visible: boolean;
  /** The physical unit of one world unit (what the layers' `scale` is in); null: no unit. */
  unit: string | null;
  position: ScaleBarPosition;
}

/** A refused value; the message names the field, in the same words as seglab/scale_bar.py. */
export class ScaleBarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaleBarError';
  }
}

const UNIT_EXPECTED = `no unit (None/null) or a string of 1 to ${MAX_UNIT_LENGTH} printable characters`;
// Python's str.isprintable: no control, format, surrogate, private-use, unassigned or separator
// characters, except the ASCII space.
const PRINTABLE = /^(?:[^\p{C}\p{Z}]| )+$/u;

function shown(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function checkVisible(value: unknown, field = 'visible'): boolean {
  if (typeof value !== 'boolean') throw new ScaleBarError(`${field}: expected a bool, got ${shown(value)}`);
  return value;
}

export function checkUnit(value: unknown, field = 'unit'): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || [...value].length > MAX_UNIT_LENGTH || !PRINTABLE.test(value)) {
    throw new ScaleBarError(`${field}: expected ${UNIT_EXPECTED}, got ${shown(value)}`);
  }
  return value;
}

export function checkPosition(value: unknown, field = 'position'): ScaleBarPosition {
  if (typeof value !== 'string' || !(SCALE_BAR_POSITIONS as readonly string[]).includes(value)) {
    throw new ScaleBarError(`${field}: expected one of ${SCALE_BAR_POSITIONS.join(', ')}, got ${shown(value)}`);
  }
  return value as ScaleBarPosition;
}

/**
 * napari's scale bar overlay state: whether it shows, the unit of the world coordinates and the
 * corner. Pure state; ui/scaleBar.ts draws it from the camera's zoom.
 */
export class ScaleBar {
  private _state: ScaleBarState = { visible: false, unit: null, position: 'bottom_right' };
  private readonly _changed = new Signal<this, void>(this);

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get visible(): boolean {
    return this._state.visible;
  }

  set visible(value: boolean) {
    this.set({ visible: value });
  }

  get unit(): string | null {
    return this._state.unit;
  }

  set unit(value: string | null) {
    this.set({ unit: value });
  }

  get position(): ScaleBarPosition {
    return this._state.position;
  }

  set position(value: ScaleBarPosition) {
    this.set({ position: value });
  }

  get state(): ScaleBarState {
    return { ...this._state };
  }

  /** Changes several fields at once: all are checked before any applies; emits `changed` once, if anything changed. */
  set(fields: Partial<ScaleBarState>): void {
    const next = { ...this._state };
    if (fields.visible !== undefined) next.visible = checkVisible(fields.visible);
    if (fields.unit !== undefined) next.unit = checkUnit(fields.unit);
    if (fields.position !== undefined) next.position = checkPosition(fields.position);
    const before = this._state;
    if (next.visible === before.visible && next.unit === before.unit && next.position === before.position) return;
    this._state = next;
    this._changed.emit();
  }
}

// -- the bar's length and label ------------------------------------------------------------------

export interface ScaleBarLength {
  /** Screen length of the bar in CSS pixels; 0 when there is no sensible bar. */
  lengthPx: number;
  /** e.g. '50 µm', '1 mm', '200' (no unit); '' with no bar. */
  label: string;
}

const NO_BAR: ScaleBarLength = { lengthPx: 0, label: '' };

// Length units the label rescales with SI prefixes, as powers of ten of a metre.
const LENGTH_SYMBOLS: Record<string, number> = { km: 3, m: 0, cm: -2, mm: -3, um: -6, 'µm': -6, 'μm': -6, nm: -9, pm: -12, 'Å': -10 };
const LENGTH_WORDS: Record<string, number> = {
  kilometer: 3, kilometre: 3, meter: 0, metre: 0, centimeter: -2, centimetre: -2, millimeter: -3, millimetre: -3,
  micron: -6, microns: -6, micrometer: -6, micrometre: -6, nanometer: -9, nanometre: -9, picometer: -12, picometre: -12, angstrom: -10
};
const PIXEL_UNITS = ['px', 'pixel', 'pixels'];
// Engineering prefixes (powers of 1000) the label uses, largest first; 'µ' is the micro sign napari shows.
const PREFIXES: [number, string][] = [[3, 'km'], [0, 'm'], [-3, 'mm'], [-6, 'µm'], [-9, 'nm'], [-12, 'pm']];

/** The power of ten of a metre that `unit` is, or undefined when it is no length unit we know. */
export function lengthExponent(unit: string): number | undefined {
  return LENGTH_SYMBOLS[unit] ?? (unit.length > 2 ? LENGTH_WORDS[unit.toLowerCase()] : undefined);
}

/** m × 10^e, correctly rounded (m * 10 ** e can be an ulp off). */
const times10 = (m: number, e: number) => Number(`${m}e${e}`);

/** mantissa × 10^exponent in plain decimals, exactly (no float noise such as 0.30000000000000004). */
function decimal(mantissa: number, exponent: number): string {
  if (exponent >= 0 && exponent <= 15) return `${mantissa}${'0'.repeat(exponent)}`;
  if (exponent < 0 && exponent >= -15) return `0.${'0'.repeat(-exponent - 1)}${mantissa}`;
  return `${mantissa}e${exponent}`;
}

function labelOf(mantissa: number, exponent: number, unit: string | null): string {
  if (unit === null) return decimal(mantissa, exponent);
  if (PIXEL_UNITS.includes(unit.toLowerCase())) return `${decimal(mantissa, exponent)} px`;
  const unitExponent = lengthExponent(unit);
  if (unitExponent === undefined) return `${decimal(mantissa, exponent)} ${unit}`; // shown as given, not rescaled
  const metres = exponent + unitExponent;
  const [prefix, symbol] = PREFIXES.find(([p]) => p <= metres) ?? PREFIXES[PREFIXES.length - 1];
  return `${decimal(mantissa, metres - prefix)} ${symbol}`;
}

/**
 * The scale bar for a view showing `worldPerScreenPixel` world units per CSS pixel: the largest
 * "nice" length (1, 2 or 5 × 10^k world units) whose bar is at most `targetPx` long (napari picks
 * the preferred value below its target the same way), so the bar is 0.4 to 1 × `targetPx`.
 * With a length unit the label moves to the SI prefix that keeps the number in 1..500
 * (1000 nm -> '1 µm'). Zero, negative, NaN or infinite inputs give no bar (lengthPx 0).
 */
export function scaleBarLength(worldPerScreenPixel: number, unit: string | null, targetPx = 100): ScaleBarLength {
  const target = worldPerScreenPixel * targetPx;
  if (!(worldPerScreenPixel > 0 && targetPx > 0 && target > 0 && Number.isFinite(target))) return NO_BAR;
  const slack = 1 + 1e-9; // a target of exactly 50 (0.5 × 100) is 50, not 20, despite rounding
  let exponent = Math.floor(Math.log10(target));
  if (times10(1, exponent + 1) <= target * slack) exponent += 1; // log10 may round just below an integer
  if (times10(1, exponent) > target * slack) exponent -= 1;
  const mantissa = [5, 2, 1].find(m => times10(m, exponent) <= target * slack) ?? 1;
  const lengthPx = times10(mantissa, exponent) / worldPerScreenPixel;
  if (!(lengthPx > 0 && Number.isFinite(lengthPx))) return NO_BAR; // subnormal world lengths
  return { lengthPx, label: labelOf(mantissa, exponent, unit) };
}
