// Covers src/viewer/model/scaleBar.ts: the nice length over many decades against a brute-force
// search of {1, 2, 5} × 10^k written here, SI rescaling of the label both ways, units shown as
// given, degenerate inputs, validation messages, and the state's `changed` signal.
import { checkPosition, checkUnit, checkVisible, ScaleBar, ScaleBarError, scaleBarLength, SCALE_BAR_POSITIONS } from '../scaleBar';
import { ViewerModel } from '../viewerModel';

/** The largest m × 10^k (m in 1, 2, 5) world units not above the target, found by trying them all. */
function bruteForce(worldPerPx: number, targetPx: number): { m: number; k: number; value: number } {
  const target = worldPerPx * targetPx;
  let best = { m: 0, k: 0, value: -Infinity };
  for (let k = -60; k <= 60; k++) {
    for (const m of [1, 2, 5]) {
      const value = Number(`${m}e${k}`);
      if (value <= target * (1 + 1e-9) && value > best.value) best = { m, k, value };
    }
  }
  return best;
}

// Worlds-per-pixel spread over 40 decades, with mantissas between and on the nice values.
const SAMPLES: number[] = [];
for (let e = -20; e <= 20; e++) {
  for (const f of [1, 1.7, 2, 3.3, 4.999, 5, 7.1, 9.99]) SAMPLES.push(f * 10 ** e);
}

describe('scaleBarLength: the nice length', () => {
  it('is the largest 1, 2 or 5 × 10^k not above the target, over 40 decades', () => {
    for (const targetPx of [100, 150, 37]) {
      for (const w of SAMPLES) {
        const want = bruteForce(w, targetPx);
        const got = scaleBarLength(w, null, targetPx);
        expect([w, targetPx, Math.abs(got.lengthPx / (want.value / w) - 1) < 1e-12]).toEqual([w, targetPx, true]);
        expect(got.lengthPx).toBeGreaterThan(0.4 * targetPx * (1 - 1e-9));
        expect(got.lengthPx).toBeLessThanOrEqual(targetPx * (1 + 1e-9));
      }
    }
  });

  it('labels the number without a unit as JavaScript prints it, for 10^-6 .. 10^15', () => {
    for (const w of SAMPLES) {
      const want = bruteForce(w, 100);
      if (want.k < -6 || want.k > 15) continue;
      expect([w, scaleBarLength(w, null).label]).toEqual([w, String(want.value)]);
    }
  });

  it('takes a target that is exactly nice, despite float rounding', () => {
    expect(scaleBarLength(0.5, 'um')).toEqual({ lengthPx: 100, label: '50 µm' });
    expect(scaleBarLength(0.1, null)).toEqual({ lengthPx: 100, label: '10' });
    expect(scaleBarLength(0.3, null, 1000 / 3).label).toBe('100'); // 0.3 × 333.33 = 99.99999999999999
    expect(scaleBarLength(2, null)).toEqual({ lengthPx: 100, label: '200' });
    expect(scaleBarLength(0.49, 'um')).toEqual({ lengthPx: 20 / 0.49, label: '20 µm' });
  });

  it.each([0, -0, -1, NaN, Infinity, -Infinity, 1e307])('gives no bar for %p world units per pixel', w => {
    expect(scaleBarLength(w, 'um')).toEqual({ lengthPx: 0, label: '' });
  });

  it('still draws a bar for subnormal world lengths, whose ratios stay exact enough', () => {
    expect(scaleBarLength(1e-320, null).lengthPx).toBeCloseTo(50, 0);
  });

  it.each([0, -5, NaN, Infinity])('gives no bar for a target of %p px', target => {
    expect(scaleBarLength(1, null, target)).toEqual({ lengthPx: 0, label: '' });
  });
});

