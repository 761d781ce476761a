"""Round trips through a real ipykernel, with the test acting as the frontend.

The test speaks PROTOCOL.md over the kernel's iopub and shell channels, so it
exercises the real comm plumbing: chunked layer-data, hello/layer-ready, and
``layer.data`` blocking inside a running cell until the peer's data-reply.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest
from jupyter_client import KernelManager

from peer import Peer

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SEGLAB_DATA", REPO.parent / "shared" / "data"))
IMAGE_PATH = str(DATA / "nuclei2d" / "image.tif")

# Runs both here and in the kernel, so both build the same 12 MB image.
MAKE_IMAGE = '''
import os, numpy as np
def make_image(path):
    if os.path.exists(path):
        import tifffile
        base = tifffile.imread(path).astype(np.uint16)
        reps = (-(-3000 // base.shape[0]), -(-2000 // base.shape[1]))
        return np.ascontiguousarray(np.tile(base, reps)[:3000, :2000])
    return np.random.default_rng(0).integers(0, 65535, (3000, 2000), dtype=np.uint16)
'''


def sha(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def printed(out: str, key: str) -> str:
    match = re.search(rf"^{key} (.*)$", out, re.M)
    assert match, f"no {key!r} line in kernel output:\n{out}"
    return match.group(1)


@pytest.fixture(scope="module")
def peer():
    km = KernelManager(kernel_name="python3")  # resolves to this interpreter's ipykernel
    km.start_kernel(env=dict(os.environ))  # conftest put the package on PYTHONPATH
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        yield Peer(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def nuclei(peer):
    """Kernel with a viewer holding 'nuclei'; the peer has said hello."""
    ns: dict = {}
    exec(MAKE_IMAGE, ns)
    img = ns["make_image"](IMAGE_PATH)
    out = peer.run(MAKE_IMAGE + f"""
import hashlib, seglab
img = make_image({IMAGE_PATH!r})
v = seglab.Viewer()
layer = v.add_image(img, name='nuclei')
print('SHA', hashlib.sha256(img.tobytes()).hexdigest())
""")
    assert printed(out, "SHA") == sha(img), out
    assert peer.comm_id is not None
    desc, transfer, data = peer.receive_layer()
    return {"img": img, "desc": desc, "transfer": transfer, "data": data}


def test_layer_data_arrives_chunked(nuclei):
    desc, t = nuclei["desc"], nuclei["transfer"]
    assert desc["name"] == "nuclei" and desc["dtype"] == "uint16" and desc["shape"] == [3000, 2000]
    assert desc["rgb"] is False and desc["kind"] == "image"
    assert t["nbytes"] == 12_000_000 and t["chunk_bytes"] == 8 * 1024 * 1024 and t["n_chunks"] == 2
    assert nuclei["data"] == nuclei["img"].tobytes()


def test_hello_resends_and_layer_ready(peer, nuclei):
    first = nuclei["transfer"]["id"]
    peer.send({"v": 1, "type": "layer-ready", "layer_id": nuclei["desc"]["id"],
               "transfer_id": first, "nbytes": nuclei["transfer"]["nbytes"]})
    peer.send({"v": 1, "type": "hello", "client_id": "test-peer"})
    desc, t, data = peer.receive_layer()  # a reloaded page gets the pixels again
    assert t["id"] != first and desc == nuclei["desc"] and data == nuclei["data"]
    out = peer.run("print('READY', v.layers['nuclei'].is_ready)")
    assert printed(out, "READY") == "False"  # the resent transfer is not confirmed yet
    peer.send({"v": 1, "type": "layer-ready", "layer_id": desc["id"], "transfer_id": t["id"],
               "nbytes": t["nbytes"]})
    out = peer.run("print('WAITED', v.wait_until_ready('nuclei', 10) < 10, v.layers['nuclei'].ready_at is not None)")
    assert printed(out, "WAITED") == "True True"


def _ack_layers(peer):
    """Frontend behaviour: confirm each layer-data transfer after its last chunk."""
    pending = {}

    def on_custom(content, _buffers):
        if content["type"] == "layer-data":
            pending[content["transfer"]["id"]] = (content["layer"]["id"], content["transfer"])
        elif content["type"] == "chunk" and content["transfer_id"] in pending:
            layer_id, t = pending[content["transfer_id"]]
            if content["index"] == t["n_chunks"] - 1:
                peer.send({"v": 1, "type": "layer-ready", "layer_id": layer_id,
                           "transfer_id": t["id"], "nbytes": t["nbytes"]})
    return on_custom


def test_wait_until_ready_blocks_in_cell(peer, nuclei):
    peer.on_custom = _ack_layers(peer)
    try:
        out = peer.run("small = v.add_image(np.ones((100, 100), np.float32), name='small')\n"
                       "print('WAITED', round(v.wait_until_ready('small', 20), 3) >= 0)")
    finally:
        peer.on_custom = None
    peer.inbox.clear()
    assert printed(out, "WAITED") == "True", out


def _reply_with(peer, array):
    def on_custom(content, _buffers):
        if content["type"] == "data-request":
            layer = next(l for l in peer.last_specs if l["id"] == content["layer_id"])
            peer.send_array(content["request_id"], layer, array, transfer_id="r-" + content["request_id"])
    return on_custom


def test_data_returns_frontend_bytes_not_kernel_copy(peer, nuclei):
    modified = nuclei["img"].copy()
    modified[0, 0] ^= 0xFFFF  # the frontend "edited" a pixel
    modified[-1, -1] ^= 0x00FF
    peer.last_specs = [nuclei["desc"]]
    peer.on_custom = _reply_with(peer, modified)
    try:
        out = peer.run("""
