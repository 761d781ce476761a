import { DType, TypedArray } from '../../core/dtypes';

/**
 * A region of one level of a lazy image, per spatial axis of that level: [start, stop) read
 * every `step`-th element. Sliced axes have stop = start + 1; the colour axis of RGB(A)
 * is always whole.
 */
export interface ImageRegion {
  level: number;
  start: readonly number[];
  stop: readonly number[];
  step: readonly number[];
}

/**
 * Where a lazy image's pixels come from (the kernel, for dask/zarr arrays): only shapes and
 * the dtype are known up front; pixels arrive region by region. The model and renderer only
 * ask; how a source fetches, caches and bounds its requests is its own business (see
 * src/jupyter/widget/tileSource.ts).
 */
export interface LazyImageSource {
  readonly dtype: DType;
  /** Every level's array shape (the colour axis last for RGB(A)), full resolution first. */
  readonly shapes: readonly (readonly number[])[];
  /**
   * The region's pixels, C order over its axes (then colour), if they are here; otherwise
   * starts fetching them (once) and returns null, or returns the Error that fetching gave.
   */
  region(region: ImageRegion): TypedArray | null | Error;
  /** The value(s) at a level-0 index if a region holding it has arrived, else null. */
  valueAt(index: readonly number[]): number[] | null;
}

export function isLazySource(value: unknown): value is LazyImageSource {
  return typeof value === 'object' && value !== null && typeof (value as LazyImageSource).region === 'function';
}
