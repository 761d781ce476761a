"""Turn the arguments of ``add_image``/``add_labels``/``add_points``/``add_shapes``
into checked layer objects, before anything is added or sent.

``add_image(channel_axis=...)`` follows napari's ``split_channels``: one layer per
channel, arguments given per channel or once for all, default colormaps
``gray`` (1 channel), ``magenta, green`` (2) or cyan, magenta, yellow, blue,
green, red cycling (more), blending ``translucent_no_depth`` for the first
channel and ``additive`` for the others.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import numpy as np

from . import display
from .arrays import as_array, as_labels, as_transferable
from .geometry import DEFAULT_NDIM, as_points, as_shapes
from .layers import ImageLayer, LabelsLayer, PointsLayer, ShapesLayer, unique_name
from .lazy import AxisTake, as_lazy, is_lazy, sample_for_contrast
from .multiscale import as_multiscale, looks_multiscale
from .store_labels import as_store_labels

if TYPE_CHECKING:  # pragma: no cover
    from .viewer import Viewer

MAGENTA_GREEN = ("magenta", "green")
CMYBGR = ("cyan", "magenta", "yellow", "blue", "green", "red")
#: Image arguments that are one value per layer (a sequence means "per channel").
_SCALAR_ARGS = ("name", "colormap", "gamma", "opacity", "blending", "visible", "interpolation")
#: Image arguments that are already sequences for one layer.
_NESTED_ARGS = ("contrast_limits", "scale", "translate")


def _names(viewer: "Viewer", wanted: List[str]) -> List[str]:
    taken = list(viewer.layers.names())
    out = []
    for name in wanted:
        out.append(unique_name(display.name(name), taken))
        taken.append(out[-1])
    return out


def _image(viewer: "Viewer", data: Any, name: str, rgb: Optional[bool], args: Dict[str, Any],
           multiscale: bool = False) -> ImageLayer:
    levels_in = list(data) if multiscale else [data]
    lazy = any(is_lazy(level) for level in levels_in)
    if multiscale:
        levels = as_multiscale(data, rgb=rgb, max_bytes=viewer.max_bytes, check_level=as_lazy if lazy else None)
    else:
        levels = [as_lazy(data, rgb=rgb) if lazy else as_transferable(data, rgb=rgb, max_bytes=viewer.max_bytes)]
    array, info = levels[0]
    limits = args["contrast_limits"]
    if limits is None:
        # As napari: a pyramid's limits come from its smallest level (cheap, and close enough);
        # a lazy image's from a sample read for the purpose.
        smallest = levels[-1][0]
        sample = sample_for_contrast(smallest, info.rgb) if lazy else smallest
        limits = display.default_contrast_limits(sample, info.rgb, sample.ndim - (1 if info.rgb else 0))
    options = dict(args, contrast_limits=limits)
    return ImageLayer(viewer, name, array, info, options, [a for a, _ in levels[1:]],
                      sources=levels_in if lazy else None)


def _multiscale(data: Any, multiscale: Optional[bool]) -> bool:
    if multiscale is None:
        return looks_multiscale(data)
    if not isinstance(multiscale, bool):
        raise TypeError(f"multiscale: expected True, False or None, got {multiscale!r}")
    if multiscale and not isinstance(data, (list, tuple)):
        raise TypeError("expected a list of arrays (largest first) for multiscale=True, "
                        f"got {type(data).__name__}")
    return multiscale


def image_layers(viewer: "Viewer", data: Any, *, channel_axis: Optional[int], rgb: Optional[bool],
                 multiscale: Optional[bool] = None, **args: Any) -> List[ImageLayer]:
    """One image layer, or one per channel along ``channel_axis``."""
    if _multiscale(data, multiscale):
        if channel_axis is not None:
            raise ValueError("channel_axis with a multiscale image is not supported yet: "
                             "split the channels first and add one multiscale layer per channel")
        for key in _SCALAR_ARGS:
            if isinstance(args[key], (list, tuple)):
                raise TypeError(f"received a sequence for argument {key!r} with a multiscale image")
        args["colormap"] = args["colormap"] or "gray"
        args["blending"] = args["blending"] or "translucent_no_depth"
        name = args.pop("name")
        name = _names(viewer, ["Image" if name is None else name])[0]
        return [_image(viewer, data, name, rgb, args, multiscale=True)]
    if channel_axis is None:
        for key in _SCALAR_ARGS:
            if isinstance(args[key], (list, tuple)):
                raise TypeError(f"received a sequence for argument {key!r}; did you mean to "
                                "specify a channel_axis?")
        args["colormap"] = args["colormap"] or "gray"
        args["blending"] = args["blending"] or "translucent_no_depth"
        name = args.pop("name")
        name = _names(viewer, ["Image" if name is None else name])[0]
        return [_image(viewer, data, name, rgb, args)]
    lazy = is_lazy(data)
    array = data if lazy else as_array(data)
    if isinstance(channel_axis, bool) or not isinstance(channel_axis, (int, np.integer)) \
            or not -array.ndim <= channel_axis < array.ndim:
        raise ValueError(f"channel_axis: expected an int in [{-array.ndim}, {array.ndim - 1}] for data "
                         f"of shape {array.shape}, got {channel_axis!r}")
    n = array.shape[channel_axis]
    per_channel = {key: display.sequence_arg(value, n, key, nested=key in _NESTED_ARGS)
                   for key, value in args.items()}
    defaults = {
        "name": ["Image"] * n,
        "colormap": ["gray"] if n == 1 else list(MAGENTA_GREEN) if n == 2
        else list(itertools.islice(itertools.cycle(CMYBGR), n)),
        "blending": ["translucent_no_depth"] + ["additive"] * (n - 1),
    }
    columns = {key: per_channel[key] or (defaults[key] if args[key] is None and key in defaults
                                         else [args[key]] * n) for key in args}
    names = _names(viewer, columns.pop("name"))
    axis = channel_axis % array.ndim
    layers = []
    for i in range(n):
        plane = AxisTake(array, axis, i) if lazy else array[(slice(None),) * axis + (i,)]
        layers.append(_image(viewer, plane, names[i], rgb, {k: v[i] for k, v in columns.items()}))
    return layers


def labels_layer(viewer: "Viewer", data: Any, *, name: Optional[str], **args: Any) -> LabelsLayer:
    """A zarr array stays the layer's store (``seglab.store_labels``); the rest becomes numpy."""
    found = as_store_labels(data, max_bytes=viewer.max_bytes)
    if found is not None:
        given, store, info = found
        return LabelsLayer(viewer, _names(viewer, ["Labels" if name is None else name])[0], given, info, args,
                           store=store)
    array, info = as_labels(data, max_bytes=viewer.max_bytes)
    return LabelsLayer(viewer, _names(viewer, ["Labels" if name is None else name])[0], array, info, args)


def points_layer(viewer: "Viewer", data: Any, *, ndim: Optional[int], name: Optional[str],
                 **args: Any) -> PointsLayer:
    coords = as_points(data, ndim)
    return PointsLayer(viewer, _names(viewer, ["Points" if name is None else name])[0], coords, args)


def shapes_layer(viewer: "Viewer", data: Any, *, ndim: Optional[int], name: Optional[str],
                 shape_type: Any, **args: Any) -> ShapesLayer:
    shapes, types = as_shapes(data, shape_type, ndim)
    layer_ndim = shapes[0].shape[1] if shapes else (ndim or DEFAULT_NDIM)
    return ShapesLayer(viewer, _names(viewer, ["Shapes" if name is None else name])[0], shapes, types, layer_ndim, args)
