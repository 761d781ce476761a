"""Annotations outlive the kernel (seglab.autosave): with Viewer(autosave=folder), the labels
layers are written there a moment after each edit made in the viewer (one write per burst,
atomically), and a new viewer (after a kernel restart) brings them back. In-process."""

import json
import time

import numpy as np
import pytest

from inprocess import answer_request, capturing_viewer, frontend
from seglab import autosave, load_annotations


def paint(v, layer, start, stop, value):
    frontend(v, type="layer-update", layer_id=layer.id, revision=layer.revision + 1, data_changed=True)
    pixels = np.full(tuple(b - a for a, b in zip(start, stop)), value, layer.dtype)
    frontend(v, [memoryview(pixels.tobytes())], type="layer-edit", layer_id=layer.id, revision=layer.revision,
             start=list(start), stop=list(stop), last=True)


def test_edits_are_written_after_a_moment_and_come_back_in_a_new_viewer(monkeypatch, tmp_path):
    monkeypatch.setattr(autosave, "DELAY_S", 0.05)
    v = capturing_viewer(monkeypatch, autosave=tmp_path / "ann")
    lab = v.add_labels(np.zeros((3, 30, 40), np.uint16), name="cells / nuclei", scale=(2, 1, 1))
    v.add_image(np.ones((30, 40), np.uint8), name="img")  # images are not annotations
    for value in (1, 2, 3):  # a burst of strokes: one write
        paint(v, lab, (1, 5, 5), (2, 10, 12), value)
    assert not (tmp_path / "ann").exists()
    time.sleep(0.3)
    manifest = json.loads((tmp_path / "ann" / "seglab-annotations.json").read_text())
    assert [(e["name"], e["kind"], e["file"], e["scale"]) for e in manifest["layers"]] == [
        ("cells / nuclei", "labels", "cells_nuclei.npy", [2.0, 1.0, 1.0])]
    assert not list((tmp_path / "ann").glob("*.tmp"))
    (saved,) = load_annotations(tmp_path / "ann")
    assert saved["data"].dtype == np.uint16 and int((saved["data"] == 3).sum()) == 35

    # "After a kernel restart": a fresh viewer with the same folder.
    v3 = capturing_viewer(monkeypatch, autosave=tmp_path / "ann")
    same = v3.add_labels(np.zeros((3, 30, 40), np.uint16), name="cells / nuclei")
    (restored,) = v3.restore_annotations()
    assert restored is same and int((same.source_data == 3).sum()) == 35
    v3 = capturing_viewer(monkeypatch)
    (added,) = v3.restore_annotations(tmp_path / "ann")
    assert added.name == "cells / nuclei" and added.scale == (2.0, 1.0, 1.0)
    np.testing.assert_array_equal(added.source_data, saved["data"])


def test_class_names_set_in_the_viewer_are_saved_and_restored_with_the_scribbles(monkeypatch, tmp_path):
    """The Classify tool keeps its class names and colours in the scribbles layer's
    label_classes: a rename in the viewer (a layer-update carrying only that field) is
    saved, and comes back after a kernel restart, into an existing layer or a new one."""
    monkeypatch.setattr(autosave, "DELAY_S", 0.05)
    v = capturing_viewer(monkeypatch, autosave=tmp_path / "ann")
    scribbles = v.add_labels(np.zeros((20, 30), np.uint8), name="scribbles")
    paint(v, scribbles, (2, 2), (4, 9), 3)
    classes = [{"name": "background", "color": "#4363d8ff"}, {"name": "nucleus", "color": "#ffe119ff"},
               {"name": "dividing <b>cell</b>", "color": "#e6194bff"}]
    frontend(v, type="layer-update", layer_id=scribbles.id, revision=scribbles.revision + 1, data_changed=False,
             props={"label_classes": classes})
    assert scribbles.label_classes == tuple(classes)
    time.sleep(0.3)
    (entry,) = json.loads((tmp_path / "ann" / "seglab-annotations.json").read_text())["layers"]
    assert entry["label_classes"] == classes

    v2 = capturing_viewer(monkeypatch, autosave=tmp_path / "ann")
    same = v2.add_labels(np.zeros((20, 30), np.uint8), name="scribbles")
    v2.restore_annotations()
    assert same.label_classes == tuple(classes) and int((same.source_data == 3).sum()) == 14
    (added,) = capturing_viewer(monkeypatch).restore_annotations(tmp_path / "ann")
    assert added.label_classes == tuple(classes)


def test_folders_saved_before_label_classes_were_kept_restore_without_names(monkeypatch, tmp_path):
    v = capturing_viewer(monkeypatch)
    v.add_labels(np.ones((4, 4), np.uint8), name="old")
    v.save_annotations(tmp_path)
    manifest = json.loads((tmp_path / "seglab-annotations.json").read_text())
    del manifest["layers"][0]["label_classes"]
    (tmp_path / "seglab-annotations.json").write_text(json.dumps(manifest))
    (layer,) = capturing_viewer(monkeypatch).restore_annotations(tmp_path)
    assert layer.label_classes == ()


