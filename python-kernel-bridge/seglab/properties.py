"""Per-item ``properties`` of points and shapes (PROTOCOL.md, "Properties").

In Python a properties table is a dict of 1-D numpy arrays (napari's form); on
the wire it is a list of typed columns, so that a float column of whole numbers
comes back as floats and int64 values survive JavaScript's doubles.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional

import numpy as np

from ._frontend import MAX_ITEM_LIST, MAX_PROPERTIES, MAX_SAFE_INTEGER, MAX_STRING_LENGTH

Properties = Dict[str, np.ndarray]


def _column(name: Any, values: Any, n: int) -> np.ndarray:
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_STRING_LENGTH:
        raise ValueError(f"properties: expected names of 1 to {MAX_STRING_LENGTH} characters, got {name!r}")
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"properties[{name!r}]: expected {n} values (one per item), got shape {arr.shape}")
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(np.float64)
    if kind in "iu":
        if n and (arr.max() > MAX_SAFE_INTEGER or arr.min() < -MAX_SAFE_INTEGER):
            raise ValueError(f"properties[{name!r}]: integers must stay within +-(2**53 - 1) "
                             "to survive JavaScript; store them as strings")
        return arr.astype(np.int64)
    if kind == "b":
        return arr.astype(bool)
    if kind in "UO" and all(isinstance(v, str) for v in arr.tolist()):
        if any(len(v) > MAX_STRING_LENGTH for v in arr.tolist()):
            raise ValueError(f"properties[{name!r}]: strings must be at most {MAX_STRING_LENGTH} characters")
        return arr.astype(str) if n else np.array([], dtype=str)
    raise TypeError(f"properties[{name!r}]: expected numbers, bools or strings, got dtype {arr.dtype}")


def normalise(properties: Optional[Mapping[str, Any]], n: int) -> Properties:
    """Check a napari-style properties mapping (dict, DataFrame...) for ``n`` items."""
    if properties is None:
        return {}
    if not hasattr(properties, "items"):
        raise TypeError(f"properties: expected a dict of name -> values, got {type(properties).__name__}")
    table = {name: _column(name, values, n) for name, values in properties.items()}
    if len(table) > MAX_PROPERTIES:
        raise ValueError(f"properties: expected at most {MAX_PROPERTIES} columns, got {len(table)}")
    if table and n > MAX_ITEM_LIST:
        raise ValueError(f"properties: supported for at most {MAX_ITEM_LIST} items, got {n}")
    return table


def _wire_dtype(arr: np.ndarray) -> str:
    return {"f": "float64", "i": "int64", "b": "bool"}.get(arr.dtype.kind, "str")


def to_wire(table: Properties) -> List[Dict[str, Any]]:
    """Typed columns; NaN travels as ``null``."""
    columns = []
    for name, arr in table.items():
        dtype = _wire_dtype(arr)
        values = arr.tolist()
        if dtype == "float64":
            values = [None if math.isnan(v) else v for v in values]
            if any(math.isinf(v) for v in values if v is not None):
                raise ValueError(f"properties[{name!r}]: infinite values cannot travel as JSON")
        columns.append({"name": name, "dtype": dtype, "values": values})
    return columns


def from_wire(columns: List[Mapping[str, Any]]) -> Properties:
    """Inverse of :func:`to_wire` (validated columns)."""
    table: Properties = {}
    for column in columns:
        values, dtype = column["values"], column["dtype"]
        if dtype == "float64":
            table[column["name"]] = np.array([np.nan if v is None else v for v in values], np.float64)
        elif dtype == "str":
            table[column["name"]] = np.array(values, dtype=str) if values else np.array([], dtype=str)
        else:
            table[column["name"]] = np.array(values, dtype=np.int64 if dtype == "int64" else bool)
    return table


def resize(table: Properties, n: int) -> Properties:
    """Cut to ``n`` rows, or extend with the last row (a zero value when empty)."""
    if table and n > MAX_ITEM_LIST:
        raise ValueError(f"properties: supported for at most {MAX_ITEM_LIST} items, got {n}")
    out = {}
    for name, arr in table.items():
        if n <= len(arr):
            out[name] = arr[:n].copy()
            continue
        fill = arr[-1] if len(arr) else np.zeros((), arr.dtype)[()]
        out[name] = np.concatenate([arr, np.full(n - len(arr), fill, dtype=arr.dtype)])
    return out
