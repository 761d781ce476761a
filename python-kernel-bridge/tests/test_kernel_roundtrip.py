"""Round trips through a real ipykernel, with tests/peer.py acting as the frontend.

The peer speaks PROTOCOL.md over the kernel's iopub and shell channels, so this
exercises the real comm plumbing: chunked layer-data, hello/layer-ready,
layer-update, and ``layer.data`` blocking inside a running cell until the
peer's data-reply. Images and labels here; points, shapes, props, dims and
screenshots in test_kernel_layers.py.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import printed

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


@pytest.fixture(scope="module")
def nuclei(peer):
    """Kernel with a viewer ``v`` holding 'nuclei'; the peer has received it."""
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
    peer.pump(lambda: any(l.desc["name"] == "nuclei" for l in peer.layers.values()))
    return {"img": img, "id": peer.by_name("nuclei").desc["id"]}


def test_layer_data_arrives_chunked_and_is_confirmed(peer, nuclei):
    held = peer.by_name("nuclei")
    assert held.desc["dtype"] == "uint16" and held.desc["shape"] == [3000, 2000] and held.desc["ndim"] == 2
    assert held.desc["colormap"] == "gray" and held.desc["blending"] == "translucent_no_depth"
    assert np.array_equal(held.data, nuclei["img"])
    out = peer.run("print('WAITED', v.wait_until_ready('nuclei', 20) < 20, v.layers['nuclei'].is_ready)")
    assert printed(out, "WAITED") == "True True"


def test_hello_resends_layers_then_dims(peer, nuclei):
    before = peer.by_name("nuclei").desc["revision"]
    peer.inbox.clear()
    peer.send({"v": 3, "type": "hello", "client_id": "reloaded-page"})
    header, _ = peer.take("layer-data")
    dims, _ = peer.take("dims")
    assert header["transfer"]["n_chunks"] == 2 and header["layer"]["revision"] == before + 1
    assert dims["ndim"] == 2 and dims["current_step"] == [1499, 999] and dims["axis_labels"] == ["0", "1"]
    peer.pump(lambda: peer.by_name("nuclei").desc["revision"] == before + 1)
    assert np.array_equal(peer.by_name("nuclei").data, nuclei["img"])


def test_data_returns_frontend_bytes_after_an_edit(peer, nuclei):
    def paint(layer):
        layer.data[0, 0] ^= 0xFFFF
        layer.data[-1, -1] ^= 0x00FF
    revision = peer.edit(nuclei["id"], paint)
    modified = peer.by_name("nuclei").data.copy()
    out = peer.run(f"""
from seglab._blocking import wait_until
layer = v.layers['nuclei']
wait_until(lambda: layer.revision >= {revision}, 10, comm=v.comm)  # serves comm messages
print('STALE', layer.stale, layer.revision)
arr2 = layer.data
print('SHA', hashlib.sha256(arr2.tobytes()).hexdigest())
print('META', arr2.dtype, arr2.shape, arr2.flags.writeable, layer.source_data is arr2, layer.stale)
""")
    assert printed(out, "STALE") == f"True {revision}", out
    assert printed(out, "SHA") == sha(modified) != sha(nuclei["img"]), out
    assert printed(out, "META") == "uint16 (3000, 2000) True True False"


def test_stale_layer_update_is_ignored(peer, nuclei):
    peer.send({"v": 3, "type": "layer-update", "layer_id": nuclei["id"], "client_id": "test-peer", "revision": 1,
               "data_changed": True, "props": {"opacity": 0.1}})
    out = peer.run("print('IGNORED', v.layers['nuclei'].opacity, v.layers['nuclei'].stale)")
    assert printed(out, "IGNORED") == "1.0 False"


def test_labels_uint64_come_back_byte_exact(peer, nuclei):
    out = peer.run("""