arr2 = v.layers['nuclei'].data
print('SHA', hashlib.sha256(arr2.tobytes()).hexdigest())
print('META', arr2.dtype, arr2.shape, arr2.flags.writeable, np.shares_memory(arr2, layer.source_data),
      np.array_equal(layer.source_data, img))
""", timeout=60)
    finally:
        peer.on_custom = None
    assert printed(out, "SHA") == sha(modified) != sha(nuclei["img"]), out
    assert printed(out, "META") == "uint16 (3000, 2000) True False True"


def test_frontend_error_and_timeout(peer, nuclei):
    def refuse(content, _buffers):
        if content["type"] == "data-request":
            peer.send({"v": 1, "type": "error", "message": "decoder exploded",
                       "request_id": content["request_id"]})
    peer.on_custom = refuse
    try:
        out = peer.run("try:\n    v.layers['nuclei'].data\nexcept RuntimeError as e:\n    print('RT', e)")
    finally:
        peer.on_custom = None
    assert "decoder exploded" in printed(out, "RT")
    out = peer.run("try:\n    v.layers['nuclei'].fetch(timeout=0.5)\nexcept TimeoutError as e:\n    print('TO', e)")
    assert "no frontend sent the data of layer 'nuclei'" in printed(out, "TO")
    request, _ = peer.take("data-request")
    # A late answer to the abandoned request is dropped quietly.
    peer.send_array(request["request_id"], nuclei["desc"], nuclei["img"], transfer_id="late")
    assert printed(peer.run("print('N', len(v.layers))"), "N") == "2"
    assert not [c for c, _ in peer.inbox if c["type"] == "error"]
    peer.inbox.clear()


@pytest.mark.parametrize("content, field", [
    ({"v": 2, "type": "hello", "client_id": "x"}, "v:"),
    ({"v": 1, "type": "bogus"}, "type:"),
    ({"v": 1, "type": "layer-ready", "transfer_id": "t", "nbytes": 1}, "layer_id:"),
    ({"v": 1, "type": "data-reply", "request_id": "r", "layer": {"id": "a", "name": "n", "kind": "image",
      "dtype": "uint8", "shape": [2, 2], "rgb": False},
      "transfer": {"id": "t", "nbytes": 4, "chunk_bytes": 4, "n_chunks": 2}}, "transfer.n_chunks:"),
    ({"v": 1, "type": "chunk", "transfer_id": "nope", "index": 0, "offset": 0}, "buffers:"),
])
def test_bad_messages_get_error_and_kernel_keeps_working(peer, nuclei, content, field):
    peer.inbox.clear()
    peer.send(content)
    reply, _ = peer.take("error")
    assert reply["v"] == 1 and field in reply["message"], reply
    assert printed(peer.run("print('ALIVE', len(v.layers))"), "ALIVE") == "2"


def test_chunk_for_unknown_transfer_gets_error(peer, nuclei):
    peer.inbox.clear()
    peer.send({"v": 1, "type": "chunk", "transfer_id": "nope", "index": 0, "offset": 0}, [b"xx"])
    reply, _ = peer.take("error")
    assert "transfer_id:" in reply["message"]


@pytest.mark.parametrize("code, name", [
    ("np.random.default_rng(1).integers(0, 256, (257, 300, 3), dtype=np.uint8)", "rgb"),
    ("(np.arange(600 * 500) % 65536).astype('>u2').reshape(600, 500)", "big-endian"),
])
def test_roundtrip_values(peer, nuclei, code, name):
    out = peer.run(f"src = {code}\nlyr = v.add_image(src, name={name!r})")
    desc, _, data = peer.receive_layer()
    expected = eval(code, {"np": np})
    assert desc["name"] == name and desc["rgb"] == (name == "rgb")
    assert desc["shape"] == list(expected.shape) and desc["dtype"] == expected.dtype.name
    received = np.frombuffer(data, dtype=np.dtype(desc["dtype"]).newbyteorder("<")).reshape(expected.shape)
    assert np.array_equal(received, expected)  # value-equal, little-endian on the wire
    peer.last_specs = [desc]
    peer.on_custom = _reply_with(peer, received)
    try:
        out = peer.run("arr = lyr.data\nprint('EQ', np.array_equal(arr, src), arr.dtype.str, arr.shape == src.shape)")
    finally:
        peer.on_custom = None
    assert printed(out, "EQ") == f"True {'|u1' if name == 'rgb' else '<u2'} True", out
