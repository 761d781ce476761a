import { Widget } from '@lumino/widgets';
import { colormapLUT, COLORMAP_NAMES, ColormapName } from '../../core/colormaps';
import { autoContrastLimits } from '../../core/contrast';
import { histogram } from '../../core/histogram';
import { NDArray } from '../../core/ndarray';
import { ImageLayer, INTERPOLATIONS, Interpolation } from '../model/imageLayer';
import { LabelsLayer } from '../model/labelsLayer';
import { Blending, BLENDINGS, Layer } from '../model/layerBase';
import { PointsLayer } from '../model/pointsLayer';
import { ShapesLayer, ShapeStyle } from '../model/shapesLayer';
import type { ViewerModel } from '../model/viewerModel';
import { ContrastHistogram } from './contrastHistogram';
import {
  BoundControl,
  checkboxControl,
  colorControl,
  el,
  iconButton,
  MessageSink,
  sectionHeading,
  selectControl,
  sliderControl,
  textControl
} from './controlsDom';
import { brushSliderMax, cssColorOfBytes, editLimits, formatNumber, hexToRgba, parseLabelId, parseNumber, rgbToHex } from './panelLogic';

export interface LayerControlsOptions {
  /** Where refused values and errors go (e.g. the viewer's status bar); also shown here. */
  onMessage?: MessageSink;
}

const KIND_TITLES: Record<string, string> = { image: 'Image', labels: 'Labels', points: 'Points', shapes: 'Shapes' };

