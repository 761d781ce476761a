/**
 * The pixel classification tool in a viewer: a "Classify" toggle in the toolbar and, while
 * on, a bar with the classes (pick one to paint, rename, recolour, remove, add), live
 * training on or off, the feature matrix, out-of-bag accuracy, the feature importances
 * (d3) and where to annotate next (click: the view centres there). Class names are the
 * user's own text: they are only ever set as text, never as HTML.
 */
import { Widget } from '@lumino/widgets';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import { el, textButton } from '../../viewer/ui/controlsDom';
import type { ViewerWidget } from '../../viewer/ui/viewerWidget';
import { featureMatrix } from './featureMatrix';
import { drawImportances } from './importancePlot';
import { PixelSession, SCRIBBLES, TrainingResult } from './pixelSession';

export class PixelTool {
  private readonly group = el('div', 'jp-SegLab-toolGroup jp-SegLab-pixelTools');
  private readonly toggle: HTMLButtonElement;
  private readonly bar = new Widget();
  private readonly classList = el('div', 'jp-SegLab-pixelClasses');
  private readonly status = el('div', 'jp-SegLab-pixelStatus');
  private readonly matrixBox = el('div', 'jp-SegLab-pixelMatrix');
  private readonly plot = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  private readonly next = el('div', 'jp-SegLab-pixelNext');
  private readonly liveBox = el('input');
  private readonly threeDBox = el('input');
  private readonly threeD = el('label', 'jp-SegLab-pixelLive');
  private runs = 0;
  private matrixKey = '';

  constructor(
    private readonly viewer: ViewerWidget,
    readonly session: PixelSession
  ) {
    session.events = {
      message: (text, isError) => viewer.showMessage(text, isError),
      progress: (label, fraction, cancel) => viewer.showProgress(label, fraction, cancel)
    };
    session.visibleBox = () => this.visibleBox();
    this.group.setAttribute('role', 'group');
    this.group.setAttribute('aria-label', 'Pixel classification');
    this.toggle = textButton('Classify', 'Pixel classification: scribble classes, a random forest predicts the rest (ilastik-style)', () => this.setActive(!session.active));
    this.toggle.setAttribute('aria-pressed', 'false');
    this.toggle.dataset.action = 'pixel.toggle';
    this.group.append(this.toggle);
    this.liveBox.type = 'checkbox';
    this.liveBox.checked = session.live;
    this.liveBox.addEventListener('change', () => (session.live = this.liveBox.checked));
    const live = el('label', 'jp-SegLab-pixelLive');
    live.append(this.liveBox, document.createTextNode(' live'));
    live.title = 'Train and predict after every stroke';
    this.threeDBox.type = 'checkbox';
    this.threeDBox.dataset.action = 'pixel.three_d';
    this.threeDBox.addEventListener('change', () => this.guard(() => (session.threeD = this.threeDBox.checked), () => (this.threeDBox.checked = session.threeD)));
    this.threeD.append(this.threeDBox, document.createTextNode(' 3D'));
    this.threeD.title = 'Classify the whole volume with 3D features (off: the shown slice, with 2D features)';
    const trainNow = textButton('Train', 'Train and predict now', () => void session.train().catch(err => this.fail(err)));
    trainNow.dataset.action = 'pixel.train';
    const features = textButton('Features…', 'Choose the filters and scales', () => (this.matrixBox.hidden = !this.matrixBox.hidden));
    features.dataset.action = 'pixel.features';
    const addClass = textButton('+ class', 'Add a class', () => this.guard(() => session.addClass()));
    addClass.dataset.action = 'pixel.add_class';
    const controls = el('div', 'jp-SegLab-pixelControls');
    controls.append(this.classList, addClass, live, this.threeD, trainNow, features);
    this.matrixBox.hidden = true;
    this.plot.classList.add('jp-SegLab-importancePlot');
    const results = el('div', 'jp-SegLab-pixelResults');
    results.append(this.status, this.plot, this.next);
    this.bar.addClass('jp-SegLab-pixelBar');
    this.bar.node.append(controls, this.matrixBox, results);
    this.bar.hide();
    viewer.addTool(this.group); // no keys of its own: painting uses the labels layer's
    viewer.addBar(this.bar);
    session.changed.connect(this.refresh, this);
    session.trained.connect(this.onTrained, this);
    viewer.model.layersChanged.connect(this.refresh, this);
    this.refresh();
  }

  setActive(on: boolean): void {
    this.guard(() => (on ? this.session.start() : this.session.stop()));
    if (on && this.session.active) this.pickClass(1);
    this.refresh();
  }

  refresh(): void {
    const s = this.session;
    const on = s.active;
    this.toggle.setAttribute('aria-pressed', String(on));
    this.toggle.classList.toggle('jp-mod-active', on);
    this.toggle.disabled = !on && !this.viewer.model.layers.some(l => l instanceof ImageLayer);
    if (on) this.bar.show();
    else this.bar.hide();
    this.bar.node.setAttribute('aria-busy', String(s.busy));
    this.liveBox.checked = s.live;
    this.threeDBox.checked = s.threeD;
    this.threeD.hidden = !on || !s.canUseVolume;
    this.renderClasses();
    // Rebuilt only when the selection changed (refresh also runs as each training starts and ends).
    const source = s.modelFeatureSource;
    const model = source ? { on: s.modelFeatures, model: source.model().id, toggle: (v: boolean) => this.guard(() => s.setModelFeatures(v)) } : undefined;
    const key = JSON.stringify([s.features, model?.on, model?.model]);
    if (key !== this.matrixKey) {
      this.matrixKey = key;
      this.matrixBox.replaceChildren(featureMatrix(s.features, specs => this.guard(() => s.setFeatures(specs)), model));
    }
  }

