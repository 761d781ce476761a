import { ISignal, Signal } from '@lumino/signaling';

/**
 * One undoable step. Actions keep diffs (the pixels or vertices that changed, before and after),
 * never copies of whole layers, and say how many bytes they hold so the history can stay
 * within its memory bound.
 */
export interface UndoableAction {
  /** Shown in menus and tooltips: "Paint", "Fill", "Move point", ... */
  readonly label: string;
  /** Bytes this action keeps alive (diff buffers); 0 for tiny actions. */
  readonly bytes: number;
  /** The layer the action edits, so the viewer can forget it when that layer is removed. */
  readonly layerId?: string;
  undo(): void;
  redo(): void;
}

export interface UndoHistoryOptions {
  /** Memory bound over all kept actions (undo and redo sides). Default 256 MiB. */
  maxBytes?: number;
  /** Bound on the number of undo steps. Default 200 (napari keeps a similar depth). */
  maxEntries?: number;
}

/**
 * Linear undo/redo for one viewer, shared by all its layers (so Ctrl+Z undoes the last thing
 * the user did, whichever layer it touched). When over budget the oldest steps are forgotten;
 * a single action larger than the whole budget is applied but cannot be undone.
 */
export class UndoHistory {
  readonly maxBytes: number;
  readonly maxEntries: number;
  private readonly undoStack: UndoableAction[] = [];
  private readonly redoStack: UndoableAction[] = [];
  private _bytes = 0;
  // True while an action's undo()/redo() runs: layer methods it calls may record history,
  // which must not happen (the step being undone is already the record).
  private applying = false;
  private readonly _changed = new Signal<this, void>(this);

  constructor(options: UndoHistoryOptions = {}) {
    this.maxBytes = options.maxBytes ?? 256 * 2 ** 20;
    this.maxEntries = options.maxEntries ?? 200;
    if (!(this.maxBytes >= 0) || !(this.maxEntries >= 1)) {
      throw new RangeError(`expected maxBytes >= 0 and maxEntries >= 1, got ${this.maxBytes}, ${this.maxEntries}`);
    }
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  /** Bytes held by all kept actions. */
  get bytes(): number {
    return this._bytes;
  }
  get undoDepth(): number {
    return this.undoStack.length;
  }
  get redoDepth(): number {
    return this.redoStack.length;
  }
  get undoLabel(): string | null {
    return this.undoStack.length ? this.undoStack[this.undoStack.length - 1].label : null;
  }
  get redoLabel(): string | null {
    return this.redoStack.length ? this.redoStack[this.redoStack.length - 1].label : null;
  }

  /**
   * Records an action that has already been applied. Clears the redo side. Ignored while an
   * undo or redo is being applied (see `applying`).
   */
  push(action: UndoableAction): void {
    if (this.applying) return;
    if (!(Number.isFinite(action.bytes) && action.bytes >= 0)) {
      throw new RangeError(`expected an action's bytes to be a finite number >= 0, got ${action.bytes} for "${action.label}"`);
    }
    for (const dropped of this.redoStack.splice(0)) this._bytes -= dropped.bytes;
    if (action.bytes > this.maxBytes) {
      // Cannot be kept: forget everything before it too, since undoing those would skip it.
      this.clear();
      return;
    }
    this.undoStack.push(action);
    this._bytes += action.bytes;
    while (this.undoStack.length > this.maxEntries || this._bytes > this.maxBytes) {
      this._bytes -= this.undoStack.shift()!.bytes;
    }
    this._changed.emit();
  }

  undo(): boolean {
    return this.move(this.undoStack, this.redoStack, 'undo');
  }

  redo(): boolean {
    return this.move(this.redoStack, this.undoStack, 'redo');
  }

  private move(from: UndoableAction[], to: UndoableAction[], method: 'undo' | 'redo'): boolean {
    const action = from[from.length - 1];
    if (!action || this.applying) return false;
    this.applying = true;
    try {
      action[method]();
    } finally {
      this.applying = false;
    }
    // Only moved once it succeeded: an action that threw stays where it was (and its bytes
    // stay counted), so the user can retry instead of losing the step.
    from.pop();
    to.push(action);
    this._changed.emit();
    return true;
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this._bytes = 0;
    this._changed.emit();
  }

  /**
   * Forgets the actions for which `predicate` is true (e.g. `a => a.layerId === id` for a
   * removed layer). Only those go: each action is a diff of its own layer, so dropping one
   * layer's steps cannot make another layer's steps apply to the wrong state, and removing a
   * layer must not cost the user the undo history of the layers that remain.
   */
  forget(predicate: (action: UndoableAction) => boolean): void {
    let removed = 0;
    for (const stack of [this.undoStack, this.redoStack]) {
      const kept = stack.filter(action => {
        if (!predicate(action)) return true;
        this._bytes -= action.bytes;
        removed++;
        return false;
      });
      stack.splice(0, stack.length, ...kept);
    }
    if (removed) this._changed.emit();
  }
}
