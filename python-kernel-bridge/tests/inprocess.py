"""In-process stand-ins for the two ends of the comm, for tests without a kernel: a Viewer
whose `send` records what it would send, and the real handler fed a frontend message.
(The real comm is exercised in test_kernel_*.py through tests/peer.py.)"""

from typing import Any, List, Optional

from seglab import Viewer


def capturing_viewer(monkeypatch: Any, **options: Any) -> Viewer:
    """A Viewer whose messages land in ``v.sent`` as ``(content, buffers)``."""
    v = Viewer(**options)
    v.sent = []
    monkeypatch.setattr(v, "send", lambda content, buffers=None: v.sent.append((content, buffers or [])))
    return v


def frontend(v: Viewer, buffers: Optional[List[Any]] = None, **content: Any) -> None:
    """Feed one v2 frontend message to the viewer's real handler."""
    v._on_frontend_msg(v, {"v": 2, **content}, buffers or [])
