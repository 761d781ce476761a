// Covers src/viewer/model/history.ts: undo/redo order, redo clearing, byte and entry bounds,
// oversize actions, forget() per layer, failing actions, re-entrant pushes, labels and signal.
import { UndoableAction, UndoHistory } from '../history';

/**
 * A small editable state that records real diffs, the way labels layers do: the indices it
 * changed with their values before and after. Bytes = what the diff buffers hold.
 */
class Pixels {
  readonly values: Uint8Array;
  constructor(
    readonly history: UndoHistory,
    readonly layerId: string,
    size = 16
  ) {
    this.values = new Uint8Array(size);
  }

  paint(indices: number[], value: number, label = 'Paint'): UndoableAction {
    const idx = Uint32Array.from(indices);
    const before = Uint8Array.from(indices, i => this.values[i]);
    const after = new Uint8Array(indices.length).fill(value);
    const apply = (v: Uint8Array) => idx.forEach((i, k) => (this.values[i] = v[k]));
    apply(after);
    const action: UndoableAction = {
      label,
      layerId: this.layerId,
      bytes: idx.byteLength + before.byteLength + after.byteLength,
      undo: () => apply(before),
      redo: () => apply(after)
    };
    this.history.push(action);
    return action;
  }
}

const tiny = (label: string, log: string[] = [], bytes = 0, layerId?: string): UndoableAction => ({
  label,
  bytes,
  layerId,
  undo: () => log.push(`undo ${label}`),
  redo: () => log.push(`redo ${label}`)
});

