import { Widget } from '@lumino/widgets';
import type { ViewerModel } from '../model/viewerModel';
import { el, iconButton, uniqueId } from './controlsDom';
import { createIcon } from './icons';
import { nextPlayStep, parseNumber, PlaybackClock, sliderValueText } from './panelLogic';

export interface DimsSlidersOptions {
  /** Playback rate in slices per second; napari's default is 10. */
  fps?: number;
}

interface SliderRow {
  axis: number;
  node: HTMLElement;
  range: HTMLInputElement;
  number: HTMLInputElement;
  total: HTMLElement;
}

/**
 * napari's dims sliders: one row per sliced (not displayed) axis with its label, a slider, the
 * index, and for the first row a play button (requestAnimationFrame, `fps` slices per second,
 * looping). Transpose and roll buttons act on the dims order. Hidden while everything is 2D.
 * The slices themselves live in `model.dims`; the rows only show and set them.
 */
export class DimsSliders extends Widget {
  private readonly rowsNode = el('div', 'jp-SegLab-dimsRows');
  private rows: SliderRow[] = [];
  private playing: { axis: number; frame: number } | null = null;
  private readonly clock: PlaybackClock;
  private _currentAxis: number | null = null;
  private playButton: HTMLButtonElement | null = null;

  constructor(
    private readonly model: ViewerModel,
    options: DimsSlidersOptions = {}
  ) {
    super();
    this.addClass('jp-SegLab-dims');
    this.clock = new PlaybackClock(options.fps ?? 10);
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', 'Slices');
    const buttons = el('div', 'jp-SegLab-dimsButtons');
    buttons.append(
      iconButton({ icon: 'transpose', label: 'Transpose the displayed axes', onClick: () => model.dims.transpose() }),
      iconButton({ icon: 'roll', label: 'Roll the axes order', onClick: () => model.dims.rollAxes() })
    );
    this.node.append(this.rowsNode, buttons);
    const dims = model.dims;
    dims.rangeChanged.connect(this.rebuild, this);
    dims.orderChanged.connect(this.rebuild, this);
    dims.axisLabelsChanged.connect(this.rebuild, this);
    dims.stepChanged.connect(this.syncValues, this);
    this.rebuild();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.pause();
    const dims = this.model.dims;
    dims.rangeChanged.disconnect(this.rebuild, this);
    dims.orderChanged.disconnect(this.rebuild, this);
    dims.axisLabelsChanged.disconnect(this.rebuild, this);
    dims.stepChanged.disconnect(this.syncValues, this);
    super.dispose();
  }

