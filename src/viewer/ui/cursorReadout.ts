import { DataPoint } from '../model/camera';
import { Dims } from '../model/dims';
import { ImageLayer } from '../model/imageLayer';
import { LabelsLayer } from '../model/labelsLayer';
import { ViewerModel } from '../model/viewerModel';

/** A pixel value as the status line shows it: integers exactly (uint64 too), floats to 5 digits. */
export function formatValue(v: number | bigint): string {
  if (typeof v === 'bigint' || Number.isInteger(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toPrecision(5);
}

/** A physical coordinate: 4 significant digits, no trailing zeros (12.5, 0.125, 1250). */
function formatCoordinate(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/**
 * The status line for a pointer at world point `at` of the plane `dims` displays, as napari's:
 *
 *   [z, y, x]  (7.5, 15, 14 µm)  name: value  name: value ...
 *
 * the slice index on every world axis in axis order (the pointer's on the displayed axes, the
 * sliders' on the others; for unit scale these are the data pixel indices), then, when the
 * layers' scale or translate make world coordinates differ from indices, the physical
 * position in the scale bar's unit, then the value under the pointer of each visible image
 * and labels layer, bottom to top. Names are the user's: the caller shows this as text only.
 */
export function cursorReadout(model: ViewerModel, dims: Dims, at: DataPoint, unit: string | null): string {
  const [rowAxis, colAxis] = dims.displayed;
  const world = dims.point;
  world[rowAxis] = at.row;
  world[colAxis] = at.col;
  const ranges = dims.range;
  const index = world.map((w, axis) => {
    const [min, , step] = ranges[axis];
    // Unclamped on the displayed axes: a pointer left of the image reads a negative column.
    return axis === rowAxis || axis === colAxis ? Math.floor((w - min) / step + 1e-9) : dims.currentStep[axis];
  });
  const parts = [`[${index.join(', ')}]`];
  const physical = ranges.some(([min, , step]) => min !== 0 || step !== 1);
  if (physical) parts.push(`(${world.map(formatCoordinate).join(', ')}${unit ? ` ${unit}` : ''})`);
  for (const layer of model.layers) {
    if (!layer.visible || !(layer instanceof ImageLayer || layer instanceof LabelsLayer)) continue;
    const pixel = model.layerIndexAt(layer, at, dims);
    if (!pixel) continue;
    if (layer instanceof LabelsLayer) {
      parts.push(`${layer.name}: ${formatValue(layer.valueAt(pixel))}`);
      continue;
    }
    const values = layer.valueAt(pixel);
    if (values) parts.push(`${layer.name}: ${values.length === 1 ? formatValue(values[0]) : `(${values.map(formatValue).join(', ')})`}`);
  }
  return parts.join('  ');
}
