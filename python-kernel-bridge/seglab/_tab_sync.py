"""Several frontends of one viewer (browser tabs on the same notebook, a reloaded page):
what the user edits in one reaches the kernel and, through it, every other one.

Each frontend model names itself in ``hello`` and in its edits (``client_id``). The kernel
writes an edit into its copy and forwards it, tagged with its ``origin``, which that
frontend ignores:

* labels pixels: the ``layer-edit`` box as it came;
* display fields (opacity, colormap...): a ``layer-props``;
* points and shapes: the kernel asks the editing frontend alone for the layer (a
  ``data-request`` naming its ``client_id``, at most one in flight per layer) and forwards
  the reply as ``layer-data``. This also keeps the kernel's copy (and autosave) current.

Forwarding starts once a second frontend said hello; with one tab nothing is echoed. Edits
made in two tabs at the same moment on the same pixels (or the same points layer): the one
the kernel receives last wins, in the kernel and in every tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Set

from . import protocol

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Layer


class TabSync:
    """Mixin of :class:`~seglab.Viewer` (see the module docstring)."""

    _clients: Set[str]
    _following: Dict[str, Optional[str]]

    def _init_tab_sync(self) -> None:
        self._clients = set()
        # layer id -> the client to ask again once the request in flight is answered (or None)
        self._following = {}

    @property
    def _several_tabs(self) -> bool:
        return len(self._clients) > 1

    def _forward_pixels(self, layer: "Layer", msg: Dict[str, Any], buffer: Any) -> None:
        if self._several_tabs:
            self._post(protocol.layer_edit(layer.id, msg["revision"], msg["start"], msg["stop"], msg["last"],  # type: ignore[attr-defined]
                                           origin=msg["client_id"]), [buffer])

    def _forward_props(self, layer: "Layer", props: Dict[str, Any], origin: str) -> None:
        if self._several_tabs:
            self._post(protocol.layer_props(layer.id, props, origin=origin))  # type: ignore[attr-defined]

    def _follow_items(self, layer: "Layer", client_id: str) -> None:
        """A points or shapes layer changed in frontend ``client_id``: fetch it from there."""
        if layer.id in self._following:
            self._following[layer.id] = client_id  # ask again once the answer is in
            return
        self._following[layer.id] = None
        from ._bridge import _Request  # the request machinery of the bridge

        def arrived(desc: Any, payload: bytearray) -> None:
            self._requests.pop(request.id, None)  # type: ignore[attr-defined]
            again = self._following.pop(layer.id, None)
            if layer in self._layer_list:  # type: ignore[attr-defined]
                layer._apply_reply(desc, payload)
                self._forward_layer(layer, client_id)
                self._autosave.schedule()  # type: ignore[attr-defined]
            if again is not None:
                self._follow_items(layer, again)

        request = _Request(decode=arrived, max_bytes=self.max_bytes, layer_id=layer.id)  # type: ignore[attr-defined]
        self._requests[request.id] = request  # type: ignore[attr-defined]
        self._post(protocol.data_request(request.id, layer.id, client_id=client_id))  # type: ignore[attr-defined]

    def _forward_layer(self, layer: "Layer", origin: str) -> None:
        """Send the kernel's copy to every tab but ``origin``, keeping its revision (no
        new kernel data: edits made on it stay current)."""
        if self._several_tabs:
            self._outbox.post_transfer(*self._layer_transfer(layer, origin))  # type: ignore[attr-defined]
