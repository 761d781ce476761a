/**
 * The interactive segment tool, as micro-sam's napari annotator works: prompts in the
 * `point_prompts` / `prompts` layers segment the object live into `current_object`; commit (C)
 * writes it into `committed_objects` with a new id as one undo step; clear (Shift+C) removes
 * prompts and the current object; T toggles positive/negative. Embeddings are computed once
 * per plane and kept (PlaneEmbeddings). A lone point takes the best of SAM's three masks; each
 * further prompt of the same object refines the previous mask (its logits go in as mask_input).
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { SamPrompt } from '../../core/sam/transforms';
import { ImageLayer } from '../../viewer/model/imageLayer';
import { LabelsLayer } from '../../viewer/model/labelsLayer';
import type { Layer, LayerChange } from '../../viewer/model/layerBase';
import { PointsLayer } from '../../viewer/model/pointsLayer';
import { ShapesLayer } from '../../viewer/model/shapesLayer';
import type { ViewerModel } from '../../viewer/model/viewerModel';
import { PlaneEmbeddings } from './planeEmbeddings';
import { EmbeddingCache } from '../../compute/embeddings/embeddingCache';
import { MAX_UNTILED_SIDE, pasteTileMask, planTiling, promptToTile, SUGGESTED_HALO, SUGGESTED_TILE_SHAPE, TileGrid } from '../../core/sam/tiling';
import { PlaneEmbedding, segmentPrompt, SegmentResult, SegmentRuntime } from './planeSegmenter';
import { extendsPrompt, nonzeroBox, pickImage, zerosLike } from './maskHelpers';
import {
  BOX_PROMPTS,
  COMMITTED_OBJECTS,
  CURRENT_OBJECT,
  ensurePromptLayers,
  findLayer,
  LABEL_PROPERTY,
  PlaneRef,
  POINT_PROMPTS,
  PromptLabel,
  promptKey,
  promptsOnPlane,
  spatialShape
} from './promptLayers';

export interface AnnotatorEvents {
  /** A line for the status bar (errors with isError). */
  message?(text: string, isError: boolean): void;
  /** Long work: label and fraction; null label hides it; `cancel` when it can be cancelled. */
  progress?(label: string | null, fraction: number, cancel?: () => void): void;
}

export interface AnnotatorOptions {
  /** The id of the model `runtime` runs (part of the embeddings' cache key). */
  modelId?: () => string;
  /** Shared by the viewers of a page (and backed by IndexedDB there). */
  cache?: EmbeddingCache;
  /** micro-sam's tile_shape and halo; null: untiled, and tiled with 1024² tiles and a 256 halo above 4096 px. */
  tiling?: { tileShape: [number, number]; halo: [number, number] } | null;
}

/** A segmentation of a plane, tiled or not: the mask at the plane's size. */
export interface PlaneResult extends SegmentResult {
  shape: [number, number];
  /** The tile that answered (null: untiled); `lowRes` is in its frame. */
  tileId: number | null;
}

/** Where one segmentation run came from, so the next prompt of the same object can refine it. */
interface LastRun {
  planeKey: string;
  prompt: SamPrompt;
  result: PlaneResult;
}

export class SegmentAnnotator {
  private imageId: string | null = null;
  /** The planes' embeddings (precompute and import fill them: see annotatorEmbeddings.ts). */
  readonly embeddings: PlaneEmbeddings;
  private running: Promise<void> | null = null;
  private dirty = false;
  private lastKey = '';
  private last: LastRun | null = null;
  private _active = false;
  private readonly _stateChanged = new Signal<this, void>(this);
  private readonly _segmented = new Signal<this, PlaneResult | null>(this);
  private _busy = false;

  tiling: AnnotatorOptions['tiling'];

  constructor(
    readonly model: ViewerModel,
    readonly runtime: () => Promise<SegmentRuntime>,
    /** Where messages and progress go (the view showing the tool sets them). */
    public events: AnnotatorEvents = {},
    options: AnnotatorOptions = {}
  ) {
    this.embeddings = new PlaneEmbeddings(runtime, options.modelId ?? (() => 'model'), options.cache);
    this.tiling = options.tiling ?? null;
  }

