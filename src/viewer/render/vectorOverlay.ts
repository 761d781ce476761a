import { IDisposable } from '@lumino/disposable';
import { CanvasSize, DataPoint } from '../model/camera';
import { Layer, LayerChange } from '../model/layerBase';
import { PlaneView } from '../model/orthoViews';
import { PointsLayer } from '../model/pointsLayer';
import { ShapesLayer } from '../model/shapesLayer';
import { ViewerModel } from '../model/viewerModel';
import { LayerView, layerView } from '../tools/coordinates';
import { OverlayDraft, paintDraft } from './overlayDraft';
import { paintCrosshair, strokeHighlight } from './overlayStyle';
import { cssColor, PointsProjection, PointsSnapshot, snapshotPoints } from './pointsProjection';
import { PixelBox, PointsRaster } from './pointsRaster';
import { paintShapes, ShapesSnapshot, snapshotShapes } from './shapesPainter';

/** Points smaller than this radius (px) are drawn as squares: cheaper, and the same on screen. */
const TINY_RADIUS_PX = 1;
/** 'auto' rasterises points in software from this many on screen... */
export const RASTER_MIN_POINTS = 1500;
/** ...while none is wider than this radius in device pixels (cost grows with the area). */
export const RASTER_MAX_RADIUS_PX = 16;

export interface VectorOverlayOptions {
  /**
   * How to draw points: 'path' = Canvas2D arcs batched per colour; 'raster' = the software
   * rasteriser (PointsRaster) composited with one drawImage; 'auto' (default) = raster for
   * many small points, where its cost (about a microsecond per covered pixel) is far below
   * that of arcs on a canvas without GPU raster, paths otherwise.
   */
  pointsStrategy?: 'auto' | 'path' | 'raster';
  /** Makes the scratch canvas the rasteriser uploads into; default document.createElement. */
  createCanvas?: () => HTMLCanvasElement;
}

export interface OverlayFrameOptions {
  view?: PlaneView;
  cursor?: DataPoint | null;
}

interface LayerCache {
  layer: Layer;
  dirtyData: boolean;
  dirtyDisplay: boolean;
  points?: PointsSnapshot;
  shapes?: ShapesSnapshot;
}


/**
 * Draws the Points and Shapes layers of a ViewerModel with Canvas2D on a canvas stacked
 * above the WebGL image canvas: the current slice only, in layer-list order, with each
 * layer's opacity and transform, selection highlights, shapes being drawn and a tool draft
 * (selection box, lasso). It only reads the model; tools change it.
 *
 * Fast path for many points: the layer's arrays are copied once per change (not per frame),
 * each frame projects into reused typed arrays and issues one fill per face colour.
 */
