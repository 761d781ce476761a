"""In-process stand-ins for the two ends of the comm, for tests without a kernel: a Viewer
whose `send` records what it would send, and the real handler fed a frontend message.
(The real comm is exercised in test_kernel_*.py through tests/peer.py.)"""

from typing import Any, List, Optional

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
    """Feed one v3 frontend message to the viewer's real handler."""
    v._on_frontend_msg(v, {"v": 3, **content}, buffers or [])
