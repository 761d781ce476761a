/**
 * What one pixel-classification run classifies: the plane the viewer shows (2D features), or,
 * for a 3D (or higher) image shown along its last two axes, the volume around the shown slice
 * (3D features with the layer's voxel size, as ilastik classifies volumes). A domain reads the
 * image's and the scribbles' values inside it and writes labels blocks back into nD layers.
 */
import { NDArray, sizeOf } from '../../core/ndarray';
import { planeOf } from '../../core/slicing';
import type { ImageLayer } from '../../viewer/model/imageLayer';
import type { LabelsLayer } from '../../viewer/model/labelsLayer';
import type { Block } from '../../core/features/pad';
import { PlaneRef, writeLabelsBlock } from './planeIO';

export interface Domain {
  /** Spatial shape classified: [h, w] or [d, h, w]. */
  shape: number[];
  /** Voxel size per spatial axis (the layer's scale). */
  spacing: number[];
  /** Identifies the image's pixels of this domain (with the layer's data version). */
  key: string;
  /** The image's axes the domain's axes are (2 or 3 of them). */
  axes: number[];
  /** The image's pixels here, float32, channels last. */
  pixels(): Float32Array;
  /** A labels layer's values here (the layer has the image's shape). */
  read(layer: LabelsLayer): Uint8Array;
  /** Writes a block (domain coordinates) of values into a labels layer. */
  write(layer: LabelsLayer, block: Block, values: Uint8Array): void;
}

/** Whether `image`, shown with `displayed`, can be classified as a volume (3D features). */
export function canClassifyVolume(image: ImageLayer, displayed: readonly number[]): boolean {
  const nd = image.shape.length;
  return nd >= 3 && !image.rgb && displayed[0] === nd - 2 && displayed[1] === nd - 1;
}

export function planeDomain(image: ImageLayer, plane: PlaneRef, version: number): Domain {
  const [row, col] = plane.displayed;
  return {
    shape: [image.shape[row], image.shape[col]],
    spacing: [image.scale[row] ?? 1, image.scale[col] ?? 1],
    axes: [row, col],
    key: `${image.id}:${plane.step.join(',')}:${plane.displayed.join(',')}:${image.data.data.length}:${version}`,
    pixels: () => Float32Array.from(image.slicePlane(plane.step, plane.displayed).data as ArrayLike<number>, Number),
    read: layer => planeOf(layer.data, plane.step, plane.displayed).data as Uint8Array,
    write: (layer, block, values) => writeLabelsBlock(layer, plane, block.start[0], block.start[1], block.shape[0], block.shape[1], values)
  };
}

/**
 * The volume along the image's last three axes at the current index of any axes before them
 * (contiguous in C order, so reading it is a view, not a copy).
 */
export function volumeDomain(image: ImageLayer, step: readonly number[], version: number): Domain {
  const nd = image.shape.length;
  const axes = [nd - 3, nd - 2, nd - 1];
  const shape = axes.map(a => image.shape[a]);
  const size = sizeOf(shape);
  const leading = step.slice(0, nd - 3);
  let offset = 0;
  leading.forEach((s, a) => (offset = offset * image.shape[a] + s));
  offset *= size;
  return {
    shape,
    spacing: axes.map(a => image.scale[a] ?? 1),
    axes,
    key: `${image.id}:volume:${leading.join(',')}:${image.data.data.length}:${version}`,
    pixels: () => Float32Array.from((image.data.data as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }).subarray(offset, offset + size), Number),
    read: layer => (layer.data.data as Uint8Array).subarray(offset, offset + size),
    write: (layer, block, values) => {
      if (layer.data.dtype !== 'uint8') throw new Error(`expected the uint8 labels layer "${layer.name}", it is ${layer.data.dtype}`);
      layer.writeRegion([...leading, ...block.start], { dtype: 'uint8', shape: [...leading.map(() => 1), ...block.shape], data: values } as NDArray);
    }
  };
}
