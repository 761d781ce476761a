"""Annotations outlive the kernel (seglab.autosave): with Viewer(autosave=folder), the labels
layers are written there a moment after each edit made in the viewer (one write per burst,
atomically), and a new viewer (after a kernel restart) brings them back. In-process."""

import json
import time

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend
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
