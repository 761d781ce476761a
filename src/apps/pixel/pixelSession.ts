/**
 * Pixel classification of the plane the viewer shows (or, for a 3D image, of its volume with
 * 3D features: ./domain.ts), as ilastik's Pixel Classification:
 * the user scribbles classes into the `scribbles` labels layer (class k = value k + 1); each
 * change (debounced) trains a random forest on the filter features of the scribbled pixels
 * and predicts the plane block by block, the visible blocks first, into `segmentation`
 * (labels), `uncertainty` (normalised entropy, an image) and one `probability: <class>`
 * image per class. A new stroke cancels the run in progress. The heavy work runs in
 * PixelEngines (Web Workers, ../../compute/pixel).
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { Block } from '../../core/features/pad';
import { featureHalo, featureNames, FeatureSpec, FILTERS } from '../../core/features/featureSet';
import { prepare, assemble, Forest } from '../../core/forest/forest';
import { compileForest } from '../../core/forest/compiled';
import { EmbeddingFeatureInfo, PortableClassifier, toPortable } from '../../core/forest/portable';
import { embeddingFeatureName } from '../../core/features/embeddingFeatures';
import { sizeOf } from '../../core/ndarray';
import { engineFor, PixelEngine } from '../../compute/pixel/engine';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import type { ViewerModel } from '../../viewer/model/viewerModel';
import { checkClassName, checkColor, CLASS_PALETTE, DEFAULT_CLASSES, hexOf, labelClassesOf, MAX_CLASSES, PixelClass } from './classes';
import type { PlaneRef } from './planeIO';
import { blockAt, orderBlocks, stridesOf, subsample, tileOf, tilesOf, writeBlock } from './planeBlocks';
import { canClassifyVolume, Domain, planeDomain, volumeDomain } from './domain';
import { EmbeddingFeeder, ModelFeatureSource } from './modelFeatures';

export type { ModelFeatureSource } from './modelFeatures';

export const SCRIBBLES = 'scribbles';
export const SEGMENTATION = 'segmentation';
export const UNCERTAINTY = 'uncertainty';
export const probabilityLayerName = (c: PixelClass) => `probability: ${c.name}`;

/** Training samples above this are subsampled (seeded), so a big scribble stays interactive. */
export const MAX_SAMPLES = 100_000;
export const N_TREES = 100;
export const DEBOUNCE_MS = 400;
/** Voxels of a volume classified in 3D: each worker holds them as float32 (256 MB at most). */
export const MAX_VOLUME_VOXELS = 2 ** 26;

/** ilastik-like default selection: every filter at σ 0.7, 1.6, 3.5 and 5.0, and Gaussian 0.3. */
export const DEFAULT_FEATURES: readonly FeatureSpec[] = [{ filter: 'gaussian', sigma: 0.3 }, ...[0.7, 1.6, 3.5, 5.0].flatMap(sigma => FILTERS.map(filter => ({ filter, sigma })))];

export interface SessionEvents {
  message?(text: string, isError: boolean): void;
  progress?(label: string | null, fraction: number, cancel?: () => void): void;
}

export interface TrainingResult {
  forest: Forest;
  featureNames: string[];
  /** Scribbled pixels per class (before any subsampling). */
  counts: number[];
  nSamples: number;
  /** ms from the start of the run to the last block predicted. */
  ms: number;
}

export interface UncertainRegion {
  /** Centre (row, column) on the plane and the mean uncertainty of its window. */
  row: number;
  col: number;
  score: number;
}

export class PixelSession {
  private _image: ImageLayer | null = null;
  private _plane: PlaneRef | null = null;
  private _classes: PixelClass[] = DEFAULT_CLASSES.map(c => ({ ...c }));
  private _features: FeatureSpec[] = DEFAULT_FEATURES.map(f => ({ ...f }));
  private _live = true;
  private _modelFeatures = false;
  private _threeD = true;
  /** The domain of the last complete prediction (its shape, spacing and axes). */
  private _resultDomain: Domain | null = null;
  private readonly embeddings = new EmbeddingFeeder();
  private _embeddingInfo: EmbeddingFeatureInfo | null = null;
  /** Set by the host (the Jupyter plugin) where a SAM-family model is configured. */
  modelFeatureSource: ModelFeatureSource | null = null;
  private _result: TrainingResult | null = null;
  private _probabilities: Float32Array | null = null;
  private _uncertainty: Float32Array | null = null;
  private planeKey = '';
  private volumeNote = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private readonly changedSignal = new Signal<this, void>(this);
  private readonly trainedSignal = new Signal<this, TrainingResult>(this);
  events: SessionEvents = {};
  /** The visible part of the plane (rows, columns), from the view; predicted first. */
  visibleBox: (() => [[number, number], [number, number]] | null) | null = null;