lab = np.zeros((5, 300, 400), np.uint64)
lab[2, 10:20, 10:20] = 2**64 - 1
lab[4, 100:200, 50:60] = 2**63 + 12345
labels = v.add_labels(lab, name='cells', scale=(2.0, 1.0, 1.0))
print("KIND", labels.ndim, labels.dtype, labels.opacity, labels.blending, v.dims.ndim, v.dims.current_step, v.dims.point[0])
""")
    assert printed(out, "KIND") == "3 uint64 0.7 translucent 3 (2, 1499, 999) 5.0", out
    peer.pump(lambda: any(l.desc["name"] == "cells" for l in peer.layers.values()))
    held = peer.by_name("cells")
    assert held.desc["scale"] == [2.0, 1.0, 1.0] and held.data.dtype == np.uint64

    def paint(layer):
        layer.data[1, 0:5, 0:5] = 2**64 - 2
    peer.edit(held.desc["id"], paint)
    expected = held.data.copy()
    out = peer.run("got = labels.data\nprint('SHA', hashlib.sha256(got.tobytes()).hexdigest(), got.dtype.str)")
    assert printed(out, "SHA") == f"{sha(expected)} <u8"
    assert expected[1, 0, 0] == 2**64 - 2 and expected[2, 10, 10] == 2**64 - 1


def test_frontend_error_and_timeout(peer, nuclei):
    peer.refuse_requests = "decoder exploded"
    try:
        out = peer.run("try:\n    v.layers['nuclei'].data\nexcept RuntimeError as e:\n    print('RT', e)")
    finally:
        peer.refuse_requests = None
    assert "decoder exploded" in printed(out, "RT")
    peer.auto = False
    try:
        out = peer.run("try:\n    v.layers['nuclei'].fetch(timeout=0.5)\nexcept TimeoutError as e:\n    print('TO', e)")
    finally:
        peer.auto = True
    assert "no frontend sent the data of layer 'nuclei'" in printed(out, "TO")
    request, _ = peer.take("data-request")
    # A late answer to the abandoned request is dropped quietly.
    peer.kernel_errors.clear()
    peer.send_payload("data-reply", {"request_id": request["request_id"],
                                     "layer": peer.by_name("nuclei").desc}, nuclei["img"])
    assert printed(peer.run("print('N', len(v.layers))"), "N") == "2"
    assert peer.kernel_errors == []


@pytest.mark.parametrize("content, field", [
    ({"v": 1, "type": "hello", "client_id": "x"}, "v: expected protocol version 3, got 1: the frontend speaks"),
    ({"v": 3, "type": "bogus"}, "type:"),
    ({"v": 3, "type": "layer-ready", "transfer_id": "t", "nbytes": 1}, "layer_id:"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 0, "data_changed": True}, "revision:"),
    ({"v": 3, "type": "dims", "ndim": 2, "current_step": [0], "axis_labels": ["y", "x"]}, "current_step:"),
    ({"v": 3, "type": "screenshot-reply", "request_id": "r", "shape": [2, 2, 3],
      "transfer": {"id": "t", "nbytes": 12, "chunk_bytes": 12, "n_chunks": 1}}, "shape[2]:"),
    ({"v": 3, "type": "chunk", "transfer_id": "nope", "index": 0, "offset": 0}, "buffers:"),
])
def test_bad_messages_get_error_and_kernel_keeps_working(peer, nuclei, content, field):
    peer.kernel_errors.clear()
    peer.send(content)
    peer.pump(lambda: bool(peer.kernel_errors))
    assert field in peer.kernel_errors[0], peer.kernel_errors
    assert printed(peer.run("print('ALIVE', len(v.layers))"), "ALIVE") == "2"


@pytest.mark.parametrize("code, name, rgb", [
    ("np.random.default_rng(1).integers(0, 256, (257, 300, 3), dtype=np.uint8)", "photo", True),
    ("(np.arange(600 * 500) % 65536).astype('>u2').reshape(600, 500)", "big-endian", False),
    ("np.linspace(-1, 1, 2 * 3 * 40 * 50, dtype=np.float32).reshape(2, 3, 40, 50)", "tzyx", False),
])
def test_roundtrip_values(peer, nuclei, code, name, rgb):
    peer.run(f"src = {code}\nlyr = v.add_image(src, name={name!r})")
    peer.pump(lambda: any(l.desc["name"] == name for l in peer.layers.values()))
    expected = eval(code, {"np": np})
    held = peer.by_name(name)
    assert held.desc["rgb"] == rgb and held.desc["shape"] == list(expected.shape)
    assert held.desc["ndim"] == expected.ndim - rgb
    assert np.array_equal(held.data, expected)  # value-equal, little-endian on the wire
    out = peer.run("arr = lyr.data\nprint('EQ', np.array_equal(arr, src), arr.dtype.str, arr.shape == src.shape)")
    assert printed(out, "EQ") == f"True {held.data.dtype.str} True", out
    peer.run("v.layers.remove(lyr)")
    peer.pump(lambda: held.desc["id"] not in peer.layers)


def test_multiscale_image_travels_as_its_levels_and_comes_back_as_a_list(peer, nuclei):
    """A 3-level pyramid of real data (napari's ``multiscale``), chunked across level
    boundaries (a 1 MiB chunk size forces chunks that straddle two levels)."""
    peer.run(f"""
img0 = make_image({IMAGE_PATH!r})[:1500, :1500]
pyramid = [img0, img0[::2, ::2].copy(), img0[::4, ::4].copy()]
v.chunk_bytes = 1024 * 1024
ms = v.add_image(pyramid, name='pyramid')
v.chunk_bytes = 8 * 1024 * 1024
""")
    peer.pump(lambda: any(l.desc["name"] == "pyramid" for l in peer.layers.values()))
    held = peer.by_name("pyramid")
    img0 = nuclei["img"][:1500, :1500]
    assert held.desc["shape"] == [1500, 1500] and held.desc["multiscale_shapes"] == [[750, 750], [375, 375]]
    assert np.array_equal(held.data, img0)
    assert np.array_equal(held.lower_levels[0], img0[::2, ::2]) and np.array_equal(held.lower_levels[1], img0[::4, ::4])
    out = peer.run("""
got = ms.data
print('ML', ms.multiscale, type(got).__name__, [g.shape for g in got], all(np.array_equal(a, b) for a, b in zip(got, pyramid)))
""")
    assert printed(out, "ML") == "True list [(1500, 1500), (750, 750), (375, 375)] True", out
    peer.run("v.layers.remove(ms)")
