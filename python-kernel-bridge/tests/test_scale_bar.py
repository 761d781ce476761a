"""viewer.scale_bar: validation, the ``scale-bar`` message both ways, hello, events;
and one round trip through a real ipykernel with tests/peer.py as the frontend."""

import numpy as np
import pytest

from conftest import printed
from seglab import Viewer, protocol
from seglab.protocol import ProtocolError, validate_incoming
from seglab.scale_bar import POSITIONS

UNIT_ERROR = "unit: expected no unit (None/null) or a string of 1 to 32 printable characters, got "
POSITION_ERROR = "position: expected one of bottom_right, bottom_left, top_right, top_left, got "


@pytest.fixture
def viewer(monkeypatch):
    v = Viewer()
    v.sent = []
    monkeypatch.setattr(v, "send", lambda content, buffers=None: v.sent.append(content))
    return v


def scale_bar_messages(v):
    return [m for m in v.sent if m["type"] == "scale-bar"]


def from_frontend(v, **content):
    v._on_frontend_msg(v, {"v": 3, **content}, [])


def test_defaults_are_napari_s():
    bar = Viewer().scale_bar
    assert (bar.visible, bar.unit, bar.position, bar.is_default) == (False, None, "bottom_right", True)
    assert repr(bar) == "ScaleBar(visible=False, unit=None, position='bottom_right')"
    assert POSITIONS == ("bottom_right", "bottom_left", "top_right", "top_left")


def test_each_set_sends_the_whole_state_once(viewer):
    viewer.scale_bar.visible = True
    viewer.scale_bar.unit = "um"
    viewer.scale_bar.unit = "um"  # unchanged: nothing sent
    viewer.scale_bar.position = "top_left"
    viewer.scale_bar.visible = np.bool_(False)
    assert viewer.sent == [
        {"v": 3, "type": "scale-bar", "visible": True, "unit": None, "position": "bottom_right"},
        {"v": 3, "type": "scale-bar", "visible": True, "unit": "um", "position": "bottom_right"},
        {"v": 3, "type": "scale-bar", "visible": True, "unit": "um", "position": "top_left"},
        {"v": 3, "type": "scale-bar", "visible": False, "unit": "um", "position": "top_left"},
    ]
    assert type(viewer.scale_bar.visible) is bool
    for message in viewer.sent:  # what the kernel sends is what it would accept back
        assert validate_incoming(message) == message


@pytest.mark.parametrize("field, value, error", [
    ("unit", "", UNIT_ERROR + "''"),
    ("unit", "x" * 33, UNIT_ERROR),
    ("unit", "u\nm", UNIT_ERROR + "'u\\nm'"),
    ("unit", "\u200bum", UNIT_ERROR),  # zero-width space
    ("unit", "\u00a0um", UNIT_ERROR),  # no-break space
    ("unit", 5, UNIT_ERROR + "5"),
    ("unit", b"um", UNIT_ERROR),
    ("position", "middle", POSITION_ERROR + "'middle'"),
    ("position", None, POSITION_ERROR + "None"),
    ("visible", "yes", "visible: expected a bool, got 'yes'"),
    ("visible", 1, "visible: expected a bool, got 1"),
])
def test_bad_values_are_refused_naming_the_field(viewer, field, value, error):
    with pytest.raises(ValueError) as info:
        setattr(viewer.scale_bar, field, value)
    assert str(info.value).startswith(error)
    assert viewer.sent == [] and viewer.scale_bar.is_default


@pytest.mark.parametrize("unit", [None, "um", "µm", "μm", "micron", "nm", "mm", "m", "cm", "pixel", "a b",
                                  "x" * 32, "\U0001d707" * 32])  # 32 code points, whatever UTF-16 makes of them
def test_units_accepted(viewer, unit):
    viewer.scale_bar.unit = unit
    assert viewer.scale_bar.unit == unit


def test_events_fire_for_changes_from_either_side(viewer):
    seen = []
    for name in ("visible", "unit", "position"):
        getattr(viewer.scale_bar.events, name).connect(lambda e: seen.append((e.type, e.value)))
    viewer.scale_bar.unit = "nm"
    from_frontend(viewer, type="scale-bar", visible=True, unit="nm", position="top_right")
    assert seen == [("unit", "nm"), ("visible", True), ("position", "top_right")]


def test_frontend_changes_apply_without_echo(viewer):
    from_frontend(viewer, type="scale-bar", visible=True, unit="µm", position="bottom_left")
    bar = viewer.scale_bar
    assert (bar.visible, bar.unit, bar.position) == (True, "µm", "bottom_left")
    assert viewer.sent == []


