/**
 * napari's click selection, shared by points and shapes: a plain click selects only what was
 * hit (or clears on a miss); with `add` (Shift) it toggles what was hit and keeps the rest.
 */
export function clickSelect(selected: Set<number>, hit: number | null, add: boolean): void {
  if (add) {
    if (hit !== null && !selected.delete(hit)) selected.add(hit);
  } else {
    selected.clear();
    if (hit !== null) selected.add(hit);
  }
}
