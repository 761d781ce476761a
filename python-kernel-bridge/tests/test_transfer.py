import math

import numpy as np
import pytest

from seglab._frontend import DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES
from seglab.transfer import Assembler, TransferError, check_header, split_chunks, transfer_header

MiB = 1024 * 1024


def roundtrip(payload: bytes, chunk_bytes: int, order=None) -> bytes:
    header = transfer_header(len(payload), chunk_bytes)
    chunks = split_chunks(memoryview(payload), chunk_bytes)
    assert len(chunks) == header["n_chunks"] == math.ceil(len(payload) / chunk_bytes)
    asm = Assembler(header)
    indices = order or range(len(chunks))
    for n, i in enumerate(indices):
        done = asm.add({"transfer_id": header["id"], "index": i, "offset": i * chunk_bytes}, chunks[i])
        assert done == (n == len(chunks) - 1)
    return bytes(asm.result())


@pytest.mark.parametrize("size, chunk", [(1, 8 * MiB), (8 * MiB, 8 * MiB), (8 * MiB + 1, 8 * MiB),
                                         (20 * MiB, 8 * MiB), (10, 3)])
def test_roundtrip(size, chunk):
    payload = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
    assert roundtrip(payload, chunk) == payload


def test_out_of_order_chunks():
    payload = bytes(range(256)) * 3
    assert roundtrip(payload, 100, order=[7, 0, 3, 1, 2, 6, 5, 4]) == payload


def test_split_is_zero_copy():
    a = np.arange(100, dtype=np.uint8)
    chunks = split_chunks(memoryview(a), 30)
    a[0] = 99
    assert chunks[0][0] == 99 and [c.nbytes for c in chunks] == [30, 30, 30, 10]


def test_split_casts_typed_views():
    a = np.arange(10, dtype=np.uint16)
    assert [c.nbytes for c in split_chunks(memoryview(a), 8)] == [8, 8, 4]


@pytest.mark.parametrize("chunk", [0, -1, MAX_CHUNK_BYTES + 1, 1.5, True])
def test_split_rejects_bad_chunk_size(chunk):
    with pytest.raises(TransferError, match="chunk_bytes"):
        split_chunks(memoryview(b"abc"), chunk)


def test_split_rejects_empty():
    with pytest.raises(TransferError, match="non-empty"):
        split_chunks(memoryview(b""), 4)


def test_header_defaults():
    h = transfer_header(20 * MiB)
    assert h["chunk_bytes"] == DEFAULT_CHUNK_BYTES and h["n_chunks"] == 3 and h["id"]


@pytest.mark.parametrize("header, field", [
    ("x", "transfer: expected an object"),
    ({"id": "", "nbytes": 1, "chunk_bytes": 1, "n_chunks": 1}, "transfer.id"),
    ({"id": "t", "nbytes": 0, "chunk_bytes": 1, "n_chunks": 0}, "transfer.nbytes"),
    ({"id": "t", "nbytes": "1", "chunk_bytes": 1, "n_chunks": 1}, "transfer.nbytes"),
    ({"id": "t", "nbytes": 5, "chunk_bytes": 0, "n_chunks": 1}, "transfer.chunk_bytes"),
    ({"id": "t", "nbytes": 5, "chunk_bytes": MAX_CHUNK_BYTES + 1, "n_chunks": 1}, "transfer.chunk_bytes"),
    ({"id": "t", "nbytes": 5, "chunk_bytes": 2, "n_chunks": 2}, "transfer.n_chunks: expected 3"),
])
def test_bad_headers(header, field):
    with pytest.raises(TransferError, match=field):
        check_header(header)


def test_header_max_bytes():
    with pytest.raises(TransferError, match="transfer.nbytes: expected at most 10"):
        Assembler({"id": "t", "nbytes": 11, "chunk_bytes": 4, "n_chunks": 3}, max_bytes=10)


@pytest.fixture
def asm():
    return Assembler({"id": "t", "nbytes": 10, "chunk_bytes": 4, "n_chunks": 3})


@pytest.mark.parametrize("chunk, buf, field", [
    ({"transfer_id": "other", "index": 0, "offset": 0}, b"abcd", "transfer_id"),
    ({"transfer_id": "t", "index": 3, "offset": 12}, b"ab", "index"),
    ({"transfer_id": "t", "index": -1, "offset": 0}, b"abcd", "index"),
    ({"transfer_id": "t", "index": "0", "offset": 0}, b"abcd", "index"),
    ({"transfer_id": "t", "index": 1, "offset": 3}, b"abcd", "offset: expected 4"),
    ({"transfer_id": "t", "index": 0, "offset": 0}, b"abc", "buffer: expected 4 bytes"),
    ({"transfer_id": "t", "index": 2, "offset": 8}, b"abcd", "buffer: expected 2 bytes"),
])
def test_bad_chunks(asm, chunk, buf, field):
    with pytest.raises(TransferError, match=field):
        asm.add(chunk, buf)
    assert asm.received == 0


def test_duplicate_and_incomplete(asm):
    asm.add({"transfer_id": "t", "index": 0, "offset": 0}, b"abcd")
    with pytest.raises(TransferError, match="received twice"):
        asm.add({"transfer_id": "t", "index": 0, "offset": 0}, b"abcd")
    with pytest.raises(TransferError, match="incomplete: 2 of 3 chunks missing"):
        asm.result()


def test_empty_transfers_only_when_allowed():
    with pytest.raises(TransferError, match="transfer.nbytes: expected an int >= 1, got 0"):
        transfer_header(0)
    header = transfer_header(0, allow_empty=True)
    assert (header["nbytes"], header["n_chunks"]) == (0, 0)
    check_header(header, allow_empty=True)
    with pytest.raises(TransferError, match="transfer.n_chunks: expected 0"):
        check_header(dict(header, n_chunks=1), allow_empty=True)
