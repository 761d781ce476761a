"""Message constructors and validation for the comm protocol (PROTOCOL.md).

Kernel -> frontend messages are built by the small functions below so that
every message carries ``"v"``. Frontend -> kernel messages go through
:func:`validate_incoming` before anything acts on them.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._frontend import (
    KINDS, MAX_JSON_BYTES, MAX_MESSAGE_LENGTH, MAX_NDIM, MAX_SCREENSHOT_SIDE, PROTOCOL_VERSION,
)
from .camera import MODIFIERS, check_center, check_zoom
from .multiscale import MAX_LEVELS
from .descriptors import (
    ProtocolError, check_bool, check_descriptor, check_dims, check_int, check_list, check_props,
    check_scale_bar, check_str, payload_nbytes,
)
from .transfer import TransferError, _is_int, check_header

# -- kernel -> frontend -------------------------------------------------------


def _msg(type_: str, **fields: Any) -> Dict[str, Any]:
    return {"v": PROTOCOL_VERSION, "type": type_, **fields}


def layer_data(layer: Mapping[str, Any], transfer: Mapping[str, Any],
               origin: Optional[str] = None) -> Dict[str, Any]:
    """A layer's descriptor and transfer header; chunk messages follow. ``origin``: the
    frontend whose edit this is, forwarded to the other tabs (that one ignores it)."""
    extra = {} if origin is None else {"origin": origin}
    return _msg("layer-data", layer=dict(layer), transfer=dict(transfer), **extra)


def layer_edit(layer_id: str, revision: int, start: Sequence[int], stop: Sequence[int], last: bool,
               origin: str) -> Dict[str, Any]:
    """A box of labels pixels a frontend (``origin``) painted, forwarded to the other tabs."""
    return _msg("layer-edit", layer_id=layer_id, revision=revision, start=list(start), stop=list(stop),
                last=last, origin=origin)


def layer_props(layer_id: str, props: Mapping[str, Any], origin: Optional[str] = None) -> Dict[str, Any]:
    """Change some descriptor fields of a layer without resending its data; ``origin``: the
    frontend whose change this forwards to the other tabs."""
    extra = {} if origin is None else {"origin": origin}
    return _msg("layer-props", layer_id=layer_id, props=dict(props), **extra)


def chunk(transfer_id: str, index: int, offset: int) -> Dict[str, Any]:
    """Content of one chunk message (the bytes travel as its single buffer)."""
    return _msg("chunk", transfer_id=transfer_id, index=index, offset=offset)


def layer_remove(layer_id: str) -> Dict[str, Any]:
    """Tell the frontend a layer is gone."""
    return _msg("layer-remove", layer_id=layer_id)


def data_request(request_id: str, layer_id: str, client_id: Optional[str] = None) -> Dict[str, Any]:
    """Ask the frontend for the data it holds for a layer (only frontend ``client_id``, if given)."""
    extra = {} if client_id is None else {"client_id": client_id}
    return _msg("data-request", request_id=request_id, layer_id=layer_id, **extra)


def dims(ndim: int, current_step: Sequence[int], axis_labels: Sequence[str]) -> Dict[str, Any]:
    """The slider state."""
    return _msg("dims", ndim=ndim, current_step=list(current_step), axis_labels=list(axis_labels))


def camera(center: Sequence[float], zoom: float) -> Dict[str, Any]:
    """The camera (``viewer.camera``): world (row, col) at the canvas centre and the zoom."""
    return _msg("camera", center=list(center), zoom=zoom)


def layer_order(order: Sequence[str]) -> Dict[str, Any]:
    """The kernel's layer order (ids, bottom first), after ``viewer.layers.move``."""
    return _msg("layer-order", order=list(order))


def tile_data(request_id: str, layer_id: str, level: int, start: Sequence[int], stop: Sequence[int],
              step: Sequence[int], shape: Sequence[int], dtype: str) -> Dict[str, Any]:
    """The pixels of a lazy image's region (one buffer: C order, little-endian)."""
    return _msg("tile-data", request_id=request_id, layer_id=layer_id, level=level, start=list(start),
                stop=list(stop), step=list(step), shape=list(shape), dtype=dtype)


def scale_bar(visible: bool, unit: Optional[str], position: str) -> Dict[str, Any]:
    """The scale bar state (``viewer.scale_bar``)."""
    return _msg("scale-bar", visible=visible, unit=unit, position=position)


def screenshot_request(request_id: str) -> Dict[str, Any]:
    """Ask the frontend for an RGBA picture of its canvas."""
    return _msg("screenshot-request", request_id=request_id)


def segment_request(request_id: str, layer_id: str, prompt: Mapping[str, Any]) -> Dict[str, Any]:
    """Ask the frontend to segment one plane of image ``layer_id`` with its model (see
    ``seglab._segment`` for the prompt's fields)."""
    return _msg("segment-request", request_id=request_id, layer_id=layer_id, **prompt)


