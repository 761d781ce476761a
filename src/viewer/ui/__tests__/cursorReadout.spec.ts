// The status line text (src/viewer/ui/cursorReadout.ts): slice indices on every axis, the
// physical position when scale/translate make it differ, values per visible layer.
import { NDArray } from '../../../core/ndarray';
import { LabelsLayer } from '../../model/labelsLayer';
import { OrthoViews } from '../../model/orthoViews';
import { ViewerModel } from '../../model/viewerModel';
import { cursorReadout, formatValue } from '../cursorReadout';

const ramp = (shape: number[]): NDArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'uint16', shape, data: Uint16Array.from({ length: n }, (_, i) => i % 60000) };
};

describe('cursorReadout', () => {
  it('2D, unit scale: [row, col] and the pixel value, nothing physical', () => {
    const model = new ViewerModel();
    model.addImage(ramp([4, 5]), { name: 'img' });
    expect(cursorReadout(model, model.dims, { row: 2.7, col: 3.1 }, null)).toBe('[2, 3]  img: 13');
  });

  it('3D: every axis in order, the slider index on the sliced one; outside the image no value', () => {
    const model = new ViewerModel();
    model.addImage(ramp([3, 4, 5]), { name: 'vol' });
    model.dims.setCurrentStep(0, 2);
    expect(cursorReadout(model, model.dims, { row: 1.5, col: 0.2 }, null)).toBe('[2, 1, 0]  vol: 45');
    expect(cursorReadout(model, model.dims, { row: -0.5, col: 7 }, null)).toBe('[2, -1, 7]');
  });

  it('anisotropic scale and translate: the physical position in the scale bar unit', () => {
    const model = new ViewerModel();
    model.addImage(ramp([3, 4, 5]), { name: 'vol', scale: [2, 0.5, 0.5], translate: [0, 10, 0] });
    model.dims.setCurrentStep(0, 1);
    // world row 11.2 -> index (11.2 - 10) / 0.5 = 2; col 1.9 -> 3; z centre of slice 1 = 3.
    expect(cursorReadout(model, model.dims, { row: 11.2, col: 1.9 }, 'µm')).toBe('[1, 2, 3]  (3, 11.2, 1.9 µm)  vol: 33');
    expect(cursorReadout(model, model.dims, { row: 11.2, col: 1.9 }, null)).toBe('[1, 2, 3]  (3, 11.2, 1.9)  vol: 33');
  });

  it('an orthogonal plane reads in its own displayed axes, with the cursor on the others', () => {
    const model = new ViewerModel();
    model.addImage(ramp([3, 4, 5]), { name: 'vol' });
    const ortho = new OrthoViews(model);
    model.dims.currentStep = [0, 3, 0];
    // XZ: row is z, col is x; y is the cursor's 3.
    expect(cursorReadout(model, ortho.xz.dims, { row: 2.5, col: 4.5 }, null)).toBe('[2, 3, 4]  vol: 59');
  });

  it('every visible layer bottom to top; hidden ones and points are left out; uint64 exactly', () => {
    const model = new ViewerModel();
    model.addImage(ramp([2, 2]), { name: 'img' });
    const labels = new LabelsLayer({ dtype: 'uint64', shape: [2, 2], data: new BigUint64Array([0n, 2n ** 64n - 1n, 3n, 4n]) }, { id: 'l', name: '<b>cells</b>' });
    model.addLayer(labels);
    expect(cursorReadout(model, model.dims, { row: 0, col: 1 }, null)).toBe('[0, 1]  img: 1  <b>cells</b>: 18446744073709551615');
    labels.visible = false;
    expect(cursorReadout(model, model.dims, { row: 0, col: 1 }, null)).toBe('[0, 1]  img: 1');
  });

  it('formats values: integers exact, floats to 5 digits, NaN and infinities by name', () => {
    expect([formatValue(3), formatValue(1.23456789), formatValue(NaN), formatValue(-Infinity), formatValue(2n ** 63n)]).toEqual(['3', '1.2346', 'NaN', '-inf', '9223372036854775808']);
  });
});