/** A CSS gradient of a colormap, for the swatch next to the colormap select. */
function colormapGradient(name: ColormapName): string {
  const lut = colormapLUT(name);
  const stops: string[] = [];
  for (let i = 0; i <= 8; i++) {
    const k = Math.min(255, Math.round((i / 8) * 255)) * 4;
    stops.push(`rgb(${lut[k]}, ${lut[k + 1]}, ${lut[k + 2]}) ${(i / 8) * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/**
 * The controls of the active layer (napari's layer controls): rebuilt when another layer
 * becomes active, re-read from the layer whenever it changes. Every control writes straight
 * to the layer; a value the layer refuses is reported and the control snaps back.
 */
export class LayerControls extends Widget {
  private layer: Layer | null = null;
  private controls: BoundControl[] = [];
  private readonly body = el('div', 'jp-SegLab-controlsBody');
  private readonly messageNode = el('div', 'jp-SegLab-controlsMessage');
  private histogramWidget: ContrastHistogram | null = null;
  private histogramFrame = 0;
  private sliceHistogram: ReturnType<typeof histogram> | null = null;
  private slicePlane: NDArray | null = null;

  constructor(
    private readonly model: ViewerModel,
    private readonly options: LayerControlsOptions = {}
  ) {
    super();
    this.addClass('jp-SegLab-layerControls');
    this.node.setAttribute('role', 'region');
    this.messageNode.setAttribute('role', 'status');
    this.messageNode.setAttribute('aria-live', 'polite');
    this.node.append(this.body, this.messageNode);
    model.selectionChanged.connect(this.onSelectionChanged, this);
    model.layerChanged.connect(this.onLayerChanged, this);
    model.dims.stepChanged.connect(this.scheduleHistogram, this);
    model.dims.orderChanged.connect(this.scheduleHistogram, this);
    this.rebuild();
  }

  dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.histogramFrame);
    this.model.selectionChanged.disconnect(this.onSelectionChanged, this);
    this.model.layerChanged.disconnect(this.onLayerChanged, this);
    this.model.dims.stepChanged.disconnect(this.scheduleHistogram, this);
    this.model.dims.orderChanged.disconnect(this.scheduleHistogram, this);
    this.histogramWidget?.dispose();
    super.dispose();
  }

  private readonly report: MessageSink = (text, isError) => {
    this.messageNode.textContent = text;
    this.messageNode.classList.toggle('jp-SegLab-error', isError);
    this.options.onMessage?.(text, isError);
  };

  private onSelectionChanged(): void {
    if ((this.model.activeLayer ?? null) !== this.layer) this.rebuild();
  }

  private onLayerChanged(_: ViewerModel, change: { layer: Layer; what: string }): void {
    if (change.layer !== this.layer) return;
    for (const control of this.controls) control.sync();
    if (change.what === 'data') this.scheduleHistogram();
    else this.drawHistogram();
  }

  private rebuild(): void {
    cancelAnimationFrame(this.histogramFrame);
    this.histogramFrame = 0;
    this.histogramWidget?.dispose();
    this.histogramWidget = null;
    this.sliceHistogram = null;
    this.slicePlane = null;
    this.controls = [];
    this.messageNode.textContent = '';
    const layer = this.model.activeLayer ?? null;
    this.layer = layer;
    this.body.replaceChildren();
    if (!layer) {
      this.node.setAttribute('aria-label', 'Layer controls');
      this.body.appendChild(el('div', 'jp-SegLab-controlsEmpty', 'Select a layer to see its controls.'));
      return;
    }
    this.node.setAttribute('aria-label', `Controls of layer ${layer.name}`);
    this.body.appendChild(sectionHeading(`${KIND_TITLES[layer.kind] ?? layer.kind} layer`));
    if (layer instanceof ImageLayer) this.addImageControls(layer);
    else if (layer instanceof LabelsLayer) this.addLabelsControls(layer);
    else if (layer instanceof PointsLayer) this.addPointsControls(layer);
    else if (layer instanceof ShapesLayer) this.addShapesControls(layer);
    this.addCommonControls(layer);
  }

  private add(...controls: BoundControl[]): void {
    for (const control of controls) {
      this.controls.push(control);
      this.body.appendChild(control.node);
    }
  }

  private addCommonControls(layer: Layer): void {
    this.add(
      sliderControl(
        'Opacity',
        { min: 0, max: 1, step: 0.01, get: () => layer.opacity, set: v => (layer.opacity = v), format: v => v.toFixed(2) },
        this.report
      ),
      selectControl<Blending>('Blending', BLENDINGS, () => layer.blending, v => (layer.blending = v), this.report)
    );
  }

  // ---- image ------------------------------------------------------------------------------

  private addImageControls(layer: ImageLayer): void {
    const hist = new ContrastHistogram(limits => {
      try {
        layer.contrastLimits = limits;
      } catch (err) {
        this.report(String((err as Error).message ?? err), true);
      }
    });
    this.histogramWidget = hist;
    const limitsRow = el('div', 'jp-SegLab-limitsRow');
    const limitInput = (which: 0 | 1) =>
      textControl(
        which === 0 ? 'Min' : 'Max',
        {
          numeric: true,
          get: () => formatNumber(layer.contrastLimits[which]),
          set: text => {
            const next = editLimits(layer.contrastLimits, which, text);
            if (typeof next === 'string') return next;
            layer.contrastLimits = next;
          }
        },
        this.report
      );
    const low = limitInput(0);
    const high = limitInput(1);
    const auto = el('button', 'jp-SegLab-textButton', 'Auto');
    auto.type = 'button';
    auto.title = 'Set the contrast limits to the range of the current slice';
    auto.addEventListener('click', () => {
      const plane = this.slicePlane ?? this.computePlane();
      if (plane) layer.contrastLimits = autoContrastLimits(plane);
    });
    limitsRow.append(low.node, high.node, auto);
    const contrastGroup = el('div', 'jp-SegLab-contrastGroup');
    contrastGroup.setAttribute('role', 'group');
    contrastGroup.setAttribute('aria-label', 'Contrast limits');
    contrastGroup.append(el('div', 'jp-SegLab-controlLabel', 'Contrast limits'), hist.node, limitsRow);
    this.body.appendChild(contrastGroup);
    this.controls.push(low, high);

    this.add(
      sliderControl(
        'Gamma',
        { min: 0.2, max: 2, step: 0.01, get: () => layer.gamma, set: v => (layer.gamma = v), format: v => v.toFixed(2) },
        this.report
      )
    );
    if (!layer.rgb) {
      const swatch = el('span', 'jp-SegLab-colormapSwatch');
      swatch.setAttribute('aria-hidden', 'true');
      const colormap = selectControl<ColormapName>('Colormap', COLORMAP_NAMES, () => layer.colormap, v => (layer.colormap = v), this.report);
      colormap.node.appendChild(swatch);
      const bound: BoundControl = {
        node: colormap.node,
        sync: () => {
          colormap.sync();
          swatch.style.background = colormapGradient(layer.colormap);
        }
      };
      bound.sync();
      this.add(bound);
    }
    this.add(selectControl<Interpolation>('Interpolation', INTERPOLATIONS, () => layer.interpolation, v => (layer.interpolation = v), this.report));
    this.scheduleHistogram();
  }

  /**
   * The displayed plane of the active image at the current slice, or null outside it. A lazy
   * image has none in the browser: no histogram (its limits come from the kernel's sample).
   */
  private computePlane(): NDArray | null {
    const layer = this.layer;
    if (!(layer instanceof ImageLayer) || layer.lazy) return null;
    const slice = this.model.sliceOf(layer);
    return slice ? layer.slicePlane(slice.step, slice.displayed) : null;
  }

  /** Recomputes the histogram of the shown slice once per frame at most (slider scrubbing). */
  private scheduleHistogram(): void {
    if (!this.histogramWidget || this.histogramFrame) return;
    this.histogramFrame = requestAnimationFrame(() => {
      this.histogramFrame = 0;
      if (this.isDisposed || !this.histogramWidget) return;
      try {
        this.slicePlane = this.computePlane();
        this.sliceHistogram = this.slicePlane ? histogram(this.slicePlane, 128) : null;
      } catch (err) {
        this.sliceHistogram = null;
        this.report(`histogram: ${(err as Error).message ?? err}`, true);
      }
      this.drawHistogram();
    });
  }

  private drawHistogram(): void {
    const layer = this.layer;
    if (!(layer instanceof ImageLayer) || !this.histogramWidget) return;
    const hist = this.sliceHistogram ?? { range: layer.contrastLimits, counts: new Float64Array(1), nonFinite: 0 };
    this.histogramWidget.setState(hist, layer.contrastLimits, layer.gamma);
  }

  // ---- labels -----------------------------------------------------------------------------

  private addLabelsControls(layer: LabelsLayer): void {
    const swatch = el('span', 'jp-SegLab-labelSwatch');
    swatch.setAttribute('role', 'img');
    const newLabel = iconButton({
      icon: 'new_labels',
      label: 'New label (first unused id)',
      title: 'New label: the first unused id (M)',
      onClick: () => {
        try {
          layer.newLabel();
        } catch (err) {
          this.report(String((err as Error).message ?? err), true);
        }
      }
    });
    const selected = textControl(
      'Label',
      {
        numeric: true,
        get: () => String(layer.selectedLabel),
        set: text => {
          const id = parseLabelId(text);
          if (id === null) return `"${text}" is not an integer label id.`;
          layer.selectedLabel = id;
        },
        extra: [swatch, newLabel]
      },
      this.report
    );
    const syncSwatch = () => {
      const label = layer.selectedLabel;
      const rgba = layer.colorOf(label);
      swatch.style.backgroundColor = cssColorOfBytes(rgba);
      swatch.classList.toggle('jp-SegLab-transparent', rgba[3] === 0);
      const text = rgba[3] === 0 ? `label ${label}: background (transparent)` : `label ${label} colour`;
      swatch.setAttribute('aria-label', text);
      swatch.title = text;
    };
    this.add({
      node: selected.node,
      sync: () => {
        selected.sync();
        syncSwatch();
      }
    });
    syncSwatch();
    const shuffle = el('button', 'jp-SegLab-textButton', 'Shuffle colours');
    shuffle.type = 'button';
    shuffle.title = 'Give every label another colour (a new colour seed)';
    shuffle.addEventListener('click', () => {
      layer.colorSeed = Math.floor(Math.random() * 0xffffffff) >>> 0;
    });
    const shuffleRow = el('div', 'jp-SegLab-controlRow jp-SegLab-buttonRow');
    shuffleRow.appendChild(shuffle);
    this.body.appendChild(shuffleRow);

    const nEditDimChoices: ReadonlyArray<readonly ['2' | '3', string]> = [
      ['2', '2D (this slice)'],
      ['3', '3D (the volume)']
    ];
    const nEditDim = selectControl<'2' | '3'>(
      'Edit in',
      nEditDimChoices,
      () => String(layer.nEditDim) as '2' | '3',
      v => (layer.nEditDim = v === '3' ? 3 : 2),
      this.report
    );
    (nEditDim.select.options[1] as HTMLOptionElement).disabled = layer.ndim < 3;
    this.add(
      sliderControl(
        'Brush size',
        { min: 1, max: () => brushSliderMax(layer.brushSize), step: 1, get: () => layer.brushSize, set: v => (layer.brushSize = v) },
        this.report
      ),
      checkboxControl('Preserve labels', () => layer.preserveLabels, v => (layer.preserveLabels = v), this.report),
      checkboxControl('Contiguous fill', () => layer.contiguous, v => (layer.contiguous = v), this.report),
      nEditDim,
      textControl(
        'Contour',
        {
          numeric: true,
          get: () => String(layer.contour),
          set: text => {
            const v = parseNumber(text);
            if (v === null || !Number.isInteger(v) || v < 0) return 'The contour width is a whole number of pixels, 0 for filled labels.';
            layer.contour = v;
          }
        },
        this.report
      ),
      checkboxControl('Show selected label only', () => layer.showSelectedLabel, v => (layer.showSelectedLabel = v), this.report)
    );
  }

  // ---- points -----------------------------------------------------------------------------

  private addPointsControls(layer: PointsLayer): void {
    this.add(
      sliderControl(
        'Point size',
        {
          min: 1,
          max: () => Math.max(100, Math.ceil(layer.currentSize)),
          step: 1,
          get: () => layer.currentSize,
          set: v => (layer.currentSize = v),
          // As napari: the size also applies to the selected points (one undo step on release).
          commit: v => {
            if (layer.selected.size) layer.setSize(v);
          }
        },
        this.report
      )
    );
    const face = layer.faceColor;
    if (Array.isArray(face)) {
      this.add(
        colorControl(
          'Face colour',
          () => {
            const f = layer.faceColor;
            return Array.isArray(f) ? rgbToHex(f) : '#ffffff';
          },
          hex => {
            const f = layer.faceColor;
            const rgba = hexToRgba(hex, Array.isArray(f) ? f[3] : 1);
            if (rgba) layer.faceColor = rgba;
          },
          this.report
        )
      );
    } else {
      const by = face as { property: string; kind: string };
      const note = el('div', 'jp-SegLab-controlRow jp-SegLab-controlNote', `Face colour: by ${by.kind} property "${by.property}"`);
      this.body.appendChild(note);
    }
  }

  // ---- shapes -----------------------------------------------------------------------------

  private addShapesControls(layer: ShapesLayer): void {
    // napari: the controls show the style for new shapes and also restyle the selected ones.
    const restyle = (style: Partial<ShapeStyle>) => {
      layer.currentStyle = style;
      if (layer.selected.size) layer.setStyle(style);
    };
    const colorOf = (key: 'edgeColor' | 'faceColor') => () => rgbToHex(layer.currentStyle[key]);
    const toRgba = (key: 'edgeColor' | 'faceColor', hex: string) => hexToRgba(hex, layer.currentStyle[key][3]);
    const colorControlFor = (label: string, key: 'edgeColor' | 'faceColor') =>
      colorControl(
        label,
        colorOf(key),
        hex => {
          const rgba = toRgba(key, hex);
          if (rgba) layer.currentStyle = { [key]: rgba };
        },
        this.report,
        hex => {
          const rgba = toRgba(key, hex);
          if (rgba) restyle({ [key]: rgba });
        }
      );
    this.add(
      sliderControl(
        'Edge width',
        {
          min: 0,
          max: () => Math.max(40, Math.ceil(layer.currentStyle.edgeWidth)),
          step: 0.5,
          get: () => layer.currentStyle.edgeWidth,
          set: v => (layer.currentStyle = { edgeWidth: v }),
          commit: v => {
            if (layer.selected.size) layer.setStyle({ edgeWidth: v });
          }
        },
        this.report
      ),
      colorControlFor('Edge colour', 'edgeColor'),
      colorControlFor('Face colour', 'faceColor')
    );
  }
}