  get active(): boolean {
    return this._active;
  }
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }
  /** A live run ended: its result, or null when it failed or there were no prompts. */
  get segmented(): ISignal<this, PlaneResult | null> {
    return this._segmented;
  }
  /** Whether a live run is in progress (the bar says so: aria-busy). */
  get busy(): boolean {
    return this._busy;
  }
  /** The label a new point prompt gets. */
  get pointLabel(): PromptLabel {
    const points = findLayer(this.model, POINT_PROMPTS, PointsLayer);
    return points?.currentProperties[LABEL_PROPERTY] === 'negative' ? 'negative' : 'positive';
  }

  /** The image being segmented: the one given, else the selected image, else the top image. */
  get image(): ImageLayer | null {
    const layer = this.imageId ? this.model.getLayer(this.imageId) : undefined;
    return layer instanceof ImageLayer ? layer : null;
  }

  /** Starts on `image` (default as above): adds the prompt layers and selects the points tool. */
  start(image?: ImageLayer): void {
    const target = image ?? pickImage(this.model);
    if (!target) throw new Error('open an image first: the segment tool segments an image layer');
    if (target.lazy) {
      throw new Error(`image "${target.name}" is lazy (its pixels stay in the kernel): segment it from Python with viewer.segment(...)`);
    }
    ensurePromptLayers(this.model, target);
    this.imageId = target.id;
    if (!this._active) {
      this.model.layerChanged.connect(this.onLayerChanged, this);
      this.model.dims.stepChanged.connect(this.schedule, this);
      this._active = true;
    }
    const points = findLayer(this.model, POINT_PROMPTS, PointsLayer)!;
    this.model.select(points.id);
    points.mode = 'add';
    this.events.message?.(`segmenting "${target.name}": click objects (T: negative point, C: commit, Shift+C: clear)`, false);
    this._stateChanged.emit();
    this.schedule();
  }

  stop(): void {
    if (!this._active) return;
    this.model.layerChanged.disconnect(this.onLayerChanged, this);
    this.model.dims.stepChanged.disconnect(this.schedule, this);
    this._active = false;
    this._stateChanged.emit();
  }

  dispose(): void {
    this.stop();
    this.embeddings.forgetPlanes();
  }

  /** The plane of the image shown now, or null when the slice is outside it. */
  currentPlane(): PlaneRef | null {
    const image = this.image;
    if (!image) return null;
    const slice = this.model.sliceOf(image);
    if (!slice) return null;
    const n = spatialShape(image).length;
    return { step: slice.step.slice(0, n), displayed: slice.displayed };
  }

  /** The plane of `image` at `step` (its leading axes; default the slice shown), displayed as the viewer shows it. */
  planeOf(image: ImageLayer, step?: readonly number[]): PlaneRef {
    const n = spatialShape(image).length;
    const slice = this.model.sliceOf(image);
    const displayed: [number, number] = slice ? slice.displayed : [n - 2, n - 1];
    const full = slice ? slice.step.slice(0, n) : new Array<number>(n).fill(0);
    if (step) {
      const leading = [...Array(n).keys()].filter(a => !displayed.includes(a));
      if (step.length !== leading.length) throw new RangeError(`expected ${leading.length} index(es) for the leading axes of "${image.name}", got ${step.length}`);
      leading.forEach((axis, i) => {
        if (!(step[i] >= 0 && step[i] < image.shape[axis])) throw new RangeError(`index ${step[i]} is outside axis ${axis} of "${image.name}" (0..${image.shape[axis] - 1})`);
        full[axis] = step[i];
      });
    }
    return { step: full, displayed };
  }

  /** The plane's embeddings (kept), computed with progress when new. */
  embeddingOf(image: ImageLayer, plane: PlaneRef, signal?: AbortSignal): Promise<PlaneEmbedding> {
    return this.embeddings.get(image, plane, this.events, signal);
  }

  /** One prediction on a plane, outside the live tool (`viewer.segment` from the kernel). */
  async predictOn(image: ImageLayer, step: readonly number[] | undefined, prompt: SamPrompt, multimask?: boolean): Promise<PlaneResult> {
    if (image.lazy) throw new Error(`image "${image.name}" is lazy: its pixels are not in the browser`);
    return this.segmentOn(image, this.planeOf(image, step), prompt, { multimask });
  }

  /**
   * The mask for `prompt` (plane pixel coordinates) on `plane`. A plane with a tile grid is
   * answered by the tile micro-sam would choose, from that tile's embeddings (prompt moved
   * into its frame, its mask pasted back whole: the halo holds objects crossing the border).
   * `maskInput` (refinement) applies to the answering tile's frame.
   */
  async segmentOn(
    image: ImageLayer,
    plane: PlaneRef,
    prompt: SamPrompt,
    options: { multimask?: boolean; maskInput?: Float32Array; tileId?: number | null; signal?: AbortSignal } = {}
  ): Promise<PlaneResult> {
    const [h, w] = this.embeddings.planeData(image, plane).pixels.shape;
    const shape: [number, number] = [h, w];
    const runtime = await this.runtime();
    const grid = this.gridFor(shape);
    if (!grid) {
      const embedding = await this.embeddingOf(image, plane, options.signal);
      return { ...(await segmentPrompt(runtime, embedding, prompt, options)), shape, tileId: null };
    }
    const local = promptToTile(grid, prompt);
    const embedding = await this.embeddings.get(image, plane, this.events, options.signal, local.tile);
    const maskInput = options.tileId === local.tile.id ? options.maskInput : undefined;
    const result = await segmentPrompt(runtime, embedding, local.prompt, { ...options, maskInput });
    return { ...result, mask: pasteTileMask(result.mask, local.tile, shape), shape, tileId: local.tile.id };
  }

  /** The tile grid for a plane: the one set, or micro-sam's usual one when the plane is too large to embed whole. */
  private gridFor(shape: [number, number]): TileGrid | null {
    if (this.tiling) return planTiling(shape, this.tiling);
    if (Math.max(...shape) <= MAX_UNTILED_SIDE) return null;
    return planTiling(shape, { tileShape: [...SUGGESTED_TILE_SHAPE] as [number, number], halo: [...SUGGESTED_HALO] as [number, number] });
  }

  /** T: the selected points switch positive/negative; with none selected, new points do. */
  toggleLabel(): void {
    const points = findLayer(this.model, POINT_PROMPTS, PointsLayer);
    if (!points) return;
    const selected = [...points.selected];
    if (selected.length) {
      const now = points.properties[LABEL_PROPERTY]?.[selected[0]] === 'negative' ? 'positive' : 'negative';
      points.setProperty(LABEL_PROPERTY, now, selected);
    } else {
      points.currentProperties = { [LABEL_PROPERTY]: this.pointLabel === 'positive' ? 'negative' : 'positive' };
    }
    this._stateChanged.emit();
  }

  /** S: segments the current prompts now (they also segment live as they change). */
  async segmentNow(): Promise<void> {
    this.lastKey = '';
    this.schedule();
    await this.settled();
  }

  /** Resolves once no run is pending. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * C: the current object goes into `committed_objects` with the next free id, as one undo step
   * ("Commit object"); prompts and the current object are cleared. Returns the id, or null when
   * there was nothing to commit.
   */
  async commit(): Promise<number | null> {
    await this.settled();
    const current = findLayer(this.model, CURRENT_OBJECT, LabelsLayer);
    const committed = findLayer(this.model, COMMITTED_OBJECTS, LabelsLayer);
    if (!current || !committed) return null;
    const box = nonzeroBox(current.data);
    if (!box) {
      this.events.message?.('nothing to commit: segment an object first', false);
      return null;
    }
    const id = Number(committed.maxLabel()) + 1;
    committed.paintMask(box.start, box.mask, id, 'Commit object');
    this.clear();
    this.events.message?.(`committed object ${id}`, false);
    return id;
  }

  /** Shift+C: removes every prompt and the current object (micro-sam's "clear annotations"). */
  clear(): void {
    findLayer(this.model, POINT_PROMPTS, PointsLayer)?.setData([]);
    findLayer(this.model, BOX_PROMPTS, ShapesLayer)?.setData([]);
    const current = findLayer(this.model, CURRENT_OBJECT, LabelsLayer);
    if (current && nonzeroBox(current.data)) current.setData(zerosLike(current.data));
    this.last = null;
    this.lastKey = '';
  }

  /** The image changed or the model did: planes are hashed again (the cache keys include both). */
  forgetEmbeddings(): void {
    this.embeddings.forgetPlanes();
    this.last = null;
    this.lastKey = '';
  }

  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: LayerChange }): void {
    const name = change.layer.name;
    if (change.layer.id === this.imageId && change.what === 'data') {
      this.forgetEmbeddings(); // the pixels changed: every plane's embeddings are stale
      this.schedule();
    } else if (name === POINT_PROMPTS || name === BOX_PROMPTS) {
      this.schedule();
    }
  }

  /** Runs one segmentation after the current one; prompt changes meanwhile coalesce into it. */
  private schedule(): void {
    if (!this._active) return;
    this.dirty = true;
    if (this.running) return;
    this.running = (async () => {
      this._busy = true;
      this._stateChanged.emit();
      try {
        while (this.dirty) {
          this.dirty = false;
          this._segmented.emit(await this.runOnce());
        }
      } finally {
        this.running = null;
        this._busy = false;
        this._stateChanged.emit();
      }
    })();
  }

  private async runOnce(): Promise<PlaneResult | null> {
    const image = this.image;
    const plane = this.currentPlane();
    if (!image || !plane) return null;
    const prompt = promptsOnPlane(this.model, image, plane);
    const planeKey = `${plane.step.join(',')}|${plane.displayed.join(',')}`;
    const key = `${planeKey}|${promptKey(prompt)}`;
    if (key === this.lastKey) return this.last?.result ?? null;
    this.lastKey = key;
    try {
      if (!prompt) {
        this.writeCurrent(plane, null);
        this.last = null;
        return null;
      }
      const last = this.last && this.last.planeKey === planeKey && extendsPrompt(prompt, this.last.prompt) ? this.last.result : null;
      const result = await this.segmentOn(image, plane, prompt, { maskInput: last?.lowRes, tileId: last?.tileId });
      if (this.lastKey !== key) return null; // the prompts moved on meanwhile; the next run follows
      this.writeCurrent(plane, result.mask);
      this.last = { planeKey, prompt, result };
      this.events.message?.(`predicted IoU ${result.iou.toFixed(2)}`, false);
      return result;
    } catch (err) {
      this.lastKey = ''; // let the same prompts try again
      this.events.message?.(`segmentation failed: ${(err as Error).message ?? err}`, true);
      return null;
    }
  }

  /** Replaces the current object's pixels on `plane` by `mask` (null: clears them). Not an undo step. */
  writeCurrent(plane: PlaneRef, mask: Uint8Array | null): void {
    const current = findLayer(this.model, CURRENT_OBJECT, LabelsLayer);
    if (!current) return;
    const shape = current.shape;
    const [row, col] = plane.displayed;
    const regionShape = shape.map((n, a) => (a === row || a === col ? n : 1));
    const start = plane.step.map((s, a) => (a === row || a === col ? 0 : s));
    const region = new Uint32Array(regionShape[row] * regionShape[col]);
    if (mask) {
      // The mask is (rows, columns) of the displayed axes; the region is in axis order.
      const transposed = row > col;
      const [h, w] = [shape[row], shape[col]];
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (mask[r * w + c]) region[transposed ? c * h + r : r * w + c] = 1;
    }
    current.writeRegion(start, { dtype: 'uint32', shape: regionShape, data: region });
  }
}
