"""The kernel's half of the cross-language protocol check (src/jupyter/__tests__/protocol.spec.ts).

    python wire_examples.py kernel-messages    # JSON: constants + every kernel -> frontend message
    python wire_examples.py validate < in.json # JSON in: [[content, n_buffers], ...] (frontend messages)
    python wire_examples.py descriptors < in.json  # JSON in: [descriptor, ...]

``validate`` and ``descriptors`` print one result per input: null when valid, else the error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from seglab import Viewer, _frontend, protocol  # noqa: E402
from seglab.descriptors import ProtocolError, check_descriptor  # noqa: E402


def kernel_messages() -> List[Any]:
    """Messages a real Viewer sends for layers of every kind, props, dims and requests."""
    sent: List[Any] = []
    v = Viewer(chunk_bytes=4096)

    def send(content: Any, buffers: Any = None) -> None:
        sent.append([content, len(buffers or [])])
        if content["type"] == "chunk":  # acknowledged as a frontend that keeps up would
            v._outbox.ack(content["transfer_id"], content["index"] + 1)
    v.send = send
    v.add_image(np.arange(2 * 30 * 20, dtype=np.uint16).reshape(2, 30, 20), name="stack", scale=(3, 1, 1))
    v.add_image(np.zeros((40, 40, 4), np.float32), name="photo")
    v.add_image(np.zeros((2, 3, 4, 5), np.float32), channel_axis=1)
    labels = v.add_labels(np.array([[0, 2**64 - 1]], np.uint64), name="cells")
    pts = v.add_points(np.array([[1, 2, 3.5], [4, 5, 6]]), size=[2, 3], face_color=["red", "#00ff0080"],
                       properties={"score": [0.5, np.nan], "n": [1, -2], "ok": [True, False], "c": ["a", "b"]})
    v.add_points(name="none", ndim=4)
    shp = v.add_shapes([np.array([[0, 0], [3, 4]]), np.zeros((3, 2)), np.ones((2, 2)), np.ones((5, 2))],
                       shape_type=["ellipse", "polygon", "line", "path"], edge_width=[0, 1, 2, 3])
    v.add_shapes(name="no shapes")
    labels.mode, labels.selected_label, labels.opacity = "paint", 2**53 - 1, 0.25
    labels.label_classes = [("background", "blue"), {"name": "nucleus", "color": (1, 0.9, 0.1)}]
    pts.face_color, pts.size = [(0, 0, 1), "white"], 7
    shp.edge_color, shp.properties = "blue", {"id": [1, 2, 3, 4]}
    shp.translate = (5, -5)
    v.layers.remove("none")  # back from 4 to 3 dims
    v.dims.current_step = (1, 10, 0)
    v.dims.axis_labels = ("z", "y", "x")
    sent += [[m, 0] for m in (protocol.data_request("r1", labels.id), protocol.screenshot_request("r2"),
                              protocol.open_panel("Cells"), protocol.open_panel(), protocol.error("boom", "r1"),
                              protocol.chunk_ack("t1", 3), protocol.transfer_cancel("why", transfer_id="t1"),
                              protocol.transfer_cancel("gave up", request_id="r1"),
                              protocol.data_request("r3", labels.id, client_id="tab-b"))]
    sent.append([protocol.layer_edit(labels.id, 9, [0, 1], [1, 2], True, origin="tab-a"), 1])
    return sent


def constants() -> dict:
    names = ["PROTOCOL_VERSION", "MAX_ARRAY_BYTES", "MIN_NDIM", "MAX_NDIM", "MAX_POINTS", "MAX_SHAPES",
             "MAX_VERTICES", "MAX_ITEM_LIST", "MAX_PROPERTIES", "MAX_STRING_LENGTH", "MAX_ID_LENGTH",
             "MAX_MESSAGE_LENGTH", "MAX_SCREENSHOT_SIDE", "MAX_JSON_BYTES", "KINDS", "COLORMAPS",
             "BLENDINGS", "INTERPOLATIONS", "LABELS_MODES", "PROPERTY_DTYPES", "SHAPE_VERTICES",
             "DISPLAY_FIELDS", "ITEM_FIELDS"]
    return {name: getattr(_frontend, name) for name in names}


def _error(check: Any) -> Any:
    try:
        check()
        return None
    except ProtocolError as exc:
        return str(exc)


def main(command: str) -> None:
    if command == "kernel-messages":
        print(json.dumps({"constants": constants(), "messages": kernel_messages()}, allow_nan=False))
    elif command == "validate":
        items = json.load(sys.stdin)
        print(json.dumps([_error(lambda c=c, n=n: protocol.validate_incoming(c, [b"x"] * n)) for c, n in items]))
    elif command == "descriptors":
        print(json.dumps([_error(lambda d=d: check_descriptor(d)) for d in json.load(sys.stdin)]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
