/**
 * Eigenvalues of the symmetric 2×2 and 3×3 tensors per pixel (structure tensor, Hessian),
 * largest first as vigra's tensorEigenvalues gives them. Computed in float64 in closed form;
 * numpy.linalg.eigvalsh is the reference in the tests.
 */

/** (a b; b c) per pixel -> out0 >= out1. */
export function eigen2(a: Float32Array, b: Float32Array, c: Float32Array, out0: Float32Array, out1: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const m = 0.5 * (a[i] + c[i]);
    const h = 0.5 * (a[i] - c[i]);
    const d = Math.sqrt(h * h + b[i] * b[i]);
    out0[i] = m + d;
    out1[i] = m - d;
  }
}

/**
 * (xx xy xz; xy yy yz; xz yz zz) per pixel -> out0 >= out1 >= out2, by the trigonometric
 * solution of the characteristic cubic (exact for symmetric matrices up to rounding).
 */
export function eigen3(
  xx: Float32Array,
  xy: Float32Array,
  xz: Float32Array,
  yy: Float32Array,
  yz: Float32Array,
  zz: Float32Array,
  out0: Float32Array,
  out1: Float32Array,
  out2: Float32Array
): void {
  for (let i = 0; i < xx.length; i++) {
    const a = xx[i];
    const d = yy[i];
    const f = zz[i];
    const b = xy[i];
    const c = xz[i];
    const e = yz[i];
    const p1 = b * b + c * c + e * e;
    const q = (a + d + f) / 3;
    const da = a - q;
    const dd = d - q;
    const df = f - q;
    const p2 = da * da + dd * dd + df * df + 2 * p1;
    if (p2 <= 1e-30 * (q * q + 1e-300)) {
      out0[i] = out1[i] = out2[i] = q; // a multiple of the identity
      continue;
    }
    const p = Math.sqrt(p2 / 6);
    // det((A - qI) / p) / 2
    const r = (da * (dd * df - e * e) - b * (b * df - e * c) + c * (b * e - dd * c)) / (2 * p * p * p);
    const phi = r <= -1 ? Math.PI / 3 : r >= 1 ? 0 : Math.acos(r) / 3;
    const l0 = q + 2 * p * Math.cos(phi);
    const l2 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
    out0[i] = l0;
    out2[i] = l2;
    out1[i] = 3 * q - l0 - l2;
  }
}
