"""Viewer behaviour without a kernel (messages captured in-process).

Frontend messages are fed to the real handler; what needs a blocking reply
from a frontend is in test_kernel_*.py.
"""

import numpy as np
import pytest

import seglab
from seglab import Viewer
from seglab.descriptors import check_descriptor

from inprocess import capturing_viewer, frontend


@pytest.fixture
def viewer(monkeypatch):
    return capturing_viewer(monkeypatch, chunk_bytes=64)


def types(v):
    return [c["type"] for c, _ in v.sent]


def from_frontend(v, **content):
    frontend(v, **content)


def test_package_metadata():
    assert seglab.__version__ == "0.1.0"
    assert seglab._jupyter_labextension_paths() == [{"src": "labextension", "dest": "seglab"}]
    v = Viewer()
    assert (v._model_name, v._view_name, v._model_module, v._model_module_version) == (
        "SegLabViewerModel", "SegLabViewerView", "seglab", "^0.1.0")
    assert v._view_module == "seglab" and v._view_module_version == "^0.1.0" and v.protocol_version == 3
    assert {"layer_specs", "protocol_version"} <= set(v.keys)


def test_names_follow_napari(viewer):
    names = [viewer.add_image(np.zeros((2, 2), np.uint8)).name for _ in range(3)]
    assert names == ["Image", "Image [1]", "Image [2]"]
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei").name == "nuclei"
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei").name == "nuclei [1]"
    assert viewer.add_image(np.zeros((2, 2), np.uint8), name="nuclei [1]").name == "nuclei [2]"
    kinds = [viewer.add_labels(np.zeros((2, 2), np.int32)), viewer.add_points(), viewer.add_shapes()]
    assert [l.name for l in kinds] == ["Labels", "Points", "Shapes"]
    kinds[0].name = "nuclei"
    assert kinds[0].name == "nuclei [3]" and viewer.sent[-1][0]["props"] == {"name": "nuclei [3]"}


def test_layer_list(viewer):
    a = viewer.add_image(np.zeros((2, 2), np.uint8), name="a")
    b = viewer.add_image(np.ones((40, 40, 3), np.uint8), name="b")
    assert len(viewer.layers) == 2 and list(viewer.layers) == [a, b]
    assert viewer.layers["b"] is b and viewer.layers[0] is a and viewer.layers[-1] is b
    assert "a" in viewer.layers and b in viewer.layers and "zz" not in viewer.layers
    assert (b.dtype, b.shape, b.rgb, b.ndim) == (np.dtype("uint8"), (40, 40, 3), True, 2)
    assert [s["name"] for s in viewer.layer_specs] == ["a", "b"] and viewer.layer_specs[1] == b.summary()
    with pytest.raises(KeyError, match="no layer named 'zz'"):
        viewer.layers["zz"]
    with pytest.raises(TypeError, match="expected a layer name"):
        viewer.layers[1.0]
    viewer.layers.remove("a")
    assert viewer.layers.names() == ["b"] and viewer.sent[-1][0] == {"v": 3, "type": "layer-remove", "layer_id": a.id}
    del viewer.layers[0]
    assert len(viewer.layers) == 0 and viewer.layer_specs == []
    with pytest.raises(ValueError, match="not in this viewer"):
        viewer.layers.remove(b)


def test_layer_specs_leave_out_per_item_fields(viewer):
    pts = viewer.add_points(np.zeros((2, 2)), face_color=["red", "blue"], properties={"a": [1, 2]})
    spec = viewer.layer_specs[0]
    assert spec["n_points"] == 2 and not {"size", "face_color", "properties"} & set(spec)
    assert spec == {k: v for k, v in pts.descriptor().items() if k in spec}


