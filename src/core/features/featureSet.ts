/**
 * ilastik's pixel features, defined as scipy.ndimage computes them (the tests' reference),
 * on 2D or 3D single-channel images, per block with a mirrored halo (./pad.ts):
 *
 * | filter | channels | definition (σ per axis, truncate 3.5 = ilastik's window) |
 * | --- | --- | --- |
 * | gaussian | 1 | gaussian_filter(σ) |
 * | laplacian | 1 | gaussian_laplace(σ): Σ_a ∂²/∂a² of the Gaussian-smoothed image |
 * | gradientMagnitude | 1 | gaussian_gradient_magnitude(σ) |
 * | differenceOfGaussians | 1 | gaussian_filter(σ) - gaussian_filter(0.66 σ), as ilastik |
 * | structureTensor | nd | eigenvalues of gaussian_filter(0.5 σ) of ∇I ∇Iᵀ, ∇ at σ (ilastik: inner σ, outer σ/2) |
 * | hessian | nd | eigenvalues of the Hessian of gaussian_filter(σ) |
 *
 * Eigenvalues are largest first. Derivatives are in pixel units. With anisotropic voxels
 * (`spacing`), σ is in units of the finest axis and axis a gets σ · min(spacing) / spacing[a].
 * Every derivative is one separable pass per axis (./kernels.ts); passes shared between
 * features (the smoothed image, the gradient, the Hessian) are computed once per σ.
 */

import { convolveAxis, DerivativeOrder, gaussianKernel1d, kernelRadius } from './kernels';
import { eigen2, eigen3 } from './eigen';

export const FILTERS = ['gaussian', 'laplacian', 'gradientMagnitude', 'differenceOfGaussians', 'structureTensor', 'hessian'] as const;
export type FilterName = (typeof FILTERS)[number];

/** ilastik's scales. */
export const ILASTIK_SCALES = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0] as const;

export const FILTER_TITLES: Record<FilterName, string> = {
  gaussian: 'Gaussian Smoothing',
  laplacian: 'Laplacian of Gaussian',
  gradientMagnitude: 'Gaussian Gradient Magnitude',
  differenceOfGaussians: 'Difference of Gaussians',
  structureTensor: 'Structure Tensor Eigenvalues',
  hessian: 'Hessian of Gaussian Eigenvalues'
};

/** ilastik's DoG: the second Gaussian's σ relative to the first. */
export const DOG_RATIO = 0.66;
/** ilastik's structure tensor: the outer (integration) σ relative to the inner one. */
export const STRUCTURE_OUTER_RATIO = 0.5;
export const TRUNCATE = 3.5;

export interface FeatureSpec {
  filter: FilterName;
  sigma: number;
}

export interface FeatureGeometry {
  /** Image dimensionality: 2 or 3. */
  ndim: number;
  /** Voxel size per axis (default: isotropic). */
  spacing?: readonly number[];
}

/** Channels a feature produces. */
export function featureChannels(filter: FilterName, ndim: number): number {
  return filter === 'structureTensor' || filter === 'hessian' ? ndim : 1;
}

/** Display names of every output channel, in output order. */
export function featureNames(specs: readonly FeatureSpec[], ndim: number): string[] {
  const names: string[] = [];
  for (const s of specs) {
    const n = featureChannels(s.filter, ndim);
    for (let k = 0; k < n; k++) names.push(`${FILTER_TITLES[s.filter]} (σ=${s.sigma})${n > 1 ? ` [${k}]` : ''}`);
  }
  return names;
}

/** σ on each axis. */
export function axisSigmas(sigma: number, geometry: FeatureGeometry): number[] {
  const spacing = geometry.spacing ?? new Array<number>(geometry.ndim).fill(1);
  if (spacing.length !== geometry.ndim || spacing.some(s => !(s > 0) || !Number.isFinite(s))) {
    throw new RangeError(`expected ${geometry.ndim} positive voxel sizes, got ${JSON.stringify(spacing)}`);
  }
  const finest = Math.min(...spacing);
  return spacing.map(s => (sigma * finest) / s);
}

/** How far (pixels per axis) the features reach: the halo a block needs. */
export function featureHalo(specs: readonly FeatureSpec[], geometry: FeatureGeometry): number[] {
  const halo = new Array<number>(geometry.ndim).fill(0);
  for (const s of specs) {
    const sig = axisSigmas(s.sigma, geometry);
    for (let a = 0; a < geometry.ndim; a++) {
      let r = kernelRadius(sig[a], TRUNCATE);
      if (s.filter === 'structureTensor') r += kernelRadius(sig[a] * STRUCTURE_OUTER_RATIO, TRUNCATE);
      halo[a] = Math.max(halo[a], r);
    }
  }
  return halo;
}

export function validateSpecs(specs: readonly FeatureSpec[]): void {
  if (specs.length === 0) throw new RangeError('expected at least one feature, got none');
  for (const s of specs) {
    if (!FILTERS.includes(s.filter)) throw new RangeError(`unknown filter ${JSON.stringify(s.filter)}: expected one of ${FILTERS.join(', ')}`);
    if (!(s.sigma > 0) || !Number.isFinite(s.sigma)) throw new RangeError(`expected a positive finite σ for ${s.filter}, got ${s.sigma}`);
  }
}

/**
 * Features of one padded block (single channel, `shape` including the halo). Returns one
 * padded-size array per output channel, in `featureNames` order; the caller crops the halo.
 */
