"""Validation of frontend -> kernel messages and of layer descriptors (PROTOCOL.md v3)."""

import copy

import numpy as np
import pytest

from seglab import Viewer, protocol
from seglab._frontend import MAX_ITEM_LIST, MAX_POINTS, MAX_PROPERTIES, PROTOCOL_VERSION
from seglab.descriptors import check_descriptor, payload_nbytes
from seglab.protocol import ProtocolError, validate_incoming


def descriptors():
    """Real descriptors of every kind, as the kernel sends them."""
    v = Viewer()
    v.send = lambda content, buffers=None: None
    v.add_image(np.zeros((2, 3), np.uint16), name="img")
    v.add_image(np.zeros((2, 40, 40, 3), np.uint8), name="rgb")
    v.add_labels(np.zeros((4, 5, 6), np.uint64), name="lab")
    v.add_points(np.ones((3, 2)), name="pts", face_color=["red", "blue", "lime"], properties={"s": [1.5, 2, 3]})
    v.add_points(name="nopts", ndim=4)
    v.add_shapes([np.zeros((4, 3)), np.ones((2, 3))], shape_type=["polygon", "line"], name="shp",
                 edge_width=[1, 2])
    return {layer.name: layer.descriptor() for layer in v.layers}


DESC = descriptors()


def reply(name, **changes):
    layer = dict(copy.deepcopy(DESC[name]), **changes.pop("layer", {}))
    # The original's size: changes that alter it fail the descriptor check first.
    nbytes = payload_nbytes(DESC[name]) + (1 if changes.pop("bad_nbytes", False) else 0)
    transfer = {"id": "t", "nbytes": nbytes, "chunk_bytes": 8, "n_chunks": -(-nbytes // 8)}
    return {"v": 3, "type": "data-reply", "request_id": "r", "layer": layer, "transfer": transfer, **changes}


GOOD = [
    ({"v": 3, "type": "hello", "client_id": "c"}, []),
    ({"v": 3, "type": "layer-ready", "layer_id": "a", "transfer_id": "t", "nbytes": 12}, []),
    ({"v": 3, "type": "layer-ready", "layer_id": "a", "transfer_id": "t", "nbytes": 0}, []),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 3, "data_changed": True}, []),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 3, "data_changed": False,
      "props": {"opacity": 0.5, "colormap": "magma", "scale": [1, 2, 3], "name": "x", "mode": "paint"}}, []),
    ({"v": 3, "type": "dims", "ndim": 3, "current_step": [4, 0, 0], "axis_labels": ["z", "y", "x"]}, []),
    ({"v": 3, "type": "screenshot-reply", "request_id": "r", "shape": [2, 3, 4],
      "transfer": {"id": "t", "nbytes": 24, "chunk_bytes": 8, "n_chunks": 3}}, []),
    ({"v": 3, "type": "error", "message": "boom"}, []),
    ({"v": 3, "type": "error", "message": "boom", "request_id": "r", "transfer_id": "t"}, []),
    ({"v": 3, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 0}, [b"x"]),
] + [(reply(name), []) for name in DESC]


@pytest.mark.parametrize("content, buffers", GOOD)
def test_valid_messages(content, buffers):
    assert validate_incoming(content, buffers) == content


def test_kernel_descriptors_are_valid_and_sized():
    assert {d["kind"] for d in DESC.values()} == {"image", "labels", "points", "shapes"}
    sizes = {name: payload_nbytes(check_descriptor(d)) for name, d in DESC.items()}
    assert sizes == {"img": 12, "rgb": 2 * 40 * 40 * 3, "lab": 4 * 5 * 6 * 8, "pts": 3 * 2 * 8,
                     "nopts": 0, "shp": 6 * 3 * 8}


def without(name, key):
    msg = reply(name)
    del msg["layer"][key]
    return msg


