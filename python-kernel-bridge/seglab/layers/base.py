"""What every kernel-side layer proxy shares: identity, display fields, revisions.

A layer keeps a *kernel copy* of its data (what Python gave it, or the latest
reply from the frontend) so that it can resend it when a page reloads. ``.data``
always asks the frontend while one is connected, because the user may have
edited the layer there; ``layer-update`` messages tell the kernel when its copy
went stale (PROTOCOL.md, "Revisions").
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np

from .. import display
from .._events import EventGroup
from .._frontend import DISPLAY_FIELDS, ITEM_FIELDS
from ..arrays import as_bytes_view
from ..descriptors import ProtocolError
from ..transfer import split_chunks_of_parts

if TYPE_CHECKING:  # pragma: no cover
    from ..viewer import Viewer

Extent = Tuple[float, float, float]  # [start, stop) and step in world units

#: How each display field is checked when Python sets it (``layer`` gives ndim).
_CHECKS: Dict[str, Callable[["Layer", Any], Any]] = {
    "visible": lambda layer, v: display.visible(v),
    "opacity": lambda layer, v: display.opacity(v),
    "blending": lambda layer, v: display.blending(v),
    "scale": lambda layer, v: display.vector(v, layer.ndim, "scale", 1.0),
    "translate": lambda layer, v: display.vector(v, layer.ndim, "translate", 0.0),
    "colormap": lambda layer, v: display.colormap(v),
    "contrast_limits": lambda layer, v: display.contrast_limits(v),
    "gamma": lambda layer, v: display.gamma(v),
    "interpolation": lambda layer, v: display.interpolation(v),
    "selected_label": lambda layer, v: display.selected_label(v),
    "mode": lambda layer, v: display.mode(v),
    "label_classes": lambda layer, v: display.label_classes(v),
}


def to_json(value: Any) -> Any:
    """Tuples and numpy scalars as JSON-ready lists and numbers."""
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def display_property(field: str, doc: str) -> property:
    """A napari-style attribute whose setter checks the value and tells the frontend."""
    def fget(self: "Layer") -> Any:
        return self._display[field]

    def fset(self: "Layer", value: Any) -> None:
        self._set_display({field: _CHECKS[field](self, value)})

    return property(fget, fset, doc=doc)


class Layer(ABC):
    """Base of :class:`ImageLayer`, :class:`LabelsLayer`, :class:`PointsLayer`, :class:`ShapesLayer`."""

    kind = ""

    def __init__(self, viewer: "Viewer", name: str, ndim: int, options: Mapping[str, Any]) -> None:
        self._viewer = viewer
        self.id = uuid.uuid4().hex
        self._name = display.name(name)
        self._ndim = ndim
        # Checked in the order of the protocol's field list; unknown keys are a bug.
        fields = [f for f in self.display_fields() if f != "name"]
        self._display: Dict[str, Any] = {f: _CHECKS[f](self, options.get(f)) for f in fields}
        #: Highest revision known (PROTOCOL.md, "Revisions").
        self.revision = 0
        self._copy_revision = 0
        self._data_revision = 0  # the revision of the last data the kernel sent
        #: ``time.perf_counter()`` when the latest ``layer-data`` was sent / confirmed.
        self.sent_at: Optional[float] = None
        self.ready_at: Optional[float] = None
        self._last_transfer: Optional[str] = None
        self._ready_transfer: Optional[str] = None
        self._cancelled_transfer: Optional[str] = None  # a transfer a frontend cancelled
        self._sent_nbytes = 0
        self.events = EventGroup(self, ["data", "name", *fields, *ITEM_FIELDS[self.kind]])

    # -- identity and display ----------------------------------------------------

    @classmethod
    def display_fields(cls) -> Tuple[str, ...]:
        return DISPLAY_FIELDS["*"] + DISPLAY_FIELDS[cls.kind]

    @property
    def name(self) -> str:
        """Unique name within the viewer; a taken name gets a `` [n]`` suffix."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._viewer._rename(self, display.name(value))

    @property
    def ndim(self) -> int:
        """Number of data dims (an RGB image's colour axis is not one)."""
        return self._ndim

    visible = display_property("visible", "Whether the layer is drawn.")
    opacity = display_property("opacity", "Opacity in [0, 1].")
    blending = display_property("blending", "napari blending mode, e.g. 'translucent', 'additive'.")
    scale = display_property("scale", "World size of one data unit, per data axis.")
    translate = display_property("translate", "World offset, per data axis.")

    def _set_display(self, values: Dict[str, Any]) -> None:
        with self._viewer._lock:
            self._display.update(values)
            self._viewer._send_props(self, {k: to_json(v) for k, v in values.items()})
        for key, value in values.items():
            getattr(self.events, key)(value)

    def _apply_remote_display(self, props: Mapping[str, Any], emit: bool = True) -> Dict[str, Any]:
        """Display fields the frontend changed (validated; not echoed back); returns the
        changed ones, whose events fire here unless ``emit`` is False."""
        allowed = self.display_fields()
        for key in props:
            if key not in allowed:
                raise ProtocolError(f"props.{key}: not a field of {self.kind} layers")
            if key in ("scale", "translate") and len(props[key]) != self.ndim:
                raise ProtocolError(f"props.{key}: expected {self.ndim} numbers for layer {self._name!r}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in props.items() if k != "name"}
        changed = {k: v for k, v in values.items() if self._display.get(k) != v}
        self._display.update(changed)
        if "name" in props and props["name"] != self._name:
            self._viewer._rename(self, props["name"], from_frontend=True)
        for key, value in changed.items() if emit else ():
            getattr(self.events, key)(value)
        return changed

    def _set_items(self, field: str, value: Any) -> None:
        """Replace a per-item field of points or shapes and send it."""
        with self._viewer._lock:
            old = getattr(self, "_" + field)
            setattr(self, "_" + field, value)
            try:
                self._viewer._send_props(self, {field: self._item_wire(field)})
            except ValueError:  # too big for one message: keep what the frontend has
                setattr(self, "_" + field, old)
                raise
        getattr(self.events, field)(value)

    def _item_wire(self, field: str) -> Any:
        raise AttributeError(f"{self.kind} layers have no per-item field {field!r}")

    # -- data ----------------------------------------------------------------------

    @property
    def data(self) -> Any:
        """The layer's data as the frontend holds it (see :meth:`fetch`).

        Setting it replaces the data (checked like the ``add_*`` argument) and
        sends it to the frontend, which discards its edits.
        """
        return self.fetch()

    @data.setter
    def data(self, value: Any) -> None:
        with self._viewer._lock:
            saved = dict(self.__dict__, _display=dict(self._display))
            try:
                self._replace(value)
                self._viewer._data_replaced(self)
            except (TypeError, ValueError):  # refused input: the layer stays as it was
                self.__dict__.update(saved)
                raise
        self.events.data(None)

    def fetch(self, timeout: Optional[float] = None) -> Any:
        """The frontend's data, as a fresh object; blocks until it arrives.

        If a frontend has said ``hello`` on this viewer, this sends a
        ``data-request`` and processes widget messages (so it works inside a
        running cell) until the reply arrives; the reply also becomes the kernel
        copy. The default timeout is 30 s plus 1 s per 20 MB. Raises
        ``TimeoutError`` if no frontend answers and ``RuntimeError`` if it reports
        an error. Headless (no frontend ever connected, plain Python) or after the
        layer was removed, returns the kernel copy itself.
        """
        if self not in self._viewer.layers:
            return self._value()
        return self._viewer._fetch(self, timeout)

    def refresh(self) -> None:
        """Send the kernel copy again (after changing ``source_data`` in place)."""
        self._viewer._data_replaced(self)

    @property
    def stale(self) -> bool:
        """True when the frontend reported edits newer than the kernel copy."""
        return self.revision > self._copy_revision

    @property
    def is_ready(self) -> bool:
        """True once the frontend confirmed the latest transfer of this layer."""
        return self._last_transfer is not None and self._ready_transfer == self._last_transfer

    def _fresh(self) -> None:
        """Refresh the kernel copy first if the frontend holds newer edits."""
        if self.stale and self in self._viewer.layers and self._viewer._frontend_seen:
            self.fetch()

    def _new_revision(self) -> int:
        """Called when the kernel sends ``layer-data``: its copy is the newest."""
        self.revision += 1
        self._copy_revision = self._data_revision = self.revision
        return self.revision

    def _remote_update(self, revision: int, data_changed: bool, props: Optional[Mapping[str, Any]]) -> bool:
        """Apply a ``layer-update``; False when it is stale (made on data the kernel has
        replaced since) and was ignored. Two tabs may announce the same revision: both count."""
        if revision <= self._data_revision:
            return False
        was_fresh = not self.stale
        changed = self._apply_remote_display(props, emit=False) if props else {}
        if not data_changed and was_fresh:
            self._copy_revision = revision  # only display fields changed
        # After the fields: code polling the revision from another thread sees the whole update.
        self.revision = max(self.revision, revision)
        for key, value in changed.items():
            getattr(self.events, key)(value)
        if data_changed:
            self.events.data(None)
        return True

    def _apply_reply(self, layer: Mapping[str, Any], payload: bytearray) -> Any:
        """Make a ``data-reply`` the kernel copy; returns the value for ``.data``."""
        if layer["kind"] != self.kind:
            raise ProtocolError(f"layer.kind: expected {self.kind!r} for layer {self._name!r}, got {layer['kind']!r}")
        value = self._decode(layer, payload)
        self._ndim = layer["ndim"]
        self._apply_remote_display({k: layer[k] for k in self.display_fields()})
        self._copy_revision = max(self._copy_revision, layer["revision"])
        self.revision = max(self.revision, layer["revision"])
        return value

    # -- the protocol's view of the layer ---------------------------------------------

    def descriptor(self) -> Dict[str, Any]:
        """The full layer descriptor of PROTOCOL.md."""
        head = {"id": self.id, "name": self._name, "kind": self.kind, "ndim": self._ndim,
                "revision": self.revision}
        return {**head, **{k: to_json(v) for k, v in self._display.items()}, **self._kind_fields()}

    def summary(self) -> Dict[str, Any]:
        """The descriptor without per-item fields (the ``layer_specs`` trait)."""
        drop = set(ITEM_FIELDS[self.kind]) | {"shape_type", "vertex_counts"}
        return {k: v for k, v in self.descriptor().items() if k not in drop}

    @abstractmethod
    def _payload(self) -> np.ndarray:
        """The C-contiguous little-endian array whose bytes are the payload."""

    def _payload_parts(self) -> List[np.ndarray]:
        """The arrays whose bytes, one after the other, are the payload (several for a
        multiscale image)."""
        return [self._payload()]

    def _chunk_reader(self, chunk_bytes: int) -> Callable[[int], Any]:
        """``read(i)``: the bytes of chunk ``i`` of the payload (memoryview slices where a
        chunk lies inside one part). A store-backed layer may read its chunks on demand."""
        pieces = split_chunks_of_parts([as_bytes_view(p) for p in self._payload_parts()], chunk_bytes)
        return pieces.__getitem__

    @property
    def nbytes(self) -> int:
        """Size of the payload in bytes."""
        return sum(int(part.nbytes) for part in self._payload_parts())

    @abstractmethod
    def _kind_fields(self) -> Dict[str, Any]:
        """Descriptor fields of this kind (per-item fields included)."""

    @abstractmethod
    def _decode(self, layer: Mapping[str, Any], payload: bytearray) -> Any:
        """Turn a validated reply into the kernel copy; return the ``.data`` value."""

    @abstractmethod
    def _replace(self, value: Any) -> None:
        """Check new data from Python and make it the kernel copy."""

    @abstractmethod
    def _value(self) -> Any:
        """The kernel copy in the form ``.data`` returns."""

    @abstractmethod
    def extent(self) -> List[Extent]:
        """Per data axis, [start, stop) and step in world units."""

    def _fit_vectors(self, ndim: int) -> None:
        """New data with other dims: scale and translate go back to their defaults."""
        if ndim != self._ndim:
            self._ndim = ndim
            self._display["scale"] = (1.0,) * ndim
            self._display["translate"] = (0.0,) * ndim

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._name!r} ndim={self._ndim}>"
