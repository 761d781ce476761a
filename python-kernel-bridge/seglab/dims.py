"""``viewer.dims``: napari's slider state (PROTOCOL.md, "Dims").

``ndim`` follows the layers (the largest layer ``ndim``, at least 2); layers with
fewer dims align to the last axes. ``current_step`` holds one slider position per
axis, ``axis_labels`` one name per axis; setting either tells the frontend, and
the frontend's slider moves come back here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, Sequence, Tuple

import numpy as np

from ._events import EventGroup
from ._frontend import MAX_SAFE_INTEGER, MAX_STRING_LENGTH, MIN_NDIM

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Layer
    from .viewer import Viewer

Range = Tuple[float, float, float]
_STEP_EPSILON = 1e-6


def world_ranges(layers: Iterable["Layer"], ndim: int) -> Tuple[Range, ...]:
    """[start, stop) and step per world axis: the union of the layers' extents.

    Layers align to the last axes; an axis no layer covers is (0, 1, 1); a flat
    extent still spans one step (src/viewer/model/viewerModel.ts does the same).
    """
    per_axis: List[List[Range]] = [[] for _ in range(ndim)]
    for layer in layers:
        offset = ndim - layer.ndim
        for j, extent in enumerate(layer.extent()):
            per_axis[offset + j].append(extent)
    ranges = []
    for exts in per_axis:
        if not exts:
            ranges.append((0.0, 1.0, 1.0))
            continue
        lo, hi, step = min(e[0] for e in exts), max(e[1] for e in exts), min(e[2] for e in exts)
        ranges.append((lo, max(hi, lo + step), step))
    return tuple(ranges)


def nsteps_of(extent: Range) -> int:
    """Slices in [start, stop) at ``step``; the tolerance keeps 10 / 0.1 at 100."""
    start, stop, step = extent
    return max(1, math.ceil((stop - start) / step - _STEP_EPSILON))


def _default_labels(ndim: int) -> Tuple[str, ...]:
    return tuple(str(i) for i in range(ndim))


class Dims:
    """Slider state of a :class:`~seglab.Viewer` (napari's ``viewer.dims``)."""

    def __init__(self, viewer: "Viewer") -> None:
        self._viewer = viewer
        self._ndim = MIN_NDIM
        self._range: Tuple[Range, ...] = ((0.0, 1.0, 1.0),) * MIN_NDIM
        self._had_layers = False
        self._current_step: Tuple[int, ...] = (0,) * MIN_NDIM
        self._axis_labels = _default_labels(MIN_NDIM)
        self.events = EventGroup(self, ("ndim", "current_step", "axis_labels"))

    @property
    def ndim(self) -> int:
        """Number of world axes: the largest layer ``ndim`` (2 without layers)."""
        return self._ndim

    @ndim.setter
    def ndim(self, value: Any) -> None:
        raise AttributeError("dims.ndim follows the layers (the largest layer ndim); "
                             "add a layer with more dimensions instead")

    @property
    def range(self) -> Tuple[Range, ...]:
        """[start, stop) and step per axis in world units, from the kernel's layer copies."""
        return self._range

    @property
    def nsteps(self) -> Tuple[int, ...]:
        """Number of slider positions per axis."""
        return tuple(nsteps_of(r) for r in self._range)

    @property
    def point(self) -> Tuple[float, ...]:
        """World position of the sliders: the centre of the current slice per axis."""
        return tuple(start + (i + 0.5) * step for i, (start, _, step) in zip(self._current_step, self._range))

    @property
    def current_step(self) -> Tuple[int, ...]:
        """Slider position per axis (ints); values past the end are clamped."""
        return self._current_step

    @current_step.setter
    def current_step(self, value: Sequence[int]) -> None:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != self._ndim:
            raise ValueError(f"current_step: expected {self._ndim} ints (one per axis), got {value!r}")
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v <= MAX_SAFE_INTEGER:
                raise ValueError(f"current_step: expected ints >= 0, got {value!r}")
        self._set(steps=self._clamped(tuple(int(v) for v in value)))

    def set_current_step(self, axis: int, value: int) -> None:
        """napari's per-axis setter; ``axis`` may be negative."""
        if not -self._ndim <= axis < self._ndim:
            raise ValueError(f"axis: expected -{self._ndim} <= axis < {self._ndim}, got {axis}")
        steps = list(self._current_step)
        steps[axis] = value
        self.current_step = steps

    @property
    def axis_labels(self) -> Tuple[str, ...]:
        """One label per axis (default ``'0'``, ``'1'``, ...)."""
        return self._axis_labels

    @axis_labels.setter
    def axis_labels(self, value: Sequence[str]) -> None:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != self._ndim:
            raise ValueError(f"axis_labels: expected {self._ndim} strings (one per axis), got {value!r}")
        if not all(isinstance(v, str) and 1 <= len(v) <= MAX_STRING_LENGTH for v in value):
            raise ValueError(f"axis_labels: expected strings of 1 to {MAX_STRING_LENGTH} characters, got {value!r}")
        self._set(labels=tuple(value))

    def _clamped(self, steps: Tuple[int, ...]) -> Tuple[int, ...]:
        return tuple(min(s, n - 1) for s, n in zip(steps, self.nsteps))

    def _set(self, steps: Any = None, labels: Any = None) -> None:
        changed = {}
        with self._viewer._lock:
            if steps is not None and steps != self._current_step:
                self._current_step = changed["current_step"] = steps
            if labels is not None and labels != self._axis_labels:
                self._axis_labels = changed["axis_labels"] = labels
            if changed:
                self._viewer._send_dims()
        for key, value in changed.items():
            getattr(self.events, key)(value)

    def _layers_changed(self, layers: Sequence["Layer"]) -> bool:
        """Follow the layer list; True when the frontend must hear the new state."""
        ndim = max([MIN_NDIM, *(layer.ndim for layer in layers)])
        old = (self._ndim, self._current_step, self._axis_labels)
        self._range = world_ranges(layers, ndim)
        centred = tuple((n - 1) // 2 for n in self.nsteps)
        steps, labels, grown = self._current_step, self._axis_labels, ndim - self._ndim
        if grown > 0:  # new leading axes start at their middle slice, as napari's sliders do
            steps = centred[:grown] + steps
        elif grown < 0:
            steps = steps[-grown:]
        if layers and not self._had_layers:  # napari opens the first layer at its middle
            steps = centred
        self._had_layers = bool(layers)
        if grown and labels == _default_labels(self._ndim):
            labels = _default_labels(ndim)
        elif grown > 0:
            labels = _default_labels(grown) + labels
        elif grown < 0:
            labels = labels[-grown:]
        self._ndim, self._axis_labels = ndim, labels
        self._current_step = self._clamped(steps)
        new = (self._ndim, self._current_step, self._axis_labels)
        for key, before, after in zip(("ndim", "current_step", "axis_labels"), old, new):
            if before != after:
                getattr(self.events, key)(after)
        return new != old

    def _apply_remote(self, msg: Mapping[str, Any]) -> None:
        """A validated ``dims`` message from the frontend; ignored while ndims differ."""
        if msg["ndim"] != self._ndim:
            return
        steps, labels = tuple(msg["current_step"]), tuple(msg["axis_labels"])
        changed = {k: v for k, v, old in (("current_step", steps, self._current_step),
                                          ("axis_labels", labels, self._axis_labels)) if v != old}
        self._current_step, self._axis_labels = steps, labels
        for key, value in changed.items():
            getattr(self.events, key)(value)

    def message_fields(self) -> dict:
        return {"ndim": self._ndim, "current_step": list(self._current_step),
                "axis_labels": list(self._axis_labels)}

    def __repr__(self) -> str:
        return (f"Dims(ndim={self._ndim}, current_step={self._current_step}, "
                f"axis_labels={self._axis_labels})")