def pixel_request(request_id: str, op: str, **fields: Any) -> Dict[str, Any]:
    """Ask the frontend's pixel classifier to ``predict`` (``output``, ``train``), ``export``
    or report its ``state`` (see ``seglab._pixel``)."""
    return _msg("pixel-request", request_id=request_id, op=op, **fields)


def model_data(request_id: str, manifest: Mapping[str, Any], encoder_bytes: int, decoder_bytes: int,
               transfer: Mapping[str, Any]) -> Dict[str, Any]:
    """A model's manifest; its encoder then decoder bytes follow as one chunked transfer."""
    return _msg("model-data", request_id=request_id, manifest=dict(manifest), encoder_bytes=encoder_bytes,
                decoder_bytes=decoder_bytes, transfer=dict(transfer))


def embeddings_data(request_id: str, layer_id: str, meta: Mapping[str, Any], transfer: Mapping[str, Any]) -> Dict[str, Any]:
    """Embeddings of image ``layer_id`` computed in the kernel; ``meta["entries"]`` places each
    (256, 64, 64) float32 block of the transfer that follows."""
    return _msg("embeddings-data", request_id=request_id, layer_id=layer_id, **dict(meta), transfer=dict(transfer))


def model_select(request_id: str, model_id: str) -> Dict[str, Any]:
    """Use model ``model_id`` of the frontend's registry (the SegLab settings)."""
    return _msg("model-select", request_id=request_id, model_id=model_id)


def open_panel(title: Optional[str] = None) -> Dict[str, Any]:
    """Ask the frontend to show this viewer in a main-area panel."""
    return _msg("open-panel") if title is None else _msg("open-panel", title=title)


def chunk_ack(transfer_id: str, received: int) -> Dict[str, Any]:
    """This side holds the first ``received`` chunks of ``transfer_id`` (back-pressure)."""
    return _msg("chunk-ack", transfer_id=transfer_id, received=received)


def transfer_cancel(reason: str, *, transfer_id: Optional[str] = None,
                    request_id: Optional[str] = None) -> Dict[str, Any]:
    """Stop a transfer: by its id, or (a reply not yet begun) by the request it answers."""
    fields = {k: v for k, v in (("transfer_id", transfer_id), ("request_id", request_id)) if v is not None}
    return _msg("transfer-cancel", reason=reason[:MAX_MESSAGE_LENGTH] or "cancelled", **fields)


def error(message: str, request_id: Optional[str] = None) -> Dict[str, Any]:
    """Report a problem to the frontend."""
    message = message[:MAX_MESSAGE_LENGTH] or "error"
    return _msg("error", message=message) if request_id is None else _msg(
        "error", message=message, request_id=request_id)


def check_json_size(content: Mapping[str, Any], what: str) -> None:
    """Raise ``ValueError`` if a message's JSON would exceed ``MAX_JSON_BYTES``."""
    size = len(json.dumps(content, allow_nan=False))
    if size > MAX_JSON_BYTES:
        raise ValueError(f"{what}: {size} bytes of JSON exceed the {MAX_JSON_BYTES}-byte message limit; "
                         "use one value for all items instead of one per item, or fewer properties")


# -- frontend -> kernel -------------------------------------------------------


def _header(content: Mapping[str, Any], expected: int) -> None:
    try:
        check_header(content.get("transfer"), allow_empty=expected == 0)
    except TransferError as exc:
        raise ProtocolError(str(exc)) from None
    if content["transfer"]["nbytes"] != expected:
        raise ProtocolError(f"transfer.nbytes: expected {expected} for the announced data, "
                            f"got {content['transfer']['nbytes']}")


def _segment_reply(content: Mapping[str, Any]) -> None:
    check_str(content.get("request_id"), "request_id")
    shape = check_list(content.get("shape"), "shape", length=2)
    check_int(shape[0], "shape[0]", 1, MAX_SCREENSHOT_SIDE * 4)
    check_int(shape[1], "shape[1]", 1, MAX_SCREENSHOT_SIDE * 4)
    iou = content.get("iou")
    if isinstance(iou, bool) or not isinstance(iou, (int, float)) or not math.isfinite(iou):
        raise ProtocolError(f"iou: expected a finite number, got {iou!r}")
    _header(content, shape[0] * shape[1])


PIXEL_REPLY_DTYPES = {"float32": 4, "uint8": 1, "json": 1}


