"""ilastik's pixel features with scipy.ndimage, defined exactly as ``src/core/features``
computes them in the browser (see featureSet.ts for the table): Gaussian smoothing, Laplacian
of Gaussian, Gaussian gradient magnitude, difference of Gaussians (σ and 0.66 σ), structure
tensor eigenvalues (inner σ, outer σ/2) and Hessian of Gaussian eigenvalues (largest first);
kernels truncated at 3.5 σ (ilastik's window), σ per axis scaled by the voxel size.

A block is read with the features' halo, mirrored at the image's own borders (numpy's
``reflect`` = scipy's ``mirror``), filtered, and cropped, as the browser does, so a block's
values do not depend on how the image was cut."""

from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np

FILTERS = ("gaussian", "laplacian", "gradientMagnitude", "differenceOfGaussians",
           "structureTensor", "hessian")
ILASTIK_SCALES = (0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0)
TITLES = {"gaussian": "Gaussian Smoothing", "laplacian": "Laplacian of Gaussian",
          "gradientMagnitude": "Gaussian Gradient Magnitude",
          "differenceOfGaussians": "Difference of Gaussians",
          "structureTensor": "Structure Tensor Eigenvalues",
          "hessian": "Hessian of Gaussian Eigenvalues"}
TRUNCATE = 3.5
DOG_RATIO = 0.66
OUTER_RATIO = 0.5


def _radius(sigma: float) -> int:
    return int(TRUNCATE * sigma + 0.5)


def axis_sigmas(sigma: float, spacing: Sequence[float]) -> List[float]:
    finest = min(spacing)
    return [sigma * finest / s for s in spacing]


def _channels(filter_: str, ndim: int) -> int:
    return ndim if filter_ in ("structureTensor", "hessian") else 1


def validate_specs(specs: Sequence[Dict]) -> None:
    if not specs:
        raise ValueError("expected at least one feature, got none")
    for s in specs:
        if s.get("filter") not in FILTERS:
            raise ValueError(f"unknown filter {s.get('filter')!r}: expected one of {', '.join(FILTERS)}")
        sigma = s.get("sigma")
        if not isinstance(sigma, (int, float)) or not np.isfinite(sigma) or sigma <= 0:
            raise ValueError(f"expected a positive finite sigma for {s['filter']}, got {sigma!r}")


def feature_names(specs: Sequence[Dict], ndim: int) -> List[str]:
    names = []
    for s in specs:
        n = _channels(s["filter"], ndim)
        sig = f"{float(s['sigma']):g}"  # as the browser writes them: 1, 0.7, 10
        for k in range(n):
            names.append(f"{TITLES[s['filter']]} (σ={sig})" + (f" [{k}]" if n > 1 else ""))
    return names


def feature_halo(specs: Sequence[Dict], ndim: int, spacing: Sequence[float] = None) -> List[int]:
    spacing = list(spacing or [1.0] * ndim)
    halo = [0] * ndim
    for s in specs:
        for a, sig in enumerate(axis_sigmas(float(s["sigma"]), spacing)):
            r = _radius(sig)
            if s["filter"] == "structureTensor":
                r += _radius(sig * OUTER_RATIO)
            halo[a] = max(halo[a], r)
    return halo


def _filter(a, sigmas, order):
    from scipy import ndimage as ndi

    # mode only matters inside the halo, which is cropped away.
    return ndi.gaussian_filter(a, sigmas, order=order, mode="mirror", truncate=TRUNCATE)


def _eig(tensor: Dict, nd: int) -> List[np.ndarray]:
    t = np.empty(next(iter(tensor.values())).shape + (nd, nd), np.float64)
    for (a, b), v in tensor.items():
        t[..., a, b] = v
        t[..., b, a] = v
    e = np.linalg.eigvalsh(t)[..., ::-1]
    return [e[..., k].astype(np.float32) for k in range(nd)]


def features_of_padded(padded: np.ndarray, specs: Sequence[Dict], spacing: Sequence[float]) -> List[np.ndarray]:
    """Every output channel (float32, the padded block's shape) of one single-channel block."""
    nd = padded.ndim
    x = padded.astype(np.float32, copy=False)
    out: List[np.ndarray] = []
    for s in specs:
        sig = axis_sigmas(float(s["sigma"]), spacing)
        unit = lambda a, k: tuple(k if b == a else 0 for b in range(nd))  # noqa: E731
        f = s["filter"]
        if f == "gaussian":
            out.append(_filter(x, sig, 0))
        elif f == "laplacian":
            out.append(sum(_filter(x, sig, unit(a, 2)) for a in range(nd)).astype(np.float32))
        elif f == "gradientMagnitude":
            g = [_filter(x, sig, unit(a, 1)).astype(np.float64) for a in range(nd)]
            out.append(np.sqrt(sum(v * v for v in g)).astype(np.float32))
        elif f == "differenceOfGaussians":
            small = axis_sigmas(float(s["sigma"]) * DOG_RATIO, spacing)
            out.append(_filter(x, sig, 0) - _filter(x, small, 0))
        elif f == "hessian":
            h = {(a, b): _filter(x, sig, tuple(int(c == a) + int(c == b) for c in range(nd)))
                 for a in range(nd) for b in range(a, nd)}
            out.extend(_eig(h, nd))
        elif f == "structureTensor":
            g = [_filter(x, sig, unit(a, 1)) for a in range(nd)]
            outer = axis_sigmas(float(s["sigma"]) * OUTER_RATIO, spacing)
            t = {(a, b): _filter(g[a] * g[b], outer, 0) for a in range(nd) for b in range(a, nd)}
            out.extend(_eig(t, nd))
    return out


def compute_features(image: np.ndarray, specs: Sequence[Dict], spacing: Sequence[float] = None,
                     channel_axis: int = None) -> np.ndarray:
    """(n_features, *spatial) float32 features of a whole in-memory image (2D or 3D; with
    ``channel_axis`` every feature per channel, channel-major, as the browser orders them)."""
    validate_specs(specs)
    image = np.asarray(image)
    chans = [image] if channel_axis is None else list(np.moveaxis(image, channel_axis, 0))
    nd = chans[0].ndim
    if nd not in (2, 3):
        raise ValueError(f"expected a 2D or 3D image (plus a channel axis), got shape {image.shape}")
    spacing = list(spacing or [1.0] * nd)
    halo = feature_halo(specs, nd, spacing)
    check_reach(chans[0].shape, halo, specs)
    out = []
    for c in chans:
        if not np.all(np.isfinite(c)):
            raise ValueError("the image has non-finite values (NaN or inf): filters need finite pixels")
        padded = np.pad(c.astype(np.float32), [(h, h) for h in halo], mode="reflect")
        crop = tuple(slice(h, h + n) for h, n in zip(halo, c.shape))
        out.extend(m[crop] for m in features_of_padded(padded, specs, spacing))
    return np.stack(out)


def check_reach(shape, halo, specs) -> None:
    for a, (n, h) in enumerate(zip(shape, halo)):
        if h >= n:
            largest = max(float(s["sigma"]) for s in specs)
            raise ValueError(f"sigma={largest:g} reaches {h} px along axis {a}, but the image is "
                             f"{n} px there: choose smaller scales for this image")
