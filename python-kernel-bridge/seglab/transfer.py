"""Chunked transfers of one byte payload (PROTOCOL.md, "Transfers").

A payload is cut into chunks of at most ``chunk_bytes`` so that every
websocket message stays below Jupyter Server's 10 MiB limit. Sending slices
memoryviews (no copies); receiving writes each chunk straight into one
preallocated ``bytearray``.
"""

from __future__ import annotations

import math
import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._frontend import DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES


class TransferError(ValueError):
    """A transfer header or chunk violates the protocol."""


def _is_int(value: Any) -> bool:
    # bool is an int subclass but never a valid count or offset.
    return isinstance(value, int) and not isinstance(value, bool)


def _as_bytes(buffer: Any) -> memoryview:
    view = memoryview(buffer)
    if view.ndim != 1 or view.format != "B":
        view = view.cast("B")
    return view


def new_transfer_id() -> str:
    """A fresh, unique transfer id."""
    return uuid.uuid4().hex


def split_chunks(buffer: memoryview, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> List[memoryview]:
    """Zero-copy slices of ``buffer``, each ``chunk_bytes`` long but the last."""
    if not _is_int(chunk_bytes) or not 1 <= chunk_bytes <= MAX_CHUNK_BYTES:
        raise TransferError(f"chunk_bytes: expected an int in [1, {MAX_CHUNK_BYTES}], got {chunk_bytes!r}")
    view = _as_bytes(buffer)
    if view.nbytes == 0:
        raise TransferError("expected a non-empty payload, got 0 bytes")
    return [view[start:start + chunk_bytes] for start in range(0, view.nbytes, chunk_bytes)]


def split_chunks_of_parts(parts: Sequence[Any], chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> List[Any]:
    """Chunks of the concatenation of ``parts`` (e.g. the levels of a multiscale image):
    zero-copy slices where a chunk lies inside one part, a joined copy (at most
    ``chunk_bytes``) only where a chunk straddles two."""
    views = [_as_bytes(part) for part in parts if memoryview(part).nbytes]
    if len(views) <= 1:
        return split_chunks(views[0] if views else memoryview(b""), chunk_bytes)
    split_chunks(memoryview(b"x"), chunk_bytes)  # validates chunk_bytes
    chunks: List[Any] = []
    pending: List[memoryview] = []
    pending_bytes = 0
    for view in views:
        start = 0
        while start < view.nbytes:
            take = min(chunk_bytes - pending_bytes, view.nbytes - start)
            piece = view[start:start + take]
            start += take
            if not pending and take == chunk_bytes:
                chunks.append(piece)
                continue
            pending.append(piece)
            pending_bytes += take
            if pending_bytes == chunk_bytes:
                chunks.append(b"".join(pending))
                pending, pending_bytes = [], 0
    if pending:
        chunks.append(pending[0] if len(pending) == 1 else b"".join(pending))
    return chunks


def transfer_header(
    nbytes: int, chunk_bytes: int = DEFAULT_CHUNK_BYTES, transfer_id: Optional[str] = None,
    *, allow_empty: bool = False,
) -> Dict[str, Any]:
    """The ``transfer`` header for a payload of ``nbytes`` bytes (0 only with ``allow_empty``)."""
    header = {
        "id": transfer_id or new_transfer_id(),
        "nbytes": nbytes,
        "chunk_bytes": chunk_bytes,
        "n_chunks": math.ceil(nbytes / chunk_bytes) if _is_int(chunk_bytes) and chunk_bytes > 0 else 0,
    }
    check_header(header, allow_empty=allow_empty)
    return header


def check_header(header: Any, *, max_bytes: Optional[int] = None, field: str = "transfer",
                 allow_empty: bool = False) -> None:
    """Raise :class:`TransferError` naming the bad field if ``header`` is invalid.

    ``allow_empty`` admits ``nbytes == 0`` (with ``n_chunks == 0``): empty points and
    shapes layers have no payload, and no chunk messages follow their header.
    """
    if not isinstance(header, Mapping):
        raise TransferError(f"{field}: expected an object, got {type(header).__name__}")
    tid = header.get("id")
    if not isinstance(tid, str) or not tid:
        raise TransferError(f"{field}.id: expected a non-empty string, got {tid!r}")
    nbytes, chunk_bytes, n_chunks = (header.get(k) for k in ("nbytes", "chunk_bytes", "n_chunks"))
    least = 0 if allow_empty else 1
    if not _is_int(nbytes) or nbytes < least:
        raise TransferError(f"{field}.nbytes: expected an int >= {least}, got {nbytes!r}")
    if max_bytes is not None and nbytes > max_bytes:
        raise TransferError(f"{field}.nbytes: expected at most {max_bytes}, got {nbytes}")
    if not _is_int(chunk_bytes) or not 1 <= chunk_bytes <= MAX_CHUNK_BYTES:
        raise TransferError(
            f"{field}.chunk_bytes: expected an int in [1, {MAX_CHUNK_BYTES}], got {chunk_bytes!r}")
    expected = math.ceil(nbytes / chunk_bytes)
    if not _is_int(n_chunks) or n_chunks != expected:
        raise TransferError(f"{field}.n_chunks: expected {expected} (ceil(nbytes / chunk_bytes)), got {n_chunks!r}")


class Assembler:
    """Reassembles the chunks of one transfer into a preallocated bytearray.

    Chunks may arrive in any order; each is checked against the header
    (transfer id, index, offset, size, duplicates) before it is copied.
    """

    def __init__(self, header: Mapping[str, Any], *, max_bytes: Optional[int] = None) -> None:
        check_header(header, max_bytes=max_bytes)
        self.transfer_id: str = header["id"]
        self.nbytes: int = header["nbytes"]
        self.chunk_bytes: int = header["chunk_bytes"]
        self.n_chunks: int = header["n_chunks"]
        self._buffer = bytearray(self.nbytes)
        self._received = set()  # indices already written

    @property
    def complete(self) -> bool:
        """True once every chunk has arrived."""
        return len(self._received) == self.n_chunks

    @property
    def received(self) -> int:
        """Number of chunks received so far."""
        return len(self._received)

    def expected_size(self, index: int) -> int:
        """Size in bytes of chunk ``index``."""
        if index < self.n_chunks - 1:
            return self.chunk_bytes
        return self.nbytes - (self.n_chunks - 1) * self.chunk_bytes

    def add(self, chunk: Mapping[str, Any], buffer: Any) -> bool:
        """Store one chunk message (``content`` plus its buffer); return ``complete``."""
        tid = chunk.get("transfer_id")
        if tid != self.transfer_id:
            raise TransferError(f"transfer_id: expected {self.transfer_id!r}, got {tid!r}")
        index, offset = chunk.get("index"), chunk.get("offset")
        if not _is_int(index) or not 0 <= index < self.n_chunks:
            raise TransferError(f"index: expected an int in [0, {self.n_chunks - 1}], got {index!r}")
        if index in self._received:
            raise TransferError(f"index: chunk {index} of transfer {self.transfer_id} received twice")
        if not _is_int(offset) or offset != index * self.chunk_bytes:
            raise TransferError(f"offset: expected {index * self.chunk_bytes} for chunk {index}, got {offset!r}")
        view = _as_bytes(buffer)
        size = self.expected_size(index)
        if view.nbytes != size:
            raise TransferError(f"buffer: expected {size} bytes for chunk {index}, got {view.nbytes}")
        self._buffer[offset:offset + size] = view
        self._received.add(index)
        return self.complete

    def result(self) -> bytearray:
        """The assembled payload; raises if chunks are missing."""
        if not self.complete:
            missing = self.n_chunks - len(self._received)
            raise TransferError(f"transfer {self.transfer_id} incomplete: {missing} of {self.n_chunks} chunks missing")
        return self._buffer
