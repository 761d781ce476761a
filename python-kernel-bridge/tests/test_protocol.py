import pytest

from seglab import protocol
from seglab.protocol import ProtocolError, validate_incoming

LAYER = {"id": "a", "name": "n", "kind": "image", "dtype": "uint16", "shape": [2, 3], "rgb": False}
TRANSFER = {"id": "t", "nbytes": 12, "chunk_bytes": 8, "n_chunks": 2}

GOOD = [
    ({"v": 1, "type": "hello", "client_id": "c"}, []),
    ({"v": 1, "type": "layer-ready", "layer_id": "a", "transfer_id": "t", "nbytes": 12}, []),
    ({"v": 1, "type": "data-reply", "request_id": "r", "layer": LAYER, "transfer": TRANSFER}, []),
    ({"v": 1, "type": "error", "message": "boom"}, []),
    ({"v": 1, "type": "error", "message": "boom", "request_id": "r", "transfer_id": "t"}, []),
    ({"v": 1, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 0}, [b"x"]),
]


@pytest.mark.parametrize("content, buffers", GOOD)
def test_valid_messages(content, buffers):
    assert validate_incoming(content, buffers) == content


def bad(**changes):
    layer = dict(LAYER, **changes.pop("layer", {}))
    transfer = dict(TRANSFER, **changes.pop("transfer", {}))
    msg = {"v": 1, "type": "data-reply", "request_id": "r", "layer": layer, "transfer": transfer}
    msg.update(changes)
    return msg


@pytest.mark.parametrize("content, buffers, field", [
    ([], [], "content: expected an object"),
    ({"type": "hello", "client_id": "c"}, [], "v: expected protocol version 1, got None"),
    ({"v": 2, "type": "hello", "client_id": "c"}, [], "v: expected protocol version 1, got 2"),
    ({"v": True, "type": "hello", "client_id": "c"}, [], "v:"),
    ({"v": 1, "type": "layer-data"}, [], "type: expected one of"),
    ({"v": 1, "type": "hello"}, [], "client_id: expected a non-empty string"),
    ({"v": 1, "type": "hello", "client_id": 3}, [], "client_id"),
    ({"v": 1, "type": "hello", "client_id": "c"}, [b"x"], "buffers: expected 0"),
    ({"v": 1, "type": "layer-ready", "layer_id": "a", "transfer_id": "t", "nbytes": 0}, [], "nbytes"),
    ({"v": 1, "type": "layer-ready", "layer_id": "a", "nbytes": 3}, [], "transfer_id"),
    ({"v": 1, "type": "error"}, [], "message: expected a string"),
    ({"v": 1, "type": "error", "message": "m", "request_id": 5}, [], "request_id"),
    ({"v": 1, "type": "chunk", "transfer_id": "t", "index": -1, "offset": 0}, [b"x"], "index"),
    ({"v": 1, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 1.0}, [b"x"], "offset"),
    ({"v": 1, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 0}, [], "buffers: expected 1"),
    ({"v": 1, "type": "chunk", "transfer_id": "t", "index": 0, "offset": 0}, [b"x", b"y"], "buffers"),
    (bad(request_id=""), [], "request_id"),
    (bad(layer={"kind": "labels"}), [], "layer.kind"),
    (bad(layer={"dtype": "float16"}), [], "layer.dtype"),
    (bad(layer={"shape": [2]}), [], "layer.shape"),
    (bad(layer={"shape": [2, 0]}), [], "layer.shape"),
    (bad(layer={"rgb": 0}), [], "layer.rgb"),
    (bad(layer={"id": None}), [], "layer.id"),
    (bad(transfer={"n_chunks": 3}), [], "transfer.n_chunks"),
    (bad(transfer={"nbytes": 13, "n_chunks": 2}), [], "transfer.nbytes: expected 12"),
    (bad(transfer={"chunk_bytes": 10 * 1024 * 1024, "n_chunks": 1}), [], "transfer.chunk_bytes"),
    ({**bad(), "transfer": None}, [], "transfer: expected an object"),
])
def test_invalid_messages(content, buffers, field):
    with pytest.raises(ProtocolError, match=field.replace("[", r"\[").replace("(", r"\(")):
        validate_incoming(content, buffers)


def test_error_carries_ids():
    with pytest.raises(ProtocolError) as info:
        validate_incoming({"v": 1, "type": "data-reply", "request_id": "r7"}, [])
    assert info.value.request_id == "r7"


def test_constructors_carry_version():
    msgs = [protocol.layer_data(LAYER, TRANSFER), protocol.chunk("t", 0, 0), protocol.layer_remove("a"),
            protocol.data_request("r", "a"), protocol.open_panel(), protocol.open_panel("T"),
            protocol.error("m"), protocol.error("m", "r")]
    assert all(m["v"] == 1 for m in msgs)
    assert "title" not in protocol.open_panel() and protocol.open_panel("T")["title"] == "T"
    assert protocol.error("m", "r")["request_id"] == "r" and "request_id" not in protocol.error("m")