  private _engines: PixelEngine[] | null = null;

  constructor(
    readonly model: ViewerModel,
    /** The engines, or how to make them on first use (Web Workers start only when needed). */
    private readonly makeEngines: PixelEngine[] | (() => PixelEngine[])
  ) {
    model.layerChanged.connect(this.onLayerChanged, this);
  }

  private get engines(): PixelEngine[] {
    this._engines ??= typeof this.makeEngines === 'function' ? this.makeEngines() : this.makeEngines;
    return this._engines;
  }

  get changed(): ISignal<this, void> {
    return this.changedSignal;
  }
  get trained(): ISignal<this, TrainingResult> {
    return this.trainedSignal;
  }
  get active(): boolean {
    return this._image !== null;
  }
  get image(): ImageLayer | null {
    return this._image;
  }
  get classes(): readonly PixelClass[] {
    return this._classes;
  }
  get features(): readonly FeatureSpec[] {
    return this._features;
  }
  /** Whether a 3D image is classified as a volume (3D features); off: slice by slice. */
  get threeD(): boolean {
    return this._threeD;
  }
  set threeD(on: boolean) {
    if (on && this._modelFeatures) throw new Error('model features are 2D: turn them off to classify the volume with 3D features');
    this._threeD = on;
    this.changedSignal.emit();
    this.schedule();
  }
  /** Whether the image in use can be classified as a volume. */
  get canUseVolume(): boolean {
    return this._image !== null && this._plane !== null && this.domainFor(this._image, this._plane, 0, true).shape.length === 3;
  }
  /** Whether the model's upsampled embedding is among the features. */
  get modelFeatures(): boolean {
    return this._modelFeatures;
  }
  get live(): boolean {
    return this._live;
  }
  set live(on: boolean) {
    this._live = on;
    this.changedSignal.emit();
    if (on) this.schedule();
  }
  get result(): TrainingResult | null {
    return this._result;
  }
  get busy(): boolean {
    return this.running !== null;
  }
  /** (nClasses × domain) probabilities of the last complete prediction, or null. */
  get probabilities(): Float32Array | null {
    return this._probabilities;
  }
  /** The spatial shape the probabilities cover: the plane [h, w] or the volume [d, h, w]. */
  get resultShape(): number[] | null {
    return this._resultDomain?.shape ?? null;
  }
  get planeShape(): [number, number] | null {
    const image = this._image;
    const plane = this._plane;
    return image && plane ? [image.shape[plane.displayed[0]], image.shape[plane.displayed[1]]] : null;
  }

  /** Starts on the selected image (or the top one): adds the scribbles layer. */
  start(image?: ImageLayer): void {
    const target = image ?? this.pickImage();
    if (!target) throw new Error('add an image first: pixel classification needs one');
    if (target.lazy) throw new Error(`"${target.name}" is served lazily by the kernel; pixel classification needs its pixels in the browser (load a region with .compute())`);
    const slice = this.model.sliceOf(target);
    if (!slice) throw new Error(`"${target.name}" is not shown in this view`);
    this._image = target;
    this._plane = { step: slice.step.slice(0, target.shape.length), displayed: slice.displayed };
    this.ensureScribbles();
    this.events.message?.(`classifying "${target.name}": paint scribbles of each class into "${SCRIBBLES}"`, false);
    this.changedSignal.emit();
  }

  stop(): void {
    this.cancel();
    this._image = null;
    this._plane = null;
    this.changedSignal.emit();
  }

  addClass(name?: string, color?: string): PixelClass {
    if (this._classes.length >= MAX_CLASSES) throw new Error(`at most ${MAX_CLASSES} classes`);
    const n = this._classes.length;
    const c = { name: checkClassName(name ?? `class ${n + 1}`, this._classes), color: checkColor(color ?? CLASS_PALETTE[n % CLASS_PALETTE.length]) };
    this._classes.push(c);
    this.applyClasses();
    this.changedSignal.emit();
    return c;
  }

