// Synthetic pointer and key events for driving tools in jest (no DOM): canvas CSS pixels.
import type { OverlayDraft } from '../../render/overlayDraft';
import { ToolContext, ToolKey, ToolPointer } from '../toolBase';

export const SIZE = { width: 200, height: 100 };

let clock = 1000;

/** A pointer event at (x, y); each call advances the clock by 500 ms unless `timeStamp` is given. */
export function ptr(x: number, y: number, extra: Partial<ToolPointer> = {}): ToolPointer {
  clock += 500;
  return { x, y, pointerId: 1, button: 0, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, timeStamp: clock, ...extra };
}

export function key(name: string, extra: Partial<ToolKey> = {}): ToolKey {
  return { key: name, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...extra };
}

/** A tool context over a fixed canvas size that records every draft shown. */
export function recordingContext(): ToolContext & { drafts: (OverlayDraft | null)[]; last(): OverlayDraft | null } {
  const drafts: (OverlayDraft | null)[] = [];
  return {
    drafts,
    size: () => SIZE,
    setDraft: d => drafts.push(d),
    last: () => (drafts.length ? drafts[drafts.length - 1] : null)
  };
}

/** An element stand-in for tools built with `{ attach: false }`. */
export const NO_ELEMENT = {} as HTMLElement;
