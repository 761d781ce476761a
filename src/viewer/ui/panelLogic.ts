/**
 * The arithmetic behind the viewer's side and bottom panels, kept free of the DOM so jest
 * tests it: list order versus layer order, drag-and-drop targets, keyboard selection moves,
 * slider texts, colour conversions, label input parsing and the playback clock.
 */

// ---- layer list: top-first rows over a bottom-first model ------------------------------------

/** Row index in the list (top layer first, as napari shows it) of the layer at `modelIndex`. */
export function rowOfLayer(modelIndex: number, count: number): number {
  return count - 1 - modelIndex;
}

/** Layer index in the model (bottom first) of the list row `row`. */
export function layerOfRow(row: number, count: number): number {
  return count - 1 - row;
}

/** Where a dragged row lands relative to the row under the pointer. */
export type DropPosition = 'above' | 'below';

/** 'above' when the pointer is in the upper half of the row, 'below' otherwise. */
export function dropPosition(pointerY: number, rowTop: number, rowHeight: number): DropPosition {
  return pointerY < rowTop + rowHeight / 2 ? 'above' : 'below';
}

/**
 * The `ViewerModel.moveLayer(from, to)` arguments (model indices) for dropping list row
 * `fromRow` above or below list row `overRow`, or null when the layer would not move.
 */
export function dropMove(fromRow: number, overRow: number, position: DropPosition, count: number): [number, number] | null {
  for (const row of [fromRow, overRow]) {
    if (!(Number.isInteger(row) && row >= 0 && row < count)) return null;
  }
  // The gap between rows the layer goes into (0 = above the first row, count = below the last),
  // then its row once it has left its old place.
  const gap = overRow + (position === 'below' ? 1 : 0);
  const toRow = gap > fromRow ? gap - 1 : gap;
  if (toRow === fromRow) return null;
  return [layerOfRow(fromRow, count), layerOfRow(toRow, count)];
}

/** `moveLayer` arguments to move the layer at `modelIndex` one row up (+1) or down (-1) the list. */
export function stepMove(modelIndex: number, rowsUp: 1 | -1, count: number): [number, number] | null {
  const to = modelIndex + rowsUp; // up the list = higher in the stack
  return to >= 0 && to < count && modelIndex >= 0 && modelIndex < count ? [modelIndex, to] : null;
}

/** The row keyboard navigation goes to from `row` (null: none) by `delta`, clamped to the list. */
export function nextRow(row: number | null, delta: number, count: number): number | null {
  if (count === 0) return null;
  if (row === null) return delta >= 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, row + delta));
}

/** Why a new layer name is refused, or null when it can be used. */
export function checkLayerName(name: string, otherNames: readonly string[]): string | null {
  if (name.trim() === '') return 'A layer name cannot be empty.';
  if (otherNames.includes(name)) return `Another layer is already called "${name}".`;
  return null;
}

// ---- dims sliders --------------------------------------------------------------------------

/** The slider's spoken value: "Z 12 / 31" (index and last index, as napari's slider shows). */
export function sliderValueText(label: string, step: number, nsteps: number): string {
  return `${label} ${step} / ${Math.max(0, nsteps - 1)}`;
}

/** Step after `step` during playback: wraps to 0 past the end (napari's default loop mode). */
export function nextPlayStep(step: number, nsteps: number, direction: 1 | -1 = 1): number {
  if (nsteps <= 1) return 0;
  return (((step + direction) % nsteps) + nsteps) % nsteps;
}

/**
 * Turns animation-frame timestamps into whole frames at `fps`, so playback keeps its rate
 * whatever the display refresh rate, and a stalled tab does not fast-forward on return.
 */
export class PlaybackClock {
  private last: number | null = null;
  private carry = 0;

  constructor(public fps = 10) {}

  /** Frames due at time `now` (ms), at most `maxFrames` at once. */
  tick(now: number, maxFrames = 1): number {
    if (!(this.fps > 0)) return 0;
    if (this.last === null) {
      this.last = now;
      return 0;
    }
    this.carry += ((now - this.last) * this.fps) / 1000;
    this.last = now;
    const due = Math.floor(this.carry + 1e-9); // 60 frames of 1000/60 ms must add up to 1 s
    this.carry -= due;
    if (due > maxFrames) this.carry = 0;
    return Math.min(due, maxFrames);
  }

  reset(): void {
    this.last = null;
    this.carry = 0;
  }
}

// ---- numbers and colours -----------------------------------------------------------------

/** A number short enough for a narrow input: integers as they are, others to 4 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return String(+v.toPrecision(4));
}

/** Parses what the user typed in a number field, or null when it is not a finite number. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** The value of the contrast limit inputs after one is edited, or an explanation. */
export function editLimits(limits: readonly [number, number], which: 0 | 1, text: string): [number, number] | string {
  const v = parseNumber(text);
  if (v === null) return `"${text}" is not a number.`;
  const next: [number, number] = [limits[0], limits[1]];
  next[which] = v;
  if (!(next[0] < next[1])) return 'The lower contrast limit must be below the upper one.';
  return next;
}

/** Parses a label id (any integer, 64-bit exact), or null. */
export function parseLabelId(text: string): bigint | null {
  const t = text.trim();
  if (!/^[-+]?\d+$/.test(t)) return null;
  return BigInt(t);
}

const hex2 = (v: number) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');

/** "#rrggbb" of [r, g, b] in [0, 1] (napari's colour convention). */
export function rgbToHex(rgb: readonly number[]): string {
  return `#${hex2(rgb[0] * 255)}${hex2(rgb[1] * 255)}${hex2(rgb[2] * 255)}`;
}

/** [r, g, b, alpha] in [0, 1] of "#rrggbb" (what an <input type=color> gives), or null. */
export function hexToRgba(hex: string, alpha = 1): [number, number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return null;
  return [parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255, alpha];
}

/** CSS colour of [r, g, b, a] bytes (a label colour); transparent for alpha 0. */
export function cssColorOfBytes(rgba: readonly number[]): string {
  return `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${+(rgba[3] / 255).toFixed(3)})`;
}

/** napari's '[' / ']': the brush one pixel smaller or larger, never below 1 (or `min`). */
export function stepBrushSize(size: number, delta: number, min = 1, max = Infinity): number {
  return Math.min(max, Math.max(min, Math.round(size) + delta));
}

/** Slider maximum for the brush size: napari's 40, stretched when the size is larger. */
export function brushSliderMax(size: number): number {
  return Math.max(40, Math.ceil(size));
}
