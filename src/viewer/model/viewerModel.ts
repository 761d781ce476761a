import { ISignal, Signal } from '@lumino/signaling';
import { Range } from '../../core/contrast';
import { NDArray } from '../../core/ndarray';
import { Camera } from './camera';
import { ImageLayer } from './imageLayer';

export interface AddImageOptions {
  name?: string;
  id?: string;
  rgb?: boolean;
  contrastLimits?: Range;
}

let nextLayerNumber = 0;

/**
 * The viewer's state: an ordered layer list (bottom first) and the camera, as napari's
 * ViewerModel. Renderers, tools and the kernel bridge all observe and act on this object;
 * none of them keeps state of its own that belongs here.
 */
export class ViewerModel {
  readonly camera = new Camera();
  private readonly _layers: ImageLayer[] = [];
  private readonly _layersChanged = new Signal<this, void>(this);
  private readonly _layerChanged = new Signal<this, { layer: ImageLayer; what: 'data' | 'display' }>(this);

  get layers(): readonly ImageLayer[] {
    return this._layers;
  }

  /** Emitted when layers are added, removed or reordered. */
  get layersChanged(): ISignal<this, void> {
    return this._layersChanged;
  }

  /** Emitted when any layer's data or display properties change. */
  get layerChanged(): ISignal<this, { layer: ImageLayer; what: 'data' | 'display' }> {
    return this._layerChanged;
  }

  getLayer(id: string): ImageLayer | undefined {
    return this._layers.find(l => l.id === id);
  }

  addImage(data: NDArray, options: AddImageOptions = {}): ImageLayer {
    let id = options.id;
    while (id === undefined || (options.id === undefined && this.getLayer(id))) {
      id = `layer-${++nextLayerNumber}`; // skip numbers an explicit id already took
    }
    if (this.getLayer(id)) {
      throw new Error(`a layer with id ${id} already exists`);
    }
    const layer = new ImageLayer(data, {
      id,
      name: this.uniqueName(options.name ?? 'Image'),
      rgb: options.rgb,
      contrastLimits: options.contrastLimits
    });
    layer.changed.connect((_, what) => this._layerChanged.emit({ layer, what }));
    this._layers.push(layer);
    this._layersChanged.emit();
    return layer;
  }

  removeLayer(id: string): boolean {
    const index = this._layers.findIndex(l => l.id === id);
    if (index < 0) {
      return false;
    }
    const [layer] = this._layers.splice(index, 1);
    Signal.disconnectSender(layer);
    this._layersChanged.emit();
    return true;
  }

  /** The extent (rows, cols) that covers every layer, used to reset the view. */
  get extent(): { rows: number; cols: number } | null {
    if (this._layers.length === 0) {
      return null;
    }
    let rows = 0;
    let cols = 0;
    for (const layer of this._layers) {
      rows = Math.max(rows, layer.extent.rows);
      cols = Math.max(cols, layer.extent.cols);
    }
    return { rows, cols };
  }

  // napari's naming: a taken name gets " [1]", " [2]", ...
  private uniqueName(base: string): string {
    const taken = new Set(this._layers.map(l => l.name));
    if (!taken.has(base)) {
      return base;
    }
    for (let i = 1; ; i++) {
      const candidate = `${base} [${i}]`;
      if (!taken.has(candidate)) {
        return candidate;
      }
    }
  }
}
