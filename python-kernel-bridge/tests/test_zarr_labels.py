"""Labels in a zarr store (seglab.store_labels): ``add_labels(z)`` keeps the zarr array as the
layer's data, as napari keeps the array it is given. The payload is read from the store chunk
by chunk as it is sent (no numpy copy in the kernel), edits painted in the viewer are written
into the store (only the chunks they touch change on disk), and a frontend reply to
``layer.data`` lands in the store too. Real on-disk stores in ``tmp_path`` holding labels
computed with scikit-image from the nuclei2d image. In-process, plus one real-kernel round trip.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

zarr = pytest.importorskip("zarr")
tifffile = pytest.importorskip("tifffile")
pytest.importorskip("skimage")
from skimage import filters, measure  # noqa: E402

from conftest import printed  # noqa: E402
from inprocess import capturing_viewer, frontend  # noqa: E402
from seglab.store_labels import EditsNotStoredWarning  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SEGLAB_DATA", REPO.parent / "shared" / "data"))
IMAGE = DATA / "nuclei2d" / "image.tif"
CHUNKS = (64, 64)
# A new label id for painting: not in the reference labels (about 475 objects).
PAINT = 60_000


def nuclei_labels() -> np.ndarray:
    """Reference content: Otsu threshold of the nuclei image, connected components."""
    img = tifffile.imread(IMAGE)
    return measure.label(img > filters.threshold_otsu(img)).astype(np.uint32)


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    lab = nuclei_labels()
    assert lab.shape == (512, 512) and 100 < lab.max() < PAINT
    return lab


@pytest.fixture
def store_path(tmp_path, reference) -> Path:
    """``seg.zarr/labels``: a zarr v3 array in a group, chunked (64, 64), on disk."""
    group = zarr.open_group(tmp_path / "seg.zarr", mode="w")
    z = group.create_array("labels", shape=reference.shape, chunks=CHUNKS, dtype="uint32")
    z[...] = reference
    date_back(tmp_path / "seg.zarr" / "labels")
    return tmp_path / "seg.zarr" / "labels"


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch)


class CountingStore(zarr.storage.LocalStore):
    """A local store that records the chunk keys read (what "reads only its rows" means)."""

    def __init__(self, root, **kwargs):
        super().__init__(root, **kwargs)
        self.keys = []

    async def get(self, key, prototype=None, byte_range=None):
        if key.startswith("c/"):
            self.keys.append(key)
        return await super().get(key, prototype, byte_range)


def chunk_files(path: Path) -> dict:
    """Bytes and mtime of every chunk file of the array at ``path`` (zarr v3: ``c/<i>/<j>``)."""
    return {str(f.relative_to(path)): (f.read_bytes(), f.stat().st_mtime_ns)
            for f in sorted((path / "c").rglob("*")) if f.is_file()}


def date_back(path: Path) -> None:
    """Date the chunk files to 2001, so that a rewrite shows in the mtime even with equal bytes."""
    for f in (path / "c").rglob("*"):
        os.utime(f, ns=(10**18, 10**18))


def sent_payload(v, layer) -> bytes:
    chunks = [bytes(b[0]) for c, b in v.sent if c["type"] == "chunk" and c["transfer_id"] == layer._last_transfer]
    return b"".join(chunks)


def edit(v, layer, start, stop, value):
    """A user edit in the viewer: its layer-update, then its pixels (layer-edit)."""
    revision = layer.revision + 1
    frontend(v, type="layer-update", layer_id=layer.id, revision=revision, data_changed=True)
    pixels = np.full([b - a for a, b in zip(start, stop)], value, layer.dtype)
    frontend(v, [memoryview(pixels.tobytes())], type="layer-edit", layer_id=layer.id, revision=revision,
             start=list(start), stop=list(stop), last=True)
    return revision


def answering(monkeypatch, v, held):
    """Make ``v``'s frontend answer each data-request with ``held[0]`` (what the viewer holds)."""
    send = v.send

    def send_and_answer(content, buffers=None):
        send(content, buffers)
        if content.get("type") == "data-request":
            layer = v._layer_by_id(content["layer_id"])
            raw = np.ascontiguousarray(held[0]).tobytes()
            header = {"id": "reply-" + content["request_id"], "nbytes": len(raw), "chunk_bytes": len(raw), "n_chunks": 1}
            frontend(v, type="data-reply", request_id=content["request_id"], layer=layer.descriptor(), transfer=header)
            frontend(v, [memoryview(raw)], type="chunk", transfer_id=header["id"], index=0, offset=0)
    monkeypatch.setattr(v, "send", send_and_answer)