describe('scaleBarLength: SI prefixes', () => {
  const METRES: Record<string, number> = { m: 0, cm: -2, mm: -3, um: -6, nm: -9 };
  const PREFIX: [number, string][] = [[3, 'km'], [0, 'm'], [-3, 'mm'], [-6, 'µm'], [-9, 'nm'], [-12, 'pm']];

  it('rescales to the prefix that keeps the number in 1..500, up and down, for every unit', () => {
    for (const [unit, e] of Object.entries(METRES)) {
      for (const w of SAMPLES) {
        const { m, k } = bruteForce(w, 100);
        const metres = k + e;
        // Independently: the prefix whose number is in [1, 1000), else the nearest end of the table.
        const within = PREFIX.find(([p]) => metres - p >= 0 && metres - p < 3);
        const [p, symbol] = within ?? (metres >= 3 ? PREFIX[0] : PREFIX[PREFIX.length - 1]);
        const got = scaleBarLength(w, unit).label;
        if (within) expect([unit, w, got]).toEqual([unit, w, `${Number(`${m}e${metres - p}`)} ${symbol}`]);
        else expect(got.endsWith(` ${symbol}`)).toBe(true);
      }
    }
  });

  it('turns 1000 nm into 1 µm and 0.001 mm into 1 µm, and 2 cm into 20 mm', () => {
    expect(scaleBarLength(10, 'nm')).toEqual({ lengthPx: 100, label: '1 µm' });
    expect(scaleBarLength(1e-5, 'mm')).toEqual({ lengthPx: 100, label: '1 µm' });
    expect(scaleBarLength(0.02, 'cm')).toEqual({ lengthPx: 100, label: '20 mm' });
    expect(scaleBarLength(5e-7, 'm').label).toBe('50 µm');
    expect(scaleBarLength(5e-7, 'm').lengthPx).toBeCloseTo(100, 10);
    expect(scaleBarLength(20, 'um')).toEqual({ lengthPx: 100, label: '2 mm' });
    expect(scaleBarLength(1, 'Å')).toEqual({ lengthPx: 100, label: '10 nm' });
    expect(scaleBarLength(50, 'm').label).toBe('5 km');
  });

  it('knows the aliases of the micrometre', () => {
    for (const unit of ['um', 'µm', 'μm', 'micron', 'Microns', 'micrometer', 'micrometre']) {
      expect([unit, scaleBarLength(0.5, unit).label]).toEqual([unit, '50 µm']);
    }
  });

  it('shows pixels as px, no unit as a bare number and other units as given', () => {
    expect(scaleBarLength(2, 'pixel').label).toBe('200 px');
    expect(scaleBarLength(2, 'px').label).toBe('200 px');
    expect(scaleBarLength(2, null).label).toBe('200');
    expect(scaleBarLength(0.02, 'ft').label).toBe('2 ft'); // not a length unit SegLab rescales
    expect(scaleBarLength(20, 's').label).toBe('2000 s');
  });

  it('prints tiny and huge numbers without float noise', () => {
    expect(scaleBarLength(3e-9, null).label).toBe('0.0000002');
    expect(scaleBarLength(3e-20, null).label).toBe('2e-18');
    expect(scaleBarLength(3e18, null).label).toBe('2e20');
    expect(scaleBarLength(1e-17, 'm').label).toBe('0.001 pm');
    expect(scaleBarLength(1e4, 'km').label).toBe('1000000 km');
  });
});

describe('ScaleBar validation', () => {
  it('accepts null and short printable units', () => {
    for (const u of [null, 'um', 'µm', 'px', 'a b', 'x'.repeat(32), '𝜇'.repeat(32)]) expect(checkUnit(u)).toBe(u);
  });

  it.each([
    [''],
    ['x'.repeat(33)],
    ['𝜇'.repeat(33)], // 33 code points, 66 UTF-16 units
    ['a\nb'],
    ['\u200bum'], // zero-width space, a format character
    ['\u00a0um'], // no-break space
    [5],
    [undefined],
    [['um']]
  ])('refuses the unit %p, naming the field', value => {
    expect(() => checkUnit(value)).toThrow(ScaleBarError);
    expect(() => checkUnit(value)).toThrow(/^unit: expected no unit \(None\/null\) or a string of 1 to 32 printable characters, got /);
  });

  it('names the allowed positions and wants a bool for visible', () => {
    expect(SCALE_BAR_POSITIONS).toEqual(['bottom_right', 'bottom_left', 'top_right', 'top_left']);
    for (const p of SCALE_BAR_POSITIONS) expect(checkPosition(p)).toBe(p);
    expect(() => checkPosition('middle')).toThrow('position: expected one of bottom_right, bottom_left, top_right, top_left, got "middle"');
    expect(() => checkPosition(null)).toThrow(/^position: expected one of/);
    expect(() => checkVisible('yes')).toThrow('visible: expected a bool, got "yes"');
    expect(checkVisible(false)).toBe(false);
  });
});

describe('ScaleBar state', () => {
  it("starts as napari's: hidden, no unit, bottom right; the viewer has one", () => {
    expect(new ScaleBar().state).toEqual({ visible: false, unit: null, position: 'bottom_right' });
    expect(new ViewerModel().scaleBar.state).toEqual({ visible: false, unit: null, position: 'bottom_right' });
  });

  it('emits changed once per change, and not for a value it already has', () => {
    const bar = new ScaleBar();
    let n = 0;
    bar.changed.connect(() => n++);
    bar.visible = true;
    bar.unit = 'um';
    bar.position = 'top_left';
    expect(n).toBe(3);
    bar.visible = true;
    bar.set({ unit: 'um', position: 'top_left' });
    expect(n).toBe(3);
    bar.set({ visible: false, unit: null, position: 'bottom_left' });
    expect(n).toBe(4);
    expect(bar.state).toEqual({ visible: false, unit: null, position: 'bottom_left' });
  });

  it('applies nothing when one field of a set is invalid', () => {
    const bar = new ScaleBar();
    let n = 0;
    bar.changed.connect(() => n++);
    expect(() => bar.set({ visible: true, unit: 'nm', position: 'middle' as never })).toThrow(/^position:/);
    expect(() => {
      bar.unit = 'a\tb';
    }).toThrow(/^unit:/);
    expect([bar.state, n]).toEqual([{ visible: false, unit: null, position: 'bottom_right' }, 0]);
  });
});
