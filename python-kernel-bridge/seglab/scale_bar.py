"""``viewer.scale_bar``: napari's scale bar overlay (PROTOCOL.md, "Scale bar").

The bar measures world units, which are what the layers' ``scale`` is in: with
``scale=(0.5, 0.5)`` and ``unit="um"`` a 100-pixel stretch of the image is 50 µm.
The frontend picks the bar's length (1, 2 or 5 × 10^k units) and, for length units,
the SI prefix of its label. Setting a field tells the frontend; a change made in the
frontend comes back here. Validation and its messages match src/viewer/model/scaleBar.ts.
"""

from __future__ import annotations

import reprlib
import unicodedata
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional

import numpy as np

from ._events import EventGroup

if TYPE_CHECKING:  # pragma: no cover
    from .viewer import Viewer

#: Corners the bar can sit in; the first is the default (napari's values).
POSITIONS = ("bottom_right", "bottom_left", "top_right", "top_left")
#: Longest unit string, in characters.
MAX_UNIT_LENGTH = 32
DEFAULTS: Dict[str, Any] = {"visible": False, "unit": None, "position": "bottom_right"}

_UNIT_EXPECTED = f"no unit (None/null) or a string of 1 to {MAX_UNIT_LENGTH} printable characters"
_short = reprlib.Repr()
_short.maxstring = 60


def _printable(text: str) -> bool:
    # str.isprintable with the Unicode tables of the frontend's regex (\p{C}, \p{Z} but space).
    return all(ch == " " or unicodedata.category(ch)[0] not in "CZ" for ch in text)


def check_visible(value: Any, field: str = "visible") -> bool:
    """A bool (numpy's too); raises ``ValueError`` naming ``field`` otherwise."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{field}: expected a bool, got {_short.repr(value)}")
    return bool(value)


def check_unit(value: Any, field: str = "unit") -> Optional[str]:
    """``None`` (no unit) or a short printable string such as ``"um"``, ``"µm"``, ``"nm"``."""
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_UNIT_LENGTH or not _printable(value):
        raise ValueError(f"{field}: expected {_UNIT_EXPECTED}, got {_short.repr(value)}")
    return str(value)


def check_position(value: Any, field: str = "position") -> str:
    """One of :data:`POSITIONS`."""
    if not isinstance(value, str) or value not in POSITIONS:
        raise ValueError(f"{field}: expected one of {', '.join(POSITIONS)}, got {_short.repr(value)}")
    return str(value)


_CHECKS = {"visible": check_visible, "unit": check_unit, "position": check_position}


class _Missing:
    def __repr__(self) -> str:
        return "nothing (the field is missing)"


_MISSING = _Missing()  # a missing unit is an error, not None


def check_fields(msg: Mapping[str, Any]) -> Dict[str, Any]:
    """The three fields of a ``scale-bar`` message, all required; raises ``ValueError``."""
    return {name: check(msg.get(name, _MISSING)) for name, check in _CHECKS.items()}


class ScaleBar:
    """Scale bar state of a :class:`~seglab.Viewer` (napari's ``viewer.scale_bar``).

    ``visible`` (default False), ``unit`` (``None``: world units without a unit; common
    length units such as ``"um"``, ``"µm"``, ``"micron"``, ``"nm"``, ``"mm"``, ``"cm"``,
    ``"m"`` are shown with SI prefixes, ``"pixel"`` as px, anything else as given) and
    ``position`` (one of :data:`POSITIONS`). ``events.visible`` etc. fire on changes
    from either side.
    """

    def __init__(self, viewer: "Viewer") -> None:
        self._viewer = viewer
        self._state: Dict[str, Any] = dict(DEFAULTS)
        self.events = EventGroup(self, tuple(_CHECKS))

    @property
    def visible(self) -> bool:
        """Whether the frontend draws the bar."""
        return self._state["visible"]

    @visible.setter
    def visible(self, value: Any) -> None:
        self._set({"visible": check_visible(value)})

    @property
    def unit(self) -> Optional[str]:
        """Physical unit of one world unit, or ``None``."""
        return self._state["unit"]

    @unit.setter
    def unit(self, value: Any) -> None:
        self._set({"unit": check_unit(value)})

    @property
    def position(self) -> str:
        """The canvas corner: ``'bottom_right'`` (default), ``'bottom_left'``, ``'top_right'``, ``'top_left'``."""
        return self._state["position"]

    @position.setter
    def position(self, value: Any) -> None:
        self._set({"position": check_position(value)})

    @property
    def is_default(self) -> bool:
        """True while every field has its default (what a fresh frontend starts with)."""
        return self._state == DEFAULTS

    def message_fields(self) -> Dict[str, Any]:
        return dict(self._state)

    def _set(self, fields: Dict[str, Any]) -> None:
        with self._viewer._lock:
            changed = {k: v for k, v in fields.items() if self._state[k] != v}
            self._state.update(changed)
            if changed:
                self._viewer._send_scale_bar()
        self._emit(changed)

    def _apply_remote(self, msg: Mapping[str, Any]) -> None:
        """A validated ``scale-bar`` message from the frontend (not echoed back)."""
        fields = check_fields(msg)
        changed = {k: v for k, v in fields.items() if self._state[k] != v}
        self._state.update(changed)
        self._emit(changed)

    def _emit(self, changed: Mapping[str, Any]) -> None:
        for key, value in changed.items():
            getattr(self.events, key)(value)

    def __repr__(self) -> str:
        s = self._state
        return f"ScaleBar(visible={s['visible']}, unit={s['unit']!r}, position={s['position']!r})"