describe('UndoHistory', () => {
  it('starts empty with the default bounds', () => {
    const h = new UndoHistory();
    expect([h.canUndo, h.canRedo, h.bytes, h.undoLabel, h.redoLabel]).toEqual([false, false, 0, null, null]);
    expect(h.maxBytes).toBe(256 * 2 ** 20);
    expect(h.maxEntries).toBe(200);
    expect(h.undo()).toBe(false);
    expect(h.redo()).toBe(false);
  });

  it.each([
    [{ maxBytes: -1 }],
    [{ maxBytes: NaN }],
    [{ maxEntries: 0 }],
    [{ maxEntries: NaN }]
  ])('rejects bounds %j', options => {
    expect(() => new UndoHistory(options)).toThrow(/expected maxBytes >= 0 and maxEntries >= 1/);
  });

  it('undoes and redoes real diffs in last-in-first-out order', () => {
    const h = new UndoHistory();
    const px = new Pixels(h, 'L');
    px.paint([0, 1, 2], 5);
    px.paint([2, 3], 9);
    px.paint([0], 1, 'Fill');
    expect(Array.from(px.values.subarray(0, 4))).toEqual([1, 5, 9, 9]);
    expect(h.undoLabel).toBe('Fill');
    expect(h.undo()).toBe(true);
    expect(Array.from(px.values.subarray(0, 4))).toEqual([5, 5, 9, 9]);
    expect(h.undo()).toBe(true);
    expect(Array.from(px.values.subarray(0, 4))).toEqual([5, 5, 5, 0]);
    expect([h.undoLabel, h.redoLabel, h.undoDepth, h.redoDepth]).toEqual(['Paint', 'Paint', 1, 2]);
    expect(h.undo()).toBe(true);
    expect(Array.from(px.values.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(h.undo()).toBe(false);
    expect(h.redo()).toBe(true);
    expect(h.redo()).toBe(true);
    expect(h.redo()).toBe(true);
    expect(Array.from(px.values.subarray(0, 4))).toEqual([1, 5, 9, 9]);
    expect(h.redo()).toBe(false);
  });

  it('a new action after undo clears the redo side and its bytes', () => {
    const h = new UndoHistory();
    const px = new Pixels(h, 'L');
    px.paint([0, 1], 1); // 8 + 2 + 2 = 12 bytes
    px.paint([2, 3, 4], 2); // 12 + 3 + 3 = 18 bytes
    expect(h.bytes).toBe(30);
    h.undo();
    expect(h.bytes).toBe(30); // undone steps still hold their diffs (they can be redone)
    px.paint([5], 3); // 4 + 1 + 1 = 6 bytes
    expect(h.canRedo).toBe(false);
    expect(h.bytes).toBe(18);
    expect(h.redo()).toBe(false);
  });

  it('forgets the oldest steps beyond maxEntries', () => {
    const log: string[] = [];
    const h = new UndoHistory({ maxEntries: 3 });
    ['a', 'b', 'c', 'd', 'e'].forEach(l => h.push(tiny(l, log)));
    expect(h.undoDepth).toBe(3);
    while (h.undo());
    expect(log).toEqual(['undo e', 'undo d', 'undo c']);
  });

  it('keeps the total bytes within maxBytes by forgetting the oldest steps', () => {
    const log: string[] = [];
    const h = new UndoHistory({ maxBytes: 100 });
    h.push(tiny('a', log, 40));
    h.push(tiny('b', log, 40));
    expect(h.bytes).toBe(80);
    h.push(tiny('c', log, 30)); // 110 > 100: 'a' goes
    expect(h.bytes).toBe(70);
    h.push(tiny('d', log, 100)); // exactly the budget: only 'd' stays
    expect(h.bytes).toBe(100);
    while (h.undo());
    expect(log).toEqual(['undo d']);
  });

  it('an action larger than the whole budget is not kept and clears the history', () => {
    const log: string[] = [];
    const h = new UndoHistory({ maxBytes: 50 });
    h.push(tiny('a', log, 10));
    h.push(tiny('b', log, 10));
    h.undo();
    h.push(tiny('huge', log, 51));
    expect([h.canUndo, h.canRedo, h.bytes]).toEqual([false, false, 0]);
    h.push(tiny('c', log, 10)); // the history works again afterwards
    expect(h.undoLabel).toBe('c');
  });

  it.each([-1, NaN, Infinity])('rejects an action claiming %p bytes, keeping the history as it was', bytes => {
    const h = new UndoHistory();
    h.push(tiny('a', [], 5));
    expect(() => h.push(tiny('bad', [], bytes))).toThrow(/finite number >= 0, got .* for "bad"/);
    expect([h.undoLabel, h.bytes]).toEqual(['a', 5]);
  });

  it('forget drops only the matching steps on both sides and keeps the others undoable', () => {
    const h = new UndoHistory();
    const a = new Pixels(h, 'A');
    const b = new Pixels(h, 'B');
    a.paint([0], 1);
    b.paint([0], 2);
    a.paint([1], 3);
    b.paint([1], 4);
    h.undo(); // B's second step moves to the redo side
    const bytesOfA = 2 * 6;
    const before = h.bytes;
    h.forget(action => action.layerId === 'B');
    expect(h.bytes).toBe(before - 2 * 6);
    expect(h.canRedo).toBe(false);
    expect(h.undoDepth).toBe(2);
    expect(h.undo()).toBe(true);
    expect(h.undo()).toBe(true);
    expect(Array.from(a.values.subarray(0, 2))).toEqual([0, 0]); // both of A's steps undone
    expect(Array.from(b.values.subarray(0, 2))).toEqual([2, 0]); // B untouched by the undos
    expect(h.bytes).toBe(bytesOfA);
  });

  it('forget emits changed only when something was forgotten', () => {
    const h = new UndoHistory();
    h.push(tiny('a', [], 1, 'A'));
    let count = 0;
    h.changed.connect(() => count++);
    h.forget(action => action.layerId === 'Z');
    expect(count).toBe(0);
    h.forget(action => action.layerId === 'A');
    expect(count).toBe(1);
    expect([h.canUndo, h.bytes]).toEqual([false, 0]);
  });

  it('an action that throws while undoing stays undoable and keeps its bytes', () => {
    const h = new UndoHistory();
    let fail = true;
    h.push({
      label: 'flaky',
      bytes: 8,
      undo: () => {
        if (fail) throw new Error('disk full');
      },
      redo: () => undefined
    });
    let count = 0;
    h.changed.connect(() => count++);
    expect(() => h.undo()).toThrow('disk full');
    expect([h.undoLabel, h.canRedo, h.bytes, count]).toEqual(['flaky', false, 8, 0]);
    fail = false;
    expect(h.undo()).toBe(true);
    expect([h.canUndo, h.redoLabel, h.bytes]).toEqual([false, 'flaky', 8]);
  });

  it('ignores pushes made by an action while it is being undone or redone', () => {
    const h = new UndoHistory();
    const log: string[] = [];
    // A setter-style action whose undo goes through code that records history again.
    const action: UndoableAction = {
      label: 'Rename',
      bytes: 0,
      undo: () => h.push(tiny('echo of undo', log)),
      redo: () => h.push(tiny('echo of redo', log))
    };
    h.push(tiny('first', log));
    h.push(action);
    h.undo();
    expect([h.undoLabel, h.redoLabel]).toEqual(['first', 'Rename']);
    h.redo();
    expect([h.undoLabel, h.canRedo, h.undoDepth]).toEqual(['Rename', false, 2]);
  });

  it('emits changed on push, undo, redo and clear', () => {
    const h = new UndoHistory();
    const seen: boolean[] = [];
    h.changed.connect(sender => seen.push(sender === h));
    h.push(tiny('a'));
    h.undo();
    h.redo();
    h.clear();
    h.undo(); // nothing to undo: no signal
    expect(seen).toEqual([true, true, true, true]);
  });
});