@pytest.mark.parametrize("change, error", [
    ({"unit": "a\tb"}, UNIT_ERROR),
    ({"position": "centre"}, POSITION_ERROR),
    ({"visible": None}, "visible: expected a bool"),
])
def test_bad_frontend_messages_get_an_error_and_change_nothing(viewer, change, error):
    content = dict({"type": "scale-bar", "visible": True, "unit": "nm", "position": "top_left"}, **change)
    from_frontend(viewer, **content)
    assert [m["type"] for m in viewer.sent] == ["error"] and viewer.sent[0]["message"].startswith(error)
    assert viewer.scale_bar.is_default


def test_validate_incoming():
    good = {"v": 3, "type": "scale-bar", "visible": False, "unit": None, "position": "top_right"}
    assert validate_incoming(good) == good
    with pytest.raises(ProtocolError, match="buffers: expected 0"):
        validate_incoming(good, [b"x"])
    with pytest.raises(ProtocolError, match="^unit: expected"):
        validate_incoming(dict(good, unit=""))
    missing = {k: v for k, v in good.items() if k != "unit"}  # required, not taken for None
    with pytest.raises(ProtocolError, match=r"^unit: expected .*, got nothing \(the field is missing\)$"):
        validate_incoming(missing)
    assert protocol.scale_bar(True, "um", "top_left") == {
        "v": 3, "type": "scale-bar", "visible": True, "unit": "um", "position": "top_left"}


def test_hello_sends_the_state_only_when_it_is_not_the_default(viewer):
    viewer.add_image(np.zeros((4, 4), np.uint8))
    viewer.sent.clear()
    from_frontend(viewer, type="hello", client_id="a")
    assert [m["type"] for m in viewer.sent] == ["layer-data", "chunk", "dims"]  # a fresh frontend has the defaults
    viewer.scale_bar.visible = True
    viewer.sent.clear()
    from_frontend(viewer, type="hello", client_id="b")
    assert [m["type"] for m in viewer.sent] == ["layer-data", "chunk", "dims", "scale-bar"]
    assert viewer.sent[-1] == {"v": 3, "type": "scale-bar", "visible": True, "unit": None, "position": "bottom_right"}


# -- through a real kernel ----------------------------------------------------------


def test_round_trip_through_a_real_kernel(peer, monkeypatch):
    shown = {}

    def on_scale_bar(msg, _buffers):  # the frontend's part: validate, then hold the state
        validate_incoming(msg)
        shown.update({k: msg[k] for k in ("visible", "unit", "position")})

    monkeypatch.setattr(peer, "_on_scale_bar", on_scale_bar, raising=False)
    peer.run("""
import seglab
from seglab._blocking import wait_until
sb = seglab.Viewer()
sb.add_image(__import__('numpy').zeros((8, 8), 'uint8'), scale=(0.5, 0.5))
""")
    # The peer's hello (sent when the viewer's comm opened) is handled before the setters run (on
    # the main thread before this cell, or on SegLab's subshell): with the default state it sends no
    # scale-bar, so the two that arrive are the setters' own.
    out = peer.run("""
print('SEEN', wait_until(lambda: sb._frontend_seen, 10, comm=sb.comm))
sb.scale_bar.visible = True
sb.scale_bar.unit = 'um'
""")
    assert printed(out, "SEEN") == "True", out
    peer.pump(lambda: shown == {"visible": True, "unit": "um", "position": "bottom_right"})
    assert [c["unit"] for c, _ in peer.inbox if c["type"] == "scale-bar"] == [None, "um"]

    peer.inbox.clear()
    peer.send({"v": 3, "type": "scale-bar", "visible": False, "unit": "nm", "position": "top_left"})
    out = peer.run("""
assert wait_until(lambda: sb.scale_bar.unit == 'nm', 10, comm=sb.comm)
print('SB', sb.scale_bar)
""")
    assert printed(out, "SB") == "ScaleBar(visible=False, unit='nm', position='top_left')"
    assert not [c for c, _ in peer.inbox if c["type"] == "scale-bar"]  # no echo

    peer.send({"v": 3, "type": "hello", "client_id": "reloaded-page"})  # a reload gets the state back
    message, _ = peer.take("scale-bar")
    assert message == {"v": 3, "type": "scale-bar", "visible": False, "unit": "nm", "position": "top_left"}

    peer.kernel_errors.clear()
    peer.send({"v": 3, "type": "scale-bar", "visible": True, "unit": "nm", "position": "centre"})
    peer.pump(lambda: bool(peer.kernel_errors))
    assert peer.kernel_errors[0].startswith(POSITION_ERROR + "'centre'")
    out = peer.run("print('SB', sb.scale_bar)")
    assert printed(out, "SB") == "ScaleBar(visible=False, unit='nm', position='top_left')"
