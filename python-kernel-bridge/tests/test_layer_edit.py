"""Edits come back as their pixels (layer-edit): the box an edit touched is written into the
kernel's labels copy right after the edit's layer-update, so the kernel copy is current and a
page reload (which resends the kernel copy) loses nothing. In-process."""

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch)



def edit(v, layer, revision, start, stop, pixels, last=True):
    frontend(v, [memoryview(np.ascontiguousarray(pixels).tobytes())], type="layer-edit", layer_id=layer.id,
             revision=revision, start=list(start), stop=list(stop), last=last)


def test_an_edit_lands_in_the_kernel_copy(viewer):
    masks = np.zeros((3, 40, 50), np.uint32)
    lab = viewer.add_labels(masks, name="cells")
    frontend(viewer, type="hello", client_id="c")
    frontend(viewer, type="layer-update", layer_id=lab.id, revision=lab.revision + 1, data_changed=True)
    assert lab.stale
    r = lab.revision
    box = np.full((1, 10, 20), 7, np.uint32)
    edit(viewer, lab, r, (1, 5, 10), (2, 15, 28), box[:, :, :18], last=False)
    assert lab.stale  # more pieces to come
    edit(viewer, lab, r, (1, 15, 10), (2, 20, 28), np.full((1, 5, 18), 9, np.uint32))
    assert not lab.stale
    data = lab.source_data
    assert data is masks  # napari's semantics: the array given, edited in place
    assert (data[1, 5:15, 10:28] == 7).all() and (data[1, 15:20, 10:28] == 9).all()
    assert int((data != 0).sum()) == 18 * 15


def test_an_edit_made_on_data_the_kernel_replaced_since_is_ignored(viewer):
    lab = viewer.add_labels(np.zeros((10, 10), np.int32))
    made_on = lab.revision
    lab.data = np.full((10, 10), 5, np.int32)  # new data on its way to the frontend
    frontend(viewer, type="layer-update", layer_id=lab.id, revision=made_on + 1, data_changed=True)
    edit(viewer, lab, made_on + 1, (0, 0), (2, 2), np.ones((2, 2), np.int32))
    assert (lab.source_data == 5).all() and not lab.stale


def test_two_tabs_editing_at_the_same_revision_both_count(viewer):
    lab = viewer.add_labels(np.zeros((10, 10), np.int32))
    r = lab.revision + 1
    for tab, (box, value) in {"tab-a": ((0, 2), 1), "tab-b": ((5, 7), 2)}.items():
        frontend(viewer, type="layer-update", layer_id=lab.id, revision=r, data_changed=True, client_id=tab)
        frontend(viewer, [memoryview(np.full((2, 2), value, np.int32).tobytes())], type="layer-edit",
                 layer_id=lab.id, revision=r, start=[box[0], box[0]], stop=[box[1], box[1]], last=True, client_id=tab)
    assert lab.source_data[0:2, 0:2].sum() == 4 and lab.source_data[5:7, 5:7].sum() == 8 and not lab.stale


@pytest.mark.parametrize("start, stop, pixels, match", [
    ((0, 0), (2, 11), np.ones((2, 11), np.int32), r"stop: expected a box inside shape \(10, 10\)"),
    ((0,), (2,), np.ones(2, np.int32), r"stop: expected a box inside shape"),
    ((0, 0), (2, 2), np.ones((2, 3), np.int32), r"buffers\[0\]: expected 16 bytes for a \(2, 2\) box of int32, got 24"),
    ((3, 0), (3, 2), np.ones((0, 2), np.int32), r"stop\[0\]: expected an int in \[4"),
])
def test_bad_edits_are_refused_and_change_nothing(viewer, start, stop, pixels, match):
    lab = viewer.add_labels(np.zeros((10, 10), np.int32))
    frontend(viewer, type="layer-update", layer_id=lab.id, revision=lab.revision + 1, data_changed=True)
    viewer.sent.clear()
    edit(viewer, lab, lab.revision, start, stop, pixels)
    (error, _), = viewer.sent
    assert error["type"] == "error" and __import__("re").search(match, error["message"]), error["message"]
    assert lab.source_data.sum() == 0 and lab.stale


def test_an_edit_for_an_image_or_a_read_only_array(viewer):
    img = viewer.add_image(np.zeros((10, 10), np.uint8))
    viewer.sent.clear()
    edit(viewer, img, img.revision, (0, 0), (1, 1), np.ones((1, 1), np.uint8))
    assert viewer.sent[0][0]["type"] == "error" and "labels layer" in viewer.sent[0][0]["message"]
    frozen = np.zeros((6, 6), np.int16)
    frozen.flags.writeable = False
    lab = viewer.add_labels(frozen)
    frontend(viewer, type="layer-update", layer_id=lab.id, revision=lab.revision + 1, data_changed=True)
    edit(viewer, lab, lab.revision, (2, 2), (4, 4), np.full((2, 2), 3, np.int16))
    assert frozen.sum() == 0 and lab.source_data[2:4, 2:4].sum() == 12  # copied, not written through
