"""viewer.dims: ndim from the layers, napari's ranges, centring, clamping, messages."""

import numpy as np
import pytest

from seglab import Viewer


@pytest.fixture
def viewer(monkeypatch):
    v = Viewer()
    v.sent = []
    monkeypatch.setattr(v, "send", lambda content, buffers=None: v.sent.append(content))
    return v


def dims_messages(v):
    return [{k: m[k] for k in ("ndim", "current_step", "axis_labels")} for m in v.sent if m["type"] == "dims"]


def test_empty_viewer():
    d = Viewer().dims
    assert (d.ndim, d.current_step, d.axis_labels, d.range, d.nsteps) == (
        2, (0, 0), ("0", "1"), ((0, 1, 1), (0, 1, 1)), (1, 1))


def test_first_layer_and_new_leading_axes_start_centred(viewer):
    viewer.add_image(np.zeros((8, 9), np.uint8))
    assert dims_messages(viewer) == [{"ndim": 2, "current_step": [3, 4], "axis_labels": ["0", "1"]}]
    viewer.add_image(np.zeros((5, 7, 8, 9), np.uint8))
    assert (viewer.dims.ndim, viewer.dims.nsteps, viewer.dims.current_step) == (4, (5, 7, 8, 9), (2, 3, 3, 4))
    assert dims_messages(viewer)[-1] == {"ndim": 4, "current_step": [2, 3, 3, 4], "axis_labels": ["0", "1", "2", "3"]}
    viewer.dims.axis_labels = ("t", "z", "y", "x")
    viewer.add_image(np.zeros((3, 5, 7, 8, 9), np.uint8))
    assert viewer.dims.axis_labels == ("0", "t", "z", "y", "x") and viewer.dims.current_step == (1, 2, 3, 3, 4)


def test_removing_layers_drops_axes_and_clamps(viewer):
    viewer.add_image(np.zeros((10, 4, 4), np.uint8), name="long")
    viewer.add_image(np.zeros((3, 4, 4), np.uint8), name="short")
    viewer.dims.current_step = (9, 3, 3)
    viewer.layers.remove("long")
    assert viewer.dims.nsteps == (3, 4, 4) and viewer.dims.current_step == (2, 3, 3)
    viewer.layers.remove("short")
    assert (viewer.dims.ndim, viewer.dims.current_step, viewer.dims.axis_labels) == (2, (0, 0), ("0", "1"))
    assert dims_messages(viewer)[-1]["ndim"] == 2


def test_ranges_follow_scale_translate_and_broadcasting(viewer):
    viewer.add_image(np.zeros((4, 10, 10), np.uint8), scale=(2.5, 1, 1), translate=(10, 0, 0))
    viewer.add_labels(np.zeros((10, 20), np.int32), scale=(0.5, 0.5))  # aligns to the last axes
    viewer.add_points(np.array([[50, 1, 1]]))
    # Half-open extents: pixels [0, n), points [min, max + 1), times scale, plus translate.
    assert viewer.dims.range == ((10.0, 51.0, 1.0), (0.0, 10.0, 0.5), (0.0, 10.0, 0.5))
    assert viewer.dims.nsteps == (41, 20, 20)
    viewer.dims.set_current_step(0, 4)
    viewer.dims.set_current_step(-1, 1000)
    assert viewer.dims.current_step[0] == 4 and viewer.dims.current_step[-1] == 19  # clamped
    assert viewer.dims.point == (14.5, (viewer.dims.current_step[1] + 0.5) * 0.5, 9.75)  # slice centres


def test_steps_survive_float_rounding(viewer):
    viewer.add_image(np.zeros((100, 2, 2), np.uint8), scale=(0.1, 1, 1))
    assert viewer.dims.nsteps[0] == 100  # 10 / 0.1 is 100.00000000000001 in floats


def test_setting_sends_only_changes(viewer):
    viewer.add_image(np.zeros((6, 4, 4), np.uint8))
    viewer.sent.clear()
    seen = []
    viewer.dims.events.current_step.connect(lambda e: seen.append(e.value))
    viewer.dims.current_step = (5, 0, 0)
    viewer.dims.current_step = (5, 0, 0)
    assert dims_messages(viewer) == [{"ndim": 3, "current_step": [5, 0, 0], "axis_labels": ["0", "1", "2"]}]
    assert seen == [(5, 0, 0)]


@pytest.mark.parametrize("attr, value, message", [
    ("current_step", (1,), "current_step: expected 2 ints"),
    ("current_step", (0, -1), "current_step: expected ints >= 0"),
    ("current_step", (0, 1.5), "current_step: expected ints >= 0"),
    ("axis_labels", ("y",), "axis_labels: expected 2 strings"),
    ("axis_labels", ("y", ""), "axis_labels: expected strings of 1 to 256"),
    ("axis_labels", "yx", "axis_labels: expected 2 strings"),
])
def test_bad_values(viewer, attr, value, message):
    with pytest.raises(ValueError, match=message):
        setattr(viewer.dims, attr, value)
    with pytest.raises(AttributeError, match="dims.ndim follows the layers"):
        viewer.dims.ndim = 3
    with pytest.raises(ValueError, match="axis: expected -2 <= axis < 2"):
        viewer.dims.set_current_step(2, 0)


def test_frontend_moves_apply_without_echo(viewer):
    viewer.add_image(np.zeros((6, 4, 4), np.uint8))
    viewer.sent.clear()
    msg = {"v": 3, "type": "dims", "ndim": 3, "current_step": [4, 1, 2], "axis_labels": ["z", "y", "x"]}
    viewer._on_frontend_msg(viewer, msg, [])
    assert viewer.dims.current_step == (4, 1, 2) and viewer.dims.axis_labels == ("z", "y", "x")
    viewer._on_frontend_msg(viewer, dict(msg, ndim=2, current_step=[0, 0], axis_labels=["a", "b"]), [])
    assert viewer.dims.current_step == (4, 1, 2)  # a frontend behind on layers: ignored
    assert viewer.sent == []
