/**
 * The segment tool in a viewer: a "Segment" toggle in the toolbar which, when on, shows the
 * prompt controls (positive/negative point, box, commit, clear, propagate) and a bar with the
 * model and the backend it runs on; micro-sam's keys (S, C, Shift+C, T, Shift+S) while it is on.
 * All text is set with textContent: model names come from user settings and the kernel.
 */
import { Widget } from '@lumino/widgets';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { el, textButton } from '../../viewer/ui/controlsDom';
import type { ViewerWidget } from '../../viewer/ui/viewerWidget';
import { SegmentAnnotator } from './annotator';
import { precomputeSlices } from './annotatorEmbeddings';
import { BOX_PROMPTS, findLayer, POINT_PROMPTS } from './promptLayers';
import { ShapesLayer } from '../../viewer/model/shapesLayer';
import { PointsLayer } from '../../viewer/model/pointsLayer';

export interface SegmentToolOptions {
  /** What the bar says about the model and backend, e.g. "seglab-nucleus-prompter · WASM, 1 thread". */
  describe(): string;
  /** Propagation through slices (3D/time); left out: no button. */
  propagate?(annotator: SegmentAnnotator): Promise<void>;
}

export class SegmentTool {
  private readonly group = el('div', 'jp-SegLab-toolGroup jp-SegLab-segmentTools');
  private readonly toggle: HTMLButtonElement;
  private readonly labelButton: HTMLButtonElement;
  private readonly controls: HTMLButtonElement[];
  private readonly bar = new Widget();
  private readonly barText = el('span', 'jp-SegLab-segmentBarText');

  constructor(
    private readonly viewer: ViewerWidget,
    /** Shared by every view of the same viewer model. */
    readonly annotator: SegmentAnnotator,
    private readonly options: SegmentToolOptions
  ) {
    annotator.events = {
      message: (text, isError) => viewer.showMessage(text, isError),
      progress: (label, fraction, cancel) => viewer.showProgress(label, fraction, cancel)
    };
    this.group.setAttribute('role', 'group');
    this.group.setAttribute('aria-label', 'Segment');
    this.toggle = textButton('Segment', 'Segment objects with a SAM-family model (points and boxes)', () => this.setActive(!this.annotator.active));
    this.toggle.setAttribute('aria-pressed', 'false');
    this.toggle.dataset.action = 'segment.toggle';
    this.labelButton = textButton('+ point', 'New points are positive (T switches)', () => this.run('segment.toggle_label'));
    this.labelButton.dataset.action = 'segment.toggle_label';
    const boxButton = textButton('Box', 'Draw a box prompt', () => this.drawBox());
    boxButton.dataset.action = 'segment.box';
    const commit = textButton('Commit', 'Commit the object to committed_objects (C)', () => this.run('segment.commit'));
    commit.dataset.action = 'segment.commit';
    const clear = textButton('Clear', 'Clear prompts and the current object (Shift+C)', () => this.run('segment.clear'));
    clear.dataset.action = 'segment.clear';
    this.controls = [this.labelButton, boxButton, commit, clear];
    const precompute = textButton('Precompute', 'Compute the embeddings of every slice now (then each segments at once)', () => this.run('segment.precompute'));
    precompute.dataset.action = 'segment.precompute';
    this.controls.push(precompute);
    if (options.propagate) {
      const propagate = textButton('Propagate', 'Segment the object through all slices (Shift+S)', () => this.run('segment.propagate'));
      propagate.dataset.action = 'segment.propagate';
      this.controls.push(propagate);
    }
    this.group.append(this.toggle, ...this.controls);
    this.bar.addClass('jp-SegLab-segmentBar');
    this.bar.node.append(this.barText);
    this.bar.hide();
    viewer.addTool(this.group, { active: () => this.annotator.active, run: id => this.run(id) });
    viewer.addBar(this.bar);
    this.annotator.stateChanged.connect(this.refresh, this);
    this.annotator.segmented.connect(this.onSegmented, this);
    viewer.model.layerChanged.connect(this.onLayerChanged, this);
    viewer.model.layersChanged.connect(this.refresh, this);
    this.refresh();
  }

  /** Turns the tool on (on the selected or top image) or off; errors go to the status line. */
  setActive(on: boolean): void {
    try {
      if (on) this.annotator.start();
      else this.annotator.stop();
    } catch (err) {
      this.viewer.showMessage(String((err as Error).message ?? err), true);
    }
    this.refresh();
  }

  /** Performs a `segment.*` action; returns whether it was one. */
  run(id: string): boolean {
    const a = this.annotator;
    const fail = (err: unknown) => this.viewer.showMessage(String((err as Error).message ?? err), true);
    switch (id) {
      case 'segment.segment':
        void a.segmentNow().catch(fail);
        return true;
      case 'segment.commit':
        void a.commit().catch(fail);
        return true;
      case 'segment.clear':
        a.clear();
        return true;
      case 'segment.toggle_label':
        a.toggleLabel();
        return true;
      case 'segment.precompute':
        void precomputeSlices(a).catch(fail);
        return true;
      case 'segment.propagate':
        if (!this.options.propagate) return false;
        void this.options.propagate(a).catch(fail);
        return true;
      default:
        return false;
    }
  }

  /** Refreshes the bar's text, e.g. after the backend fell back to WASM. */
  refresh(): void {
    const on = this.annotator.active;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.toggle.classList.toggle('jp-mod-active', on);
    for (const c of this.controls) c.hidden = !on;
    const negative = this.annotator.pointLabel === 'negative';
    this.labelButton.textContent = negative ? '− point' : '+ point';
    this.labelButton.title = `New points are ${negative ? 'negative' : 'positive'} (T switches)`;
    this.toggle.disabled = !on && !this.viewer.model.layers.some(l => l instanceof ImageLayer);
    if (on) this.bar.show();
    else this.bar.hide();
    this.bar.node.setAttribute('aria-busy', String(this.annotator.busy));
    const image = this.annotator.image;
    this.barText.textContent = on ? `Segmenting ${image ? `"${image.name}"` : ''} · ${this.options.describe()}` : '';
  }

  /**
   * Only the point prompts' label (T) and the image's name show in the controls: a brush
   * stroke on any other layer, which changes data every pointer move, must not rebuild them.
   */
  private onLayerChanged(_: unknown, change: { layer: { id: string; name: string }; what: string }): void {
    if (change.layer.name === POINT_PROMPTS || change.layer.id === this.annotator.image?.id) this.refresh();
  }

  /** Counts finished runs on the bar (`data-runs`), which scripts and tests can wait on. */
  private onSegmented(): void {
    this.bar.node.dataset.runs = String(Number(this.bar.node.dataset.runs ?? 0) + 1);
  }

  dispose(): void {
    this.annotator.stateChanged.disconnect(this.refresh, this);
    this.annotator.segmented.disconnect(this.onSegmented, this);
    this.viewer.model.layerChanged.disconnect(this.onLayerChanged, this);
    this.viewer.model.layersChanged.disconnect(this.refresh, this);
    this.bar.dispose();
  }

  private drawBox(): void {
    const shapes = findLayer(this.viewer.model, BOX_PROMPTS, ShapesLayer);
    if (!shapes) return;
    this.viewer.model.select(shapes.id);
    shapes.mode = 'add_rectangle';
  }

  /** Back to point prompts (after a box). */
  drawPoints(): void {
    const points = findLayer(this.viewer.model, POINT_PROMPTS, PointsLayer);
    if (!points) return;
    this.viewer.model.select(points.id);
    points.mode = 'add';
  }
}
