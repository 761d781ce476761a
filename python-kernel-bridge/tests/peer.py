"""A SegLab frontend peer speaking PROTOCOL.md over a real kernel's iopub
(kernel -> frontend) and shell (frontend -> kernel) channels.

It behaves as the browser does: validates every kernel message, stores the
layers it receives, confirms transfers, applies ``layer-props``/``dims``,
answers ``data-request`` with what it holds, renders screenshots, and lets a
test "edit" a layer the way a user would (announced with ``layer-update``).
"""

from __future__ import annotations

import math
import queue
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from seglab.descriptors import check_descriptor, check_props, payload_nbytes

CHUNK = 8 * 1024 * 1024
V = 3


@dataclass
class PeerLayer:
    """What the frontend holds for one layer: its descriptor and its data."""

    desc: Dict[str, Any]
    data: np.ndarray  # pixels, or (rows, ndim) float64 coordinates for points/shapes
    lower_levels: List[np.ndarray] = field(default_factory=list)  # levels 1.. of a multiscale image

    def payload(self) -> np.ndarray:
        """The bytes a data-reply carries: every level, full resolution first."""
        parts = [self.data, *self.lower_levels]
        return np.concatenate([np.ascontiguousarray(p).reshape(-1).view(np.uint8) for p in parts])

    def item_count(self) -> int:
        kind = self.desc["kind"]
        return self.desc["n_points"] if kind == "points" else len(self.desc.get("shape_type", []))


@dataclass
class _Transfer:
    desc: Dict[str, Any]
    header: Dict[str, Any]
    parts: List[bytes] = field(default_factory=list)


def _world_ranges(layers: List[PeerLayer], ndim: int) -> List[Tuple[float, float, float]]:
    """PROTOCOL.md "Dims" ranges ([start, stop), step), computed independently of seglab.dims."""
    per_axis: List[List[Tuple[float, float, float]]] = [[] for _ in range(ndim)]
    for layer in layers:
        d = layer.desc
        for j in range(d["ndim"]):
            s, t = d["scale"][j], d["translate"][j]
            if d["kind"] in ("image", "labels"):
                lo, hi = 0.0, float(d["shape"][j])
            elif len(layer.data):
                lo, hi = layer.data[:, j].min(), layer.data[:, j].max() + 1
            else:
                lo, hi = 0.0, 1.0
            per_axis[ndim - d["ndim"] + j].append((t + s * lo, t + s * hi, s))
    out = []
    for r in per_axis:
        if not r:
            out.append((0.0, 1.0, 1.0))
            continue
        lo, step = min(e[0] for e in r), min(e[2] for e in r)
        out.append((lo, max(max(e[1] for e in r), lo + step), step))
    return out


