// Covers src/viewer/ui/panelLogic.ts: list/model index mapping, drag-and-drop targets checked
// against the ViewerModel's moveLayer, keyboard moves, name checks, slider texts, playback
// clock, number and colour helpers.
import { NDArray } from '../../../core/ndarray';
import { ViewerModel } from '../../model/viewerModel';
import {
  brushSliderMax,
  checkLayerName,
  cssColorOfBytes,
  dropMove,
  dropPosition,
  editLimits,
  formatNumber,
  hexToRgba,
  layerOfRow,
  nextPlayStep,
  nextRow,
  parseLabelId,
  parseNumber,
  PlaybackClock,
  rgbToHex,
  rowOfLayer,
  sliderValueText,
  stepBrushSize,
  stepMove
} from '../panelLogic';

const image = (): NDArray => ({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array(4) });

/** Names as the list shows them, top first. */
function listNames(model: ViewerModel): string[] {
  return [...model.layers].reverse().map(l => l.name);
}

function modelWith(names: string[]): ViewerModel {
  const model = new ViewerModel();
  for (const name of names) model.addImage(image(), { name });
  return model;
}

describe('list rows and model indices', () => {
  it('are mirror images of each other', () => {
    expect(rowOfLayer(0, 3)).toBe(2);
    expect(rowOfLayer(2, 3)).toBe(0);
    for (let i = 0; i < 5; i++) expect(layerOfRow(rowOfLayer(i, 5), 5)).toBe(i);
  });
});

describe('dropMove', () => {
  it('picks the half of the row under the pointer', () => {
    expect(dropPosition(104, 100, 20)).toBe('above');
    expect(dropPosition(111, 100, 20)).toBe('below');
  });

  it('moves the dragged row to where it was dropped, for every drop, as seen in the list', () => {
    const names = ['a', 'b', 'c', 'd']; // bottom first: the list shows d, c, b, a
    for (let from = 0; from < 4; from++) {
      for (let over = 0; over < 4; over++) {
        for (const position of ['above', 'below'] as const) {
          const model = modelWith(names);
          const shown = listNames(model);
          const dragged = shown[from];
          // Expected list: remove the dragged row, insert it next to the row dropped on.
          const expected = shown.filter(n => n !== dragged);
          if (dragged !== shown[over]) {
            const at = expected.indexOf(shown[over]) + (position === 'below' ? 1 : 0);
            expected.splice(at, 0, dragged);
          } else {
            expected.splice(from, 0, dragged);
          }
          const move = dropMove(from, over, position, 4);
          if (move) model.moveLayer(...move);
          expect(listNames(model)).toEqual(expected);
          expect(move === null).toBe(JSON.stringify(expected) === JSON.stringify(shown));
        }
      }
    }
  });

  it('refuses rows outside the list', () => {
    expect(dropMove(-1, 0, 'above', 3)).toBeNull();
    expect(dropMove(0, 3, 'above', 3)).toBeNull();
    expect(dropMove(0.5, 1, 'above', 3)).toBeNull();
  });
});

describe('stepMove and nextRow', () => {
  it('moves a layer one row up or down the list, stopping at the ends', () => {
    const model = modelWith(['a', 'b', 'c']);
    model.moveLayer(...stepMove(0, 1, 3)!); // 'a' one row up the list
    expect(listNames(model)).toEqual(['c', 'a', 'b']);
    expect(stepMove(2, 1, 3)).toBeNull();
    expect(stepMove(0, -1, 3)).toBeNull();
  });

  it('clamps keyboard navigation and starts at an end when nothing is selected', () => {
    expect(nextRow(null, 1, 3)).toBe(0);
    expect(nextRow(null, -1, 3)).toBe(2);
    expect(nextRow(0, -1, 3)).toBe(0);
    expect(nextRow(1, 1, 3)).toBe(2);
    expect(nextRow(2, 1, 3)).toBe(2);
    expect(nextRow(0, 1, 0)).toBeNull();
  });
});