def test_add_image_sends_chunks(viewer):
    img = np.arange(100, dtype=np.uint16).reshape(10, 10)  # 200 bytes, 64-byte chunks
    layer = viewer.add_image(img, name="x")
    (head, hb), *chunks, (dims, _) = viewer.sent
    assert head["type"] == "layer-data" and hb == [] and head["layer"] == layer.descriptor()
    assert head["transfer"]["n_chunks"] == 4 == len(chunks)
    assert dims == {"v": 3, "type": "dims", "ndim": 2, "current_step": [4, 4], "axis_labels": ["0", "1"]}
    assert b"".join(bytes(b[0]) for _, b in chunks) == img.tobytes()
    assert all(isinstance(b[0], memoryview) for _, b in chunks)
    assert [c["offset"] for c, _ in chunks] == [0, 64, 128, 192]
    check_descriptor(head["layer"])


def test_image_defaults_are_napari_s(viewer):
    a = viewer.add_image(np.array([[2, 7], [3, 5]], np.int16))
    assert (a.colormap, a.blending, a.contrast_limits, a.gamma, a.opacity, a.visible, a.interpolation) == (
        "gray", "translucent_no_depth", (2.0, 7.0), 1.0, 1.0, True, "nearest")
    assert (a.scale, a.translate) == ((1.0, 1.0), (0.0, 0.0))
    assert viewer.add_image(np.zeros((3, 3), np.uint8)).contrast_limits == (0.0, 255.0)
    assert viewer.add_image(np.full((3, 3), 5.0)).contrast_limits == (0.0, 5.0)
    assert viewer.add_image(np.array([[np.nan, 1], [np.inf, 3]])).contrast_limits == (1.0, 3.0)
    assert viewer.add_image(np.zeros((40, 40, 3), np.float32)).contrast_limits == (0.0, 1.0)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"colormap": "jet"}, ValueError, "colormap: expected one of gray, gray_r"),
    ({"opacity": 2}, ValueError, r"opacity: expected a number in \[0, 1\]"),
    ({"opacity": "1"}, TypeError, "opacity: expected a number"),
    ({"gamma": 0}, ValueError, "gamma: expected a number > 0"),
    ({"contrast_limits": (5, 1)}, ValueError, "contrast_limits: expected low < high"),
    ({"contrast_limits": 5}, ValueError, r"contrast_limits: expected \(low, high\)"),
    ({"blending": "screen"}, ValueError, "blending: expected one of translucent"),
    ({"interpolation": "cubic"}, ValueError, "interpolation: expected one of nearest, linear"),
    ({"scale": (1, 0)}, ValueError, "scale: expected numbers > 0"),
    ({"scale": (1, 1, 1)}, ValueError, "scale: expected 2 numbers"),
    ({"translate": (0, np.inf)}, ValueError, "translate: expected a finite number"),
    ({"visible": 1}, TypeError, "visible: expected True or False"),
    ({"name": ""}, ValueError, "name: expected a string of 1 to 256"),
    ({"gamma": [1, 2]}, TypeError, "received a sequence for argument 'gamma'; did you mean to specify a channel_axis"),
])
def test_bad_image_arguments(viewer, kwargs, error, message):
    with pytest.raises(error, match=message):
        viewer.add_image(np.zeros((4, 4), np.uint8), **kwargs)
    assert viewer.sent == [] and len(viewer.layers) == 0


@pytest.mark.parametrize("n, colormaps", [
    (1, ["gray"]), (2, ["magenta", "green"]), (3, ["cyan", "magenta", "yellow"]),
    (7, ["cyan", "magenta", "yellow", "blue", "green", "red", "cyan"]),
])
def test_channel_axis_defaults(viewer, n, colormaps):
    data = np.stack([np.full((5, 6), i * 10 + 1, np.uint16) for i in range(n)], axis=1)  # (5, n, 6)
    layers = viewer.add_image(data, channel_axis=1)
    assert isinstance(layers, list) and [l.colormap for l in layers] == colormaps
    assert [l.blending for l in layers] == ["translucent_no_depth"] + ["additive"] * (n - 1)
    assert [l.name for l in layers] == ["Image"] + [f"Image [{i}]" for i in range(1, n)]
    assert all(l.shape == (5, 6) for l in layers)
    assert [np.unique(l.source_data).tolist() for l in layers] == [[i * 10 + 1] for i in range(n)]