  dispose(): void {
    this.session.changed.disconnect(this.refresh, this);
    this.session.trained.disconnect(this.onTrained, this);
    this.viewer.model.layersChanged.disconnect(this.refresh, this);
    this.bar.dispose();
  }

  private renderClasses(): void {
    const s = this.session;
    const scribbles = this.scribbles();
    const selected = scribbles ? Number(scribbles.selectedLabel) : 0;
    const rows = s.classes.map((c, k) => {
      const row = el('div', 'jp-SegLab-pixelClass');
      row.dataset.classIndex = String(k);
      row.classList.toggle('jp-mod-selected', selected === k + 1);
      const pick = textButton(String(k + 1), `Paint "${c.name}" (label ${k + 1})`, () => this.pickClass(k + 1));
      pick.dataset.action = 'pixel.pick_class';
      pick.setAttribute('aria-pressed', String(selected === k + 1));
      const color = el('input');
      color.type = 'color';
      color.value = c.color;
      color.title = `Colour of "${c.name}"`;
      color.addEventListener('change', () => this.guard(() => s.recolorClass(k, color.value)));
      const name = el('input', 'jp-SegLab-pixelClassName');
      name.type = 'text';
      name.value = c.name; // a property, not markup
      name.maxLength = 64;
      name.setAttribute('aria-label', `name of class ${k + 1}`);
      name.addEventListener('change', () => this.guard(() => s.renameClass(k, name.value), () => (name.value = c.name)));
      const remove = textButton('×', `Remove "${c.name}" and its scribbles`, () => this.guard(() => s.removeClass(k)));
      remove.disabled = s.classes.length <= 2;
      row.append(pick, color, name, remove);
      return row;
    });
    this.classList.replaceChildren(...rows);
  }

  private pickClass(label: number): void {
    const scribbles = this.scribbles();
    if (!scribbles) return;
    scribbles.selectedLabel = label;
    scribbles.mode = 'paint';
    this.viewer.model.select(scribbles.id);
    this.renderClasses();
  }

  private onTrained(_: unknown, r: TrainingResult): void {
    this.runs++;
    this.bar.node.dataset.runs = String(this.runs);
    const oob = r.forest.oobAccuracy;
    this.bar.node.dataset.oob = String(oob);
    const per = this.session.classes.map((c, k) => `${c.name} ${r.counts[k]}`).join(', ');
    this.status.textContent = `out-of-bag accuracy ${Number.isFinite(oob) ? (100 * oob).toFixed(1) + ' %' : '–'} · ${r.nSamples} samples (${per}) · ${r.forest.trees.length} trees · ${Math.round(r.ms)} ms`;
    drawImportances(this.plot, r.featureNames, r.forest.importances);
    const regions = this.session.uncertainRegions(5);
    const label = el('span', '', 'annotate next: ');
    const links = regions.map((g, k) => {
      const b = textButton(`${k + 1}`, `uncertainty ${g.score.toFixed(2)} around row ${g.row}, column ${g.col}: show it`, () => this.goTo(g.row, g.col));
      b.dataset.action = 'pixel.goto_uncertain';
      return b;
    });
    this.next.replaceChildren(label, ...links);
  }

  /** Centres the view on a plane position (data coordinates of the image). */
  private goTo(row: number, col: number): void {
    const image = this.session.image;
    if (!image) return;
    const n = image.shape.length;
    const world = image.dataToWorld(image.shape.map((_, a) => (a === n - 2 ? row : a === n - 1 ? col : 0)));
    const camera = this.viewer.model.camera;
    camera.set({ row: world[n - 2], col: world[n - 1] }, Math.max(camera.zoom, 2));
  }

  private visibleBox(): [[number, number], [number, number]] | null {
    const image = this.session.image;
    if (!image) return null;
    const size = this.viewer.canvasView.canvasSize();
    if (!size.width || !size.height) return null;
    const camera = this.viewer.model.camera;
    const a = camera.screenToData({ x: 0, y: 0 }, size);
    const b = camera.screenToData({ x: size.width, y: size.height }, size);
    const n = image.shape.length;
    const world = (p: { row: number; col: number }) => image.worldToData(image.shape.map((_, k) => (k === n - 2 ? p.row : k === n - 1 ? p.col : 0)));
    const p = world(a);
    const q = world(b);
    return [
      [Math.min(p[n - 2], q[n - 2]), Math.max(p[n - 2], q[n - 2])],
      [Math.min(p[n - 1], q[n - 1]), Math.max(p[n - 1], q[n - 1])]
    ];
  }

  private scribbles(): LabelsLayer | null {
    const layer = this.viewer.model.layers.find(l => l.name === SCRIBBLES);
    return layer instanceof LabelsLayer ? layer : null;
  }

  private guard(fn: () => void, onError?: () => void): void {
    try {
      fn();
    } catch (err) {
      onError?.();
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if ((err as Error)?.name === 'AbortError') return;
    this.viewer.showMessage(String((err as Error)?.message ?? err), true);
  }
}
