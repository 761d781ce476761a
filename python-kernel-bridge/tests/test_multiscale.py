"""Multiscale images (napari's ``multiscale=True``) without a kernel: guessing,
validation with clear errors, the descriptor, and the payload chunked across levels.
The real-kernel round trip is in test_kernel_roundtrip.py."""

import numpy as np
import pytest

from seglab.descriptors import ProtocolError, check_descriptor, payload_nbytes
from seglab.transfer import split_chunks_of_parts

from inprocess import capturing_viewer


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch, chunk_bytes=1000)


def pyramid(n=3, side=64, dtype=np.uint16):
    base = (np.arange(side * side) % 4000).astype(dtype).reshape(side, side)
    return [np.ascontiguousarray(base[::2 ** k, ::2 ** k]) for k in range(n)]


def test_a_list_of_arrays_is_guessed_multiscale_and_sent_level_after_level(viewer):
    levels = pyramid()
    layer = viewer.add_image(levels, name="p")
    assert layer.multiscale and layer.level_shapes == [(64, 64), (32, 32), (16, 16)]
    header, _ = viewer.sent[0]
    desc = check_descriptor(header["layer"])
    assert desc["shape"] == [64, 64] and desc["multiscale_shapes"] == [[32, 32], [16, 16]]
    assert header["transfer"]["nbytes"] == payload_nbytes(desc) == sum(a.nbytes for a in levels)
    payload = b"".join(bytes(b[0]) for c, b in viewer.sent if c["type"] == "chunk")
    assert payload == b"".join(a.tobytes() for a in levels)
    # napari takes the contrast limits from the smallest level
    assert tuple(layer.contrast_limits) == (float(levels[-1].min()), float(levels[-1].max()))
    # headless: .data is the list of levels
    assert [a.shape for a in layer.data] == [(64, 64), (32, 32), (16, 16)]


def test_single_arrays_and_explicit_false_stay_single_scale(viewer):
    layer = viewer.add_image(pyramid()[0])
    assert not layer.multiscale and viewer.sent[0][0]["layer"]["multiscale_shapes"] == []
    with pytest.raises(TypeError, match="numpy array"):
        viewer.add_image(pyramid(), multiscale=False)  # a list is not one array


@pytest.mark.parametrize("levels, error, match", [
    (lambda: [pyramid()[0], pyramid()[0]], ValueError, r"smaller than the one before .*level 1 \(64, 64\)"),
    (lambda: [pyramid()[1], pyramid()[0]], ValueError, "smaller than the one before"),
    (lambda: [pyramid()[0], pyramid(dtype=np.float32)[1]], TypeError, "dtype uint16, level 1 has float32"),
    (lambda: [pyramid()[0], np.zeros((2, 32, 32), np.uint16)], ValueError, "level 1 has shape"),
    (lambda: [pyramid()[0], [[1, 2], [3, 4]]], TypeError, "level 1 of the multiscale image"),
])
def test_bad_pyramids_get_clear_errors_and_add_nothing(viewer, levels, error, match):
    with pytest.raises(error, match=match):
        viewer.add_image(levels(), multiscale=True)
    assert len(viewer.layers) == 0 and viewer.sent == []


def test_multiscale_options_that_cannot_apply_are_refused(viewer):
    with pytest.raises(TypeError, match="list of arrays"):
        viewer.add_image(pyramid()[0], multiscale=True)
    with pytest.raises(ValueError, match="channel_axis with a multiscale"):
        viewer.add_image(pyramid(), channel_axis=0)
    with pytest.raises(TypeError, match="multiscale: expected"):
        viewer.add_image(pyramid(), multiscale="yes")


def test_setting_data_to_a_pyramid_and_back(viewer):
    layer = viewer.add_image(pyramid()[0], name="img")
    layer.data = pyramid(2)
    assert layer.multiscale
    sent = [c for c, _ in viewer.sent if c["type"] == "layer-data"]
    assert sent[-1]["layer"]["multiscale_shapes"] == [[32, 32]]
    layer.data = pyramid()[0]
    assert not layer.multiscale
    assert [c for c, _ in viewer.sent if c["type"] == "layer-data"][-1]["layer"]["multiscale_shapes"] == []


@pytest.mark.parametrize("shapes, field", [
    ([[64, 64]], "multiscale_shapes"),
    ([[32, 80]], "multiscale_shapes"),
    ([[32]], "multiscale_shapes[0]"),
    ([[32, 0]], "multiscale_shapes[0][1]"),
    ("no", "multiscale_shapes"),
])
def test_descriptor_validation_of_level_shapes(viewer, shapes, field):
    viewer.add_image(pyramid(2), name="p")
    desc = dict(viewer.sent[0][0]["layer"], multiscale_shapes=shapes)
    with pytest.raises(ProtocolError, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_descriptor(desc)


@pytest.mark.parametrize("sizes, chunk", [((10, 7, 3), 4), ((8, 8), 8), ((5,), 2), ((3, 0, 9), 5), ((1, 1, 1, 1), 3)])
def test_chunks_of_parts_equal_chunks_of_their_concatenation(sizes, chunk):
    parts = [np.arange(n, dtype=np.uint8) + 10 * i for i, n in enumerate(sizes)]
    joined = b"".join(p.tobytes() for p in parts)
    pieces = [bytes(p) for p in split_chunks_of_parts(parts, chunk)]
    assert pieces == [joined[i:i + chunk] for i in range(0, len(joined), chunk)]
