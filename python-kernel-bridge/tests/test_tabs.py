"""Several tabs on one viewer (seglab/_tab_sync.py): an edit made in one frontend is written
into the kernel's copy and forwarded to the others, tagged with its origin. In-process."""

import numpy as np
import pytest

from inprocess import answer_request, capturing_viewer, frontend


@pytest.fixture
def v(monkeypatch):
    viewer = capturing_viewer(monkeypatch)
    for tab in ("tab-a", "tab-b"):
        frontend(viewer, type="hello", client_id=tab)
    viewer.sent.clear()
    return viewer


def sent_of(v, type_):
    return [(c, b) for c, b in v.sent if c["type"] == type_]


def paint(v, layer, tab, revision, start, stop, value):
    frontend(v, type="layer-update", layer_id=layer.id, revision=revision, data_changed=True, client_id=tab)
    pixels = np.full(tuple(b - a for a, b in zip(start, stop)), value, layer.dtype)
    frontend(v, [memoryview(pixels.tobytes())], type="layer-edit", layer_id=layer.id, revision=revision,
             start=list(start), stop=list(stop), last=True, client_id=tab)
    return pixels


def test_labels_pixels_painted_in_one_tab_are_forwarded_to_the_others(v):
    lab = v.add_labels(np.zeros((20, 20), np.uint16), name="cells")
    v.sent.clear()
    pixels = paint(v, lab, "tab-a", lab.revision + 1, (2, 3), (5, 9), 7)
    ((fwd, buffers),) = sent_of(v, "layer-edit")
    assert fwd == {"v": 3, "type": "layer-edit", "layer_id": lab.id, "revision": lab.revision, "start": [2, 3],
                   "stop": [5, 9], "last": True, "origin": "tab-a"}
    assert bytes(buffers[0]) == pixels.tobytes()
    assert int((lab.source_data == 7).sum()) == 18


def test_with_one_tab_nothing_is_echoed(monkeypatch):
    v = capturing_viewer(monkeypatch)
    frontend(v, type="hello", client_id="only-tab")
    lab = v.add_labels(np.zeros((8, 8), np.uint8))
    v.sent.clear()
    paint(v, lab, "only-tab", lab.revision + 1, (0, 0), (2, 2), 1)
    frontend(v, type="layer-update", layer_id=lab.id, revision=lab.revision + 1, data_changed=False,
             props={"opacity": 0.3}, client_id="only-tab")
    assert v.sent == []


def test_display_changes_in_one_tab_reach_the_others(v):
    img = v.add_image(np.zeros((8, 8), np.uint8), name="img")
    v.sent.clear()
    frontend(v, type="layer-update", layer_id=img.id, revision=img.revision + 1, data_changed=False,
             props={"opacity": 0.3, "colormap": "magma"}, client_id="tab-b")
    ((props, _),) = sent_of(v, "layer-props")
    assert props["props"] == {"opacity": 0.3, "colormap": "magma"} and img.opacity == 0.3
    assert props["origin"] == "tab-b"  # a tab without the layer (one another tab made) ignores it


def test_points_added_in_one_tab_are_fetched_from_it_and_sent_to_the_others(v):
    pts = v.add_points([[1, 1]], name="spots")
    v.sent.clear()
    frontend(v, type="layer-update", layer_id=pts.id, revision=pts.revision + 1, data_changed=True, client_id="tab-b")
    # A second edit while the kernel waits: asked again once the first answer is in.
    frontend(v, type="layer-update", layer_id=pts.id, revision=pts.revision + 1, data_changed=True, client_id="tab-b")
    assert len(sent_of(v, "data-request")) == 1
    desc = dict(pts.descriptor(), n_points=2, revision=pts.revision, size=10)
    request = answer_request(v, desc, [[1, 1], [4, 5]])
    assert request["client_id"] == "tab-b"
    ((data, _),) = sent_of(v, "layer-data")
    assert data["origin"] == "tab-b" and data["layer"]["n_points"] == 2 and data["layer"]["revision"] == pts.revision
    chunk = next(b for c, b in v.sent if c["type"] == "chunk" and c["transfer_id"] == data["transfer"]["id"])
    np.testing.assert_array_equal(np.frombuffer(bytes(chunk[0]), np.float64).reshape(2, 2), [[1, 1], [4, 5]])
    assert len(sent_of(v, "data-request")) == 2  # the second edit
    was_ready = pts.is_ready
    frontend(v, type="layer-ready", layer_id=pts.id, transfer_id=data["transfer"]["id"], nbytes=32)
    assert pts.is_ready == was_ready  # a forward is not the kernel's own transfer of the layer
