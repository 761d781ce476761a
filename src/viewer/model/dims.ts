import { ISignal, Signal } from '@lumino/signaling';

/**
 * One world axis: [min, max) covered by the layers and the world size of one slice step.
 * Slice i covers [min + i·step, min + (i+1)·step).
 */
export type DimRange = readonly [min: number, max: number, step: number];

/** What a fresh viewer (or one whose last layer went) shows: two axes of one step each. */
const EMPTY_RANGE: DimRange = [0, 1, 1];
// Tolerance when counting steps, so that 10 / 0.1 does not become 101 steps through rounding.
const STEP_EPSILON = 1e-6;

function checkRange(range: DimRange, axis: number): DimRange {
  const [min, max, step] = range;
  if (!(Number.isFinite(min) && Number.isFinite(max) && Number.isFinite(step) && max > min && step > 0)) {
    throw new RangeError(`expected axis ${axis} range [min, max, step] with min < max and step > 0, got [${range.join(', ')}]`);
  }
  return [min, max, step];
}

/**
 * napari's Dims: which slice of an nD world the viewer shows. `ndim` world axes, each with a
 * range from the layers, an integer current step (the slice index), a display order whose
 * last two axes are the displayed (row, column) pair, and labels. Plain evented state: the
 * dims sliders and the renderer observe it; setting a step touches no layer.
 *
 * Axes are aligned to the right, as napari broadcasts layers: when a 3D layer joins 2D ones,
 * the new axis is axis 0 and the old axes keep their steps, labels and order under index + 1.
 */
export class Dims {
  private _range: DimRange[];
  private _step: number[];
  private _order: number[];
  // null = no label given: shown as the axis number, napari's default.
  private _labels: (string | null)[];
  private readonly _stepChanged = new Signal<this, void>(this);
  private readonly _orderChanged = new Signal<this, void>(this);
  private readonly _rangeChanged = new Signal<this, void>(this);
  private readonly _axisLabelsChanged = new Signal<this, void>(this);

  constructor(ndim = 2) {
    if (!(Number.isInteger(ndim) && ndim >= 2)) {
      throw new RangeError(`expected ndim to be an integer >= 2 (two axes are always displayed), got ${ndim}`);
    }
    this._range = new Array(ndim).fill(EMPTY_RANGE);
    this._step = new Array(ndim).fill(0);
    this._order = [...Array(ndim).keys()];
    this._labels = new Array(ndim).fill(null);
  }

  /** The current step of one or more axes changed. */
  get stepChanged(): ISignal<this, void> {
    return this._stepChanged;
  }
  /** The display order changed (transpose, roll, or axes added or removed). */
  get orderChanged(): ISignal<this, void> {
    return this._orderChanged;
  }
  /** The ranges (and so possibly ndim and nsteps) changed. */
  get rangeChanged(): ISignal<this, void> {
    return this._rangeChanged;
  }
  get axisLabelsChanged(): ISignal<this, void> {
    return this._axisLabelsChanged;
  }

  get ndim(): number {
    return this._range.length;
  }

  get range(): DimRange[] {
    return [...this._range];
  }

  /** Number of slices per axis. */
  get nsteps(): number[] {
    return this._range.map(nstepsOf);
  }

  /** The slice index per axis. */
  get currentStep(): number[] {
    return [...this._step];
  }
  /** Sets every axis at once (clamped into range), with one signal. */
  set currentStep(steps: readonly number[]) {
    if (steps.length !== this.ndim) {
      throw new RangeError(`expected ${this.ndim} step indices, got [${steps.join(', ')}]`);
    }
    this.applySteps(steps.map((s, axis) => this.clampStep(axis, s)));
  }

  /** Moves one axis to slice `index`, clamped into its range (napari's `set_current_step`). */
  setCurrentStep(axis: number, index: number): void {
    this.checkAxis(axis);
    const step = this.clampStep(axis, index);
    if (step === this._step[axis]) return;
    this._step[axis] = step;
    this._stepChanged.emit();
  }

  /** Every axis to its middle slice, as napari does when the first layer arrives. */
  centerSteps(): void {
    this.applySteps(this.nsteps.map(n => Math.floor((n - 1) / 2)));
  }

  /** World coordinate of the current slice per axis: the centre of the slice. */
  get point(): number[] {
    return this._range.map(([min, , step], axis) => min + (this._step[axis] + 0.5) * step);
  }

  /** Moves one axis to the slice that contains world coordinate `world` (clamped). */
  setPoint(axis: number, world: number): void {
    this.setCurrentStep(axis, this.stepAt(axis, world));
  }

  /** The slice index of axis `axis` that contains world coordinate `world`, clamped into range. */
  stepAt(axis: number, world: number): number {
    this.checkAxis(axis);
    if (!Number.isFinite(world)) {
      throw new RangeError(`expected a finite world coordinate for axis ${axis}, got ${world}`);
    }
    const [min, , step] = this._range[axis];
    return this.clampStep(axis, Math.floor((world - min) / step + STEP_EPSILON));
  }