class Peer:
    def __init__(self, kc: Any) -> None:
        self.kc = kc
        self.comm_id: Optional[str] = None
        self.inbox: List[Tuple[Dict[str, Any], List[bytes]]] = []  # every custom message
        self.on_custom: Optional[Callable[[Dict[str, Any], List[bytes]], None]] = None
        self.auto = True  # act as the frontend
        self.layers: Dict[str, PeerLayer] = {}  # insertion order = bottom first
        self.dims: Optional[Dict[str, Any]] = None
        self.pending_dims: Optional[Dict[str, Any]] = None
        self.kernel_errors: List[str] = []
        self.acks: List[Tuple[str, int]] = []
        self.cancels: List[Dict[str, Any]] = []
        self.refuse_requests: Optional[str] = None  # answer requests with this error
        self._transfers: Dict[str, _Transfer] = {}
        self._replies = 0

    # -- kernel -> frontend ---------------------------------------------------
    def _handle_iopub(self, msg: Dict[str, Any], out: List[str]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_open" and content["data"]["state"].get("_model_name") == "SegLabViewerModel":
            self.comm_id = content["comm_id"]
            self.layers, self.dims, self.pending_dims, self._transfers = {}, None, None, {}
            assert content["data"]["state"]["protocol_version"] == V
            if self.auto:  # a new frontend model introduces itself
                self.send({"v": V, "type": "hello", "client_id": "test-peer"})
        elif kind == "comm_msg" and content["data"].get("method") == "custom":
            item = (content["data"]["content"], [bytes(b) for b in msg.get("buffers", [])])
            self.inbox.append(item)
            if self.auto:
                self._frontend(*item)
            if self.on_custom is not None:
                self.on_custom(*item)
        elif kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            out.append("ERROR " + content["ename"] + ": " + content["evalue"])

    def run(self, code: str, timeout: float = 60) -> str:
        """Execute ``code``; serve iopub meanwhile; return its printed output."""
        msg_id = self.kc.execute(code, store_history=False)
        out: List[str] = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            self._handle_iopub(msg, out)
            if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id):
                break
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        return "".join(out)

    def pump(self, until: Callable[[], bool], timeout: float = 20) -> None:
        """Read iopub until ``until()`` holds."""
        deadline = time.monotonic() + timeout
        while not until():
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("peer waited too long for kernel messages") from None
            self._handle_iopub(msg, [])

    def take(self, type_: str, timeout: float = 20) -> Tuple[Dict[str, Any], List[bytes]]:
        """Pop the first received custom message of ``type_``."""
        def found() -> bool:
            return any(c.get("type") == type_ for c, _ in self.inbox)
        self.pump(found, timeout)
        i = next(i for i, (c, _) in enumerate(self.inbox) if c.get("type") == type_)
        return self.inbox.pop(i)

    # -- the frontend's behaviour ----------------------------------------------------
    def _frontend(self, content: Dict[str, Any], buffers: List[bytes]) -> None:
        assert content.get("v") == V, content
        handler = getattr(self, "_on_" + content["type"].replace("-", "_"))
        handler(content, buffers)

    def _on_layer_data(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        desc = check_descriptor(msg["layer"])
        header = msg["transfer"]
        assert header["nbytes"] == payload_nbytes(desc)
        assert header["n_chunks"] == math.ceil(header["nbytes"] / header["chunk_bytes"])
        self._transfers[header["id"]] = _Transfer(desc, header)
        if header["nbytes"] == 0:
            self._finish(header["id"])

    def _on_chunk(self, msg: Dict[str, Any], buffers: List[bytes]) -> None:
        transfer = self._transfers[msg["transfer_id"]]
        t = transfer.header
        assert msg["index"] == len(transfer.parts) and msg["offset"] == msg["index"] * t["chunk_bytes"]
        assert len(buffers) == 1 and len(buffers[0]) <= t["chunk_bytes"]
        transfer.parts.append(buffers[0])
        if len(transfer.parts) == t["n_chunks"]:
            self._finish(msg["transfer_id"])
        else:  # as the real frontend: the kernel sends a few chunks ahead of this count
            self.send({"v": V, "type": "chunk-ack", "transfer_id": msg["transfer_id"], "received": len(transfer.parts)})

    def _finish(self, transfer_id: str) -> None:
        transfer = self._transfers.pop(transfer_id)
        desc, raw = transfer.desc, b"".join(transfer.parts)
        assert len(raw) == transfer.header["nbytes"]
        lower: List[np.ndarray] = []
        if desc["kind"] in ("image", "labels"):
            dtype = np.dtype(desc["dtype"]).newbyteorder("<")
            levels, offset = [], 0
            for shape in [desc["shape"], *desc.get("multiscale_shapes", [])]:
                count = int(np.prod(shape))
                levels.append(np.frombuffer(raw, dtype, count, offset).reshape(shape).copy())
                offset += count * dtype.itemsize
            data, lower = levels[0], levels[1:]
        else:
            data = np.frombuffer(raw, "<f8").reshape(-1, desc["ndim"]).copy()
        existing = self.layers.get(desc["id"])
        if existing is not None:
            existing.desc, existing.data, existing.lower_levels = desc, data, lower
        else:
            self.layers[desc["id"]] = PeerLayer(desc, data, lower)
        self.send({"v": V, "type": "layer-ready", "layer_id": desc["id"], "transfer_id": transfer_id,
                   "nbytes": len(raw)})
        self._apply_pending_dims()

    def _on_layer_props(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        props = check_props(msg["props"], "props", items=True)
        layer = self.layers[msg["layer_id"]]
        n = layer.item_count()
        for key, value in props.items():
            lists = ([c["values"] for c in value] if key == "properties" else [value]
                     if isinstance(value, list) and key not in ("scale", "translate", "contrast_limits") else [])
            if any(len(values) != n for values in lists):
                self.send({"v": V, "type": "error", "message": f"props.{key}: expected {n} values per item"})
                return
        layer.desc.update(props)
        check_descriptor(layer.desc)

    def _on_layer_remove(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        self.layers.pop(msg["layer_id"], None)
        self._apply_pending_dims()

    def _on_dims(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        self.pending_dims = {k: msg[k] for k in ("ndim", "current_step", "axis_labels")}
        self._apply_pending_dims()

    def _ndim(self) -> int:
        return max([2, *(layer.desc["ndim"] for layer in self.layers.values())])

    def _apply_pending_dims(self) -> None:
        if self.pending_dims is not None and self.pending_dims["ndim"] == self._ndim():
            self.dims, self.pending_dims = self.pending_dims, None

    def _on_data_request(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        layer = self.layers.get(msg["layer_id"])
        if layer is None or self.refuse_requests:
            reason = self.refuse_requests or f"no layer with id {msg['layer_id']}"
            self.send({"v": V, "type": "error", "request_id": msg["request_id"], "message": reason})
            return
        self.send_payload("data-reply", {"request_id": msg["request_id"], "layer": layer.desc}, layer.payload())

    def _on_screenshot_request(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        if self.refuse_requests:
            self.send({"v": V, "type": "error", "request_id": msg["request_id"], "message": self.refuse_requests})
            return
        rgba = self.render()
        self.send_payload("screenshot-reply", {"request_id": msg["request_id"], "shape": list(rgba.shape)}, rgba)

    def _on_open_panel(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        pass  # a panel is a second view of the same model: nothing to store

    def _on_error(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        self.kernel_errors.append(msg["message"])

    def _on_chunk_ack(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        self.acks.append((msg["transfer_id"], msg["received"]))  # the peer sends replies whole

    def _on_transfer_cancel(self, msg: Dict[str, Any], _buffers: List[bytes]) -> None:
        self.cancels.append(msg)
        if msg.get("transfer_id"):
            self._transfers.pop(msg["transfer_id"], None)

    # -- what the canvas shows --------------------------------------------------------
    def render(self) -> np.ndarray:
        """The current slice of the top visible image layer through its contrast
        limits and gamma, gray, as RGBA uint8 (H, W, 4); black without one."""
        images = [l for l in self.layers.values() if l.desc["kind"] == "image" and l.desc["visible"]]
        if not images:
            return np.zeros((64, 64, 4), np.uint8)
        top = images[-1]
        d, ndim = top.desc, self._ndim()
        steps = (self.dims or {"current_step": [0] * ndim})["current_step"]
        ranges = _world_ranges(list(self.layers.values()), ndim)
        index = []
        for j in range(d["ndim"] - 2):
            i = ndim - d["ndim"] + j
            world = ranges[i][0] + (steps[i] + 0.5) * ranges[i][2]  # the centre of the slice
            index.append(int(np.clip(np.floor((world - d["translate"][j]) / d["scale"][j]), 0, d["shape"][j] - 1)))
        plane = top.data[tuple(index)].astype(np.float64)
        if d["rgb"]:
            rgb = plane[..., :3] if d["dtype"] != "uint8" else plane[..., :3] / 255
            return np.dstack([np.round(np.clip(rgb, 0, 1) * 255), np.full(plane.shape[:2], 255)]).astype(np.uint8)
        lo, hi = d["contrast_limits"]
        gray = np.round(np.clip((plane - lo) / (hi - lo), 0, 1) ** d["gamma"] * 255)
        return np.dstack([gray, gray, gray, np.full(gray.shape, 255)]).astype(np.uint8)

    # -- frontend -> kernel ---------------------------------------------------
    def send(self, content: Dict[str, Any], buffers: Optional[List[Any]] = None) -> None:
        msg = self.kc.session.msg("comm_msg", {
            "comm_id": self.comm_id, "data": {"method": "custom", "content": content}})
        msg["buffers"] = list(buffers or [])
        self.kc.shell_channel.send(msg)

    def send_payload(self, type_: str, fields: Dict[str, Any], array: np.ndarray,
                     transfer_id: Optional[str] = None) -> None:
        """A reply header plus ``array``'s bytes in 8 MiB chunks (none when empty)."""
        raw = memoryview(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
        self._replies += 1
        tid = transfer_id or f"peer-reply-{self._replies}"
        n = math.ceil(raw.nbytes / CHUNK)
        self.send({"v": V, "type": type_, **fields,
                   "transfer": {"id": tid, "nbytes": raw.nbytes, "chunk_bytes": CHUNK, "n_chunks": n}})
        for i in range(n):
            self.send({"v": V, "type": "chunk", "transfer_id": tid, "index": i, "offset": i * CHUNK},
                      [raw[i * CHUNK:(i + 1) * CHUNK]])

    def edit(self, layer_id: str, change: Callable[[PeerLayer], None], *, data_changed: bool = True,
             props: Optional[Dict[str, Any]] = None) -> int:
        """Change a layer as a user would, then announce it; returns the new revision."""
        layer = self.layers[layer_id]
        change(layer)
        if props:
            layer.desc.update(props)
        layer.desc["revision"] += 1
        check_descriptor(layer.desc)
        update = {"v": V, "type": "layer-update", "layer_id": layer_id, "client_id": "test-peer",
                  "revision": layer.desc["revision"], "data_changed": data_changed}
        if props:
            update["props"] = props
        self.send(update)
        return layer.desc["revision"]

    def move_sliders(self, current_step: List[int], axis_labels: Optional[List[str]] = None) -> None:
        """The user moved the sliders (or renamed axes)."""
        assert self.dims is not None
        self.dims = dict(self.dims, current_step=list(current_step),
                         axis_labels=list(axis_labels or self.dims["axis_labels"]))
        self.send({"v": V, "type": "dims", **self.dims})

    def by_name(self, name: str) -> PeerLayer:
        return next(layer for layer in self.layers.values() if layer.desc["name"] == name)
