// Covers src/viewer/model/dims.ts: defaults, ranges and nsteps, steps (clamping, signals),
// world point, order/transpose/roll, labels, and right-aligned growth and shrinking of ndim.
import { Dims } from '../dims';

function counting(dims: Dims) {
  const counts = { step: 0, order: 0, range: 0, labels: 0 };
  dims.stepChanged.connect(sender => {
    expect(sender).toBe(dims);
    counts.step++;
  });
  dims.orderChanged.connect(() => counts.order++);
  dims.rangeChanged.connect(() => counts.range++);
  dims.axisLabelsChanged.connect(() => counts.labels++);
  return counts;
}

const dims3 = () => {
  const d = new Dims();
  d.setRange([
    [0, 31, 1],
    [0, 61, 1],
    [0, 57, 1]
  ]);
  d.centerSteps();
  return d;
};

describe('Dims', () => {
  it('starts as napari: 2 axes of one step, numbered labels, identity order', () => {
    const d = new Dims();
    expect([d.ndim, d.range, d.nsteps, d.currentStep]).toEqual([2, [[0, 1, 1], [0, 1, 1]], [1, 1], [0, 0]]);
    expect([d.order, d.displayed, d.notDisplayed, d.axisLabels, d.point]).toEqual([[0, 1], [0, 1], [], ['0', '1'], [0.5, 0.5]]);
    expect(new Dims(4).axisLabels).toEqual(['0', '1', '2', '3']);
  });

  it.each([1, 0, 2.5, NaN])('refuses ndim %p', n => {
    expect(() => new Dims(n)).toThrow(/ndim to be an integer >= 2/);
  });

  it('counts steps per axis from [min, max, step], tolerant to float rounding', () => {
    const d = new Dims();
    d.setRange([
      [0, 10, 0.1], // 10 / 0.1 = 100.00000000000001 in floats: still 100 slices
      [0, 1.05, 0.5], // a partial last slice still counts
      [-3, 3, 2]
    ]);
    expect(d.nsteps).toEqual([100, 3, 3]);
  });

  it.each([
    [[[0, 1, 1]], /at least 2 axis ranges/],
    [[[0, 1, 1], [1, 1, 1]], /axis 1 range \[min, max, step\] with min < max and step > 0, got \[1, 1, 1\]/],
    [[[0, 1, 0], [0, 1, 1]], /axis 0 range/],
    [[[0, NaN, 1], [0, 1, 1]], /axis 0 range/]
  ])('setRange rejects %j', (ranges, message) => {
    expect(() => new Dims().setRange(ranges as [number, number, number][])).toThrow(message);
  });

  it('new axes start at their middle slice; existing steps stay, clamped to the new range', () => {
    const d = new Dims();
    d.setRange([
      [0, 31, 1],
      [0, 61, 1],
      [0, 57, 1]
    ]);
    expect(d.currentStep).toEqual([15, 0, 0]); // axis 0 is new; the old two keep slice 0
    d.currentStep = [15, 30, 28];
    d.setCurrentStep(0, 20);
    d.setRange([
      [0, 10, 1],
      [0, 61, 1],
      [0, 57, 1]
    ]);
    expect(d.currentStep).toEqual([9, 30, 28]);
  });

  it('setCurrentStep clamps and rounds, emits once per real change, and validates the axis', () => {
    const d = dims3();
    const counts = counting(d);
    d.setCurrentStep(0, 100);
    expect(d.currentStep[0]).toBe(30);
    d.setCurrentStep(0, 30);
    d.setCurrentStep(0, -4);
    expect(d.currentStep[0]).toBe(0);
    d.setCurrentStep(1, 2.6);
    expect(d.currentStep[1]).toBe(3);
    expect(counts).toEqual({ step: 3, order: 0, range: 0, labels: 0 });
    expect(() => d.setCurrentStep(3, 0)).toThrow(/axis in \[0, 3\), got 3/);
    expect(() => d.setCurrentStep(0, NaN)).toThrow(/finite step index/);
  });

  it('currentStep setter sets every axis with one signal', () => {
    const d = dims3();
    const counts = counting(d);
    d.currentStep = [1, 2, 300];
    expect(d.currentStep).toEqual([1, 2, 56]);
    d.currentStep = [1, 2, 56];
    expect(counts.step).toBe(1);
    expect(() => (d.currentStep = [1, 2])).toThrow(/expected 3 step indices/);
  });

  it('point is the world centre of the current slice; setPoint picks the slice containing a world coordinate', () => {
    const d = new Dims();
    d.setRange([
      [10, 40, 2], // z: 15 slices of 2 µm from 10
      [0, 3, 0.1],
      [-5, 5, 1]
    ]);
    d.currentStep = [0, 0, 0];
    expect(d.point).toEqual([11, 0.05, -4.5]);
    d.setPoint(0, 13.9);
    expect(d.currentStep[0]).toBe(1);
    d.setPoint(1, 0.3); // 0.3 / 0.1 = 2.9999999999999996: still slice 3
    expect(d.currentStep[1]).toBe(3);
    d.setPoint(2, 1e9);
    expect(d.currentStep[2]).toBe(9);
    d.setPoint(0, -1e9);
    expect(d.currentStep[0]).toBe(0);
    expect(() => d.setPoint(0, Infinity)).toThrow(/finite world coordinate/);
  });

  it('order: validated permutation, displayed = its last two, notDisplayed the rest', () => {
    const d = dims3();
    const counts = counting(d);
    d.order = [2, 0, 1];
    expect([d.displayed, d.notDisplayed]).toEqual([[0, 1], [2]]);
    d.order = [2, 0, 1];
    expect(counts.order).toBe(1);
    for (const bad of [[0, 1], [0, 1, 1], [0, 1, 3], [0, 1, 2, 3]]) {
      expect(() => (d.order = bad)).toThrow(/permutation of 0..2/);
    }
  });

  it('transpose swaps the displayed pair only', () => {
    const d = dims3();
    d.transpose();
    expect([d.order, d.displayed]).toEqual([[0, 2, 1], [2, 1]]);
    d.transpose();
    expect(d.order).toEqual([0, 1, 2]);
  });

  it('rollAxes rolls the order by one (last first), as napari’s roll button', () => {
    const d = dims3();
    d.rollAxes();
    expect(d.order).toEqual([2, 0, 1]);
    d.rollAxes();
    expect(d.order).toEqual([1, 2, 0]);
    d.rollAxes();
    expect(d.order).toEqual([0, 1, 2]);
  });

  it('rollAxes skips axes with a single slice, so they never get displayed', () => {
    const d = new Dims();
    d.setRange([
      [0, 1, 1], // a single time point
      [0, 61, 1],
      [0, 57, 1]
    ]);
    d.rollAxes();
    expect([d.order, d.displayed]).toEqual([[0, 2, 1], [2, 1]]);
    const flat = new Dims();
    const counts = counting(flat);
    flat.rollAxes(); // fewer than two real axes: nothing to roll
    expect([flat.order, counts.order]).toEqual([[0, 1], 0]);
  });

  it('axis labels: user labels replace the numbers; validated', () => {
    const d = dims3();
    const counts = counting(d);
    d.axisLabels = ['Z', 'Y', 'X'];
    expect([d.axisLabels, counts.labels]).toEqual([['Z', 'Y', 'X'], 1]);
    expect(() => (d.axisLabels = ['Y', 'X'])).toThrow(/3 non-empty axis labels/);
    expect(() => (d.axisLabels = ['Z', '', 'X'])).toThrow(/non-empty/);
  });

  it('growing ndim adds axes in front, keeping steps, order and labels of the old ones', () => {
    const d = new Dims();
    d.setRange([
      [0, 61, 1],
      [0, 57, 1]
    ]);
    d.currentStep = [5, 6];
    d.transpose();
    d.axisLabels = ['Y', 'X'];
    const counts = counting(d);
    d.setRange([
      [0, 8, 1],
      [0, 31, 1],
      [0, 61, 1],
      [0, 57, 1]
    ]);
    expect([d.ndim, d.currentStep]).toEqual([4, [3, 15, 5, 6]]);
    expect([d.order, d.displayed]).toEqual([[0, 1, 3, 2], [3, 2]]);
    expect(d.axisLabels).toEqual(['0', '1', 'Y', 'X']);
    expect(counts).toEqual({ step: 1, order: 1, range: 1, labels: 1 });
  });

  it('shrinking ndim drops axes from the front and renumbers the order', () => {
    const d = new Dims();
    d.setRange([
      [0, 8, 1],
      [0, 31, 1],
      [0, 61, 1],
      [0, 57, 1]
    ]);
    d.order = [2, 0, 3, 1];
    d.axisLabels = ['T', 'Z', 'Y', 'X'];
    d.currentStep = [1, 2, 3, 4];
    d.setRange([
      [0, 61, 1],
      [0, 57, 1]
    ]);
    expect([d.order, d.axisLabels, d.currentStep]).toEqual([[0, 1], ['Y', 'X'], [3, 4]]);
    d.setRange([
      [0, 31, 1],
      [0, 61, 1],
      [0, 57, 1]
    ]);
    d.order = [1, 2, 0];
    d.setRange([
      [0, 61, 1],
      [0, 57, 1]
    ]);
    expect(d.order).toEqual([0, 1]); // [1, 2, 0] without axis 0, renumbered
  });

  it('an unchanged range emits nothing', () => {
    const d = dims3();
    const counts = counting(d);
    d.setRange(d.range);
    expect(counts).toEqual({ step: 0, order: 0, range: 0, labels: 0 });
  });

  it('centerSteps moves every axis to its middle slice', () => {
    const d = dims3();
    d.currentStep = [0, 0, 0];
    d.centerSteps();
    expect(d.currentStep).toEqual([15, 30, 28]);
  });

  it('returns copies: editing what a getter gave changes nothing', () => {
    const d = dims3();
    d.currentStep.fill(0);
    d.order.reverse();
    d.range.pop();
    d.axisLabels.pop();
    expect([d.currentStep, d.order, d.ndim, d.axisLabels.length]).toEqual([[15, 30, 28], [0, 1, 2], 3, 3]);
  });
});