export class VectorOverlay implements IDisposable {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly caches = new Map<string, LayerCache>();
  private readonly projection = new PointsProjection();
  private model: ViewerModel | null = null;
  private draft: OverlayDraft | null = null;
  private _isDisposed = false;
  private dpr = 1;
  private readonly raster = new PointsRaster();
  private scratch: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; image: ImageData; stale: PixelBox | null } | null = null;

  /** `canvas`: the overlay canvas; one is created when left out (append `overlay.canvas` above the WebGL canvas). */
  constructor(
    canvas?: HTMLCanvasElement,
    private readonly options: VectorOverlayOptions = {}
  ) {
    this.canvas = canvas ?? document.createElement('canvas');
    this.canvas.classList.add('jp-SegLab-vectorOverlay');
    // Same box as the WebGL canvas, and transparent to the pointer: tools listen on the host.
    Object.assign(this.canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', display: 'block' });
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('this browser offers no 2D canvas context, which the SegLab vector overlay needs');
    this.ctx = ctx;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    this.observe(null);
    this.caches.clear();
    this.canvas.width = 0; // frees the backing store now rather than at garbage collection
    this.canvas.height = 0;
    if (this.scratch) {
      this.scratch.canvas.width = 0;
      this.scratch.canvas.height = 0;
      this.scratch = null;
    }
  }

  /** A tool's transient outline drawn on top of everything (null clears it). Call render() after. */
  setDraft(draft: OverlayDraft | null): void {
    this.draft = draft;
  }

  /**
   * Draws one frame. `size` in CSS pixels; the backing store is `size * devicePixelRatio`.
   * `options.view`: the plane and camera to draw (an orthogonal view), the model's by default;
   * `options.cursor`: a linked cursor to mark with a crosshair, in that plane's world coordinates.
   */
  render(model: ViewerModel, size: CanvasSize, devicePixelRatio: number, options: OverlayFrameOptions = {}): void {
    if (this._isDisposed) return;
    this.observe(model);
    const dpr = devicePixelRatio > 0 ? devicePixelRatio : 1;
    this.dpr = dpr;
    const width = Math.max(1, Math.round(size.width * dpr));
    const height = Math.max(1, Math.round(size.height * dpr));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, width, height);
    // Everything below is in CSS pixels, as the camera and the tools measure.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const live = new Set<string>();
    const plane = options.view ?? model;
    for (const layer of model.layers) {
      live.add(layer.id);
      if (!layer.visible || !(layer instanceof PointsLayer || layer instanceof ShapesLayer)) continue;
      // Points and vertices at integer coordinates sit on pixel centres, as in napari.
      const view = layerView(layer, plane.camera, plane.dims, size, { pixelCentres: true });
      if (!view) continue;
      ctx.globalAlpha = layer.opacity;
      if (layer instanceof PointsLayer) this.drawPoints(layer, view, size);
      else this.drawShapes(layer, view);
    }
    ctx.globalAlpha = 1;
    for (const id of this.caches.keys()) if (!live.has(id)) this.caches.delete(id);
    if (this.draft) paintDraft(ctx, this.draft, model, size);
    if (options.cursor) paintCrosshair(ctx, plane.camera.dataToScreen(options.cursor, size), size);
  }

  /** The last frame's pixels (device pixels, straight RGBA), for screenshots; see screenshot.ts. */
  toImageData(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  // ---- caches ----------------------------------------------------------------------------

  private observe(model: ViewerModel | null): void {
    if (model === this.model) return;
    this.model?.layerChanged.disconnect(this.onLayerChanged, this);
    this.caches.clear();
    this.model = model;
    model?.layerChanged.connect(this.onLayerChanged, this);
  }

  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: LayerChange }): void {
    const cache = this.caches.get(change.layer.id);
    if (!cache) return;
    if (change.what === 'data') cache.dirtyData = true;
    else cache.dirtyDisplay = true;
  }

  private cacheOf(layer: Layer): LayerCache {
    let cache = this.caches.get(layer.id);
    if (!cache || cache.layer !== layer) {
      cache = { layer, dirtyData: true, dirtyDisplay: true };
      this.caches.set(layer.id, cache);
    }
    return cache;
  }

  // ---- points ----------------------------------------------------------------------------

  private drawPoints(layer: PointsLayer, view: LayerView, size: CanvasSize): void {
    const cache = this.cacheOf(layer);
    // Face colours follow properties and the colour setting, which change on 'display' too.
    if (!cache.points || cache.dirtyData || cache.dirtyDisplay) {
      const coords = cache.dirtyData || !cache.points ? layer.data : cache.points.coords;
      const sizes = cache.dirtyData || !cache.points ? layer.sizes : cache.points.sizes;
      cache.points = snapshotPoints(layer.ndim, coords, sizes, layer.faceColors());
      cache.dirtyData = cache.dirtyDisplay = false;
    }
    const points = cache.points;
    if (points.count === 0) return;
    const proj = this.projection;
    proj.project(points, view, size, 6);
    if (proj.count === 0) return;
    const strategy = this.options.pointsStrategy ?? 'auto';
    const many = proj.count >= RASTER_MIN_POINTS && proj.maxRadius * this.dpr <= RASTER_MAX_RADIUS_PX;
    if (!((strategy === 'raster' || (strategy === 'auto' && many)) && this.rasterPoints(layer, points))) {
      this.pathPoints(layer, points);
    }
    this.ringSelected(layer);
  }

  /** Draws the projected points as Canvas2D paths, one fill (and border stroke) per colour. */
  private pathPoints(layer: PointsLayer, points: PointsSnapshot): void {
    const proj = this.projection;
    const ctx = this.ctx;
    const borderWidth = layer.borderWidth;
    const [br, bg, bb, ba] = layer.borderColor;
    // napari's relative border: a fraction of the diameter, drawn inside the disc.
    const drawBorder = borderWidth > 0 && ba > 0;
    // One path per face colour, filled once. Where the colour's points share one radius (the
    // usual case) the border is a stroke of that same path, centred inside the disc; other
    // colours get their borders as one ring fill at the end (outer circle clockwise, inner
    // anticlockwise, so non-zero winding leaves the hole), which keeps per-point widths but
    // costs more than a stroke.
    const borderCss = drawBorder ? cssColor(br, bg, bb, ba) : '';
    let ringsNeeded = false;
    for (let b = 0; b < points.palette.length; b++) {
      const from = proj.bucketStart[b];
      const to = proj.bucketStart[b + 1];
      if (from === to) continue;
      const r0 = proj.radius[proj.order[from]];
      let uniform = true;
      for (let j = from + 1; j < to && uniform; j++) uniform = proj.radius[proj.order[j]] === r0;
      const strokeBorder = drawBorder && uniform && r0 >= TINY_RADIUS_PX;
      ringsNeeded = ringsNeeded || (drawBorder && !uniform);
      // Stroke centred at r(1 - w) with width 2wr covers [r(1 - 2w), r]: napari's border inside the disc.
      const shrink = !drawBorder ? 1 : strokeBorder ? 1 - borderWidth : Math.max(0, 1 - 2 * borderWidth);
      ctx.beginPath();
      for (let j = from; j < to; j++) {
        const k = proj.order[j];
        this.traceDisc(proj.x[k], proj.y[k], proj.radius[k] * shrink, proj.radius[k] < TINY_RADIUS_PX);
      }
      ctx.fillStyle = points.palette[b];
      ctx.fill();
      if (strokeBorder) {
        ctx.lineWidth = 2 * borderWidth * r0;
        ctx.strokeStyle = borderCss;
        ctx.stroke();
      }
    }
    if (ringsNeeded) this.fillBorderRings(points, proj, borderWidth, borderCss);
  }

  /**
   * Draws the projected points with the software rasteriser and composites the result with
   * one drawImage (so the layer's opacity applies as for paths). False when no scratch
   * canvas can be had.
   */
  private rasterPoints(layer: PointsLayer, points: PointsSnapshot): boolean {
    const width = this.canvas.width;
    const height = this.canvas.height;
    const scratch = this.scratchOf(width, height);
    if (!scratch) return false;
    const raster = this.raster;
    raster.clear();
    const [br, bg, bb, ba] = layer.borderColor;
    const border = [br * 255, bg * 255, bb * 255, ba * 255].map(Math.round);
    raster.drawDiscs(this.projection, points.colorIndex, points.paletteRgba, border, layer.borderWidth, this.dpr);
    const drawn = raster.drawn;
    // The scratch canvas still shows what was put last time: put the union, so it is cleared too.
    const put = union(drawn, scratch.stale);
    if (put) scratch.ctx.putImageData(scratch.image, 0, 0, put.x0, put.y0, put.x1 - put.x0, put.y1 - put.y0);
    scratch.stale = drawn;
    if (drawn) {
      const ctx = this.ctx;
      const w = drawn.x1 - drawn.x0;
      const h = drawn.y1 - drawn.y0;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(scratch.canvas, drawn.x0, drawn.y0, w, h, drawn.x0, drawn.y0, w, h);
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    }
    return true;
  }

  private scratchOf(width: number, height: number): VectorOverlay['scratch'] {
    let scratch = this.scratch;
    if (!scratch || scratch.image.width !== width || scratch.image.height !== height) {
      const canvas = scratch?.canvas ?? (this.options.createCanvas ?? (() => document.createElement('canvas')))();
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (!ctx) return null;
      const image = ctx.createImageData(width, height);
      scratch = this.scratch = { canvas, ctx, image, stale: null };
      this.raster.resize(width, height, image.data);
    }
    return scratch;
  }

  /** A highlight ring around each selected point on screen. */
  private ringSelected(layer: PointsLayer): void {
    const proj = this.projection;
    const ctx = this.ctx;
    const selected = layer.selected;
    if (selected.size === 0) return;
    ctx.beginPath();
    for (let k = 0; k < proj.count; k++) {
      if (!selected.has(proj.index[k])) continue;
      const r = Math.max(proj.radius[k], 2) + 3;
      ctx.moveTo(proj.x[k] + r, proj.y[k]);
      ctx.arc(proj.x[k], proj.y[k], r, 0, 2 * Math.PI);
    }
    strokeHighlight(ctx);
  }

  /** Border rings of the points whose colour has mixed radii (see drawPoints). */
  private fillBorderRings(points: PointsSnapshot, proj: PointsProjection, borderWidth: number, css: string): void {
    const ctx = this.ctx;
    ctx.beginPath();
    for (let b = 0; b < points.palette.length; b++) {
      const from = proj.bucketStart[b];
      const to = proj.bucketStart[b + 1];
      let uniform = true;
      for (let j = from + 1; j < to && uniform; j++) uniform = proj.radius[proj.order[j]] === proj.radius[proj.order[from]];
      if (uniform) continue;
      for (let j = from; j < to; j++) {
        const k = proj.order[j];
        const r = proj.radius[k];
        if (r < TINY_RADIUS_PX) continue;
        const x = proj.x[k];
        const y = proj.y[k];
        const inner = Math.max(0, r * (1 - 2 * borderWidth));
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * Math.PI, false);
        ctx.moveTo(x + inner, y);
        ctx.arc(x, y, inner, 2 * Math.PI, 0, true);
      }
    }
    ctx.fillStyle = css;
    ctx.fill();
  }

  /** A disc, or a square of the same width when it is under TINY_RADIUS_PX (cheaper, same on screen). */
  private traceDisc(x: number, y: number, r: number, square: boolean): void {
    if (square) {
      const half = Math.max(r, 0.5);
      this.ctx.rect(x - half, y - half, 2 * half, 2 * half);
    } else {
      this.ctx.moveTo(x + r, y);
      this.ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  private drawShapes(layer: ShapesLayer, view: LayerView): void {
    const cache = this.cacheOf(layer);
    // Selection and drafts are 'display' changes read live; the shapes only change on 'data'.
    if (!cache.shapes || cache.dirtyData) {
      cache.shapes = snapshotShapes(layer);
      cache.dirtyData = false;
    }
    cache.dirtyDisplay = false;
    paintShapes(this.ctx, layer, cache.shapes, view);
  }
}

function union(a: PixelBox | null, b: PixelBox | null): PixelBox | null {
  if (!a || !b) return a ?? b;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}