def no_full_copy(layer) -> None:
    """No attribute of the layer (or of its store wrapper) is a numpy array of the whole layer."""
    assert layer._store is not None
    for obj in (layer, layer._store):
        for name, value in vars(obj).items():
            assert not (isinstance(value, np.ndarray) and value.size >= int(np.prod(layer.shape))), name


# -- the store is the layer's data ----------------------------------------------------------

@pytest.mark.parametrize("how", ["zarr.open", "open_array(LocalStore)", "open_group[...]"])
def test_add_labels_keeps_the_zarr_array_and_sends_its_bytes(monkeypatch, store_path, reference, how):
    opened = {
        "zarr.open": lambda: zarr.open(str(store_path), mode="r+"),
        "open_array(LocalStore)": lambda: zarr.open_array(store=zarr.storage.LocalStore(store_path), mode="r+"),
        "open_group[...]": lambda: zarr.open_group(store_path.parent, mode="r+")["labels"],
    }[how]()
    v = capturing_viewer(monkeypatch, chunk_bytes=100_003)  # odd: chunks end inside rows and elements
    layer = v.add_labels(opened, name="cells")
    assert layer.data is opened and layer.source_data is opened and layer.fetch() is opened
    assert layer.nbytes == reference.nbytes and layer.dtype == np.uint32 and layer.shape == (512, 512)
    header = next(c for c, _ in v.sent if c["type"] == "layer-data")
    assert header["layer"]["dtype"] == "uint32" and header["transfer"]["nbytes"] == reference.nbytes
    assert header["transfer"]["n_chunks"] == -(-reference.nbytes // 100_003)
    assert sent_payload(v, layer) == np.asarray(opened).tobytes() == reference.tobytes()
    no_full_copy(layer)


def test_each_chunk_reads_only_the_rows_it_covers(monkeypatch, store_path, reference):
    store = CountingStore(store_path)
    z = zarr.open_array(store=store, mode="r+")
    v = capturing_viewer(monkeypatch, chunk_bytes=64 * 1024, ack=False)  # 32 rows of 2 KiB per chunk
    store.keys.clear()
    layer = v.add_labels(z)
    # Nothing acknowledged: the outbox read its first window (4 chunks = rows 0..128) only.
    assert sorted(set(store.keys)) == sorted(f"c/{i}/{j}" for i in range(2) for j in range(8))
    read = layer._chunk_reader(64 * 1024)
    for index in (0, 5, 15):
        store.keys.clear()
        piece = read(index)
        rows = slice(index * 32, index * 32 + 32)
        assert bytes(piece) == reference[rows].tobytes()
        assert sorted(store.keys) == [f"c/{index // 2}/{j}" for j in range(8)]  # one row of zarr chunks


def test_a_chunk_smaller_than_a_row_reads_part_of_a_plane(tmp_path):
    """3-D labels whose (y, x) planes are larger than a transfer chunk: each chunk reads the
    rows of one or two planes, and the concatenation is still the C-order payload."""
    vol = tifffile.imread(DATA / "nuclei3d" / "image.tif")
    lab = measure.label(vol > filters.threshold_otsu(vol)).astype(np.uint16)
    store = CountingStore(tmp_path / "vol.zarr")
    z = zarr.create_array(store=store, shape=lab.shape, chunks=(4, 16, 16), dtype="uint16")
    z[...] = lab
    from seglab.store_labels import StoreLabels
    labels = StoreLabels(z)
    plane = lab.shape[1] * lab.shape[2] * 2
    chunk = plane // 3 + 7  # a third of a plane, not a whole number of rows
    read = labels.chunk_reader(chunk)
    pieces = []
    depth, rows, cols = lab.shape
    for i in range(-(-lab.nbytes // chunk)):
        store.keys.clear()
        pieces.append(bytes(read(i)))
        # The (plane, row) rows that bytes [i * chunk, (i + 1) * chunk) lie in, and their zarr chunks.
        first, last = i * chunk // (cols * 2), -(-min(lab.nbytes, (i + 1) * chunk) // (cols * 2))
        covering = {f"c/{u // rows // 4}/{u % rows // 16}/{x}" for u in range(first, last) for x in range(4)}
        assert sorted(set(store.keys)) == sorted(covering)
    assert b"".join(pieces) == lab.tobytes()


# -- edits write through ----------------------------------------------------------------------

def test_an_edit_is_written_to_the_store_and_only_its_chunks_change(viewer, store_path, reference):
    z = zarr.open(str(store_path), mode="r+")
    layer = viewer.add_labels(z)
    before = chunk_files(store_path)
    edit(viewer, layer, (100, 30), (140, 70), PAINT)  # rows 100..140, cols 30..70: chunks (1|2, 0|1)
    assert not layer.stale and layer.source_data is z
    expected = reference.copy()
    expected[100:140, 30:70] = PAINT
    np.testing.assert_array_equal(zarr.open(str(store_path), mode="r")[...], expected)  # fresh from disk
    after = chunk_files(store_path)
    changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
    assert changed == {"c/1/0", "c/1/1", "c/2/0", "c/2/1"}
    no_full_copy(layer)
    # A reloaded page gets the store's pixels, edit included.
    viewer.sent.clear()
    frontend(viewer, type="hello", client_id="tab-2")
    assert sent_payload(viewer, layer) == expected.tobytes()


def test_layer_data_headless_and_after_a_frontend_reply(monkeypatch, viewer, store_path, reference):
    z = zarr.open(str(store_path), mode="r+")
    layer = viewer.add_labels(z)
    assert layer.data is z  # headless: no frontend ever connected
    # The frontend holds one change the kernel never got as a layer-edit: .data asks for it.
    held = reference.copy()
    held[300:310, 450:470] = PAINT  # chunk (4, 7) only
    answering(monkeypatch, viewer, [held])
    frontend(viewer, type="hello", client_id="tab-1")
    frontend(viewer, type="layer-update", layer_id=layer.id, revision=layer.revision + 1, data_changed=True)
    before = chunk_files(store_path)
    assert layer.stale
    assert layer.data is z and not layer.stale
    np.testing.assert_array_equal(zarr.open(str(store_path), mode="r")[...], held)
    after = chunk_files(store_path)
    assert {key for key in before if before[key] != after.get(key)} == {"c/4/7"}  # the others not rewritten
    no_full_copy(layer)


def test_a_bool_and_a_big_endian_store(viewer, tmp_path, reference):
    mask = zarr.create_array(store=tmp_path / "mask.zarr", shape=reference.shape, chunks=CHUNKS, dtype=bool)
    mask[...] = reference > 0
    layer = viewer.add_labels(mask)
    assert layer.dtype == np.uint8 and layer.data is mask
    assert sent_payload(viewer, layer) == (reference > 0).astype(np.uint8).tobytes()
    edit(viewer, layer, (0, 0), (5, 5), 1)
    assert zarr.open(str(tmp_path / "mask.zarr"), mode="r")[0:5, 0:5].all()
    big = zarr.create_array(store=tmp_path / "big.zarr", shape=reference.shape, chunks=CHUNKS, dtype=">u2",
                            zarr_format=2)
    big[...] = reference.astype(np.uint16)
    layer = viewer.add_labels(big)
    assert layer.dtype == np.dtype("<u2")
    assert sent_payload(viewer, layer) == reference.astype("<u2").tobytes()
    edit(viewer, layer, (10, 10), (12, 13), 4321)
    assert (zarr.open(str(tmp_path / "big.zarr"), mode="r")[10:12, 10:13] == 4321).all()


def test_a_dask_view_of_the_store_writes_through_and_a_computed_one_warns(viewer, store_path, reference):
    da = pytest.importorskip("dask.array")
    view = da.from_zarr(str(store_path))
    layer = viewer.add_labels(view)
    assert layer.data is view
    no_full_copy(layer)
    edit(viewer, layer, (0, 500), (3, 512), PAINT)
    assert (zarr.open(str(store_path), mode="r")[0:3, 500:512] == PAINT).all()
    assert (view[0:3, 500:512].compute() == PAINT).all()  # the dask array reads the store
    with pytest.warns(EditsNotStoredWarning, match="computed from a zarr array"):
        copied = viewer.add_labels(da.from_zarr(str(store_path))[:, :256])
    assert isinstance(copied.source_data, np.ndarray)


def test_setting_data_swaps_the_store(viewer, store_path, tmp_path, reference):
    layer = viewer.add_labels(zarr.open(str(store_path), mode="r+"))
    other = zarr.create_array(store=tmp_path / "other.zarr", shape=(64, 96), chunks=CHUNKS, dtype="int16")
    layer.data = other
    assert layer.data is other and layer.shape == (64, 96)
    edit(viewer, layer, (1, 1), (2, 2), 7)
    assert zarr.open(str(tmp_path / "other.zarr"), mode="r")[1, 1] == 7
    layer.data = np.zeros((8, 8), np.uint8)  # back to a numpy array: the store is left alone
    edit(viewer, layer, (0, 0), (1, 1), 3)
    assert layer.source_data[0, 0] == 3 and zarr.open(str(tmp_path / "other.zarr"), mode="r")[0, 0] == 0


# -- read-only stores, refused stores -----------------------------------------------------------

def test_a_read_only_store_is_shown_and_edits_go_to_a_copy(monkeypatch, viewer, store_path, reference):
    ro = zarr.open(str(store_path), mode="r")
    with pytest.warns(EditsNotStoredWarning, match=r"read-only .*in-memory numpy copy.*mode='r\+'"):
        layer = viewer.add_labels(ro)
    assert layer.data is ro and sent_payload(viewer, layer) == reference.tobytes()
    before = chunk_files(store_path)
    # A reply that equals the store changes nothing: still the store.
    answering(monkeypatch, viewer, [reference])
    frontend(viewer, type="hello", client_id="tab-1")
    assert layer.data is ro
    edit(viewer, layer, (0, 0), (4, 4), PAINT)
    copy = layer.source_data
    assert isinstance(copy, np.ndarray) and copy is not ro and (copy[0:4, 0:4] == PAINT).all()
    assert int((copy != reference).sum()) == 16
    assert chunk_files(store_path) == before  # the store is never written
    assert layer.data is not ro  # from now on the copy (the frontend's pixels)


def test_a_read_only_store_meeting_a_reply_with_edits(monkeypatch, viewer, store_path, reference):
    with pytest.warns(EditsNotStoredWarning):
        layer = viewer.add_labels(zarr.open(str(store_path), mode="r"))
    held = reference.copy()
    held[5, 5] = PAINT
    answering(monkeypatch, viewer, [held])
    frontend(viewer, type="hello", client_id="tab-1")
    got = layer.data
    assert isinstance(got, np.ndarray) and got[5, 5] == PAINT
    np.testing.assert_array_equal(zarr.open(str(store_path), mode="r")[...], reference)


def test_refused_stores_are_not_read(monkeypatch, tmp_path):
    store = CountingStore(tmp_path / "f.zarr")
    floats = zarr.create_array(store=store, shape=(64, 64), chunks=(32, 32), dtype="float32")
    floats[...] = 1.0
    store.keys.clear()
    v = capturing_viewer(monkeypatch, max_bytes=512 * 512 * 4 - 1)
    with pytest.raises(TypeError, match=r"expected integer labels, got dtype float32; convert first"):
        v.add_labels(floats)
    flat = zarr.create_array(store=tmp_path / "flat.zarr", shape=(64,), chunks=(32,), dtype="uint8")
    with pytest.raises(ValueError, match=r"expected labels with 2 to 5 dimensions, got 1-D array of shape \(64,\)"):
        v.add_labels(flat)
    big = zarr.create_array(store=store, shape=(512, 512), chunks=CHUNKS, dtype="uint32", overwrite=True)
    with pytest.raises(ValueError, match=r"expected an array of at most 1048575 bytes .*got 1048576 bytes "
                                         r"for shape \(512, 512\) uint32"):
        v.add_labels(big)
    assert store.keys == [] and len(v.layers) == 0
    # The same message as for a numpy array of that size.
    with pytest.raises(ValueError, match=r"got 1048576 bytes for shape \(512, 512\) uint32"):
        v.add_labels(np.zeros((512, 512), np.uint32))
    with pytest.raises(TypeError, match=r"got the path .*open it first, e.g. .*zarr.open\(path, mode='r\+'\)"):
        v.add_labels(str(tmp_path / "flat.zarr"))
    with pytest.raises(TypeError, match=r"got a zarr Group; pass one of its arrays"):
        v.add_labels(zarr.open_group(tmp_path / "g.zarr", mode="w"))


# -- through a real kernel --------------------------------------------------------------------

def test_a_real_kernel_writes_an_edit_into_the_store(peer, tmp_path, reference):
    path = str(tmp_path / "kernel.zarr")
    peer.kernel_errors.clear()  # the peer is shared by the session's kernel tests
    out = peer.run(f"""
import hashlib, numpy as np, tifffile, zarr, seglab
from skimage import filters, measure
from seglab._blocking import wait_until
img = tifffile.imread({str(IMAGE)!r})
lab = measure.label(img > filters.threshold_otsu(img)).astype(np.uint32)
zk = zarr.create_array(store={path!r}, shape=lab.shape, chunks=(64, 64), dtype='uint32')
zk[...] = lab
vz = seglab.Viewer()
""")
    # The layer in the next cell: the peer's hello (which may be handled only once this cell
    # ends) would otherwise resend it with a newer revision than the one the peer edits.
    out = peer.run("""
print('HELLO', wait_until(lambda: vz._frontend_seen, 10, comm=vz.comm))
zl = vz.add_labels(zk, name='zarr-cells')
vz.wait_until_ready('zarr-cells', 20)
print('BACKED', zl.source_data is zk, zl.nbytes, any(isinstance(a, np.ndarray) and a.size >= lab.size
                                                      for a in vars(zl).values()))
""")
    assert printed(out, "HELLO") == "True" and printed(out, "BACKED") == f"True {reference.nbytes} False", out
    held = peer.by_name("zarr-cells")  # the latest revision: the kernel saw it confirmed
    np.testing.assert_array_equal(held.data, reference)

    def paint(layer):
        layer.data[200:230, 100:150] = PAINT
    revision = peer.edit(held.desc["id"], paint)
    pixels = np.ascontiguousarray(held.data[200:230, 100:150])
    peer.send({"v": 3, "type": "layer-edit", "layer_id": held.desc["id"], "client_id": "test-peer",
               "revision": revision, "start": [200, 100], "stop": [230, 150], "last": True}, [pixels.tobytes()])
    out = peer.run(f"""
print('CURRENT', wait_until(lambda: zl.revision >= {revision} and not zl.stale, 10, comm=vz.comm))
again = zarr.open({path!r}, mode='r')[...]
print('DISK', bool((again[200:230, 100:150] == {PAINT}).all()), int((again == {PAINT}).sum()))
got = zl.data
print('DATA', got is zk, hashlib.sha256(np.asarray(zarr.open({path!r}, mode='r')).tobytes()).hexdigest())
""")
    assert printed(out, "CURRENT") == "True", out
    assert printed(out, "DISK") == f"True {30 * 50}", out
    expected = reference.copy()
    expected[200:230, 100:150] = PAINT
    assert printed(out, "DATA") == f"True {hashlib.sha256(expected.tobytes()).hexdigest()}", out
    assert peer.kernel_errors == []