def test_channel_axis_per_channel_arguments(viewer):
    data = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    layers = viewer.add_image(data, channel_axis=-3, name=["a", "b", "c"], colormap="red",
                              contrast_limits=[(0, 1), (0, 2), (0, 3)], scale=(2, 1, 1), gamma=[1, 2, 3],
                              blending="opaque")
    assert [l.name for l in layers] == ["a", "b", "c"] and {l.colormap for l in layers} == {"red"}
    assert [l.contrast_limits for l in layers] == [(0, 1), (0, 2), (0, 3)] and [l.gamma for l in layers] == [1, 2, 3]
    assert all(l.scale == (2, 1, 1) and l.blending == "opaque" and l.ndim == 3 for l in layers)
    assert np.array_equal(layers[1].source_data, data[:, 1])
    named = viewer.add_image(data, channel_axis=0, name="same", scale=[(1, 1, 1), (3, 3, 3)])
    assert [l.name for l in named] == ["same", "same [1]"] and named[1].scale == (3, 3, 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"channel_axis": 3}, r"channel_axis: expected an int in \[-3, 2\] for data of shape \(2, 3, 4\), got 3"),
    ({"channel_axis": -4}, "channel_axis: expected an int"),
    ({"channel_axis": True}, "channel_axis: expected an int"),
    ({"channel_axis": 0, "colormap": ["red", "green", "blue"]}, "colormap: expected one value for all channels or 2"),
    ({"channel_axis": 1, "contrast_limits": [(0, 1), (0, 2)]}, "contrast_limits: expected one value for all channels or 3"),
    ({"channel_axis": 0, "opacity": [1, 5]}, r"opacity: expected a number in \[0, 1\]"),
])
def test_bad_channel_axis_adds_nothing(viewer, kwargs, message):
    with pytest.raises(ValueError, match=message):
        viewer.add_image(np.zeros((2, 3, 4), np.uint8), **kwargs)
    assert viewer.sent == [] and len(viewer.layers) == 0


def test_labels(viewer):
    lab = viewer.add_labels(np.array([[True, False], [False, True]]), selected_label=5, mode="paint")
    assert (lab.dtype, lab.opacity, lab.blending, lab.selected_label, lab.mode) == (
        np.uint8, 0.7, "translucent", 5, "paint")
    assert lab.data.tolist() == [[1, 0], [0, 1]]  # headless: the kernel copy
    with pytest.raises(TypeError, match=r"expected integer labels, got dtype float64; convert first, e.g. data.astype\(np.int32\)"):
        viewer.add_labels(np.ones((3, 3)))
    with pytest.raises(ValueError, match="mode: expected one of pan_zoom"):
        lab.mode = "draw"
    with pytest.raises(ValueError, match="selected_label"):
        lab.selected_label = -1


def test_labels_classes_name_and_colour_ids_and_refuse_what_cannot_travel(viewer):
    lab = viewer.add_labels(np.zeros((4, 4), np.uint8), label_classes=[("background", "blue"), ("nucleus", (1, 1, 0))])
    assert lab.label_classes == ({"name": "background", "color": "#0000ffff"}, {"name": "nucleus", "color": "#ffff00ff"})
    lab.label_classes = [{"name": "cell", "color": "#ff000080"}]
    assert viewer.sent[-1][0]["type"] == "layer-props" and viewer.sent[-1][0]["props"] == {
        "label_classes": [{"name": "cell", "color": "#ff000080"}]}
    assert viewer.add_labels(np.zeros((2, 2), np.uint8)).label_classes == ()
    for bad, message in [
        ([("a", "red")] * 2, r"label_classes\[1\]: the name 'a' is taken"),
        ([(f"c{k}", "red") for k in range(17)], "at most 16 classes"),
        ([("", "red")], r"label_classes\[0\]: expected a name of 1 to 64"),
        ([("a", "nocolour")], r"label_classes\[0\] colour"),
        ([{"name": "a"}], r"expected the keys 'name' and 'color'"),
        ("abc", "expected a list of"),
    ]:
        with pytest.raises((ValueError, TypeError), match=message):
            lab.label_classes = bad
    assert lab.label_classes == ({"name": "cell", "color": "#ff000080"},)


