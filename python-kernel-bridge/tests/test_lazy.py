"""Lazy images (seglab.lazy, seglab._tiles): dask, zarr, xarray and memory maps are never
read whole; the descriptor carries no payload; tile requests are answered with exactly the
region numpy slicing of the source gives, through a bounded cache; bad requests get errors
addressed to their request_id. Frontend messages are fed to the real handler in-process."""

import numpy as np
import pytest

dask_array = pytest.importorskip("dask.array")
zarr = pytest.importorskip("zarr")
xr = pytest.importorskip("xarray")

from inprocess import capturing_viewer  # noqa: E402
from seglab.descriptors import check_descriptor, payload_nbytes  # noqa: E402
from seglab.lazy import TileCache, is_lazy  # noqa: E402


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch)


class CountingStore(zarr.storage.MemoryStore):
    """A zarr store that counts the chunks read: what "never materialised" means."""

    def __init__(self):
        super().__init__()
        self.reads = 0

    async def get(self, key, prototype, byte_range=None):
        if not key.endswith("zarr.json"):
            self.reads += 1
        return await super().get(key, prototype, byte_range)


def filled_zarr(shape=(4096, 6144), chunks=(512, 512), dtype="uint16"):
    store = CountingStore()
    z = zarr.create_array(store=store, shape=shape, chunks=chunks, dtype=dtype)
    rng = np.random.default_rng(5)
    data = rng.integers(100, 4000, size=shape, dtype=dtype)
    z[...] = data
    store.reads = 0
    return z, data, store


def request(v, layer, level=0, start=(0, 0), stop=(10, 10), step=(1, 1), rid="T1"):
    v.sent.clear()
    v._on_frontend_msg(v, {"v": 3, "type": "tile-request", "request_id": rid, "layer_id": layer.id,
                           "level": level, "start": list(start), "stop": list(stop), "step": list(step)}, [])
    assert len(v.sent) == 1, v.sent
    content, buffers = v.sent[0]
    if content["type"] == "error":
        return content, None
    pixels = np.frombuffer(bytes(buffers[0]), dtype=np.dtype(content["dtype"]).newbyteorder("<")).reshape(content["shape"])
    return content, pixels


def test_detects_lazy_inputs_and_keeps_numpy_eager(tmp_path):
    mm = np.lib.format.open_memmap(tmp_path / "a.npy", mode="w+", dtype=np.uint16, shape=(64, 64))
    assert is_lazy(dask_array.zeros((8, 8))) and is_lazy(zarr.zeros((8, 8))) and is_lazy(mm)
    assert is_lazy(xr.DataArray(dask_array.zeros((8, 8)), dims=("y", "x")))
    assert not is_lazy(np.zeros((8, 8))) and not is_lazy(xr.DataArray(np.zeros((8, 8))))


def test_a_large_zarr_opens_without_reading_it(viewer):
    z, data, store = filled_zarr()
    layer = viewer.add_image(z, name="big")
    desc = check_descriptor(viewer.sent[0][0]["layer"])
    assert desc["lazy"] is True and payload_nbytes(desc) == 0 and viewer.sent[0][0]["transfer"]["nbytes"] == 0
    assert not any(c["type"] == "chunk" for c, _ in viewer.sent)
    # Contrast limits from 16 windows of 256² in the middle: a few chunks of the 96, not all.
    assert 0 < store.reads <= 32, store.reads
    lo, hi = layer.contrast_limits
    assert data.min() <= lo < hi <= data.max()
    assert layer.lazy and layer.data is z and layer.fetch() is z and layer.nbytes == 0


@pytest.mark.parametrize("start, stop, step", [
    ((0, 0), (514, 514), (1, 1)),          # a tile with its halo
    ((511, 1023), (1025, 1537), (1, 1)),    # across chunk borders
    ((2, 2), (4096, 6144), (16, 16)),       # a virtual level: every 16th from 16/2
    ((4095, 6143), (4096, 6144), (1, 1)),   # the last pixel
])
def test_tiles_are_numpy_slices_of_the_source(viewer, start, stop, step):
    z, data, store = filled_zarr()
    layer = viewer.add_image(z, name="big")
    content, pixels = request(viewer, layer, start=start, stop=stop, step=step)
    want = data[start[0]:stop[0]:step[0], start[1]:stop[1]:step[1]]
    assert content["type"] == "tile-data" and content["request_id"] == "T1" and content["layer_id"] == layer.id
    assert content["shape"] == list(want.shape) and content["dtype"] == "uint16"
    np.testing.assert_array_equal(pixels, want)


def test_cache_serves_a_repeat_without_reading_and_stays_bounded(viewer):
    z, data, store = filled_zarr()
    layer = viewer.add_image(z, name="big")
    request(viewer, layer, start=(0, 0), stop=(514, 514))
    reads = store.reads
    _, again = request(viewer, layer, start=(0, 0), stop=(514, 514), rid="T2")
    assert store.reads == reads and viewer.tile_cache.hits >= 1
    np.testing.assert_array_equal(again, data[:514, :514])
    cache = TileCache(budget_bytes=3 * 514 * 514 * 2)
    for k in range(10):
        cache.get(("L", k), lambda: np.zeros((514, 514), np.uint16))
    assert cache.bytes <= cache.budget and len(cache) == 3


