// Covers src/viewer/tools/toolBase.ts: double-click detection and the drag threshold the
// tools share.
import { DOUBLE_CLICK_MS, DOUBLE_CLICK_PX, DoubleClickDetector, pointerDistance } from '../toolBase';
import { ptr } from './toolHarness';

describe('DoubleClickDetector', () => {
  it('pairs two presses close in time and space, then starts over', () => {
    const d = new DoubleClickDetector();
    expect(d.press(ptr(10, 10, { timeStamp: 0 }))).toBe(false);
    expect(d.press(ptr(12, 11, { timeStamp: DOUBLE_CLICK_MS - 1 }))).toBe(true);
    // A third quick press is the first of a new pair, not another double click.
    expect(d.press(ptr(12, 11, { timeStamp: DOUBLE_CLICK_MS + 10 }))).toBe(false);
  });

  it('does not pair presses too far apart in time or space', () => {
    const d = new DoubleClickDetector();
    d.press(ptr(10, 10, { timeStamp: 0 }));
    expect(d.press(ptr(10, 10, { timeStamp: DOUBLE_CLICK_MS + 1 }))).toBe(false);
    expect(d.press(ptr(10 + DOUBLE_CLICK_PX + 1, 10, { timeStamp: DOUBLE_CLICK_MS + 50 }))).toBe(false);
    d.reset();
    expect(d.press(ptr(10, 10, { timeStamp: DOUBLE_CLICK_MS + 60 }))).toBe(false);
  });

  it('measures pointer distance in CSS pixels', () => {
    expect(pointerDistance({ x: 0, y: 0 }, { x: 3, y: 4 })).toBe(5);
  });
});
