"""viewer.layers and the frontend's layer list stay the same both ways (seglab._layer_sync):
removals and reorders made in the viewer reach the kernel, layers made in the viewer are
adopted with their data, Python's layers.move reaches the frontend, napari's layers.events
fire, and stale or late lists undo nothing. Frontend messages go through the real handler."""

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch)



def confirm(v, *layers):
    for layer in layers:
        frontend(v, type="layer-ready", layer_id=layer.id, transfer_id=layer._last_transfer, nbytes=layer._sent_nbytes)


def listed(v, *ids_kinds):
    frontend(v, type="layer-list", layers=[{"id": i, "kind": k} for i, k in ids_kinds])


def events_of(v):
    seen = []
    for name in ("inserted", "removed", "moved"):
        getattr(v.layers.events, name).connect(lambda e, n=name: seen.append((n, getattr(e.value, "name", e.value))))
    return seen


def test_removing_and_reordering_in_the_viewer_reach_the_kernel(viewer):
    a = viewer.add_image(np.zeros((8, 8), np.uint8), name="a")
    b = viewer.add_labels(np.zeros((8, 8), np.int32), name="b")
    c = viewer.add_points(name="c")
    confirm(viewer, a, b, c)
    seen = events_of(viewer)
    viewer.sent.clear()
    listed(viewer, (c.id, "points"), (a.id, "image"))  # b deleted, c moved to the bottom
    assert viewer.layers.names() == ["c", "a"] and b not in viewer.layers
    assert [s["name"] for s in viewer.layer_specs] == ["c", "a"]
    assert ("removed", "b") in seen and ("moved", ["c", "a"]) in seen
    # Other tabs hear of the removal; nothing is asked for (no unknown layer).
    assert [m["type"] for m, _ in viewer.sent] == ["layer-remove"] and viewer.sent[0][0]["layer_id"] == b.id


def test_a_layer_the_frontend_has_not_confirmed_is_not_taken_as_removed(viewer):
    a = viewer.add_image(np.zeros((8, 8), np.uint8), name="a")
    confirm(viewer, a)
    late = viewer.add_labels(np.zeros((8, 8), np.int32), name="late")  # after the list was sent
    listed(viewer, (a.id, "image"))
    assert viewer.layers.names() == ["a", "late"]


def test_a_layer_made_in_the_viewer_is_adopted_with_its_data(viewer):
    a = viewer.add_image(np.zeros((8, 8), np.uint8), name="a")
    confirm(viewer, a)
    seen = events_of(viewer)
    viewer.sent.clear()
    listed(viewer, (a.id, "image"), ("layer-9", "labels"))
    (request, _), = viewer.sent
    assert request["type"] == "data-request" and request["layer_id"] == "layer-9"
    assert viewer.layers.names() == ["a"]  # listed once its data is in
    painted = np.zeros((8, 8), np.int32)
    painted[2:5, 3:6] = 7
    desc = {"id": "layer-9", "name": "Labels", "kind": "labels", "ndim": 2, "revision": 3, "visible": True,
            "opacity": 0.7, "blending": "translucent", "scale": [1.0, 1.0], "translate": [0.0, 0.0],
            "dtype": "int32", "shape": [8, 8], "selected_label": 7, "mode": "paint", "label_classes": []}
    header = {"id": "tr-1", "nbytes": painted.nbytes, "chunk_bytes": painted.nbytes, "n_chunks": 1}
    frontend(viewer, type="data-reply", request_id=request["request_id"], layer=desc, transfer=header)
    frontend(viewer, [memoryview(painted.tobytes())], type="chunk", transfer_id="tr-1", index=0, offset=0)
    assert viewer.layers.names() == ["a", "Labels"]
    labels = viewer.layers["Labels"]
    assert labels.id == "layer-9" and labels.selected_label == 7 and labels.mode == "paint" and labels.opacity == 0.7
    np.testing.assert_array_equal(labels.source_data, painted)
    assert ("inserted", "Labels") in seen
    # It is a full member: a later list that drops it removes it.
    viewer.sent.clear()
    listed(viewer, (a.id, "image"))
    assert viewer.layers.names() == ["a"]


def test_a_removed_layer_listed_by_a_stale_tab_is_not_adopted_again(viewer):
    a = viewer.add_image(np.zeros((8, 8), np.uint8), name="a")
    b = viewer.add_image(np.zeros((8, 8), np.uint8), name="b")
    confirm(viewer, a, b)
    viewer.layers.remove("b")
    viewer.sent.clear()
    listed(viewer, (a.id, "image"), (b.id, "image"))  # a second tab that has not caught up
    assert viewer.layers.names() == ["a"] and viewer.sent == []


def test_layers_move_reaches_the_frontend(viewer):
    a, b, c = (viewer.add_image(np.zeros((8, 8), np.uint8), name=n) for n in "abc")
    seen = events_of(viewer)
    viewer.sent.clear()
    viewer.layers.move(0, 2)
    assert viewer.layers.names() == ["b", "c", "a"]
    (msg, _), = viewer.sent
    assert msg == {"v": 3, "type": "layer-order", "order": [b.id, c.id, a.id]}
    assert seen == [("moved", ["b", "c", "a"])]
    viewer.layers.move(-1, 0)
    assert viewer.layers.names() == ["a", "b", "c"]
    with pytest.raises(IndexError, match=r"dest_index: expected an int in \[-3, 3\), got 3"):
        viewer.layers.move(0, 3)


@pytest.mark.parametrize("layers, match", [
    ("nope", "layers: expected a list"),
    ([{"id": "x"}], r"layers\[0\].kind: expected one of image, labels, points, shapes"),
    ([{"id": "x", "kind": "image"}, {"id": "x", "kind": "image"}], r"layers\[1\].id: expected each layer once"),
    ([["x", "image"]], r"layers\[0\]: expected an object"),
])
def test_bad_layer_lists_are_refused_and_change_nothing(viewer, layers, match):
    a = viewer.add_image(np.zeros((8, 8), np.uint8), name="a")
    confirm(viewer, a)
    viewer.sent.clear()
    frontend(viewer, type="layer-list", layers=layers)
    (error, _), = viewer.sent
    assert error["type"] == "error" and __import__("re").search(match, error["message"]), error["message"]
    assert viewer.layers.names() == ["a"]
