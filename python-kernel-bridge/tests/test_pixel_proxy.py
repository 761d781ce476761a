"""viewer.pixel_classifier: the pixel-request the kernel sends and what it makes of the
pixel-reply (in process: the frontend's messages are fed to the real handler; the classifier
itself trains in the browser, tested by jest and the pixel ui-test)."""

import base64
import json

import numpy as np
import pytest

from inprocess import capturing_viewer, frontend
from test_segment import _in_thread, _wait_for


@pytest.fixture
def viewer(monkeypatch):
    v = capturing_viewer(monkeypatch)
    v.add_image(np.zeros((30, 40), np.uint16), name="nuclei")
    frontend(v, type="hello", client_id="tab-1")
    return v


def _reply(v, request, dtype, shape, payload):
    tid = "px-" + request["request_id"]
    frontend(v, type="pixel-reply", request_id=request["request_id"], op=request["op"], dtype=dtype, shape=shape,
             transfer={"id": tid, "nbytes": len(payload), "chunk_bytes": 1 << 20, "n_chunks": 1})
    frontend(v, [memoryview(payload)], type="chunk", transfer_id=tid, index=0, offset=0)


def test_predict_returns_the_probabilities_and_the_segmentation(viewer):
    proba = np.random.default_rng(0).random((2, 30, 40)).astype(np.float32)
    t, out = _in_thread(lambda: viewer.pixel_classifier.predict(train=True))
    request = _wait_for(viewer, "pixel-request")
    assert request["op"] == "predict" and request["output"] == "probabilities" and request["train"] is True
    _reply(viewer, request, "float32", [2, 30, 40], proba.tobytes())
    t.join(5)
    np.testing.assert_array_equal(out["value"], proba)
    viewer.sent.clear()
    seg = (proba.argmax(0) + 1).astype(np.uint8)
    t, out = _in_thread(lambda: viewer.pixel_classifier.predict("segmentation"))
    request = _wait_for(viewer, "pixel-request")
    _reply(viewer, request, "uint8", [30, 40], seg.tobytes())
    t.join(5)
    assert out["value"].dtype == np.uint8 and (out["value"] == seg).all()


def test_export_gives_a_classifier_the_kernel_can_apply(viewer):
    b64 = lambda a, d: base64.b64encode(np.asarray(a, d).tobytes()).decode()  # noqa: E731
    doc = {"format": "seglab-pixel-classifier", "version": 1, "features": [{"filter": "gaussian", "sigma": 1.0}],
           "ndim": 2, "channels": 1, "spacing": [1, 1], "feature_names": ["Gaussian Smoothing (σ=1)"],
           "classes": [{"name": "bg", "color": "#000000"}, {"name": "fg", "color": "#ffffff"}],
           "trees": [{"feature": b64([0, -1, -1], "<i4"), "threshold": b64([10, 0, 0], "<f4"), "left": b64([1, -1, -1], "<i4"),
                      "right": b64([2, -1, -1], "<i4"), "value": b64([.5, .5, 1, 0, 0, 1], "<f4")}],
           "oob_accuracy": 0.9, "importances": [1.0]}
    t, out = _in_thread(lambda: viewer.pixel_classifier.export())
    request = _wait_for(viewer, "pixel-request")
    assert request["op"] == "export"
    _reply(viewer, request, "json", [], json.dumps(doc).encode())
    t.join(5)
    clf = out["value"]
    assert [c["name"] for c in clf.classes] == ["bg", "fg"] and clf.oob_accuracy == 0.9
    img = np.zeros((20, 20), np.float32)
    img[5:15, 5:15] = 100
    seg = clf.predict(img)
    assert seg[10, 10] == 2 and seg[0, 0] == 1


def test_an_error_from_the_viewer_raises_and_bad_arguments_are_refused(viewer):
    t, out = _in_thread(lambda: viewer.pixel_classifier.predict(timeout=5))
    request = _wait_for(viewer, "pixel-request")
    frontend(viewer, type="error", message="no prediction yet: scribble at least two classes", request_id=request["request_id"])
    t.join(5)
    assert "scribble at least two classes" in str(out["error"])
    with pytest.raises(ValueError, match="expected output 'probabilities' or 'segmentation'"):
        viewer.pixel_classifier.predict("labels")


def test_a_reply_that_lies_about_its_size_is_refused(viewer):
    t, out = _in_thread(lambda: viewer.pixel_classifier.predict(timeout=2))
    request = _wait_for(viewer, "pixel-request")
    tid = "px-bad"
    frontend(viewer, type="pixel-reply", request_id=request["request_id"], op="predict", dtype="float32", shape=[2, 30, 40],
             transfer={"id": tid, "nbytes": 12, "chunk_bytes": 1 << 20, "n_chunks": 1})
    t.join(5)
    assert "error" in out
