"""``viewer.pixel_classifier``: the pixel classifier the user trains in the viewer (scribbles,
ilastik's filters, a random forest, all in the browser), read from the kernel.

The browser holds the classifier, so each call asks the displayed viewer (``pixel-request``)
and gets the answer as one chunked ``pixel-reply``: the probability map or segmentation of
the plane it classifies, the classifier as the portable document (``export()``, which
:func:`seglab.apply_pixel_classifier` runs over numpy or Dask arrays), or its state.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import numpy as np

from . import protocol
from ._bridge import _Request

#: The largest reply the kernel accepts (a 16k² map of 2 classes is 2 GiB).
MAX_REPLY_BYTES = 2 * 1024 ** 3


def _decode(meta: Any, payload: bytearray) -> Any:
    dtype, shape = meta
    if dtype == "json":
        return json.loads(bytes(payload).decode("utf-8"))
    arr = np.frombuffer(bytes(payload), np.dtype(dtype).newbyteorder("<"))
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"pixel-reply: expected {int(np.prod(shape))} values of {dtype}, got {arr.size}")
    return arr.astype(dtype).reshape(shape)


class PixelClassifierProxy:
    """What ``viewer.pixel_classifier`` is. Calls block until the viewer answers; they raise
    RuntimeError when no viewer is displayed or nothing was trained yet (the message says what
    to do), TimeoutError after ``timeout`` seconds."""

    def __init__(self, viewer):
        self._viewer = viewer

    def _ask(self, op: str, timeout: Optional[float], **fields) -> Any:
        v = self._viewer
        if not v._await_frontend():
            raise RuntimeError("viewer.pixel_classifier runs in the browser: display the viewer in an open "
                               "JupyterLab tab first (no frontend has connected)")
        request = _Request(decode=_decode, max_bytes=MAX_REPLY_BYTES)
        return v._ask(request, protocol.pixel_request(request.id, op, **fields),
                      120.0 if timeout is None else timeout, f"the pixel classifier's {op}")

    def predict(self, output: str = "probabilities", *, train: bool = False, timeout: Optional[float] = None) -> np.ndarray:
        """The viewer's prediction of what it classifies (the plane, or a 3D image's volume):
        ``"probabilities"`` as (n_classes, [depth,] rows, columns) float32, or
        ``"segmentation"`` as labels 1..n_classes (uint8). Waits for a run in progress;
        ``train=True`` trains and predicts first."""
        if output not in ("probabilities", "segmentation"):
            raise ValueError(f"expected output 'probabilities' or 'segmentation', got {output!r}")
        return self._ask("predict", timeout, output=output, train=bool(train))

    def export(self, *, timeout: Optional[float] = None):
        """The trained classifier as a :class:`seglab.pixel.PixelClassifier` (its features,
        classes and trees), for :func:`seglab.apply_pixel_classifier` on whole datasets.
        ``json.dumps(clf_doc)`` of ``export_document()`` is the file format."""
        from .pixel import PixelClassifier

        return PixelClassifier(self.export_document(timeout=timeout))

    def export_document(self, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The classifier as the portable JSON document (a dict) the viewer wrote."""
        return self._ask("export", timeout)

    def state(self, *, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Whether the tool is on, the image, classes, features, the last run's out-of-bag
        accuracy, sample counts and duration."""
        return self._ask("state", timeout)

    def __repr__(self) -> str:
        return "<viewer.pixel_classifier: predict(), export(), state()>"


class PixelMixin:
    """Mixin of :class:`~seglab.Viewer`: ``pixel_classifier``."""

    @property
    def pixel_classifier(self) -> PixelClassifierProxy:
        return PixelClassifierProxy(self)

    def _on_pixel_reply(self, msg: Dict[str, Any], _buffers: Any) -> None:
        self._start_reply(msg["request_id"], msg["transfer"], (msg["dtype"], tuple(msg["shape"])))