def _pixel_reply(content: Mapping[str, Any]) -> None:
    check_str(content.get("request_id"), "request_id")
    if content.get("op") not in ("predict", "export", "state"):
        raise ProtocolError(f"op: expected predict, export or state, got {content.get('op')!r}")
    dtype = content.get("dtype")
    if dtype not in PIXEL_REPLY_DTYPES:
        raise ProtocolError(f"dtype: expected one of {', '.join(PIXEL_REPLY_DTYPES)}, got {dtype!r}")
    shape = check_list(content.get("shape"), "shape", max_len=4)
    for i, n in enumerate(shape):
        check_int(n, f"shape[{i}]", 1, 1 << 20)
    header = content.get("transfer")
    if dtype == "json":
        if not isinstance(header, Mapping) or not isinstance(header.get("nbytes"), int):
            raise ProtocolError("transfer: expected a transfer header")
        _header(content, header["nbytes"])
    else:
        _header(content, int(math.prod(shape)) * PIXEL_REPLY_DTYPES[dtype])


def _data_reply(content: Mapping[str, Any]) -> None:
    check_str(content.get("request_id"), "request_id")
    layer = check_descriptor(content.get("layer"))
    _header(content, payload_nbytes(layer))


def _screenshot_reply(content: Mapping[str, Any]) -> None:
    check_str(content.get("request_id"), "request_id")
    shape = check_list(content.get("shape"), "shape", length=3)
    check_int(shape[0], "shape[0]", 1, MAX_SCREENSHOT_SIDE)
    check_int(shape[1], "shape[1]", 1, MAX_SCREENSHOT_SIDE)
    if shape[2] != 4 or not _is_int(shape[2]):
        raise ProtocolError(f"shape[2]: expected 4 (RGBA), got {shape[2]!r}")
    _header(content, shape[0] * shape[1] * 4)


def _layer_update(content: Mapping[str, Any]) -> None:
    check_str(content.get("layer_id"), "layer_id")
    check_str(content.get("client_id"), "client_id")
    check_int(content.get("revision"), "revision", 1)
    check_bool(content.get("data_changed"), "data_changed")
    if content.get("props") is not None:
        check_props(content["props"], "props", items=False)


#: Layers one ``layer-list`` may name (a viewer with more is a runaway loop, not a user).
MAX_LAYERS = 1000


def _layer_list(content: Mapping[str, Any]) -> None:
    entries = check_list(content.get("layers"), "layers", max_len=MAX_LAYERS)
    seen = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ProtocolError(f"layers[{i}]: expected an object with id and kind, got {entry!r}")
        layer_id = check_str(entry.get("id"), f"layers[{i}].id")
        if entry.get("kind") not in KINDS:
            raise ProtocolError(f"layers[{i}].kind: expected one of {', '.join(KINDS)}, got {entry.get('kind')!r}")
        if layer_id in seen:
            raise ProtocolError(f"layers[{i}].id: expected each layer once, got {layer_id!r} twice")
        seen.add(layer_id)


def _layer_edit(content: Mapping[str, Any]) -> None:
    check_str(content.get("layer_id"), "layer_id")
    check_str(content.get("client_id"), "client_id")
    check_int(content.get("revision"), "revision", 1)
    check_bool(content.get("last"), "last")
    start = check_list(content.get("start"), "start", max_len=MAX_NDIM)
    stop = check_list(content.get("stop"), "stop", length=len(start))
    for i, (a, b) in enumerate(zip(start, stop)):
        check_int(a, f"start[{i}]", 0)
        check_int(b, f"stop[{i}]", a + 1 if _is_int(a) else 1)


def _camera(content: Mapping[str, Any]) -> None:
    try:
        check_center(content.get("center"))
        check_zoom(content.get("zoom"))
    except ValueError as exc:
        raise ProtocolError(str(exc)) from None
    if len(content["center"]) != 2:
        raise ProtocolError(f"center: expected 2 numbers, got {len(content['center'])}")


def _click(content: Mapping[str, Any]) -> None:
    position = check_list(content.get("position"), "position", max_len=MAX_NDIM)
    if len(position) < 2:
        raise ProtocolError(f"position: expected 2 to {MAX_NDIM} numbers (one per world axis), got {len(position)}")
    for i, value in enumerate(position):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ProtocolError(f"position[{i}]: expected a finite number, got {value!r}")
    check_int(content.get("button"), "button", 1, 3)
    modifiers = check_list(content.get("modifiers"), "modifiers", max_len=len(MODIFIERS))
    for i, name in enumerate(modifiers):
        if name not in MODIFIERS:
            raise ProtocolError(f"modifiers[{i}]: expected one of {', '.join(MODIFIERS)}, got {name!r}")


