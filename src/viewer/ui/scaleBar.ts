import { IDisposable } from '@lumino/disposable';
import { ScaleBar, scaleBarLength } from '../model/scaleBar';

/** Screen length the bar aims for, in CSS pixels (it ends up 40 to 100 % of this). */
const TARGET_PX = 100;

/**
 * Draws the model's ScaleBar over a canvas: a bar of a "nice" world length and its label,
 * in the corner the model names (CSS places it by `data-position`). The canvas calls `update`
 * on every frame, so the bar follows the zoom; it owns no state of its own.
 */
export class ScaleBarView implements IDisposable {
  readonly node = document.createElement('div');
  private readonly bar = document.createElement('div');
  private readonly label = document.createElement('div');
  private _isDisposed = false;

  constructor(
    private readonly scaleBar: ScaleBar,
    private readonly targetPx = TARGET_PX
  ) {
    this.node.className = 'jp-SegLab-scaleBar';
    this.node.setAttribute('role', 'img');
    this.node.hidden = true;
    this.label.className = 'jp-SegLab-scaleBar-label';
    this.bar.className = 'jp-SegLab-scaleBar-bar';
    this.node.append(this.label, this.bar);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * `zoom`: screen (CSS) pixels per world unit, the Camera's zoom. `worldPerDataPixel`: units
   * of the scale bar per camera unit; 1 for SegLab's cameras, which already work in world
   * units (the layers' `scale` applied), so only a view whose zoom counts data pixels passes more.
   */
  update(zoom: number, worldPerDataPixel = 1): void {
    const { visible, unit, position } = this.scaleBar;
    const length = visible ? scaleBarLength(worldPerDataPixel / zoom, unit, this.targetPx) : null;
    if (!length || length.lengthPx <= 0) {
      this.node.hidden = true;
      return;
    }
    this.node.hidden = false;
    this.node.dataset.position = position;
    this.bar.style.width = `${length.lengthPx}px`;
    this.label.textContent = length.label; // the unit is user text: never innerHTML
    this.node.setAttribute('aria-label', `Scale bar: ${length.label}`);
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    this.node.remove();
  }
}
