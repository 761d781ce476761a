"""viewer.camera (napari's 2D camera) and viewer.mouse_click_callbacks, in-process: setting
sends `camera`, the frontend's pans come back without echo and fire events, a new frontend
gets the camera Python set, clicks call the callbacks with world positions, and bad messages
or failing callbacks never break the comm handler."""

import logging

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch)



def test_setting_the_camera_moves_the_frontend(viewer):
    viewer.camera.center = (100, 250.5)
    viewer.camera.zoom = 3
    assert [c for c, _ in viewer.sent] == [
        {"v": 3, "type": "camera", "center": [100.0, 250.5], "zoom": 1.0},
        {"v": 3, "type": "camera", "center": [100.0, 250.5], "zoom": 3.0},
    ]
    viewer.camera.center = (0, 7, 8)  # napari's 3-tuple: its last two
    assert viewer.camera.center == (7.0, 8.0)


@pytest.mark.parametrize("field, value, match", [
    ("center", (1,), r"center: expected 2 finite numbers"),
    ("center", (1, float("nan")), r"center: expected 2 finite numbers"),
    ("center", "ab", r"center: expected 2 finite numbers"),
    ("zoom", 0, r"zoom: expected a number in \[0.0001, 10000\]"),
    ("zoom", True, r"zoom: expected a number"),
])
def test_bad_camera_values_are_refused(viewer, field, value, match):
    with pytest.raises(ValueError, match=match):
        setattr(viewer.camera, field, value)
    assert viewer.sent == []


def test_the_frontends_pans_come_back_without_echo_and_fire_events(viewer):
    seen = []
    viewer.camera.events.center.connect(lambda e: seen.append(("center", e.value)))
    viewer.camera.events.zoom.connect(lambda e: seen.append(("zoom", e.value)))
    frontend(viewer, type="camera", center=[40.25, 80.5], zoom=0.5)
    assert viewer.camera.center == (40.25, 80.5) and viewer.camera.zoom == 0.5
    assert seen == [("center", (40.25, 80.5)), ("zoom", 0.5)] and viewer.sent == []
    frontend(viewer, type="camera", center=[1, 2], zoom=-1)
    assert [c["type"] for c, _ in viewer.sent] == ["error"] and "zoom" in viewer.sent[0][0]["message"]
    assert viewer.camera.zoom == 0.5


def test_a_new_frontend_gets_the_camera_python_set(viewer):
    viewer.add_image(np.zeros((10, 10), np.uint8))
    viewer.sent.clear()
    frontend(viewer, type="hello", client_id="a")
    assert "camera" not in [c["type"] for c, _ in viewer.sent]  # it fits the view itself
    viewer.camera.zoom = 4
    viewer.sent.clear()
    frontend(viewer, type="hello", client_id="b")
    assert [c for c, _ in viewer.sent if c["type"] == "camera"] == [{"v": 3, "type": "camera", "center": [0.0, 0.0], "zoom": 4.0}]


def test_clicks_call_the_callbacks_with_world_positions(viewer, caplog):
    clicks = []
    viewer.mouse_click_callbacks.append(lambda v, event: clicks.append((v is viewer, event.type, event.position, event.button, event.modifiers)))

    def broken(v, event):
        raise RuntimeError("user bug")
    viewer.mouse_click_callbacks.append(broken)
    with caplog.at_level(logging.ERROR, logger="seglab"):
        frontend(viewer, type="click", position=[3, 10.5, 20.25], button=1, modifiers=["Shift"])
    assert clicks == [(True, "mouse_click", (3.0, 10.5, 20.25), 1, ("Shift",))]
    assert "mouse click callback failed" in caplog.text and viewer.sent == []


@pytest.mark.parametrize("fields, match", [
    (dict(position=[1]), r"position: expected 2 to 5 numbers"),
    (dict(position=[1, float("inf")]), r"position\[1\]: expected a finite number"),
    (dict(button=4), r"button: expected an int in \[1, 3\]"),
    (dict(modifiers=["Hyper"]), r"modifiers\[0\]: expected one of Shift, Control, Alt, Meta"),
])
def test_bad_clicks_are_refused(viewer, fields, match):
    clicks = []
    viewer.mouse_click_callbacks.append(lambda v, e: clicks.append(e))
    frontend(viewer, type="click", **{"position": [1, 2], "button": 1, "modifiers": [], **fields})
    (error, _), = viewer.sent
    assert error["type"] == "error" and __import__("re").search(match, error["message"]), error["message"]
    assert clicks == []
