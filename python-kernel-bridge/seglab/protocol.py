"""Message constructors and validation for the comm protocol (PROTOCOL.md).

Kernel -> frontend messages are built by the small functions below so that
every message carries ``"v"``. Frontend -> kernel messages go through
:func:`validate_incoming` before anything acts on them.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._frontend import PROTOCOL_VERSION
from .arrays import SUPPORTED_DTYPES
from .transfer import TransferError, _is_int, check_header


class ProtocolError(ValueError):
    """An incoming message is malformed; the message names the bad field."""

    def __init__(self, message: str, *, request_id: Optional[str] = None,
                 transfer_id: Optional[str] = None) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.transfer_id = transfer_id


# -- kernel -> frontend -------------------------------------------------------

def _msg(type_: str, **fields: Any) -> Dict[str, Any]:
    return {"v": PROTOCOL_VERSION, "type": type_, **fields}


def layer_data(layer: Mapping[str, Any], transfer: Mapping[str, Any]) -> Dict[str, Any]:
    """Header of a layer's pixel data; chunk messages follow."""
    return _msg("layer-data", layer=dict(layer), transfer=dict(transfer))


def chunk(transfer_id: str, index: int, offset: int) -> Dict[str, Any]:
    """Content of one chunk message (the bytes travel as its single buffer)."""
    return _msg("chunk", transfer_id=transfer_id, index=index, offset=offset)


def layer_remove(layer_id: str) -> Dict[str, Any]:
    """Tell the frontend a layer is gone."""
    return _msg("layer-remove", layer_id=layer_id)


def data_request(request_id: str, layer_id: str) -> Dict[str, Any]:
    """Ask the frontend for the bytes it holds for a layer."""
    return _msg("data-request", request_id=request_id, layer_id=layer_id)


def open_panel(title: Optional[str] = None) -> Dict[str, Any]:
    """Ask the frontend to show this viewer in a main-area panel."""
    return _msg("open-panel") if title is None else _msg("open-panel", title=title)


def error(message: str, request_id: Optional[str] = None) -> Dict[str, Any]:
    """Report a problem to the frontend."""
    return _msg("error", message=message) if request_id is None else _msg(
        "error", message=message, request_id=request_id)


# -- frontend -> kernel -------------------------------------------------------

def _str(content: Mapping[str, Any], key: str, *, optional: bool = False, prefix: str = "") -> None:
    value = content.get(key)
    if value is None and optional:  # absent or JSON null
        return
    if not isinstance(value, str) or not value:
        raise ProtocolError(f"{prefix}{key}: expected a non-empty string, got {value!r}")


def _int(content: Mapping[str, Any], key: str, minimum: int = 0) -> None:
    value = content.get(key)
    if not _is_int(value) or value < minimum:
        raise ProtocolError(f"{key}: expected an int >= {minimum}, got {value!r}")


def check_descriptor(layer: Any, field: str = "layer") -> None:
    """Validate a layer descriptor; raise :class:`ProtocolError` naming the field."""
    if not isinstance(layer, Mapping):
        raise ProtocolError(f"{field}: expected an object, got {type(layer).__name__}")
    for key in ("id", "name"):
        if not isinstance(layer.get(key), str):
            raise ProtocolError(f"{field}.{key}: expected a string, got {layer.get(key)!r}")
    if layer.get("kind") != "image":
        raise ProtocolError(f"{field}.kind: expected 'image', got {layer.get('kind')!r}")
    if layer.get("dtype") not in SUPPORTED_DTYPES:
        raise ProtocolError(f"{field}.dtype: expected one of {', '.join(SUPPORTED_DTYPES)}, got {layer.get('dtype')!r}")
    shape = layer.get("shape")
    if (not isinstance(shape, list) or not 2 <= len(shape) <= 3
            or not all(_is_int(n) and n >= 1 for n in shape)):
        raise ProtocolError(f"{field}.shape: expected a list of 2 or 3 ints >= 1, got {shape!r}")
    if not isinstance(layer.get("rgb"), bool):
        raise ProtocolError(f"{field}.rgb: expected a bool, got {layer.get('rgb')!r}")


def descriptor_nbytes(layer: Mapping[str, Any]) -> int:
    """Bytes of an array with the descriptor's dtype and shape."""
    import numpy as np  # local: keeps this module importable for tooling

    return math.prod(layer["shape"]) * np.dtype(layer["dtype"]).itemsize


_FIELDS = {
    "hello": lambda c: _str(c, "client_id"),
    "layer-ready": lambda c: (_str(c, "layer_id"), _str(c, "transfer_id"), _int(c, "nbytes", 1)),
    "error": lambda c: (_str(c, "request_id", optional=True), _str(c, "transfer_id", optional=True),
                        _check_message(c)),
    "chunk": lambda c: (_str(c, "transfer_id"), _int(c, "index"), _int(c, "offset")),
    "data-reply": lambda c: _check_data_reply(c),
}


def _check_message(content: Mapping[str, Any]) -> None:
    if not isinstance(content.get("message"), str):
        raise ProtocolError(f"message: expected a string, got {content.get('message')!r}")


def _check_data_reply(content: Mapping[str, Any]) -> None:
    _str(content, "request_id")
    check_descriptor(content.get("layer"))
    try:
        check_header(content.get("transfer"))
    except TransferError as exc:
        raise ProtocolError(str(exc)) from None
    expected = descriptor_nbytes(content["layer"])
    if content["transfer"]["nbytes"] != expected:
        raise ProtocolError(
            f"transfer.nbytes: expected {expected} for layer dtype {content['layer']['dtype']} "
            f"shape {content['layer']['shape']}, got {content['transfer']['nbytes']}")


def validate_incoming(content: Any, buffers: Optional[Sequence[Any]] = None) -> Dict[str, Any]:
    """Check a frontend -> kernel message; return it, or raise :class:`ProtocolError`.

    The error carries ``request_id``/``transfer_id`` when the message had a
    usable one, so the kernel can address its ``error`` reply.
    """
    if not isinstance(content, Mapping):
        raise ProtocolError(f"content: expected an object, got {type(content).__name__}")
    rid = content.get("request_id")
    tid = content.get("transfer_id")
    ids = {"request_id": rid if isinstance(rid, str) else None,
           "transfer_id": tid if isinstance(tid, str) else None}
    buffers = list(buffers or [])
    try:
        version = content.get("v")
        if not _is_int(version) or version != PROTOCOL_VERSION:
            raise ProtocolError(f"v: expected protocol version {PROTOCOL_VERSION}, got {version!r}")
        kind = content.get("type")
        if kind not in _FIELDS:
            raise ProtocolError(f"type: expected one of {', '.join(sorted(_FIELDS))}, got {kind!r}")
        _FIELDS[kind](content)
        wanted = 1 if kind == "chunk" else 0
        if len(buffers) != wanted:
            raise ProtocolError(f"buffers: expected {wanted} buffer(s) with a {kind!r} message, got {len(buffers)}")
    except ProtocolError as exc:
        raise ProtocolError(str(exc), **ids) from None
    return dict(content)


__all__: List[str] = [
    "ProtocolError", "layer_data", "chunk", "layer_remove", "data_request", "open_panel",
    "error", "validate_incoming", "check_descriptor", "descriptor_nbytes",
]
