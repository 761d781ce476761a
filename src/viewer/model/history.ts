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
  get undoLabel(): string | null {
    return this.undoStack.length ? this.undoStack[this.undoStack.length - 1].label : null;
  }
  get redoLabel(): string | null {
    return this.redoStack.length ? this.redoStack[this.redoStack.length - 1].label : null;
  }

  /** Records an action that has already been applied. Clears the redo side. */
  push(action: UndoableAction): void {
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
    const action = this.undoStack.pop();
    if (!action) return false;
    action.undo();
    this.redoStack.push(action);
    this._changed.emit();
    return true;
  }

  redo(): boolean {
    const action = this.redoStack.pop();
    if (!action) return false;
    action.redo();
    this.undoStack.push(action);
    this._changed.emit();
    return true;
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this._bytes = 0;
    this._changed.emit();
  }

  /** Forgets the actions for which `predicate` is true (e.g. those of a removed layer). */
  forget(predicate: (action: UndoableAction) => boolean): void {
    // Dropping a step from the middle would let later steps apply to the wrong state, so
    // everything up to the last matching undo step goes, and any matching redo clears redo.
    const lastMatch = this.undoStack.map(predicate).lastIndexOf(true);
    const removed = this.undoStack.splice(0, lastMatch + 1);
    if (this.redoStack.some(predicate)) removed.push(...this.redoStack.splice(0));
    for (const action of removed) this._bytes -= action.bytes;
    if (removed.length) this._changed.emit();
  }
}
