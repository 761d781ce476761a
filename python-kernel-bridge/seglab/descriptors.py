"""Validation of layer descriptors and their fields (PROTOCOL.md, "Layer descriptors").

Used on everything the frontend sends (``data-reply``, ``layer-update``) and, in the
tests, on everything the kernel sends. Every error names the offending field.
"""

from __future__ import annotations

import math
import reprlib
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._frontend import (
    BLENDINGS, COLORMAPS, DISPLAY_FIELDS, INTERPOLATIONS, ITEM_FIELDS, KINDS, LABELS_MODES,
    MAX_ARRAY_BYTES, MAX_ID_LENGTH, MAX_ITEM_LIST, MAX_LABEL_CLASS_NAME, MAX_LABEL_CLASSES, MAX_NDIM,
    MAX_POINTS, MAX_PROPERTIES, MAX_SAFE_INTEGER, MAX_SHAPES, MAX_STRING_LENGTH, MAX_VERTICES, MIN_NDIM,
    PROPERTY_DTYPES, SHAPE_VERTICES,
)
from .arrays import LABEL_DTYPES, RGB_DTYPES, SUPPORTED_DTYPES
from .multiscale import MAX_LEVELS, check_level_shapes
from .scale_bar import check_fields as _scale_bar_fields

_ITEMSIZE = {"bool": 1, "uint8": 1, "int8": 1, "uint16": 2, "int16": 2, "uint32": 4,
             "int32": 4, "float32": 4, "float64": 8, "uint64": 8, "int64": 8}
_HEX = set("0123456789abcdefABCDEF")
_short = reprlib.Repr()
_short.maxstring, _short.maxlist, _short.maxdict = 60, 6, 6


class ProtocolError(ValueError):
    """An incoming message is malformed; the message names the bad field."""

    def __init__(self, message: str, *, request_id: Optional[str] = None,
                 transfer_id: Optional[str] = None) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.transfer_id = transfer_id


def fail(field: str, expected: str, value: Any) -> None:
    raise ProtocolError(f"{field}: expected {expected}, got {_short.repr(value)}")


def is_int(value: Any) -> bool:
    # bool is an int subclass but never a valid count, id or step.
    return isinstance(value, int) and not isinstance(value, bool)


def check_object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{field}: expected an object, got {type(value).__name__}")
    return value


def check_str(value: Any, field: str, max_len: int = MAX_ID_LENGTH) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= max_len:
        fail(field, f"a string of 1 to {max_len} characters", value)
    return value


def check_int(value: Any, field: str, lo: int = 0, hi: int = MAX_SAFE_INTEGER) -> int:
    if not is_int(value) or not lo <= value <= hi:
        fail(field, f"an int in [{lo}, {hi}]", value)
    return value