BAD = [
    ("garbage", [], "content: expected an object"),
    ({"type": "hello", "client_id": "c"}, [], "v: expected protocol version 3, got None"),
    ({"v": 1, "type": "hello", "client_id": "c"}, [],
     "v: expected protocol version 3, got 1: the frontend speaks SegLab protocol 1, this kernel 3"),
    ({"v": True, "type": "hello", "client_id": "c"}, [], "v:"),
    ({"v": 3, "type": "layer-data"}, [], "type: expected one of"),
    ({"v": 3, "type": "hello"}, [], "client_id: expected a string"),
    ({"v": 3, "type": "hello", "client_id": "c" * 129}, [], "client_id: expected a string of 1 to 128"),
    ({"v": 3, "type": "hello", "client_id": "c"}, [b"x"], "buffers: expected 0"),
    ({"v": 3, "type": "layer-ready", "layer_id": "a", "transfer_id": "t", "nbytes": -1}, [], "nbytes"),
    ({"v": 3, "type": "layer-ready", "layer_id": "a", "nbytes": 3}, [], "transfer_id"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 1}, [], "data_changed: expected a bool"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2.0, "data_changed": True}, [], "revision"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {}}, [], "props: expected at least one field"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {"opacity": 1.5}}, [], "props.opacity: expected a finite number >= 0 <= 1"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {"face_color": "#ff0000ff"}}, [], "props.face_color: expected a field in"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {"contrast_limits": [5, 5]}}, [], "props.contrast_limits: expected [lo, hi] with lo < hi"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {"scale": [1, 0]}}, [], "props.scale[1]: expected a finite number > 0"),
    ({"v": 3, "type": "layer-update", "layer_id": "a", "client_id": "c", "revision": 2, "data_changed": True,
      "props": {"colormap": "jet"}}, [], "props.colormap: expected one of gray"),
    ({"v": 3, "type": "dims", "ndim": 6, "current_step": [0] * 6, "axis_labels": ["a"] * 6}, [], "ndim:"),
    ({"v": 3, "type": "dims", "ndim": 2, "current_step": [0, -1], "axis_labels": ["y", "x"]}, [],
     "current_step[1]:"),
    ({"v": 3, "type": "dims", "ndim": 2, "current_step": [0, 0], "axis_labels": ["y", ""]}, [],
     "axis_labels[1]:"),
    ({"v": 3, "type": "screenshot-reply", "request_id": "r", "shape": [0, 3, 4],
      "transfer": {"id": "t", "nbytes": 1, "chunk_bytes": 8, "n_chunks": 1}}, [], "shape[0]:"),
    ({"v": 3, "type": "screenshot-reply", "request_id": "r", "shape": [20000, 3, 4],
      "transfer": {"id": "t", "nbytes": 1, "chunk_bytes": 8, "n_chunks": 1}}, [], "shape[0]:"),
    ({"v": 3, "type": "screenshot-reply", "request_id": "r", "shape": [2, 3, 4],
      "transfer": {"id": "t", "nbytes": 25, "chunk_bytes": 8, "n_chunks": 4}}, [], "transfer.nbytes: expected 24"),
    ({"v": 3, "type": "error"}, [], "message: expected a string"),
    ({"v": 3, "type": "error", "message": "m", "request_id": 5}, [], "request_id"),
    ({"v": 3, "type": "chunk", "transfer_id": "t", "index": -1, "offset": 0}, [b"x"], "index"),
    ({"v": 3, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 1.0}, [b"x"], "offset"),
    ({"v": 3, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 0}, [], "buffers: expected 1"),
    (reply("img", request_id=""), [], "request_id"),
    (reply("img", layer={"kind": "volume"}), [], "layer.kind: expected one of image, labels"),
    (reply("img", layer={"dtype": "float16"}), [], "layer.dtype"),
    (reply("img", layer={"shape": [2]}), [], "layer.shape: expected 2 items"),
    (reply("img", layer={"shape": [2, 0]}), [], "layer.shape[1]"),
    (reply("img", layer={"rgb": 0}), [], "layer.rgb"),
    (reply("img", layer={"id": None}), [], "layer.id"),
    (reply("img", layer={"ndim": 6}), [], "layer.ndim"),
    (reply("img", layer={"revision": -1}), [], "layer.revision"),
    (reply("img", layer={"opacity": "1"}), [], "layer.opacity"),
    (reply("img", layer={"blending": "screen"}), [], "layer.blending"),
    (reply("img", layer={"gamma": 0}), [], "layer.gamma: expected a finite number > 0"),
    (reply("img", layer={"interpolation": "cubic"}), [], "layer.interpolation"),
    (reply("img", layer={"translate": [0, 0, 0]}), [], "layer.translate: expected 2 items"),
    (reply("img", layer={"extra": 1}), [], "layer: unexpected keys ['extra'] for a image layer"),
    (without("img", "visible"), [], "layer.visible: expected a bool"),
    (without("pts", "properties"), [], "layer.properties: expected a list"),
    (without("shp", "vertex_counts"), [], "layer.vertex_counts: expected a list"),
    (reply("img", bad_nbytes=True), [], "transfer.nbytes: expected 12"),
    (reply("rgb", layer={"shape": [2, 40, 40, 5]}), [], "layer.shape: expected a last (colour) axis"),
    (reply("rgb", layer={"dtype": "uint16"}), [], "layer.dtype: expected one of uint8, float32, float64 for rgb"),
    (reply("lab", layer={"dtype": "float32"}), [], "layer.dtype: expected one of uint8, int8"),
    (reply("lab", layer={"selected_label": -1}), [], "layer.selected_label"),
    (reply("lab", layer={"mode": "draw"}), [], "layer.mode"),
    (reply("lab", layer={"label_classes": [{"name": "a", "color": "#000000ff"}] * 2}), [],
     "layer.label_classes[1].name: expected a name no other class has"),
    (reply("lab", layer={"label_classes": [{"name": f"c{k}", "color": "#000000ff"} for k in range(17)]}), [],
     "layer.label_classes: expected at most 16 items"),
    (reply("lab", layer={"label_classes": [{"name": "x" * 65, "color": "#000000ff"}]}), [],
     "layer.label_classes[0].name"),
    (reply("lab", layer={"label_classes": [{"name": "a", "color": "red"}]}), [], "layer.label_classes[0].color"),
    (reply("lab", layer={"label_classes": [{"name": "a"}]}), [], "layer.label_classes[0]: expected an object with"),
    (reply("lab", layer={"colormap": "gray"}), [], "unexpected keys ['colormap'] for a labels layer"),
    (reply("pts", layer={"n_points": MAX_POINTS + 1}), [], "layer.n_points"),
    (reply("pts", layer={"size": [1, 2]}), [], "layer.size: expected 3 items"),
    (reply("pts", layer={"size": 0}), [], "layer.size: expected a finite number > 0"),
    (reply("pts", layer={"size": []}), [], "layer.size: expected one value"),
    (reply("pts", layer={"face_color": "red"}), [], "layer.face_color: expected a colour '#rrggbbaa'"),
    (reply("pts", layer={"face_color": ["#ff0000ff", "#ff0000ff", "#ff00zzff"]}), [], "layer.face_color[2]"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "float64", "values": [1, 2]}]}), [],
     "layer.properties[0].values: expected 3 items"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "int64", "values": [1, 2, 2**53]}]}), [],
     "layer.properties[0].values[2]"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "str", "values": ["a", "b", 3]}]}), [],
     "layer.properties[0].values[2]"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "bool", "values": [True, 0, False]}]}), [],
     "layer.properties[0].values[1]"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "int64", "values": [1, 2, 3]}] * 2}), [],
     "duplicate property name 's'"),
    (reply("pts", layer={"properties": [{"name": f"c{i}", "dtype": "bool", "values": [True] * 3}
                                        for i in range(MAX_PROPERTIES + 1)]}), [], "expected at most 32 items"),
    (reply("pts", layer={"properties": [{"name": "s", "dtype": "complex", "values": [1, 2, 3]}]}), [],
     "layer.properties[0].dtype"),
    (reply("shp", layer={"shape_type": ["polygon", "circle"]}), [], "layer.shape_type[1]"),
    (reply("shp", layer={"vertex_counts": [2, 2]}), [], "layer.vertex_counts[0] (a polygon): expected an int in [3"),
    (reply("shp", layer={"vertex_counts": [4, 3]}), [], "layer.vertex_counts[1] (a line): expected an int in [2, 2]"),
    (reply("shp", layer={"shape_type": ["rectangle", "line"], "vertex_counts": [5, 2]}), [],
     "vertex_counts[0] (a rectangle): expected an int in [4, 4]"),
    (reply("shp", layer={"vertex_counts": [4]}), [], "layer.vertex_counts: expected 2 items"),
    (reply("shp", layer={"edge_width": [1, -1]}), [], "layer.edge_width[1]: expected a finite number >= 0"),
]


