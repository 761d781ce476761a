"""``viewer.camera`` and ``viewer.mouse_click_callbacks`` (PROTOCOL.md, "Camera", "Clicks").

The camera is napari's 2D camera: ``center``, the world point (row, column of the displayed
axes) at the middle of the canvas, and ``zoom``, screen pixels per world unit. Setting either
moves every view of the viewer; pans and zooms made in the viewer come back here (at most ten
times a second while the user drags). Clicks in the viewer call ``mouse_click_callbacks``.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from ._events import EventGroup, log

if TYPE_CHECKING:  # pragma: no cover
    from .viewer import Viewer

#: The zoom range the frontend's camera accepts (screen pixels per world unit).
MIN_ZOOM, MAX_ZOOM = 1e-4, 1e4
_short = reprlib.Repr()


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and math.isfinite(value)


def check_center(value: Any, field: str = "center") -> Tuple[float, float]:
    """Two finite numbers (row, column); napari's 3-tuple (z, y, x) gives its last two."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) not in (2, 3) \
            or not all(_finite(v) for v in value):
        raise ValueError(f"{field}: expected 2 finite numbers (row, column of the displayed axes), got {_short.repr(value)}")
    return float(value[-2]), float(value[-1])


def check_zoom(value: Any, field: str = "zoom") -> float:
    """Screen pixels per world unit, in [MIN_ZOOM, MAX_ZOOM]."""
    if not _finite(value) or not MIN_ZOOM <= value <= MAX_ZOOM:
        raise ValueError(f"{field}: expected a number in [{MIN_ZOOM:g}, {MAX_ZOOM:g}] (screen pixels per world unit), "
                         f"got {_short.repr(value)}")
    return float(value)


class Camera:
    """napari's ``viewer.camera`` (2D): ``center`` and ``zoom``; ``events.center`` and
    ``events.zoom`` fire on changes from either side."""

    def __init__(self, viewer: "Viewer") -> None:
        self._viewer = viewer
        self._center: Tuple[float, float] = (0.0, 0.0)
        self._zoom = 1.0
        #: False until the frontend reported its view or Python set one.
        self.known = False
        self.events = EventGroup(self, ("center", "zoom"))

    @property
    def center(self) -> Tuple[float, float]:
        """World (row, column) of the displayed axes at the centre of the canvas."""
        return self._center

    @center.setter
    def center(self, value: Sequence[float]) -> None:
        self._set(center=check_center(value))

    @property
    def zoom(self) -> float:
        """Screen pixels per world unit (1: one image pixel per screen pixel at unit scale)."""
        return self._zoom

    @zoom.setter
    def zoom(self, value: float) -> None:
        self._set(zoom=check_zoom(value))

    def message_fields(self) -> dict:
        return {"center": list(self._center), "zoom": self._zoom}

    def _set(self, center: Optional[Tuple[float, float]] = None, zoom: Optional[float] = None,
             remote: bool = False) -> None:
        with self._viewer._lock:
            changed = {}
            if center is not None and center != self._center:
                self._center = changed["center"] = center
            if zoom is not None and zoom != self._zoom:
                self._zoom = changed["zoom"] = zoom
            if not remote:
                self.known = True
                self._viewer._send_camera()  # also when unchanged: the frontend may have moved since
            elif changed:
                self.known = True
        for key, value in changed.items():
            getattr(self.events, key)(value)

    def _apply_remote(self, msg: Mapping[str, Any]) -> None:
        """A validated ``camera`` message from the frontend (not echoed back)."""
        self._set(center=check_center(msg["center"]), zoom=check_zoom(msg["zoom"]), remote=True)

    def __repr__(self) -> str:
        return f"Camera(center={self._center}, zoom={self._zoom:g})"


@dataclass(frozen=True)
class MouseEvent:
    """A click in the viewer, as ``mouse_click_callbacks`` receive it (napari's names):
    ``position`` the world point (every axis: the pointer on the displayed ones, the sliders
    on the others), ``button`` 1 left, 2 right, 3 middle, ``modifiers`` e.g. ``("Shift",)``."""

    type: str
    position: Tuple[float, ...]
    button: int
    modifiers: Tuple[str, ...]


MODIFIERS = ("Shift", "Control", "Alt", "Meta")


def run_click_callbacks(viewer: "Viewer", callbacks: List[Callable[..., Any]], msg: Mapping[str, Any]) -> None:
    """Calls each ``callback(viewer, event)``; a failing callback is logged, not raised."""
    event = MouseEvent("mouse_click", tuple(float(v) for v in msg["position"]), int(msg["button"]),
                       tuple(msg["modifiers"]))
    for callback in list(callbacks):
        try:
            callback(viewer, event)
        except Exception:  # a user's callback must not break the comm handler
            log.exception("seglab: mouse click callback failed")