export function computePaddedFeatures(padded: Float32Array, shape: readonly number[], specs: readonly FeatureSpec[], geometry: FeatureGeometry): Float32Array[] {
  validateSpecs(specs);
  const nd = shape.length;
  if (nd !== geometry.ndim || (nd !== 2 && nd !== 3)) throw new RangeError(`expected a 2D or 3D block matching ndim ${geometry.ndim}, got shape ${JSON.stringify(shape)}`);
  const out: Float32Array[] = [];
  const bySigma = new Map<number, FeatureSpec[]>();
  for (const s of specs) bySigma.set(s.sigma, [...(bySigma.get(s.sigma) ?? []), s]);
  const results = new Map<FeatureSpec, Float32Array[]>();
  for (const [sigma, group] of bySigma) {
    const d = new Derivatives(padded, shape, axisSigmas(sigma, geometry));
    for (const s of group) results.set(s, featureFrom(d, s, geometry));
  }
  for (const s of specs) out.push(...(results.get(s) as Float32Array[]));
  return out;
}

function featureFrom(d: Derivatives, spec: FeatureSpec, geometry: FeatureGeometry): Float32Array[] {
  const nd = d.shape.length;
  const unit = (a: number, order: DerivativeOrder) => d.get(Array.from({ length: nd }, (_, b) => (b === a ? order : 0)));
  switch (spec.filter) {
    case 'gaussian':
      return [d.get(new Array(nd).fill(0))];
    case 'laplacian':
      return [sum(Array.from({ length: nd }, (_, a) => unit(a, 2)))];
    case 'gradientMagnitude': {
      const g = Array.from({ length: nd }, (_, a) => unit(a, 1));
      const m = new Float32Array(d.size);
      for (let i = 0; i < m.length; i++) {
        let s = 0;
        for (const ga of g) s += ga[i] * ga[i];
        m[i] = Math.sqrt(s);
      }
      return [m];
    }
    case 'differenceOfGaussians': {
      const small = new Derivatives(d.input, d.shape, axisSigmas(spec.sigma * DOG_RATIO, geometry));
      const a = d.get(new Array(nd).fill(0));
      const b = small.get(new Array(nd).fill(0));
      const m = new Float32Array(d.size);
      for (let i = 0; i < m.length; i++) m[i] = a[i] - b[i];
      return [m];
    }
    case 'hessian': {
      const h = (a: number, b: number) => d.get(Array.from({ length: nd }, (_, c) => ((c === a ? 1 : 0) + (c === b ? 1 : 0)) as DerivativeOrder));
      return eigenvalues(nd, h, d.size);
    }
    case 'structureTensor': {
      const g = Array.from({ length: nd }, (_, a) => unit(a, 1));
      const outer = axisSigmas(spec.sigma * STRUCTURE_OUTER_RATIO, geometry);
      const t = (a: number, b: number) => {
        const p = new Float32Array(d.size);
        for (let i = 0; i < p.length; i++) p[i] = g[a][i] * g[b][i];
        return new Derivatives(p, d.shape, outer).get(new Array(nd).fill(0));
      };
      return eigenvalues(nd, t, d.size);
    }
  }
}

function eigenvalues(nd: number, tensor: (a: number, b: number) => Float32Array, size: number): Float32Array[] {
  const outs = Array.from({ length: nd }, () => new Float32Array(size));
  if (nd === 2) eigen2(tensor(0, 0), tensor(0, 1), tensor(1, 1), outs[0], outs[1]);
  else eigen3(tensor(0, 0), tensor(0, 1), tensor(0, 2), tensor(1, 1), tensor(1, 2), tensor(2, 2), outs[0], outs[1], outs[2]);
  return outs;
}

function sum(arrays: Float32Array[]): Float32Array {
  const m = new Float32Array(arrays[0].length);
  for (const a of arrays) for (let i = 0; i < m.length; i++) m[i] += a[i];
  return m;
}

/**
 * Gaussian derivatives of one array at one σ, memoised by the orders of the passes done so far
 * (last axis first), so the smoothed image, the gradient and the Hessian share passes.
 */
class Derivatives {
  readonly size: number;
  private readonly cache = new Map<string, Float32Array>();
  private readonly kernels = new Map<string, Float64Array>();

  constructor(readonly input: Float32Array, readonly shape: readonly number[], private readonly sigmas: readonly number[]) {
    this.size = input.length;
  }

  /** orders[a]: the derivative order along axis a. */
  get(orders: readonly number[]): Float32Array {
    let current = this.input;
    let key = '';
    for (let a = orders.length - 1; a >= 0; a--) {
      key = `${orders[a]}${key}`;
      let next = this.cache.get(key);
      if (!next) {
        next = new Float32Array(this.size);
        convolveAxis(current, this.shape, a, this.kernel(a, orders[a] as DerivativeOrder), next);
        this.cache.set(key, next);
      }
      current = next;
    }
    return current;
  }

  private kernel(axis: number, order: DerivativeOrder): Float64Array {
    const k = `${axis}:${order}`;
    let w = this.kernels.get(k);
    if (!w) {
      const sigma = this.sigmas[axis];
      w = gaussianKernel1d(sigma, order, kernelRadius(sigma, TRUNCATE));
      this.kernels.set(k, w);
    }
    return w;
  }
}