def test_points(viewer):
    pts = viewer.add_points([[1, 2], [3, 4]], size=[5, 6], face_color="red", properties={"k": ["a", "b"]})
    assert pts.data.dtype == np.float64 and pts.data.shape == (2, 2) and pts.size.tolist() == [5, 6]
    assert pts.face_color.tolist() == [[1, 0, 0, 1]] * 2 and pts.properties["k"].tolist() == ["a", "b"]
    one = viewer.add_points(np.array([1, 2, 3]))
    assert one.data.shape == (1, 3) and one.ndim == 3
    empty = viewer.add_points(ndim=4)
    assert empty.data.shape == (0, 4) and empty.size.shape == (0,) and empty.descriptor()["n_points"] == 0
    assert viewer.sent[-2][0]["transfer"]["nbytes"] == 0  # a zero-byte transfer, no chunks


@pytest.mark.parametrize("data, kwargs, error, message", [
    (np.zeros((3, 2)), {"ndim": 3}, ValueError, r"points: expected 3 columns \(ndim=3\), got shape \(3, 2\)"),
    (np.zeros((3, 6)), {}, ValueError, "points: expected 2 to 5 columns"),
    (np.zeros((3, 1)), {}, ValueError, "points: expected 2 to 5 columns"),
    (np.zeros((2, 2, 2)), {}, ValueError, r"points: expected an \(N, D\) array"),
    ([["a", "b"]], {}, TypeError, "points: expected numeric coordinates, got dtype <U1"),
    (np.array([[1, 2j]]), {}, TypeError, "numeric coordinates"),
    ([[1, np.nan]], {}, ValueError, "points: expected finite coordinates"),
    ([[1, 2], [3]], {}, ValueError, "ragged"),
    (np.zeros((3, 2)), {"size": [1, 2]}, ValueError, r"size: expected one value or 3 \(one per item\), got 2"),
    (np.zeros((3, 2)), {"size": 0}, ValueError, "size: expected finite numbers > 0"),
    (np.zeros((3, 2)), {"face_color": ["red", "blue"]}, ValueError, "face_color: expected one colour or 3"),
    (np.zeros((3, 2)), {"face_color": "nocolour"}, ValueError, "face_color: unknown colour 'nocolour'"),
    (np.zeros((3, 2)), {"face_color": (1, 2, 0)}, ValueError, r"face_color: expected RGB\(A\) values in \[0, 1\]"),
    (np.zeros((3, 2)), {"properties": {"a": [1, 2]}}, ValueError, r"properties\['a'\]: expected 3 values"),
    (np.zeros((3, 2)), {"properties": {"a": [1j, 2, 3]}}, TypeError, r"properties\['a'\]: expected numbers"),
    (np.zeros((3, 2)), {"ndim": 7}, ValueError, "ndim: expected an int from 2 to 5"),
])
def test_bad_points(viewer, data, kwargs, error, message):
    with pytest.raises(error, match=message):
        viewer.add_points(data, **kwargs)
    assert viewer.sent == [] and len(viewer.layers) == 0