def test_save_and_restore_need_a_folder_and_say_what_is_missing(monkeypatch, tmp_path):
    v = capturing_viewer(monkeypatch)
    with pytest.raises(ValueError, match="expected a folder"):
        v.restore_annotations()
    with pytest.raises(FileNotFoundError, match="no saved annotations in .* \\(expected seglab-annotations.json there\\)"):
        v.restore_annotations(tmp_path)
    v.add_labels(np.arange(12, dtype=np.int32).reshape(3, 4), name="a")
    v.save_annotations(tmp_path / "x")
    (saved,) = load_annotations(tmp_path / "x")
    np.testing.assert_array_equal(saved["data"], np.arange(12).reshape(3, 4))
    (tmp_path / "x" / "seglab-annotations.json").write_text(json.dumps({"version": 1, "layers": [{"name": "evil", "kind": "labels", "file": "../x.npy"}]}))
    with pytest.raises(ValueError, match="unexpected entry"):
        load_annotations(tmp_path / "x")


def test_a_failing_write_is_reported_not_raised(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    v = capturing_viewer(monkeypatch, autosave=blocker)
    v.add_labels(np.zeros((4, 4), np.int32))
    v._autosave.save_now()
    assert isinstance(v._autosave.error, OSError)


def test_points_and_shapes_edited_in_the_viewer_are_fetched_saved_and_restored(monkeypatch, tmp_path):
    monkeypatch.setattr(autosave, "DELAY_S", 0.05)
    v = capturing_viewer(monkeypatch, autosave=tmp_path / "ann")
    frontend(v, type="hello", client_id="tab-1")
    pts = v.add_points([[1, 1]], name="spots")
    shp = v.add_shapes([np.array([[0, 0], [4, 4]])], shape_type="rectangle", name="rois")
    # The user adds two points: the kernel asks that tab (alone) for the layer.
    frontend(v, type="layer-update", layer_id=pts.id, revision=pts.revision + 1, data_changed=True)
    desc = dict(pts.descriptor(), n_points=3, revision=pts.revision, size=10)
    request = answer_request(v, desc, [[1, 1], [5, 6], [7, 8]])
    assert request["client_id"] == "tab-1" and request["layer_id"] == pts.id
    # ...and draws an ellipse.
    frontend(v, type="layer-update", layer_id=shp.id, revision=shp.revision + 1, data_changed=True)
    sdesc = dict(shp.descriptor(), shape_type=["rectangle", "ellipse"], vertex_counts=[4, 4], revision=shp.revision,
                 edge_width=1, edge_color="#000000ff", face_color="#ffffffff")
    answer_request(v, sdesc, [[0, 0], [0, 4], [4, 4], [4, 0], [10, 10], [10, 14], [14, 14], [14, 10]])
    assert not pts.stale and not shp.stale
    time.sleep(0.3)
    saved = {s["name"]: s for s in load_annotations(tmp_path / "ann")}
    np.testing.assert_array_equal(saved["spots"]["data"], [[1, 1], [5, 6], [7, 8]])
    assert saved["rois"]["shape_type"] == ["rectangle", "ellipse"] and [len(s) for s in saved["rois"]["data"]] == [4, 4]
    assert {s["file"] for s in saved.values()} == {"spots.npy", "rois.npz"}

    fresh = capturing_viewer(monkeypatch)
    spots, rois = fresh.restore_annotations(tmp_path / "ann")
    assert (spots.kind, rois.kind, rois.shape_type) == ("points", "shapes", ["rectangle", "ellipse"])
    np.testing.assert_array_equal(spots.source_data, [[1, 1], [5, 6], [7, 8]])
    np.testing.assert_array_equal(rois.source_data[1], [[10, 10], [10, 14], [14, 14], [14, 10]])


def test_without_autosave_or_a_second_tab_points_edits_are_not_fetched(monkeypatch):
    v = capturing_viewer(monkeypatch)
    frontend(v, type="hello", client_id="tab-1")
    pts = v.add_points([[1, 1]], name="spots")
    frontend(v, type="layer-update", layer_id=pts.id, revision=pts.revision + 1, data_changed=True)
    assert not [c for c, _ in v.sent if c["type"] == "data-request"] and pts.stale


def test_labels_in_a_writable_zarr_store_are_not_copied_into_the_folder(monkeypatch, tmp_path):
    zarr = pytest.importorskip("zarr")
    z = zarr.open(str(tmp_path / "seg.zarr"), mode="w", shape=(16, 16), chunks=(8, 8), dtype="uint16")
    v = capturing_viewer(monkeypatch)
    v.add_labels(z, name="in store")
    v.add_labels(np.ones((4, 4), np.uint8), name="in memory")
    v.save_annotations(tmp_path / "ann")
    assert [s["name"] for s in load_annotations(tmp_path / "ann")] == ["in memory"]