  /** Axis permutation; the last two entries are displayed (rows, columns). */
  get order(): number[] {
    return [...this._order];
  }
  set order(order: readonly number[]) {
    const n = this.ndim;
    const sorted = [...order].sort((a, b) => a - b);
    if (order.length !== n || !sorted.every((axis, i) => axis === i)) {
      throw new RangeError(`expected order to be a permutation of 0..${n - 1}, got [${order.join(', ')}]`);
    }
    if (order.every((axis, i) => axis === this._order[i])) return;
    this._order = [...order];
    this._orderChanged.emit();
  }

  /** The displayed world axes: [row axis, column axis]. */
  get displayed(): [number, number] {
    const n = this._order.length;
    return [this._order[n - 2], this._order[n - 1]];
  }

  /** The sliced (not displayed) axes, in order. */
  get notDisplayed(): number[] {
    return this._order.slice(0, -2);
  }

  /** Swaps the displayed pair (napari's transpose button). */
  transpose(): void {
    const order = this.order;
    const n = order.length;
    [order[n - 2], order[n - 1]] = [order[n - 1], order[n - 2]];
    this.order = order;
  }

  /**
   * Rolls the order by one position (the last axis becomes first), as napari's roll button:
   * only axes with more than one slice take part, so a singleton axis never gets displayed
   * in place of a real one.
   */
  rollAxes(): void {
    const nsteps = this.nsteps;
    const order = this.order;
    const positions = order.map((axis, i) => (nsteps[axis] > 1 ? i : -1)).filter(i => i >= 0);
    if (positions.length < 2) return;
    const axes = positions.map(i => order[i]);
    axes.unshift(axes.pop()!);
    positions.forEach((p, k) => (order[p] = axes[k]));
    this.order = order;
  }

  get axisLabels(): string[] {
    return this._labels.map((label, axis) => label ?? String(axis));
  }
  set axisLabels(labels: readonly string[]) {
    if (labels.length !== this.ndim || !labels.every(l => typeof l === 'string' && l.trim() !== '')) {
      throw new RangeError(`expected ${this.ndim} non-empty axis labels, got ${JSON.stringify(labels)}`);
    }
    this._labels = [...labels];
    this._axisLabelsChanged.emit();
  }

  /**
   * New ranges from the layers. Their count sets ndim; axes are aligned to the right, so
   * added axes come first (at their middle slice, as napari) and removed ones go from the front.
   * Every step is clamped into its new range.
   */
  setRange(ranges: readonly DimRange[]): void {
    if (ranges.length < 2) {
      throw new RangeError(`expected at least 2 axis ranges (two axes are always displayed), got ${ranges.length}`);
    }
    const next = ranges.map(checkRange);
    const oldNdim = this.ndim;
    const shift = next.length - oldNdim; // > 0: axes added at the front; < 0: removed from it
    const sameRange = shift === 0 && next.every((r, i) => r.every((v, k) => v === this._range[i][k]));
    if (sameRange) return;
    this._range = next;
    const steps = next.map((range, axis) => {
      const old = axis - shift;
      return old >= 0 && old < oldNdim ? this._step[old] : Math.floor((nstepsOf(range) - 1) / 2);
    });
    if (shift !== 0) {
      const kept = this._order.filter(axis => axis + shift >= 0).map(axis => axis + shift);
      this._order = [...Array(Math.max(0, shift)).keys(), ...kept];
      this._labels = [...new Array(Math.max(0, shift)).fill(null), ...this._labels.slice(Math.max(0, -shift))];
    }
    this._rangeChanged.emit();
    if (shift !== 0) {
      this._orderChanged.emit();
      this._axisLabelsChanged.emit();
    }
    // Steps moved with their axes or were clamped: tell slicers unless nothing changed.
    const clamped = steps.map((s, axis) => this.clampStep(axis, s));
    if (shift !== 0 || clamped.some((s, axis) => s !== this._step[axis])) {
      this._step = clamped;
      this._stepChanged.emit();
    }
  }

  private applySteps(steps: number[]): void {
    if (steps.every((s, axis) => s === this._step[axis])) return;
    this._step = steps;
    this._stepChanged.emit();
  }

  private clampStep(axis: number, index: number): number {
    if (!Number.isFinite(index)) {
      throw new RangeError(`expected a finite step index for axis ${axis}, got ${index}`);
    }
    return Math.min(nstepsOf(this._range[axis]) - 1, Math.max(0, Math.round(index)));
  }

  private checkAxis(axis: number): void {
    if (!(Number.isInteger(axis) && axis >= 0 && axis < this.ndim)) {
      throw new RangeError(`expected an axis in [0, ${this.ndim}), got ${axis}`);
    }
  }
}

function nstepsOf([min, max, step]: DimRange): number {
  return Math.max(1, Math.ceil((max - min) / step - STEP_EPSILON));
}