def test_shapes_are_normalised_like_napari(viewer):
    shp = viewer.add_shapes([np.array([[4, 1], [0, 3]]), np.array([[5, 5], [1, 2]])],
                            shape_type=["rectangle", "ellipse"])
    assert [s.tolist() for s in shp.data] == [[[0, 1], [4, 1], [4, 3], [0, 3]],
                                               [[4, 3], [6, 3], [6, 7], [4, 7]]]
    nd = viewer.add_shapes(np.array([[2, 0, 0], [2, 4, 5]]))  # one 3-D rectangle from 2 corners
    assert nd.data[0].tolist() == [[2, 0, 0], [2, 4, 0], [2, 4, 5], [2, 0, 5]] and nd.ndim == 3
    many = viewer.add_shapes(np.zeros((3, 2, 2)), shape_type="line", edge_width=[1, 2, 3])
    assert many.nshapes == 3 and many.edge_width.tolist() == [1, 2, 3]
    assert many.face_color.tolist() == [[0, 0, 0, 0]] * 3 and many.edge_color.tolist() == [[1, 0, 0, 1]] * 3
    assert viewer.add_shapes().data == [] and viewer.add_shapes(ndim=3).ndim == 3


@pytest.mark.parametrize("data, shape_type, message", [
    ([np.zeros((3, 2))], "rectangle", "a rectangle needs 4 corners or 2 opposite corners, got 3"),
    ([np.zeros((5, 2))], "ellipse", r"an? ellipse needs 4 bounding-box corners or 2 rows \(centre, radii\), got 5"),
    ([np.zeros((3, 2))], "line", "a line needs exactly 2 vertices, got 3"),
    ([np.zeros((1, 2))], "path", "a path needs at least 2 vertices, got 1"),
    ([np.zeros((2, 2))], "polygon", "a polygon needs at least 3 vertices, got 2"),
    ([np.array([[0, 0, 0], [1, 1, 1]])], "rectangle", "two corners must share the leading coordinates"),
    ([np.array([[0, 0, 0], [1, 1, 1]])], "ellipse", "ellipse radii must be 0 on all but the last two axes"),
    ([np.zeros((3, 2)), np.zeros((3, 3))], "polygon", r"shapes\[1\]: expected 2 columns"),
    ([np.zeros((3, 2))], "circle", "shape_type: expected one of rectangle, ellipse, line, path, polygon"),
    ([np.zeros((3, 2))] * 2, ["polygon"], r"shape_type: expected one type or 2 \(one per shape\), got 1"),
    ([np.zeros((3, 6))], "polygon", "expected 2 to 5 columns"),
])
def test_bad_shapes(viewer, data, shape_type, message):
    with pytest.raises(ValueError, match=message):
        viewer.add_shapes(data, shape_type=shape_type)
    assert viewer.sent == [] and len(viewer.layers) == 0


def test_setters_send_layer_props_and_fire_events(viewer):
    img = viewer.add_image(np.zeros((4, 4), np.float32))
    seen = []
    img.events.opacity.connect(lambda e: seen.append((e.type, e.value, e.source is img)))
    viewer.sent.clear()
    img.opacity = 0.5
    img.contrast_limits = [0, 2]
    img.scale = (2, 3)
    assert [c["props"] for c, _ in viewer.sent if c["type"] == "layer-props"] == [
        {"opacity": 0.5}, {"contrast_limits": [0.0, 2.0]}, {"scale": [2.0, 3.0]}]
    assert seen == [("opacity", 0.5, True)] and viewer.dims.range[0] == (0.0, 8.0, 2.0)
    with pytest.raises(ValueError):
        img.opacity = -1
    assert img.opacity == 0.5


def test_data_setter_resends_with_new_revision(viewer):
    pts = viewer.add_points(np.zeros((2, 2)), size=[1, 2], face_color="red", properties={"p": [1.5, 2.5]})
    first = pts.revision
    pts.data = np.ones((4, 2))
    head = [c for c, _ in viewer.sent if c["type"] == "layer-data"][-1]
    assert head["layer"]["revision"] == first + 1 and head["layer"]["n_points"] == 4
    assert head["layer"]["size"] == [1.0, 2.0, 2.0, 2.0] and head["layer"]["face_color"] == "#ff0000ff"
    assert pts.properties["p"].tolist() == [1.5, 2.5, 2.5, 2.5]
    pts.data = None
    assert pts.size.shape == (0,) and pts.descriptor()["size"] == 2.0  # empty: uniform last value


