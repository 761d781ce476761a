"""A minimal SegLab frontend peer speaking PROTOCOL.md over a real kernel's
iopub (kernel -> frontend) and shell (frontend -> kernel) channels."""

from __future__ import annotations

import math
import queue
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

CHUNK = 8 * 1024 * 1024


class Peer:
    def __init__(self, kc: Any) -> None:
        self.kc = kc
        self.comm_id: Optional[str] = None
        self.inbox: List[Tuple[Dict[str, Any], List[bytes]]] = []  # custom messages
        self.on_custom: Optional[Callable[[Dict[str, Any], List[bytes]], None]] = None

    # -- kernel -> frontend ---------------------------------------------------
    def _handle_iopub(self, msg: Dict[str, Any], out: List[str]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "comm_open" and content["data"]["state"].get("_model_name") == "SegLabViewerModel":
            self.comm_id = content["comm_id"]
        elif kind == "comm_msg" and content["data"].get("method") == "custom":
            item = (content["data"]["content"], [bytes(b) for b in msg.get("buffers", [])])
            self.inbox.append(item)
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

    def receive_layer(self) -> Tuple[Dict[str, Any], Dict[str, Any], bytes]:
        """Receive one ``layer-data`` transfer; check every chunk; return bytes."""
        header, _ = self.take("layer-data")
        t = header["transfer"]
        assert header["v"] == 1 and t["n_chunks"] == math.ceil(t["nbytes"] / t["chunk_bytes"])
        data = bytearray()
        for index in range(t["n_chunks"]):
            chunk, bufs = self.take("chunk")
            assert (chunk["transfer_id"], chunk["index"], chunk["offset"]) == (t["id"], index, len(data))
            assert len(bufs) == 1 and len(bufs[0]) <= t["chunk_bytes"]
            data += bufs[0]
        assert len(data) == t["nbytes"]
        return header["layer"], t, bytes(data)

    # -- frontend -> kernel ---------------------------------------------------
    def send(self, content: Dict[str, Any], buffers: Optional[List[Any]] = None) -> None:
        msg = self.kc.session.msg("comm_msg", {
            "comm_id": self.comm_id, "data": {"method": "custom", "content": content}})
        msg["buffers"] = list(buffers or [])
        self.kc.shell_channel.send(msg)

    def send_array(self, request_id: str, layer: Dict[str, Any], array: np.ndarray,
                   transfer_id: str = "reply-1") -> None:
        """Answer a data-request with ``array``'s bytes in 8 MiB chunks."""
        raw = memoryview(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
        n = math.ceil(raw.nbytes / CHUNK)
        spec = dict(layer, dtype=array.dtype.name, shape=list(array.shape))
        self.send({"v": 1, "type": "data-reply", "request_id": request_id, "layer": spec,
                   "transfer": {"id": transfer_id, "nbytes": raw.nbytes, "chunk_bytes": CHUNK,
                                "n_chunks": n}})
        for i in range(n):
            self.send({"v": 1, "type": "chunk", "transfer_id": transfer_id, "index": i,
                       "offset": i * CHUNK}, [raw[i * CHUNK:(i + 1) * CHUNK]])