  renameClass(index: number, name: string): void {
    const c = this.classAt(index);
    const others = this._classes.filter(o => o !== c);
    const old = probabilityLayerName(c);
    c.name = checkClassName(name, others);
    const layer = this.model.layers.find(l => l.name === old);
    if (layer) layer.name = probabilityLayerName(c);
    this.applyClasses();
    this.changedSignal.emit();
  }

  recolorClass(index: number, color: string): void {
    this.classAt(index).color = checkColor(color);
    this.applyClasses();
    this.changedSignal.emit();
  }

  /** Removes a class and its scribbles; the classes after it move down one value. */
  removeClass(index: number): void {
    this.classAt(index);
    if (this._classes.length <= 2) throw new Error('a classifier needs at least two classes');
    const [gone] = this._classes.splice(index, 1);
    const scribbles = this.scribbles();
    if (scribbles) {
      const data = scribbles.data.data as Uint8Array;
      const v = index + 1;
      for (let i = 0; i < data.length; i++) if (data[i] === v) data[i] = 0;
      else if (data[i] > v) data[i]--;
      scribbles.writeRegion(scribbles.shape.map(() => 0), scribbles.data);
    }
    const layer = this.model.layers.find(l => l.name === probabilityLayerName(gone));
    if (layer) this.model.removeLayer(layer.id);
    this.applyClasses();
    this.changedSignal.emit();
  }

  setFeatures(specs: readonly FeatureSpec[]): void {
    if (specs.length === 0 && !this._modelFeatures) throw new Error('select at least one feature');
    this._features = specs.map(s => ({ filter: s.filter, sigma: s.sigma }));
    this.changedSignal.emit();
    this.schedule();
  }

  /** Model features (a SAM-family encoder's embedding, upsampled) on or off. */
  setModelFeatures(on: boolean): void {
    if (on && !this.modelFeatureSource) throw new Error('model features need a SAM-family model: configure one in the Settings Editor (SegLab models) or with viewer.set_model(...)');
    if (!on && this._features.length === 0) throw new Error('select a filter first: the model features are the only features');
    if (on && this._threeD && this.canUseVolume) throw new Error('model features are 2D: turn "3D" off first to classify slice by slice');
    this._modelFeatures = on;
    this.changedSignal.emit();
    this.schedule();
  }