def test_layer_update_marks_stale_and_applies_display(viewer):
    img = viewer.add_image(np.zeros((4, 4), np.uint8), name="img")
    viewer.add_image(np.zeros((4, 4), np.uint8), name="taken")
    data_events = []
    img.events.data.connect(lambda e: data_events.append(e.type))
    viewer.sent.clear()
    from_frontend(viewer, type="layer-update", layer_id=img.id, revision=img.revision + 1,
                  data_changed=False, props={"opacity": 0.3, "colormap": "viridis"})
    assert (img.opacity, img.colormap, img.stale, data_events) == (0.3, "viridis", False, [])
    from_frontend(viewer, type="layer-update", layer_id=img.id, revision=img.revision + 1, data_changed=True)
    assert img.stale and data_events == ["data"]
    from_frontend(viewer, type="layer-update", layer_id=img.id, revision=img.revision + 1,
                  data_changed=False, props={"name": "taken"})
    assert img.stale  # a display change does not make a stale copy fresh
    assert img.name == "taken [1]" and viewer.sent[-1][0]["props"] == {"name": "taken [1]"}
    from_frontend(viewer, type="layer-update", layer_id="gone", revision=9, data_changed=True)
    assert types(viewer) == ["layer-props"]  # updates for unknown layers are ignored


@pytest.mark.parametrize("props, message", [
    ({"mode": "paint"}, "props.mode: not a field of image layers"),
    ({"scale": [1, 2, 3]}, "props.scale: expected 2 numbers for layer 'img'"),
])
def test_layer_update_with_foreign_fields_is_refused(viewer, props, message):
    img = viewer.add_image(np.zeros((4, 4), np.uint8), name="img")
    viewer.sent.clear()
    from_frontend(viewer, type="layer-update", layer_id=img.id, revision=5, data_changed=False, props=props)
    assert types(viewer) == ["error"] and message in viewer.sent[0][0]["message"]


def test_headless_data_is_the_kernel_copy(viewer):
    img = np.ones((4, 4), np.float32)
    assert viewer.add_image(img).data is img
    shp = viewer.add_shapes([np.zeros((3, 2))], shape_type="polygon")
    assert shp.data is shp.source_data


def test_screenshot_needs_a_frontend(viewer):
    with pytest.raises(RuntimeError, match=r"viewer.screenshot\(\) needs a frontend"):
        viewer.screenshot()


def test_hello_resends_layers_then_dims(viewer):
    layer = viewer.add_image(np.zeros((8, 8), np.uint8), name="z")
    first = viewer.sent[0][0]["transfer"]["id"]
    viewer.sent.clear()
    from_frontend(viewer, type="hello", client_id="c")
    assert viewer._frontend_seen and types(viewer) == ["layer-data", "chunk", "dims"]
    second = viewer.sent[0][0]["transfer"]["id"]
    ready = {"type": "layer-ready", "layer_id": layer.id, "nbytes": 64}
    from_frontend(viewer, **ready, transfer_id=first)
    assert not layer.is_ready  # superseded transfer
    with pytest.raises(TimeoutError, match="did not confirm layer 'z'"):
        viewer.wait_until_ready("z", timeout=0.05)
    from_frontend(viewer, **ready, transfer_id=second)
    assert layer.is_ready and layer.ready_at >= layer.sent_at
    assert viewer.wait_until_ready("z", timeout=1) < 1