def test_dask_3d_multiscale_rgb_and_xarray(viewer):
    vol = np.arange(6 * 40 * 50, dtype=np.float64).reshape(6, 40, 50)
    lazy = dask_array.from_array(vol, chunks=(1, 16, 16))
    pyramid = [lazy, lazy[:, ::2, ::2]]
    layer = viewer.add_image(pyramid, name="pyr")
    assert layer.lazy and layer.multiscale and viewer.sent[0][0]["layer"]["multiscale_shapes"] == [[6, 20, 25]]
    _, pixels = request(viewer, layer, level=1, start=(4, 3, 0), stop=(5, 11, 25), step=(1, 1, 2))
    np.testing.assert_array_equal(pixels, vol[:, ::2, ::2][4:5, 3:11, 0:25:2])
    rgb = dask_array.from_array(np.arange(60 * 70 * 3, dtype=np.uint8).reshape(60, 70, 3) % 251, chunks=(32, 32, 3))
    colour = viewer.add_image(rgb, name="rgb")
    assert colour.rgb and colour.lazy
    _, pixels = request(viewer, colour, start=(10, 20), stop=(12, 25))
    np.testing.assert_array_equal(pixels, rgb.compute()[10:12, 20:25])
    labelled = xr.DataArray(dask_array.from_array(vol, chunks=(2, 20, 25)), dims=("z", "y", "x"))
    viewer.layers.remove(layer)
    viewer.layers.remove(colour)
    viewer.add_image(labelled, name="xr")
    assert viewer.dims.axis_labels == ("z", "y", "x")


def test_channel_axis_splits_lazily(viewer):
    z, data, store = filled_zarr(shape=(3, 256, 300), chunks=(1, 128, 128))
    layers = viewer.add_image(z, channel_axis=0, name=["a", "b", "c"])
    assert [l.lazy for l in layers] == [True] * 3 and [l.shape for l in layers] == [(256, 300)] * 3
    _, pixels = request(viewer, layers[2], start=(5, 7), stop=(40, 90))
    np.testing.assert_array_equal(pixels, data[2, 5:40, 7:90])


@pytest.mark.parametrize("fields, match", [
    (dict(level=3), r"level: expected a level in \[0, 1\)"),
    (dict(start=[0, 0], stop=[10, 7000]), r"stop\[1\]: expected 0 <= start < stop <= 6144"),
    (dict(start=[0], stop=[10], step=[1]), r"start: expected 2 entries"),
    (dict(start=[0, 0], stop=[3000, 3000]), r"at most 9437184 bytes"),
    (dict(step=[0, 1]), r"step\[0\]: expected an int in \[1"),
    (dict(start=[0, 0, 0]), r"start, stop, step: expected lists of one length"),
])
def test_bad_tile_requests_get_errors_for_their_request(viewer, fields, match):
    z, data, store = filled_zarr()
    layer = viewer.add_image(z, name="big")
    msg = {"v": 3, "type": "tile-request", "request_id": "R7", "layer_id": layer.id, "level": 0,
           "start": [0, 0], "stop": [10, 10], "step": [1, 1], **fields}
    viewer.sent.clear()
    viewer._on_frontend_msg(viewer, msg, [])
    (content, _), = viewer.sent
    assert content["type"] == "error" and content["request_id"] == "R7"
    assert __import__("re").search(match, content["message"]), content["message"]


def test_a_tile_request_for_an_eager_image_or_a_failing_store_is_an_error(viewer):
    eager = viewer.add_image(np.zeros((20, 20), np.uint16), name="eager")
    content, _ = request(viewer, eager)
    assert content["type"] == "error" and "lazy image layer" in content["message"]

    def broken(block):
        raise OSError("chunk file missing")
    bad = dask_array.zeros((64, 64), chunks=32, dtype=np.uint16).map_blocks(broken, dtype=np.uint16)
    layer = viewer.add_image(bad, name="bad", contrast_limits=(0, 1))
    content, _ = request(viewer, layer)
    assert content["type"] == "error" and "chunk file missing" in content["message"]
    # The viewer keeps serving the next request.
    z, data, store = filled_zarr()
    good = viewer.add_image(z, name="good")
    content, pixels = request(viewer, good)
    np.testing.assert_array_equal(pixels, data[:10, :10])


def test_replacing_or_removing_a_lazy_layer_drops_its_tiles(viewer):
    z, data, store = filled_zarr()
    layer = viewer.add_image(z, name="big")
    request(viewer, layer, start=(0, 0), stop=(514, 514))
    assert viewer.tile_cache.bytes > 0
    layer.data = dask_array.from_array(data[:1000, :1000], chunks=256)
    assert viewer.tile_cache.bytes == 0 and layer.lazy and layer.shape == (1000, 1000)
    request(viewer, layer, start=(0, 0), stop=(100, 100))
    viewer.layers.remove(layer)
    assert viewer.tile_cache.bytes == 0
    layer2 = viewer.add_image(np.ones((5, 5), np.uint8))
    assert not layer2.lazy


def test_a_lazy_array_that_changed_shape_gets_a_clear_error_and_can_be_set_again(viewer):
    z, data, store = filled_zarr(shape=(1024, 1024))
    layer = viewer.add_image(z, name="grows")
    z.resize((512, 1024))  # changed under the viewer's feet
    content, _ = request(viewer, layer, start=(0, 0), stop=(10, 10))
    assert content["type"] == "error" and content["request_id"] == "T1"
    assert "changed shape from (1024, 1024) to (512, 1024)" in content["message"] and "set layer.data again" in content["message"]
    layer.data = z
    content, pixels = request(viewer, layer, start=(0, 0), stop=(10, 10))
    np.testing.assert_array_equal(pixels, data[:10, :10])