  /** Trains again soon (after DEBOUNCE_MS without further changes) when live. */
  schedule(): void {
    if (!this._live || !this.active) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.train().catch(err => this.fail(err));
    }, DEBOUNCE_MS);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
  }

  /** Resolves when no run is in progress or scheduled. */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      if (this.running) await this.running.catch(() => undefined);
      else await new Promise(resolve => setTimeout(resolve, DEBOUNCE_MS / 4));
    }
  }

  /** One run: train on the scribbles, then predict the plane (visible blocks first). */
  async train(): Promise<TrainingResult | null> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const previous = this.running;
    if (previous) await previous.catch(() => undefined);
    let finish!: () => void;
    this.running = new Promise<void>(resolve => (finish = resolve));
    this.changedSignal.emit();
    try {
      return await this.run(controller.signal);
    } finally {
      if (this.controller === controller) this.controller = null;
      this.running = null;
      finish();
      this.events.progress?.(null, 1);
      this.changedSignal.emit();
    }
  }

  /** The trained classifier as the portable document (for the kernel). */
  exportClassifier(): PortableClassifier {
    const r = this._result;
    const image = this._image;
    if (!r || !image) throw new Error('no classifier trained yet: scribble at least two classes');
    return toPortable(r.forest, {
      features: this._features,
      featureNames: r.featureNames,
      ndim: this._resultDomain?.shape.length ?? 2,
      channels: image.rgb ? image.data.shape[image.ndim] : 1,
      spacing: this._resultDomain?.shape.length === 3 ? this._resultDomain.spacing : [1, 1],
      classes: this._classes,
      embedding: this._embeddingInfo
    });
  }

  /** Windows (`size`²) of the plane with the highest mean uncertainty, most uncertain first. */
  uncertainRegions(count = 5, size = 64): UncertainRegion[] {
    const shape = this.planeShape;
    const domain = this._resultDomain;
    if (!this._uncertainty || !shape || !domain) return [];
    const [h, w] = shape;
    // A volume's: the slice shown now.
    const z = domain.shape.length === 3 && this._plane ? this._plane.step[domain.axes[0]] : 0;
    const u = this._uncertainty.subarray(z * h * w, (z + 1) * h * w);
    const out: UncertainRegion[] = [];
    for (let r0 = 0; r0 < h; r0 += size) {
      for (let c0 = 0; c0 < w; c0 += size) {
        let s = 0;
        const r1 = Math.min(h, r0 + size);
        const c1 = Math.min(w, c0 + size);
        for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) s += u[r * w + c];
        out.push({ row: Math.floor((r0 + r1) / 2), col: Math.floor((c0 + c1) / 2), score: s / ((r1 - r0) * (c1 - c0)) });
      }
    }
    return out.sort((a, b) => b.score - a.score).slice(0, count);
  }

  dispose(): void {
    this.cancel();
    this.model.layerChanged.disconnect(this.onLayerChanged, this);
    for (const e of this._engines ?? []) e.dispose();
  }

  // ---- the run -------------------------------------------------------------------------

  private async run(signal: AbortSignal): Promise<TrainingResult | null> {
    const image = this._image;
    // The plane shown now (an nD image may have moved to another slice since the last run).
    const slice = image ? this.model.sliceOf(image) : null;
    if (image && slice) this._plane = { step: slice.step.slice(0, image.shape.length), displayed: slice.displayed };
    const plane = this._plane;
    const scribbles = this.scribbles();
    if (!image || !plane || !scribbles) return null;
    const t0 = performance.now();
    const version = this.dataVersion(image);
    const domain = this.domainFor(image, plane, version, this._threeD, reason => {
      if (reason !== this.volumeNote) this.events.message?.(reason, false); // said once, not every run
      this.volumeNote = reason;
    });
    const shape = domain.shape;
    const nd = shape.length;
    const cancel = () => this.controller?.abort();
    const progress = (label: string, f: number) => this.events.progress?.(label, f, cancel);
    const check = () => {
      if (signal.aborted) throw new DOMException('pixel classification was cancelled', 'AbortError');
    };
    await this.sendPlane(image, domain);
    const embedding = await this.sendEmbedding(image, plane, domain, signal);
    check();
    // Scribbled pixels, by block.
    const labels = domain.read(scribbles);
    const nClasses = this._classes.length;
    const counts = new Array<number>(nClasses).fill(0);
    const byBlock = new Map<string, { block: Block; indices: number[]; y: number[] }>();
    const strides = stridesOf(shape);
    const at = shape.map(() => 0);
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!v) continue;
      if (v > nClasses) continue; // a value beyond the classes (painted by hand): not a class
      counts[v - 1]++;
      for (let a = 0; a < nd; a++) at[a] = Math.floor(i / strides[a]) % shape[a];
      const block = blockAt(at, shape);
      const key = block.start.join(',');
      let entry = byBlock.get(key);
      if (!entry) byBlock.set(key, (entry = { block, indices: [], y: [] }));
      let local = 0;
      for (let a = 0; a < nd; a++) local = local * block.shape[a] + (at[a] - block.start[a]);
      entry.indices.push(local);
      entry.y.push(v - 1);
    }
    const present = counts.filter(n => n > 0).length;
    if (present < 2) {
      const missing = this._classes.filter((_, k) => counts[k] === 0).map(c => `"${c.name}"`);
      this.events.message?.(`scribble at least two classes to train (no scribbles yet for ${missing.join(', ')})`, false);
      return null;
    }
    subsample([...byBlock.values()], MAX_SAMPLES);
    progress('computing features', 0.05);
    const specs = this._features;
    const channels = image.rgb ? image.data.shape[image.ndim] : 1;
    const perChannel = featureNames(specs, nd);
    const names = [
      ...(channels > 1 ? Array.from({ length: channels }, (_, c) => perChannel.map(s => `${s} ch${c}`)).flat() : perChannel),
      ...(embedding ? embedding.channels.map(c => embeddingFeatureName(embedding.model_id, c)) : [])
    ];
    const nf = names.length;
    const entries = [...byBlock.values()].filter(e => e.indices.length > 0);
    const parts = await Promise.all(entries.map(e => this.engine(e.block).samples(e.block, specs, Int32Array.from(e.indices))));
    check();
    const n = entries.reduce((a, e) => a + e.indices.length, 0);
    const x = new Float32Array(nf * n);
    const y = new Uint8Array(n);
    let o = 0;
    entries.forEach((e, k) => {
      const m = e.indices.length;
      for (let f = 0; f < nf; f++) x.set(parts[k].subarray(f * m, (f + 1) * m), f * n + o);
      y.set(e.y, o);
      o += m;
    });
    progress('training the forest', 0.25);
    const binned = prepare({ x, y, nSamples: n, nFeatures: nf, nClasses });
    const per = Math.ceil(N_TREES / this.engines.length);
    const partials = await Promise.all(this.engines.map((e, k) => e.trainTrees(binned, y, nClasses, k * per, Math.min(N_TREES, (k + 1) * per), 0)));
    check();
    const forest = assemble(partials.filter(p => p.trees.length), y, nClasses, binned);
    const compiled = compileForest(forest.trees, forest.thresholds);
    await Promise.all(this.engines.map(e => e.setForest(compiled)));
    check();
    // Predict: the visible blocks first (in a volume: those holding the slice shown), then the rest.
    const z = nd === 3 ? plane.step[domain.axes[0]] : null;
    const blocks = orderBlocks(tilesOf(shape), this.visibleBox?.() ?? null, z);
    const total = sizeOf(shape);
    const proba = new Float32Array(nClasses * total);
    const uncertainty = new Float32Array(total);
    const seg = this.outputLayers(image);
    let done = 0;
    let firstVisible = true;
    const visibleCount = blocks.filter(b => b.visible).length;
    await Promise.all(
      blocks.map(async ({ block }) => {
        const p = await this.engine(block).predict(block, specs);
        check();
        domain.write(seg, block, writeBlock(p, block, nClasses, shape, proba, uncertainty));
        done++;
        if (firstVisible && done >= visibleCount) {
          firstVisible = false;
          this.writeImages(image, domain, proba, uncertainty);
        }
        progress('predicting', 0.3 + (0.7 * done) / blocks.length);
      })
    );
    check();
    this.writeImages(image, domain, proba, uncertainty);
    this._probabilities = proba;
    this._uncertainty = uncertainty;
    this._resultDomain = domain;
    this._embeddingInfo = embedding;
    const result: TrainingResult = { forest, featureNames: names, counts, nSamples: n, ms: performance.now() - t0 };
    this._result = result;
    this.trainedSignal.emit(result);
    return result;
  }

  /**
   * The volume when "3D" is on and the image is one whose every axis can hold the features'
   * reach (a stack of a few slices cannot take σ = 5 in z) and whose voxels each worker can
   * hold; otherwise the shown plane (`why` says why not the volume).
   */
  private domainFor(image: ImageLayer, plane: PlaneRef, version: number, threeD = this._threeD, why?: (reason: string) => void): Domain {
    if (threeD && canClassifyVolume(image, plane.displayed)) {
      const volume = volumeDomain(image, plane.step, version);
      const halo = featureHalo(this._features, { ndim: 3, spacing: volume.spacing });
      const voxels = sizeOf(volume.shape);
      if (voxels > MAX_VOLUME_VOXELS) why?.(`"${image.name}" has ${voxels} voxels per volume, more than the ${MAX_VOLUME_VOXELS} a worker holds for 3D features: classifying the shown slice`);
      else if (halo.some((r, a) => r >= volume.shape[a])) why?.(`"${image.name}" is too thin for these features in 3D (σ = ${Math.max(...this._features.map(f => f.sigma))} reaches ${Math.max(...halo)} voxels): classifying the shown slice`);
      else return volume;
    }
    return planeDomain(image, plane, version);
  }

  private async sendPlane(image: ImageLayer, domain: Domain): Promise<void> {
    if (domain.key === this.planeKey) return;
    const channels = image.rgb ? image.data.shape[image.ndim] : 1;
    const data = domain.pixels();
    await Promise.all(this.engines.map(e => e.setPlane({ key: domain.key, data, shape: domain.shape, channels, spacing: domain.spacing })));
    this.planeKey = domain.key;
  }

  /** Model features on: the plane's embedding goes to the engines (./modelFeatures.ts); off: none. */
  private sendEmbedding(image: ImageLayer, plane: PlaneRef, domain: Domain, signal: AbortSignal): Promise<EmbeddingFeatureInfo | null> {
    const source = this._modelFeatures ? this.modelFeatureSource : null;
    const progress = (label: string) => this.events.progress?.(label, 0.02, () => this.controller?.abort());
    return this.embeddings.send(this.engines, source, { image, plane, shape: domain.shape, planeKey: this.planeKey, signal, progress });
  }

  /** Bumped whenever the image's data is replaced (`data` events), so cached features are dropped. */
  private versions = new WeakMap<ImageLayer, number>();
  private dataVersion(image: ImageLayer): number {
    return this.versions.get(image) ?? 0;
  }

  private onLayerChanged(_: unknown, change: { layer: { id: string; name: string }; what: string }): void {
    if (this.active && change.what === 'display' && change.layer instanceof LabelsLayer && change.layer.name === SCRIBBLES) {
      this.followClassesOf(change.layer); // e.g. set from Python, or renamed in another tab
      return;
    }
    if (!this.active || change.what !== 'data') return;
    if (change.layer.id === this._image?.id) {
      this.versions.set(this._image, this.dataVersion(this._image) + 1);
      this.schedule();
    } else if (change.layer.name === SCRIBBLES) {
      this.schedule();
    }
  }

  private engine(block: Block): PixelEngine {
    return this.engines[engineFor(block, tileOf(block.start.length), this.engines.length)];
  }

  private pickImage(): ImageLayer | null {
    const selected = this.model.layers.find(l => l instanceof ImageLayer && this.model.selection.has(l.id));
    const images = this.model.layers.filter((l): l is ImageLayer => l instanceof ImageLayer && !isOutputName(l.name, this._classes));
    return (selected as ImageLayer | undefined) ?? images[images.length - 1] ?? null;
  }

  private scribbles(): LabelsLayer | null {
    const layer = this.model.layers.find(l => l.name === SCRIBBLES);
    return layer instanceof LabelsLayer ? layer : null;
  }

  private ensureScribbles(): void {
    const image = this._image as ImageLayer;
    const existing = this.model.layers.find(l => l.name === SCRIBBLES);
    if (existing && (!(existing instanceof LabelsLayer) || existing.shape.join() !== image.shape.join() || existing.data.dtype !== 'uint8')) {
      throw new Error(`the layer "${SCRIBBLES}" is not a uint8 labels layer of the image's shape (${image.shape.join(', ')}): rename or remove it`);
    }
    if (!existing) {
      const size = image.shape.reduce((a, b) => a * b, 1);
      const layer = new LabelsLayer({ dtype: 'uint8', shape: image.shape, data: new Uint8Array(size) }, { id: this.model.newLayerId(), name: SCRIBBLES, scale: image.scale, translate: image.translate, brushSize: 3, opacity: 1 });
      this.model.addLayer(layer);
      layer.mode = 'paint';
    } else {
      this.adoptClassesOf(existing);
    }
    this.applyClasses();
  }

  /**
   * Scribbles already there (restored after a reload or a kernel restart, or set from Python)
   * bring their classes: the names and colours saved with the layer (`label_classes`), and for
   * any higher value they hold a class "class k", so none of their strokes is left out of
   * training.
   */
  private adoptClassesOf(scribbles: LabelsLayer): void {
    const before = this._classes.map(c => probabilityLayerName(c));
    this._classes = this.classesOf(scribbles);
    // Probability layers follow their class's new name (as a rename in the bar does).
    before.forEach((old, k) => {
      const layer = this.model.layers.find(l => l.name === old);
      if (layer && this._classes[k] && old !== probabilityLayerName(this._classes[k])) layer.name = probabilityLayerName(this._classes[k]);
    });
  }

  private followClassesOf(scribbles: LabelsLayer): void {
    if (JSON.stringify(labelClassesOf(this._classes)) === JSON.stringify(scribbles.labelClasses)) return;
    this.adoptClassesOf(scribbles);
    this.applyClasses();
    this.changedSignal.emit();
  }

  /** The classes `scribbles` brings, the session's own where it names fewer than two. */
  private classesOf(scribbles: LabelsLayer): PixelClass[] {
    const saved: PixelClass[] = [];
    for (const { name, color } of scribbles.labelClasses) {
      let clean: string;
      try {
        clean = checkClassName(name, saved);
      } catch {
        clean = checkClassName(`class ${saved.length + 1}`, saved); // e.g. a blank name set from Python
      }
      saved.push({ name: clean, color: hexOf(color) });
    }
    const classes = saved.length >= 2 ? saved : this._classes.map(c => ({ ...c }));
    const data = scribbles.data.data as Uint8Array;
    let top = 0;
    for (let i = 0; i < data.length; i++) if (data[i] > top) top = data[i];
    if (top > MAX_CLASSES) this.events.message?.(`"${SCRIBBLES}" holds labels up to ${top}; classes above ${MAX_CLASSES} are not trained`, true);
    while (classes.length < Math.min(top, MAX_CLASSES)) {
      const n = classes.length;
      classes.push({ name: checkClassName(`class ${n + 1}`, classes), color: CLASS_PALETTE[n % CLASS_PALETTE.length] });
    }
    return classes;
  }

  private outputLayers(image: ImageLayer): LabelsLayer {
    let seg = this.model.layers.find(l => l.name === SEGMENTATION);
    if (seg && (!(seg instanceof LabelsLayer) || seg.shape.join() !== image.shape.join() || seg.data.dtype !== 'uint8')) {
      throw new Error(`the layer "${SEGMENTATION}" is not a uint8 labels layer of the image's shape: rename or remove it`);
    }
    if (!seg) {
      const size = image.shape.reduce((a, b) => a * b, 1);
      seg = new LabelsLayer({ dtype: 'uint8', shape: image.shape, data: new Uint8Array(size) }, { id: this.model.newLayerId(), name: SEGMENTATION, scale: image.scale, translate: image.translate, opacity: 0.5 });
      // Below the scribbles, so strokes stay visible over the prediction.
      const at = this.model.layers.findIndex(l => l.name === SCRIBBLES);
      this.model.addLayer(seg);
      if (at >= 0) this.model.moveLayer(this.model.layers.length - 1, at);
      const scribbles = this.scribbles();
      if (scribbles) this.model.select(scribbles.id);
    }
    this.applyClasses();
    return seg as LabelsLayer;
  }

  /**
   * The probability and uncertainty images of the whole domain, where they line up with the
   * image: a 2D image's plane or a 3D image's volume (an nD image gets the segmentation only).
   */
  private writeImages(image: ImageLayer, domain: Domain, proba: Float32Array, uncertainty: Float32Array): void {
    if (image.shape.length !== domain.shape.length) return;
    const shape = domain.shape;
    const total = sizeOf(shape);
    const put = (name: string, data: Float32Array, colormap: string, visible: boolean) => {
      const existing = this.model.layers.find(l => l.name === name);
      const array = { dtype: 'float32' as const, shape: [...shape], data };
      if (existing instanceof ImageLayer && existing.shape.join() === shape.join()) existing.setData(array);
      else if (!existing) {
        const at = this.model.layers.findIndex(l => l.name === SCRIBBLES);
        this.model.addLayer(new ImageLayer(array, { id: this.model.newLayerId(), name, colormap, contrastLimits: [0, 1], visible, scale: image.scale, translate: image.translate, opacity: 0.6 }));
        if (at >= 0) this.model.moveLayer(this.model.layers.length - 1, at);
      }
    };
    this._classes.forEach((c, k) => put(probabilityLayerName(c), proba.slice(k * total, (k + 1) * total), 'gray', false));
    put(UNCERTAINTY, uncertainty.slice(), 'magma', false);
    const scribbles = this.scribbles();
    if (scribbles) this.model.select(scribbles.id);
  }

  /** The classes onto the scribbles and segmentation layers: their colours, and names that are saved with them. */
  private applyClasses(): void {
    const classes = labelClassesOf(this._classes);
    for (const name of [SCRIBBLES, SEGMENTATION]) {
      const layer = this.model.layers.find(l => l.name === name);
      if (layer instanceof LabelsLayer) layer.labelClasses = classes;
    }
  }

  private classAt(index: number): PixelClass {
    const c = this._classes[index];
    if (!c) throw new RangeError(`no class ${index} (there are ${this._classes.length})`);
    return c;
  }

  private fail(err: unknown): void {
    if ((err as Error)?.name === 'AbortError') return;
    this.events.message?.(String((err as Error)?.message ?? err), true);
  }
}

function isOutputName(name: string, classes: readonly PixelClass[]): boolean {
  return name === UNCERTAINTY || classes.some(c => probabilityLayerName(c) === name);
}
