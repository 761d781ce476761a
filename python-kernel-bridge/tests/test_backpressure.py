"""Back-pressure and cancellation of transfers (PROTOCOL.md, "Transfers"): the kernel keeps
at most a window of chunks ahead of the frontend's chunk-ack, keeps every other message in
order behind them, and stops a transfer a frontend cancels. In-process first, then through
a real kernel with tests/peer.py as the frontend."""

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend
from seglab._outbox import DEFAULT_WINDOW

CHUNK = 1000


@pytest.fixture
def v(monkeypatch):
    """A viewer whose frontend has said hello but acknowledges nothing by itself."""
    viewer = capturing_viewer(monkeypatch, ack=False, chunk_bytes=CHUNK)
    frontend(viewer, type="hello", client_id="tab-1")
    viewer.sent.clear()
    return viewer


def types(v):
    return [c["type"] for c, _ in v.sent]


def chunks_of(v, transfer_id):
    return [c["index"] for c, _ in v.sent if c["type"] == "chunk" and c["transfer_id"] == transfer_id]


def image(n_chunks, dtype=np.uint8):
    return (np.arange(n_chunks * CHUNK) % 251).astype(dtype).reshape(n_chunks * 10, CHUNK // 10)


def test_a_transfer_runs_a_window_ahead_of_the_acks_and_later_messages_wait_behind_it(v):
    layer = v.add_image(image(10), name="big")
    tid = layer._last_transfer
    layer.opacity = 0.5  # a layer-props must not overtake the layer's own data
    assert types(v) == ["layer-data"] + ["chunk"] * DEFAULT_WINDOW
    frontend(v, type="chunk-ack", transfer_id=tid, received=2)
    assert chunks_of(v, tid) == list(range(DEFAULT_WINDOW + 2))
    frontend(v, type="chunk-ack", transfer_id=tid, received=1)  # a slower tab: no effect
    assert len(chunks_of(v, tid)) == DEFAULT_WINDOW + 2
    frontend(v, type="chunk-ack", transfer_id=tid, received=DEFAULT_WINDOW + 2)
    assert chunks_of(v, tid) == list(range(10))
    assert types(v)[-1] == "layer-props"  # sent once the last chunk was
    payload = b"".join(bytes(b[0]) for c, b in v.sent if c["type"] == "chunk")
    assert payload == layer.source_data.tobytes()


def test_acks_for_unknown_or_finished_transfers_are_harmless(v):
    layer = v.add_image(image(2), name="small")
    frontend(v, type="chunk-ack", transfer_id=layer._last_transfer, received=99)
    frontend(v, type="chunk-ack", transfer_id="no-such-transfer", received=3)
    assert chunks_of(v, layer._last_transfer) == [0, 1] and not [c for c, _ in v.sent if c["type"] == "error"]


def test_new_data_supersedes_the_unsent_rest_of_the_previous_transfer(v):
    layer = v.add_image(image(10), name="big")
    old = layer._last_transfer
    layer.data = image(3)
    new = layer._last_transfer
    frontend(v, type="chunk-ack", transfer_id=old, received=DEFAULT_WINDOW)  # late ack of the old one
    assert chunks_of(v, old) == list(range(DEFAULT_WINDOW)) and chunks_of(v, new) == [0, 1, 2]


def test_a_frontend_cancels_a_transfer_and_every_tab_is_told(v):
    layer = v.add_image(image(10), name="big")
    v.add_image(image(1), name="after")  # queued behind: must still go out
    tid = layer._last_transfer
    frontend(v, type="transfer-cancel", transfer_id=tid, reason="cancelled in the viewer")
    assert chunks_of(v, tid) == list(range(DEFAULT_WINDOW))
    cancel = next(c for c, _ in v.sent if c["type"] == "transfer-cancel")
    assert cancel["transfer_id"] == tid and cancel["reason"] == "cancelled in the viewer"
    assert [c["layer"]["name"] for c, _ in v.sent if c["type"] == "layer-data"] == ["big", "after"]
    with pytest.raises(RuntimeError, match=r"transfer of layer 'big' was cancelled in the viewer; layer.refresh\(\)"):
        v.wait_until_ready("big", timeout=1)
    layer.refresh()  # sends it again
    assert v._outbox.sending(layer._last_transfer)


def test_a_store_that_fails_mid_transfer_cancels_it_and_the_queue_goes_on(v):
    layer = v.add_image(image(6), name="flaky")
    reader = layer._chunk_reader

    def failing(chunk_bytes):
        read = reader(chunk_bytes)
        return lambda i: read(i) if i < 5 else (_ for _ in ()).throw(OSError("chunk file vanished"))
    layer._chunk_reader = failing
    layer.refresh()
    tid = layer._last_transfer
    v.add_points([[1, 1]], name="next")
    for received in (2, 4, 5):
        frontend(v, type="chunk-ack", transfer_id=tid, received=received)
    cancel = next(c for c, _ in v.sent if c["type"] == "transfer-cancel")
    assert cancel["transfer_id"] == tid and "could not read chunk 5: OSError('chunk file vanished')" in cancel["reason"]
    assert types(v)[-2:] == ["layer-data", "chunk"]  # the points layer still went out


def test_the_kernel_acknowledges_the_chunks_of_a_reply(monkeypatch):
    v = capturing_viewer(monkeypatch, chunk_bytes=CHUNK)
    frontend(v, type="hello", client_id="tab-1")
    request_id = "r1"
    from seglab._bridge import _Request
    request = _Request(decode=lambda meta, payload: bytes(payload), max_bytes=10 ** 6, id=request_id)
    v._requests[request_id] = request
    header = {"id": "t1", "nbytes": 2500, "chunk_bytes": CHUNK, "n_chunks": 3}
    frontend(v, type="screenshot-reply", request_id=request_id, shape=[25, 25, 4], transfer=header)
    v.sent.clear()
    for i in range(3):
        frontend(v, [b"x" * min(CHUNK, 2500 - i * CHUNK)], type="chunk", transfer_id="t1", index=i, offset=i * CHUNK)
    assert [(c["type"], c.get("received")) for c, _ in v.sent] == [("chunk-ack", 1), ("chunk-ack", 2)]
    assert request.done.is_set() and request.error is None


def test_a_reply_the_kernel_stopped_waiting_for_is_cancelled_by_request_id(v):
    layer = v.add_labels(np.zeros((20, 20), np.uint8), name="seg")
    frontend(v, type="chunk-ack", transfer_id=layer._last_transfer, received=1)
    v.sent.clear()
    with pytest.raises(TimeoutError):
        layer.fetch(timeout=0.2)  # outside a kernel nobody answers
    request = next(c for c, _ in v.sent if c["type"] == "data-request")
    cancel = next(c for c, _ in v.sent if c["type"] == "transfer-cancel")
    assert cancel["request_id"] == request["request_id"] and "stopped waiting" in cancel["reason"]


@pytest.mark.parametrize("content, error", [
    ({"type": "chunk-ack", "transfer_id": "t"}, "received: expected an int"),
    ({"type": "chunk-ack", "transfer_id": "t", "received": -1}, "received: expected an int in [0"),
    ({"type": "transfer-cancel", "reason": "x"}, "transfer_id, request_id: expected at least one of them"),
    ({"type": "transfer-cancel", "transfer_id": "t"}, "reason: expected a string"),
])
def test_bad_control_messages_are_answered_with_an_error(v, content, error):
    frontend(v, **content)
    errors = [c["message"] for c, _ in v.sent if c["type"] == "error"]
    assert errors and error in errors[0], errors


# -- through a real kernel -----------------------------------------------------------------

def test_a_real_kernel_waits_for_acks_and_keeps_sending_while_a_cell_runs(peer):
    """With the peer silent the kernel stops after a window; acks (handled on SegLab's
    subshell while the main thread sleeps in a cell) let the rest through before the cell ends."""
    peer.run("import seglab, numpy as np, time\nbp = seglab.Viewer(chunk_bytes=1 << 20)")
    peer.auto = False
    try:
        peer.run("big = np.arange(12 << 20, dtype=np.uint8).reshape(3072, 4096) % 253\n"
                 "bp_layer = bp.add_image(big, name='bp-big')")
        peer.pump(lambda: sum(c["type"] == "chunk" for c, _ in peer.inbox) >= DEFAULT_WINDOW, timeout=20)
        with pytest.raises(TimeoutError):  # nothing more without an ack
            peer.pump(lambda: sum(c["type"] == "chunk" for c, _ in peer.inbox) > DEFAULT_WINDOW, timeout=1.0)
        held = list(peer.inbox)
        peer.inbox.clear()
    finally:
        peer.auto = True
    for content, buffers in held:
        peer._frontend(content, buffers)  # acks go out while the next cell sleeps
    out = peer.run("time.sleep(3)\nprint('READY', bp_layer.is_ready)")
    assert "READY True" in out, out
    received = peer.by_name("bp-big")
    assert np.array_equal(received.data, (np.arange(12 << 20, dtype=np.uint8).reshape(3072, 4096) % 253))


def test_a_frontend_that_cancels_its_own_reply_fails_the_wait_and_its_late_chunks_are_dropped(monkeypatch):
    v = capturing_viewer(monkeypatch, chunk_bytes=CHUNK)
    from seglab._bridge import _Request
    request = _Request(decode=lambda meta, payload: bytes(payload), max_bytes=10 ** 6, id="r2")
    v._requests["r2"] = request
    header = {"id": "t2", "nbytes": 3000, "chunk_bytes": CHUNK, "n_chunks": 3}
    frontend(v, type="screenshot-reply", request_id="r2", shape=[25, 30, 4], transfer=header)
    frontend(v, [b"x" * CHUNK], type="chunk", transfer_id="t2", index=0, offset=0)
    frontend(v, type="transfer-cancel", transfer_id="t2", reason="the tab closed")
    assert request.done.is_set() and request.error == "the viewer cancelled the transfer (the tab closed)"
    v.sent.clear()
    frontend(v, [b"x" * CHUNK], type="chunk", transfer_id="t2", index=1, offset=CHUNK)
    assert [c["type"] for c, _ in v.sent] == ["chunk-ack"]  # no error: dropped quietly