def _tile_request(content: Mapping[str, Any]) -> None:
    # Shapes are the layer's business: the viewer checks the region against the level.
    check_str(content.get("request_id"), "request_id")
    check_str(content.get("layer_id"), "layer_id")
    check_int(content.get("level"), "level", 0, MAX_LEVELS - 1)
    lengths = set()
    for key in ("start", "stop", "step"):
        values = check_list(content.get(key), key, max_len=MAX_NDIM)
        for i, value in enumerate(values):
            check_int(value, f"{key}[{i}]", 1 if key == "step" else 0)
        lengths.add(len(values))
    if len(lengths) != 1:
        raise ProtocolError("start, stop, step: expected lists of one length (one entry per axis), "
                            f"got lengths {len(content['start'])}, {len(content['stop'])}, {len(content['step'])}")


def _transfer_cancel(content: Mapping[str, Any]) -> None:
    if content.get("transfer_id") is None and content.get("request_id") is None:
        raise ProtocolError("transfer_id, request_id: expected at least one of them, got neither")
    for key in ("request_id", "transfer_id"):
        if content.get(key) is not None:
            check_str(content[key], key)
    check_str(content.get("reason"), "reason", MAX_MESSAGE_LENGTH)


def _error(content: Mapping[str, Any]) -> None:
    for key in ("request_id", "transfer_id"):
        if content.get(key) is not None:
            check_str(content[key], key)
    check_str(content.get("message"), "message", MAX_MESSAGE_LENGTH)


_FIELDS = {
    "hello": lambda c: check_str(c.get("client_id"), "client_id"),
    "layer-ready": lambda c: (check_str(c.get("layer_id"), "layer_id"),
                              check_str(c.get("transfer_id"), "transfer_id"),
                              check_int(c.get("nbytes"), "nbytes")),
    "layer-update": _layer_update,
    "data-reply": _data_reply,
    "dims": check_dims,
    "scale-bar": check_scale_bar,
    "screenshot-reply": _screenshot_reply,
    "segment-reply": _segment_reply,
    "pixel-reply": _pixel_reply,
    "embeddings-ready": lambda c: (check_str(c.get("request_id"), "request_id"), check_int(c.get("accepted"), "accepted")),
    "model-ready": lambda c: (check_str(c.get("request_id"), "request_id"), check_str(c.get("model_id"), "model_id")),
    "tile-request": _tile_request,
    "layer-list": _layer_list,
    "camera": _camera,
    "layer-edit": _layer_edit,
    "click": _click,
    "error": _error,
    "chunk": lambda c: (check_str(c.get("transfer_id"), "transfer_id"),
                        check_int(c.get("index"), "index"), check_int(c.get("offset"), "offset")),
    "chunk-ack": lambda c: (check_str(c.get("transfer_id"), "transfer_id"),
                            check_int(c.get("received"), "received")),
    "transfer-cancel": _transfer_cancel,
}


def _check_version(version: Any) -> None:
    if _is_int(version) and version == PROTOCOL_VERSION:
        return
    hint = ""
    if _is_int(version):
        hint = (f": the frontend speaks SegLab protocol {version}, this kernel {PROTOCOL_VERSION}; "
                "install the same seglab version in the kernel and in JupyterLab")
    raise ProtocolError(f"v: expected protocol version {PROTOCOL_VERSION}, got {version!r}{hint}")


def validate_incoming(content: Any, buffers: Optional[Sequence[Any]] = None) -> Dict[str, Any]:
    """Check a frontend -> kernel message; return it, or raise :class:`ProtocolError`.

    The error carries ``request_id``/``transfer_id`` when the message had a
    usable one, so the kernel can address its ``error`` reply.
    """
    if not isinstance(content, Mapping):
        raise ProtocolError(f"content: expected an object, got {type(content).__name__}")
    rid, tid = content.get("request_id"), content.get("transfer_id")
    ids = {"request_id": rid if isinstance(rid, str) else None,
           "transfer_id": tid if isinstance(tid, str) else None}
    buffers = list(buffers or [])
    try:
        _check_version(content.get("v"))
        kind = content.get("type")
        if kind not in _FIELDS:
            raise ProtocolError(f"type: expected one of {', '.join(sorted(_FIELDS))}, got {kind!r}")
        _FIELDS[kind](content)
        wanted = 1 if kind in ("chunk", "layer-edit") else 0
        if len(buffers) != wanted:
            raise ProtocolError(f"buffers: expected {wanted} buffer(s) with a {kind!r} message, got {len(buffers)}")
    except ProtocolError as exc:
        raise ProtocolError(str(exc), **ids) from None
    return dict(content)


__all__: List[str] = [
    "ProtocolError", "layer_data", "layer_props", "chunk", "layer_remove", "data_request", "dims",
    "scale_bar", "tile_data", "layer_order", "camera", "screenshot_request", "segment_request", "model_data", "model_select", "embeddings_data", "open_panel", "error", "chunk_ack", "transfer_cancel", "layer_edit", "validate_incoming", "check_descriptor",
    "payload_nbytes", "check_json_size",
]
