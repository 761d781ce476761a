"""Kernel -> frontend sending with back-pressure and cancellation (PROTOCOL.md, "Transfers").

Every message the viewer sends goes through one ordered queue. The chunks of a transfer
leave at most ``window`` ahead of what a frontend confirmed with ``chunk-ack``, so a
512 MB layer never piles up in the Jupyter server's or the browser's memory, and a
cancelled transfer stops within a window. Other messages keep their place behind the
chunks queued before them: the frontend sees exactly the order it would without the
window (a ``layer-props`` never overtakes the data of its layer).

Before any frontend has acknowledged anything, a transfer stops after its first window;
the ``hello`` of the frontend that appears later makes the viewer send every layer
afresh, which supersedes it. Chunks are produced on demand (``read(index)``), so a
store-backed layer is read chunk by chunk as the frontend keeps up.

Acks arrive on the comm's thread (ipykernel 7 subshell), the queue is filled by the
cell's thread: one lock orders both.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple, Union

from . import protocol

#: Chunks of one transfer in flight before a frontend must confirm (4 x 8 MiB).
DEFAULT_WINDOW = 4

SendFunction = Callable[[Dict[str, Any], Optional[List[Any]]], None]


@dataclass
class Outgoing:
    """One transfer being sent: ``read(i)`` gives the bytes of chunk ``i``."""

    transfer_id: str
    n_chunks: int
    chunk_bytes: int
    read: Callable[[int], Any]
    layer_id: Optional[str] = None
    sent: int = 0
    acked: int = 0  # the most chunks any frontend confirmed
    cancelled: bool = False


_Item = Union[Tuple[Dict[str, Any], Optional[List[Any]]], Outgoing]


class Outbox:
    """The viewer's ordered, windowed sender (see the module docstring)."""

    def __init__(self, send: SendFunction, window: int = DEFAULT_WINDOW) -> None:
        if window < 1:
            raise ValueError(f"window: expected at least 1 chunk in flight, got {window}")
        self._send = send
        self.window = window
        self._queue: Deque[_Item] = deque()
        self._transfers: Dict[str, Outgoing] = {}
        self._lock = threading.RLock()
        self._pumping = False  # a send that acks at once (in-process tests) must not re-enter

    def post(self, content: Dict[str, Any], buffers: Optional[List[Any]] = None) -> None:
        """Queue one message behind everything queued before it (sent at once if nothing waits)."""
        with self._lock:
            self._queue.append((content, buffers))
            self._pump()

    def post_transfer(self, message: Dict[str, Any], outgoing: Outgoing) -> None:
        """Queue a transfer's header message and then its chunks. A newer transfer of the
        same layer supersedes an unfinished older one: its unsent chunks are dropped (the
        frontend drops what it received of it when the new header arrives)."""
        with self._lock:
            if outgoing.layer_id is not None:
                for older in list(self._transfers.values()):
                    if older.layer_id == outgoing.layer_id:
                        self._drop(older)
            self._queue.append((message, None))
            if outgoing.n_chunks:
                self._transfers[outgoing.transfer_id] = outgoing
                self._queue.append(outgoing)
            self._pump()

    def ack(self, transfer_id: str, received: int) -> None:
        """A frontend holds the first ``received`` chunks of ``transfer_id``; unknown or
        finished transfers are ignored (acks of several tabs, late acks)."""
        with self._lock:
            outgoing = self._transfers.get(transfer_id)
            if outgoing is None:
                return
            outgoing.acked = max(outgoing.acked, min(received, outgoing.sent))
            self._pump()

    def cancel(self, transfer_id: str) -> Optional[Outgoing]:
        """Stop sending ``transfer_id``; returns it, or None if it is not (or no longer) being sent."""
        with self._lock:
            outgoing = self._transfers.get(transfer_id)
            if outgoing is not None:
                self._drop(outgoing)
                self._pump()
            return outgoing

    def sending(self, transfer_id: str) -> bool:
        """True while chunks of ``transfer_id`` are still to be sent."""
        with self._lock:
            return transfer_id in self._transfers

    def _drop(self, outgoing: Outgoing) -> None:
        outgoing.cancelled = True
        self._transfers.pop(outgoing.transfer_id, None)

    def _pump(self) -> None:
        if self._pumping:
            return  # the loop below sees the new ack or message
        self._pumping = True
        try:
            self._pump_queue()
        finally:
            self._pumping = False

    def _pump_queue(self) -> None:
        while self._queue:
            item = self._queue[0]
            if not isinstance(item, Outgoing):
                self._queue.popleft()
                self._send(*item)
                continue
            if not item.cancelled:
                while item.sent < item.n_chunks and item.sent - item.acked < self.window:
                    index = item.sent
                    try:
                        piece = item.read(index)
                    except Exception as exc:  # a failing store must not wedge the queue
                        self._drop(item)
                        self._send(protocol.transfer_cancel(
                            f"the kernel could not read chunk {index}: {exc!r}", transfer_id=item.transfer_id), None)
                        break
                    item.sent += 1
                    self._send(protocol.chunk(item.transfer_id, index, index * item.chunk_bytes), [piece])
                if not item.cancelled and item.sent < item.n_chunks:
                    return  # wait for an ack; what is queued behind waits too
                self._transfers.pop(item.transfer_id, None)
            self._queue.popleft()