def check_number(value: Any, field: str, *, lo: Optional[float] = None,
                 hi: Optional[float] = None, above: Optional[float] = None) -> float:
    """A finite JSON number; ``lo``/``hi`` inclusive bounds, ``above`` exclusive."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok and ((lo is not None and value < lo) or (hi is not None and value > hi)
               or (above is not None and value <= above)):
        ok = False
    if not ok:
        bounds = [f">= {lo}" if lo is not None else "", f"<= {hi}" if hi is not None else "",
                  f"> {above}" if above is not None else ""]
        fail(field, " ".join(["a finite number", *[b for b in bounds if b]]), value)
    return value


def check_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        fail(field, "a bool", value)
    return value


def check_enum(value: Any, field: str, options: Sequence[str]) -> str:
    if value not in options or not isinstance(value, str):
        fail(field, f"one of {', '.join(options)}", value)
    return value


def check_list(value: Any, field: str, *, length: Optional[int] = None,
               max_len: int = MAX_ITEM_LIST) -> List[Any]:
    if not isinstance(value, list):
        fail(field, "a list", value)
    if length is not None and len(value) != length:
        raise ProtocolError(f"{field}: expected {length} items, got {len(value)}")
    if len(value) > max_len:
        raise ProtocolError(f"{field}: expected at most {max_len} items, got {len(value)}")
    return value


def check_color(value: Any, field: str) -> str:
    if not (isinstance(value, str) and len(value) == 9 and value[0] == "#" and set(value[1:]) <= _HEX):
        fail(field, "a colour '#rrggbbaa'", value)
    return value


def _per_item(value: Any, field: str, n: Optional[int], check_one: Any) -> None:
    """One value for every item, or a non-empty list with one per item (``n`` None: any length)."""
    if isinstance(value, list):
        if not value:
            fail(field, "one value (a per-item list is never empty)", value)
        for i, item in enumerate(check_list(value, field, length=n)):
            check_one(item, f"{field}[{i}]")
    else:
        check_one(value, field)


def check_properties(value: Any, field: str, n: Optional[int]) -> None:
    columns = check_list(value, field, max_len=MAX_PROPERTIES)
    names = set()
    for c, column in enumerate(columns):
        where = f"{field}[{c}]"
        check_object(column, where)
        name = check_str(column.get("name"), f"{where}.name", MAX_STRING_LENGTH)
        if name in names:
            raise ProtocolError(f"{where}.name: duplicate property name {name!r}")
        names.add(name)
        dtype = check_enum(column.get("dtype"), f"{where}.dtype", PROPERTY_DTYPES)
        values = check_list(column.get("values"), f"{where}.values", length=n)
        if set(column) - {"name", "dtype", "values"}:
            raise ProtocolError(f"{where}: unexpected keys {sorted(set(column) - {'name', 'dtype', 'values'})}")
        for i, item in enumerate(values):
            at = f"{where}.values[{i}]"
            if dtype == "float64" and item is not None:
                check_number(item, at)
            elif dtype == "int64":
                check_int(item, at, -MAX_SAFE_INTEGER)
            elif dtype == "bool":
                check_bool(item, at)
            elif dtype == "str" and not (isinstance(item, str) and len(item) <= MAX_STRING_LENGTH):
                fail(at, f"a string of at most {MAX_STRING_LENGTH} characters", item)


def _vector(value: Any, field: str, ndim: Optional[int], positive: bool) -> None:
    check_list(value, field, length=ndim, max_len=MAX_NDIM)
    if ndim is None and len(value) < MIN_NDIM:
        fail(field, f"{MIN_NDIM} to {MAX_NDIM} numbers", value)
    for i, item in enumerate(value):
        check_number(item, f"{field}[{i}]", above=0 if positive else None)


def _contrast_limits(value: Any, field: str) -> None:
    check_list(value, field, length=2)
    lo = check_number(value[0], f"{field}[0]")
    hi = check_number(value[1], f"{field}[1]")
    if not lo < hi:
        fail(field, "[lo, hi] with lo < hi", value)


def _label_classes(value: Any, field: str) -> None:
    names = set()
    for k, entry in enumerate(check_list(value, field, max_len=MAX_LABEL_CLASSES)):
        at = f"{field}[{k}]"
        check_object(entry, at)
        if set(entry) != {"name", "color"}:
            fail(at, "an object with the keys name and color", sorted(entry))
        name = check_str(entry["name"], f"{at}.name", MAX_LABEL_CLASS_NAME)
        if name in names:
            fail(f"{at}.name", "a name no other class has", name)
        names.add(name)
        check_color(entry["color"], f"{at}.color")


_DISPLAY_CHECKS = {
    "name": lambda v, f, n: check_str(v, f, MAX_STRING_LENGTH),
    "visible": lambda v, f, n: check_bool(v, f),
    "opacity": lambda v, f, n: check_number(v, f, lo=0, hi=1),
    "blending": lambda v, f, n: check_enum(v, f, BLENDINGS),
    "scale": lambda v, f, n: _vector(v, f, n, positive=True),
    "translate": lambda v, f, n: _vector(v, f, n, positive=False),
    "colormap": lambda v, f, n: check_enum(v, f, COLORMAPS),
    "contrast_limits": lambda v, f, n: _contrast_limits(v, f),
    "gamma": lambda v, f, n: check_number(v, f, above=0),
    "interpolation": lambda v, f, n: check_enum(v, f, INTERPOLATIONS),
    "selected_label": lambda v, f, n: check_int(v, f),
    "mode": lambda v, f, n: check_enum(v, f, LABELS_MODES),
    "label_classes": lambda v, f, n: _label_classes(v, f),
}
_ITEM_CHECKS = {
    "size": lambda v, f, n: _per_item(v, f, n, lambda x, at: check_number(x, at, above=0)),
    "face_color": lambda v, f, n: _per_item(v, f, n, check_color),
    "edge_color": lambda v, f, n: _per_item(v, f, n, check_color),
    "edge_width": lambda v, f, n: _per_item(v, f, n, lambda x, at: check_number(x, at, lo=0)),
    "properties": check_properties,
}
ALL_DISPLAY_FIELDS = tuple(_DISPLAY_CHECKS)
ALL_ITEM_FIELDS = tuple(_ITEM_CHECKS)


def check_props(props: Any, field: str, *, items: bool) -> Dict[str, Any]:
    """A ``props`` object: display fields, plus per-item fields when ``items``.

    Lengths (``scale``, per-item lists) are checked by the receiver against the layer.
    """
    check_object(props, field)
    if not props:
        raise ProtocolError(f"{field}: expected at least one field")
    allowed = ALL_DISPLAY_FIELDS + (ALL_ITEM_FIELDS if items else ())
    for key, value in props.items():
        if key not in allowed:
            fail(f"{field}.{key}", f"a field in {', '.join(allowed)}", key)
        (_DISPLAY_CHECKS.get(key) or _ITEM_CHECKS[key])(value, f"{field}.{key}", None)
    return dict(props)


def _check_pixels(layer: Mapping[str, Any], field: str, ndim: int, dtypes: Sequence[str]) -> None:
    check_enum(layer.get("dtype"), f"{field}.dtype", dtypes)
    rgb = layer.get("rgb", False)
    shape = check_list(layer.get("shape"), f"{field}.shape", length=ndim + (1 if rgb else 0))
    for i, n in enumerate(shape):
        check_int(n, f"{field}.shape[{i}]", 1)
    if rgb and shape[-1] not in (3, 4):
        fail(f"{field}.shape", "a last (colour) axis of 3 or 4 for rgb", shape)
    if rgb and layer["dtype"] not in RGB_DTYPES:
        fail(f"{field}.dtype", f"one of {', '.join(RGB_DTYPES)} for rgb", layer["dtype"])
    if payload_nbytes(layer) > MAX_ARRAY_BYTES:
        raise ProtocolError(f"{field}: {payload_nbytes(layer)} bytes exceed the {MAX_ARRAY_BYTES}-byte limit")


def _check_image(layer: Mapping[str, Any], field: str, ndim: int) -> None:
    rgb = check_bool(layer.get("rgb"), f"{field}.rgb")
    check_bool(layer.get("lazy"), f"{field}.lazy")
    levels = check_list(layer.get("multiscale_shapes"), f"{field}.multiscale_shapes", max_len=MAX_LEVELS - 1)
    shapes = [layer.get("shape")]
    for i, shape in enumerate(levels):
        name = f"{field}.multiscale_shapes[{i}]"
        for j, n in enumerate(check_list(shape, name, length=ndim + (1 if rgb else 0))):
            check_int(n, f"{name}[{j}]", 1)
        shapes.append(shape)
    _check_pixels(layer, field, ndim, SUPPORTED_DTYPES)
    try:
        check_level_shapes([tuple(s) for s in shapes], rgb)
    except ValueError as err:
        raise ProtocolError(f"{field}.multiscale_shapes: {err}") from None


def _check_points(layer: Mapping[str, Any], field: str, ndim: int) -> None:
    n = check_int(layer.get("n_points"), f"{field}.n_points", 0, MAX_POINTS)
    for key in ITEM_FIELDS["points"]:
        _ITEM_CHECKS[key](layer.get(key), f"{field}.{key}", n)


def _check_shapes(layer: Mapping[str, Any], field: str, ndim: int) -> None:
    types = check_list(layer.get("shape_type"), f"{field}.shape_type", max_len=MAX_SHAPES)
    counts = check_list(layer.get("vertex_counts"), f"{field}.vertex_counts", length=len(types))
    for i, (shape_type, count) in enumerate(zip(types, counts)):
        check_enum(shape_type, f"{field}.shape_type[{i}]", tuple(SHAPE_VERTICES))
        lo, hi = SHAPE_VERTICES[shape_type]
        check_int(count, f"{field}.vertex_counts[{i}] (a {shape_type})", lo, hi or MAX_VERTICES)
    if sum(counts) > MAX_VERTICES:
        raise ProtocolError(f"{field}.vertex_counts: expected at most {MAX_VERTICES} vertices in all, got {sum(counts)}")
    for key in ITEM_FIELDS["shapes"]:
        _ITEM_CHECKS[key](layer.get(key), f"{field}.{key}", len(types))


_KIND_FIELDS = {
    "image": ("dtype", "shape", "rgb", "multiscale_shapes", "lazy"), "labels": ("dtype", "shape"),
    "points": ("n_points",), "shapes": ("shape_type", "vertex_counts"),
}
_KIND_CHECKS = {
    "image": _check_image,
    "labels": lambda layer, field, ndim: _check_pixels(layer, field, ndim, LABEL_DTYPES),
    "points": _check_points,
    "shapes": _check_shapes,
}


def descriptor_fields(kind: str) -> List[str]:
    """Every key a descriptor of ``kind`` has, in a stable order."""
    return (["id", "name", "kind", "ndim", "revision"]
            + [k for k in DISPLAY_FIELDS["*"] + DISPLAY_FIELDS[kind] if k != "name"]
            + list(_KIND_FIELDS[kind]) + list(ITEM_FIELDS[kind]))


def check_descriptor(layer: Any, field: str = "layer") -> Dict[str, Any]:
    """Validate a full layer descriptor; raise :class:`ProtocolError` naming the field."""
    check_object(layer, field)
    check_str(layer.get("id"), f"{field}.id")
    kind = check_enum(layer.get("kind"), f"{field}.kind", KINDS)
    ndim = check_int(layer.get("ndim"), f"{field}.ndim", MIN_NDIM, MAX_NDIM)
    check_int(layer.get("revision"), f"{field}.revision")
    expected = descriptor_fields(kind)
    unexpected = sorted(set(layer) - set(expected))
    if unexpected:
        raise ProtocolError(f"{field}: unexpected keys {unexpected} for a {kind} layer")
    for key in DISPLAY_FIELDS["*"] + DISPLAY_FIELDS[kind]:
        _DISPLAY_CHECKS[key](layer.get(key), f"{field}.{key}", ndim)
    _KIND_CHECKS[kind](layer, field, ndim)
    return dict(layer)


def payload_nbytes(layer: Mapping[str, Any]) -> int:
    """Bytes of the payload a (valid) descriptor announces."""
    kind = layer["kind"]
    if kind == "image" and layer.get("lazy"):
        return 0  # the kernel serves tiles on request (tile-request / tile-data)
    if kind in ("image", "labels"):
        shapes = [layer["shape"], *layer.get("multiscale_shapes", [])]
        return sum(math.prod(shape) for shape in shapes) * _ITEMSIZE[layer["dtype"]]
    rows = layer["n_points"] if kind == "points" else sum(layer["vertex_counts"])
    return rows * layer["ndim"] * 8


def check_dims(msg: Mapping[str, Any]) -> None:
    """The fields of a ``dims`` message."""
    ndim = check_int(msg.get("ndim"), "ndim", MIN_NDIM, MAX_NDIM)
    for i, step in enumerate(check_list(msg.get("current_step"), "current_step", length=ndim)):
        check_int(step, f"current_step[{i}]")
    for i, label in enumerate(check_list(msg.get("axis_labels"), "axis_labels", length=ndim)):
        check_str(label, f"axis_labels[{i}]", MAX_STRING_LENGTH)


def check_scale_bar(msg: Mapping[str, Any]) -> None:
    """The fields of a ``scale-bar`` message (``visible``, ``unit``, ``position``)."""
    try:
        _scale_bar_fields(msg)
    except ValueError as exc:
        raise ProtocolError(str(exc)) from None
