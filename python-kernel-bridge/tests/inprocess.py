"""In-process stand-ins for the two ends of the comm, for tests without a kernel: a Viewer
whose `send` records what it would send, and the real handler fed a frontend message.
(The real comm is exercised in test_kernel_*.py through tests/peer.py.)"""

from typing import Any, Dict, List, Optional

import numpy as np

from seglab import Viewer


def capturing_viewer(monkeypatch: Any, *, ack: bool = True, **options: Any) -> Viewer:
    """A Viewer whose messages land in ``v.sent`` as ``(content, buffers)``. With ``ack``
    every chunk is acknowledged as it is sent, as by a frontend that keeps up."""
    v = Viewer(**options)
    v.sent = []

    def send(content: Any, buffers: Any = None) -> None:
        v.sent.append((content, buffers or []))
        if ack and content.get("type") == "chunk":
            v._outbox.ack(content["transfer_id"], content["index"] + 1)
    monkeypatch.setattr(v, "send", send)
    return v


def frontend(v: Viewer, buffers: Optional[List[Any]] = None, **content: Any) -> None:
    """Feed one v3 frontend message to the viewer's real handler (edits come from "tab-1"
    unless ``client_id`` says otherwise)."""
    if content.get("type") in ("layer-update", "layer-edit"):
        content.setdefault("client_id", "tab-1")  # the frontend that made the edit
    v._on_frontend_msg(v, {"v": 3, **content}, buffers or [])


def answer_request(v: Viewer, desc: Dict[str, Any], coords: Any) -> Dict[str, Any]:
    """The frontend's data-reply to the kernel's last data-request, holding ``coords``."""
    request = [c for c, _ in v.sent if c["type"] == "data-request"][-1]
    payload = np.ascontiguousarray(coords, np.float64).tobytes()
    frontend(v, type="data-reply", request_id=request["request_id"], layer=desc,
             transfer={"id": "reply-" + request["request_id"], "nbytes": len(payload), "chunk_bytes": 1 << 20, "n_chunks": 1})
    frontend(v, [memoryview(payload)], type="chunk", transfer_id="reply-" + request["request_id"], index=0, offset=0)
    return request