describe('checkLayerName', () => {
  it('refuses empty and taken names, with a reason', () => {
    expect(checkLayerName('', [])).toMatch(/empty/);
    expect(checkLayerName('  ', [])).toMatch(/empty/);
    expect(checkLayerName('nuclei', ['nuclei', 'cells'])).toMatch(/already/);
    expect(checkLayerName('nuclei 2', ['nuclei'])).toBeNull();
  });
});

describe('sliders and playback', () => {
  it('speaks the slider value as label, index and last index', () => {
    expect(sliderValueText('Z', 12, 32)).toBe('Z 12 / 31');
    expect(sliderValueText('0', 0, 1)).toBe('0 0 / 0');
  });

  it('loops playback in both directions', () => {
    expect(nextPlayStep(3, 5)).toBe(4);
    expect(nextPlayStep(4, 5)).toBe(0);
    expect(nextPlayStep(0, 5, -1)).toBe(4);
    expect(nextPlayStep(0, 1)).toBe(0);
  });

  it('PlaybackClock yields frames at the requested rate whatever the refresh rate', () => {
    const clock = new PlaybackClock(10);
    let frames = 0;
    for (let i = 0; i <= 60; i++) frames += clock.tick((i * 1000) / 60);
    expect(frames).toBe(10);
    const fast = new PlaybackClock(30);
    frames = 0;
    for (let i = 0; i <= 144; i++) frames += fast.tick((i * 1000) / 144, 5);
    expect(frames).toBe(30);
  });

  it('PlaybackClock does not fast-forward after a stall, and stops at fps 0', () => {
    const clock = new PlaybackClock(10);
    clock.tick(0);
    expect(clock.tick(10_000)).toBe(1);
    expect(clock.tick(10_050)).toBe(0);
    clock.fps = 0;
    expect(clock.tick(20_000)).toBe(0);
    clock.reset();
    clock.fps = 10;
    expect(clock.tick(30_000)).toBe(0); // first tick after a reset only starts the clock
  });
});

describe('numbers', () => {
  it('formats for narrow inputs', () => {
    expect(formatNumber(255)).toBe('255');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(1e-5)).toBe('1.000e-5');
    expect(formatNumber(12345678.9)).toBe('1.235e+7');
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('parses numbers and refuses the rest', () => {
    expect(parseNumber(' 3.5 ')).toBe(3.5);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
  });

  it('edits one contrast limit and keeps low below high', () => {
    expect(editLimits([0, 255], 1, '100')).toEqual([0, 100]);
    expect(editLimits([0, 255], 0, '300')).toMatch(/below/);
    expect(editLimits([0, 255], 0, 'x')).toMatch(/not a number/);
  });

  it('parses label ids exactly, 64-bit included', () => {
    expect(parseLabelId('7')).toBe(7n);
    expect(parseLabelId(' -3 ')).toBe(-3n);
    expect(parseLabelId('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseLabelId('1.5')).toBeNull();
    expect(parseLabelId('')).toBeNull();
  });

  it('steps the brush size as napari does', () => {
    expect(stepBrushSize(10, 1)).toBe(11);
    expect(stepBrushSize(1, -1)).toBe(1);
    expect(stepBrushSize(5.4, -1)).toBe(4);
    expect(stepBrushSize(40, 1, 1, 40)).toBe(40);
    expect(brushSliderMax(10)).toBe(40);
    expect(brushSliderMax(55.5)).toBe(56);
  });
});

describe('colours', () => {
  it('converts between [0, 1] RGB and #rrggbb', () => {
    expect(rgbToHex([1, 0.5, 0])).toBe('#ff8000');
    expect(hexToRgba('#ff8000', 0.5)).toEqual([1, 128 / 255, 0, 0.5]);
    expect(hexToRgba('red')).toBeNull();
    expect(rgbToHex(hexToRgba('#12abef')!)).toBe('#12abef');
  });

  it('writes label colour bytes as CSS', () => {
    expect(cssColorOfBytes([255, 0, 10, 255])).toBe('rgba(255, 0, 10, 1)');
    expect(cssColorOfBytes([0, 0, 0, 0])).toBe('rgba(0, 0, 0, 0)');
  });
});
