/** Face colours of the points layer: a fixed RGBA, or colour-by-property (categorical cycle, continuous LUT). */
import { LayerValidationError } from './layerBase';
import { listNames, PropertyValue } from './pointsProperties';

/** A colour as napari writes it: red, green, blue, alpha in [0, 1]. */
export type RGBA = readonly [number, number, number, number];
/** Colour points by a property: categories cycle through distinct colours, numbers follow a ramp. */
export interface ColorBy {
  property: string;
  kind: 'categorical' | 'continuous';
  /**
   * Fixed colours for some categories (napari's direct colormap), e.g. the annotator's
   * positive/negative prompts in green/red; other categories take the cycle.
   */
  colors?: Readonly<Record<string, RGBA>>;
}
export type FaceColor = RGBA | ColorBy;

/** Distinct colours for categories (Tableau 10), given out in order of first appearance. */
export const CATEGORY_COLORS: readonly RGBA[] = [
  [0x1f, 0x77, 0xb4], [0xff, 0x7f, 0x0e], [0x2c, 0xa0, 0x2c], [0xd6, 0x27, 0x28], [0x94, 0x67, 0xbd],
  [0x8c, 0x56, 0x4b], [0xe3, 0x77, 0xc2], [0x7f, 0x7f, 0x7f], [0xbc, 0xbd, 0x22], [0x17, 0xbe, 0xcf]
].map(([r, g, b]) => [r / 255, g / 255, b / 255, 1] as RGBA);

/** Colour of a point whose continuous property is not a finite number. */
export const MISSING_COLOR: RGBA = [0.5, 0.5, 0.5, 1];

/** A linear ramp between viridis' two ends, until a real colormap is set with setContinuousColormap. */
function defaultRamp(): Uint8Array {
  const [from, to] = [[68, 1, 84], [253, 231, 37]];
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    for (let c = 0; c < 3; c++) lut[i * 4 + c] = Math.round(from[c] + ((to[c] - from[c]) * i) / 255);
    lut[i * 4 + 3] = 255;
  }
  return lut;
}

/**
 * Turns the face-colour setting into one colour per point. Categories keep their colour for
 * as long as the setting stands (a category's colour does not change when other points are
 * deleted), like napari's colour cycle map.
 */
export class FaceColorMapper {
  private _faceColor: FaceColor = [1, 1, 1, 1];
  private readonly categories = new Map<PropertyValue, number>();
  private lut = defaultRamp();

  constructor(private readonly column: (name: string) => readonly PropertyValue[] | undefined) {}

  get faceColor(): FaceColor {
    if (Array.isArray(this._faceColor)) return this._faceColor;
    const by = this._faceColor as ColorBy;
    return by.colors ? { ...by, colors: { ...by.colors } } : { ...by };
  }

  setFaceColor(value: FaceColor, propertyNames: readonly string[]): void {
    if (Array.isArray(value)) {
      this._faceColor = checkRGBA(value as RGBA, 'face colour');
    } else {
      const { property, kind } = value as ColorBy;
      if (!propertyNames.includes(property)) {
        const has = listNames(propertyNames);
        throw new LayerValidationError(`cannot colour by unknown property "${property}"; the layer has ${has}`);
      }
      if (kind !== 'categorical' && kind !== 'continuous') {
        throw new LayerValidationError(`expected colour-by kind 'categorical' or 'continuous', got ${JSON.stringify(kind)}`);
      }
      const colors = (value as ColorBy).colors;
      const fixed: Record<string, RGBA> = {};
      for (const [category, color] of Object.entries(colors ?? {})) fixed[category] = checkRGBA(color, `colour of category "${category}"`);
      this._faceColor = colors ? { property, kind, colors: fixed } : { property, kind };
    }
    this.categories.clear();
  }

  /** Takes over another mapper's ramp and category colours, so a duplicate looks the same. */
  copyStateFrom(other: FaceColorMapper): void {
    this.lut = other.lut.slice();
    other.categories.forEach((k, v) => this.categories.set(v, k));
  }

  setLut(lut: Uint8Array): void {
    if (!(lut instanceof Uint8Array) || lut.length !== 256 * 4) {
      const got = `${lut?.length} values`;
      throw new LayerValidationError(`expected a colormap of 256 RGBA entries (a Uint8Array of 1024 bytes), got ${got}`);
    }
    this.lut = lut.slice();
  }

  colors(n: number): Float32Array {
    const out = new Float32Array(n * 4);
    const setting = this._faceColor;
    if (Array.isArray(setting)) {
      for (let i = 0; i < n; i++) out.set(setting as RGBA, i * 4);
      return out;
    }
    const { property, kind, colors: fixed } = setting as ColorBy;
    const values = this.column(property) ?? new Array<PropertyValue>(n).fill(NaN);
    if (kind === 'categorical') {
      for (let i = 0; i < n; i++) {
        const own = fixed?.[String(values[i])];
        if (own) {
          out.set(own, i * 4);
          continue;
        }
        if (!this.categories.has(values[i])) this.categories.set(values[i], this.categories.size);
        out.set(CATEGORY_COLORS[this.categories.get(values[i])! % CATEGORY_COLORS.length], i * 4);
      }
      return out;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (typeof v === 'number' && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        out.set(MISSING_COLOR, i * 4);
        continue;
      }
      // A constant property maps to the low end of the ramp.
      const t = hi > lo ? (v - lo) / (hi - lo) : 0;
      const k = Math.round(t * 255) * 4;
      out.set([this.lut[k] / 255, this.lut[k + 1] / 255, this.lut[k + 2] / 255, this.lut[k + 3] / 255], i * 4);
    }
    return out;
  }
}

export function checkRGBA(value: RGBA, what: string): RGBA {
  if (!Array.isArray(value) || value.length !== 4 || !value.every(v => typeof v === 'number' && v >= 0 && v <= 1)) {
    const got = JSON.stringify(value);
    throw new LayerValidationError(`expected the ${what} as [r, g, b, a] with each value in [0, 1], got ${got}`);
  }
  return [value[0], value[1], value[2], value[3]];
}