def test_bad_frontend_messages_get_error_replies(viewer):
    viewer._on_frontend_msg(viewer, {"v": 9, "type": "hello"}, [])
    viewer._on_frontend_msg(viewer, {"v": 3, "type": "chunk", "transfer_id": "x", "index": 0, "offset": 0}, [b"a"])
    viewer._on_frontend_msg(viewer, "garbage", None)
    errors = [c for c, _ in viewer.sent]
    assert [e["type"] for e in errors] == ["error"] * 3
    assert errors[0]["message"].startswith("v:") and errors[1]["message"].startswith("transfer_id:")


def test_per_item_json_is_bounded(viewer):
    n = 100_000
    with pytest.raises(ValueError, match="bytes of JSON exceed the 4194304-byte message limit"):
        viewer.add_points(np.zeros((n, 2)), properties={"label": ["x" * 60] * n})
    with pytest.raises(ValueError, match="one value per item is supported for at most 100000 items"):
        viewer.add_points(np.zeros((n + 1, 2)), size=np.ones(n + 1))
    assert len(viewer.layers) == 0


def test_open_panel(viewer):
    viewer.open_panel("Nuclei")
    viewer.open_panel()
    assert [c for c, _ in viewer.sent] == [{"v": 3, "type": "open-panel", "title": "Nuclei"},
                                          {"v": 3, "type": "open-panel"}]


def test_too_big_item_update_changes_nothing(viewer):
    n = 60_000
    pts = viewer.add_points(np.zeros((n, 2)))
    viewer.sent.clear()
    with pytest.raises(ValueError, match="bytes of JSON exceed"):
        pts.properties = {"label": ["y" * 80] * n}
    assert pts.properties == {} and viewer.sent == []


def test_refused_data_leaves_the_layer_unchanged(viewer):
    pts = viewer.add_points(np.zeros((2, 2)), size=[1, 2], properties={"label": ["z" * 100] * 2})
    before = pts.descriptor()
    viewer.sent.clear()
    with pytest.raises(ValueError, match="one value per item is supported for at most 100000 items"):
        pts.data = np.zeros((100_001, 2))  # the per-item sizes would grow past the limit
    with pytest.raises(ValueError, match="bytes of JSON exceed"):
        pts.data = np.zeros((50_000, 2))  # 50 000 repeated 100-character labels
    with pytest.raises(ValueError, match=r"points: expected 2 columns \(ndim=2\)|2 to 5 columns"):
        pts.data = np.zeros((3, 7))
    assert pts.descriptor() == before and viewer.sent == []
    img = viewer.add_image(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError, match="got list"):
        img.data = [[1, 2]]
    assert img.shape == (4, 4) and img.revision == 1


def test_pandas_objects_are_taken_like_napari_or_refused_clearly(viewer):
    """napari calls np.asarray on what it is given: a numeric DataFrame is an array; text
    columns, a Series (1-D) or a file name are refused with what was expected."""
    pd = pytest.importorskip("pandas")
    img = viewer.add_image(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), name="table")
    np.testing.assert_array_equal(img.source_data, [[1, 3], [2, 4]])
    pts = viewer.add_points(pd.DataFrame({"y": [1.0, 2.0], "x": [3.0, 4.0]}))
    np.testing.assert_array_equal(pts.source_data, [[1, 3], [2, 4]])
    for data, error, message in [
        (pd.DataFrame({"a": ["x", "y"], "b": [3, 4]}), TypeError, r"expected an array with dtype in bool, .*got dtype object"),
        (pd.Series([1, 2, 3]), ValueError, r"expected an image with 2 to 5 dimensions, got 1-D array of shape \(3,\)"),
        ("image.tif", TypeError, "expected a numpy array or array-like with __array__, got str"),
    ]:
        with pytest.raises(error, match=message):
            viewer.add_image(data)
    with pytest.raises(TypeError, match="points: expected numeric coordinates, got dtype object"):
        viewer.add_points(pd.DataFrame({"a": ["x", "y"], "b": [3, 4]}))
    assert [layer.name for layer in viewer.layers] == ["table", "Points"]