  get fps(): number {
    return this.clock.fps;
  }
  set fps(value: number) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`expected fps > 0, got ${value}`);
    this.clock.fps = value;
    this.updatePlayButton();
  }

  get isPlaying(): boolean {
    return this.playing !== null;
  }

  /**
   * The slider the keyboard acts on (napari's `dims.last_used`): the last one touched, else
   * the first. Pass it as `sliderAxis` to runShortcut's host.
   */
  get currentAxis(): number | null {
    const sliced = this.model.dims.notDisplayed;
    if (this._currentAxis !== null && sliced.includes(this._currentAxis)) return this._currentAxis;
    return sliced.length ? sliced[0] : null;
  }
  set currentAxis(axis: number | null) {
    this._currentAxis = axis;
    for (const row of this.rows) row.node.classList.toggle('jp-mod-current', row.axis === this.currentAxis);
  }

  /** Plays the first sliced axis (or `axis`) in a loop until pause() or dispose. */
  play(axis = this.model.dims.notDisplayed[0]): void {
    if (axis === undefined || !this.model.dims.notDisplayed.includes(axis)) return;
    this.pause();
    this.clock.reset();
    this.playing = { axis, frame: requestAnimationFrame(this.onFrame) };
    this.updatePlayButton();
  }

  pause(): void {
    if (!this.playing) return;
    cancelAnimationFrame(this.playing.frame);
    this.playing = null;
    this.updatePlayButton();
  }

  private onFrame = (now: number): void => {
    const playing = this.playing;
    if (!playing || this.isDisposed) return;
    const dims = this.model.dims;
    if (!dims.notDisplayed.includes(playing.axis)) {
      this.pause();
      return;
    }
    const frames = this.clock.tick(now);
    if (frames > 0) {
      const nsteps = dims.nsteps[playing.axis];
      let step = dims.currentStep[playing.axis];
      for (let i = 0; i < frames; i++) step = nextPlayStep(step, nsteps);
      dims.setCurrentStep(playing.axis, step);
    }
    playing.frame = requestAnimationFrame(this.onFrame);
  };

  private rebuild(): void {
    const dims = this.model.dims;
    const sliced = dims.notDisplayed;
    if (this.playing && !sliced.includes(this.playing.axis)) this.pause();
    this.setHidden(dims.ndim <= 2);
    const labels = dims.axisLabels;
    const nsteps = dims.nsteps;
    this.playButton = null;
    this.rows = sliced.map((axis, i) => this.makeRow(axis, labels[axis], nsteps[axis], i === 0));
    this.rowsNode.replaceChildren(...this.rows.map(r => r.node));
    this.currentAxis = this._currentAxis;
    this.syncValues();
    this.updatePlayButton();
  }

  private makeRow(axis: number, label: string, nsteps: number, first: boolean): SliderRow {
    const node = el('div', 'jp-SegLab-dimsRow');
    const name = el('label', 'jp-SegLab-dimsLabel', label);
    name.title = `Axis ${axis}: ${label}`;
    const range = el('input', 'jp-SegLab-dimsSlider');
    range.type = 'range';
    range.min = '0';
    range.max = String(Math.max(0, nsteps - 1));
    range.step = '1';
    range.id = uniqueId('dims');
    name.htmlFor = range.id;
    range.disabled = nsteps <= 1;
    range.addEventListener('input', () => {
      this.currentAxis = axis;
      this.model.dims.setCurrentStep(axis, range.valueAsNumber);
    });
    range.addEventListener('keydown', stopNavigationKeys);
    range.addEventListener('focus', () => (this.currentAxis = axis));
    const number = el('input', 'jp-SegLab-dimsNumber');
    number.type = 'text';
    number.inputMode = 'numeric';
    number.setAttribute('aria-label', `${label} index`);
    const total = el('span', 'jp-SegLab-dimsTotal', `/ ${Math.max(0, nsteps - 1)}`);
    total.setAttribute('aria-hidden', 'true');
    const restore = () => (number.value = String(this.model.dims.currentStep[axis]));
    const commit = () => {
      const v = parseNumber(number.value);
      if (v !== null) {
        this.currentAxis = axis;
        this.model.dims.setCurrentStep(axis, v);
      }
      restore(); // shows the clamped value, or the old one after garbage
    };
    number.addEventListener('keydown', event => {
      event.stopPropagation(); // digits typed here must not switch tools
      if (event.key === 'Enter') commit();
      else if (event.key === 'Escape') restore();
    });
    number.addEventListener('change', commit);
    if (first) {
      const play = iconButton({ icon: 'play', label: `Play ${label}`, pressed: false, className: 'jp-SegLab-playButton', onClick: () => this.togglePlay(axis) });
      play.disabled = nsteps <= 1;
      this.playButton = play;
      node.append(play);
    } else {
      node.append(el('span', 'jp-SegLab-playPlaceholder'));
    }
    node.append(name, range, number, total);
    return { axis, node, range, number, total };
  }

  private togglePlay(axis: number): void {
    if (this.playing) this.pause();
    else this.play(axis);
  }

  private updatePlayButton(): void {
    const button = this.playButton;
    if (!button) return;
    const on = this.playing !== null;
    const label = this.rows[0] ? this.model.dims.axisLabels[this.rows[0].axis] : '';
    button.setAttribute('aria-pressed', String(on));
    button.setAttribute('aria-label', `${on ? 'Pause' : 'Play'} ${label}`);
    button.title = `${on ? 'Pause' : 'Play'} ${label} at ${this.clock.fps} slices per second`;
    button.replaceChildren(createIcon(on ? 'pause' : 'play'));
  }

  private syncValues(): void {
    const dims = this.model.dims;
    const steps = dims.currentStep;
    const nsteps = dims.nsteps;
    const labels = dims.axisLabels;
    for (const row of this.rows) {
      const step = steps[row.axis];
      if (row.range.valueAsNumber !== step) row.range.value = String(step);
      row.range.setAttribute('aria-valuetext', sliderValueText(labels[row.axis], step, nsteps[row.axis]));
      if (document.activeElement !== row.number) row.number.value = String(step);
    }
  }
}

/** Arrow keys on a slider belong to it, not to the notebook (which would move between cells). */
function stopNavigationKeys(event: KeyboardEvent): void {
  if (event.key.startsWith('Arrow') || event.key === 'Home' || event.key === 'End' || event.key === 'PageUp' || event.key === 'PageDown') {
    event.stopPropagation();
  }
}