@pytest.mark.parametrize("content, buffers, field", BAD)
def test_invalid_messages(content, buffers, field):
    with pytest.raises(ProtocolError) as info:
        validate_incoming(content, buffers)
    assert field in str(info.value)


def test_item_lists_are_bounded():
    layer = copy.deepcopy(DESC["pts"])
    layer.update(n_points=MAX_ITEM_LIST + 1, size=[1.0] * (MAX_ITEM_LIST + 1))
    with pytest.raises(ProtocolError, match="layer.size: expected at most 100000 items"):
        check_descriptor(layer)


def test_error_carries_ids():
    with pytest.raises(ProtocolError) as info:
        validate_incoming({"v": 3, "type": "data-reply", "request_id": "r7"}, [])
    assert info.value.request_id == "r7"


def test_constructors_carry_version():
    msgs = [protocol.layer_data(DESC["img"], {}), protocol.layer_props("a", {"opacity": 0.5}),
            protocol.chunk("t", 0, 0), protocol.layer_remove("a"), protocol.data_request("r", "a"),
            protocol.dims(2, [0, 0], ["y", "x"]), protocol.screenshot_request("r"), protocol.open_panel(),
            protocol.open_panel("T"), protocol.error("m"), protocol.error("m", "r"),
            protocol.chunk_ack("t", 1), protocol.transfer_cancel("why", transfer_id="t")]
    assert PROTOCOL_VERSION == 3 and all(m["v"] == 3 for m in msgs)
    assert "title" not in protocol.open_panel() and protocol.open_panel("T")["title"] == "T"
    assert protocol.error("m", "r")["request_id"] == "r" and "request_id" not in protocol.error("m")
    assert len(protocol.error("x" * 20000)["message"]) == 10000


def test_json_size_limit():
    protocol.check_json_size({"a": "x" * 1000}, "small")
    with pytest.raises(ValueError, match="big: .* bytes of JSON exceed the 4194304-byte message limit"):
        protocol.check_json_size({"a": "x" * (4 * 1024 * 1024)}, "big")
