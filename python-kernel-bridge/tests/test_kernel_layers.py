"""Points, shapes, layer-props, layer-update, dims and screenshots through a real
ipykernel, with tests/peer.py acting as the frontend (see test_kernel_roundtrip.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import printed

SETUP = """
import json, numpy as np, seglab
from seglab._blocking import wait_until
v = seglab.Viewer()
vol = (np.arange(4 * 30 * 40, dtype=np.float32).reshape(4, 30, 40) % 97)
img = v.add_image(vol, name='vol', contrast_limits=(10, 80), gamma=0.5)
pts = v.add_points(np.array([[1, 5, 6], [2, 7.25, 8]]), name='spots', size=[3, 4],
                   face_color=['red', (0, 0.5, 1)], properties={'score': [0.5, np.nan], 'cls': ['a', 'b']})
shp = v.add_shapes([np.array([[0, 0], [10, 20]]), np.array([[5, 5], [2, 3]]),
                    np.array([[1, 1], [4, 4]]), np.array([[0, 0], [1, 2], [3, 1]]),
                    np.array([[0, 0], [5, 0], [5, 5], [0, 5]])],
                   shape_type=['rectangle', 'ellipse', 'line', 'path', 'polygon'],
                   edge_width=[1, 2, 3, 4, 5], properties={'id': [1, 2, 3, 4, 5]}, name='rois')
empty = v.add_points(name='empty', ndim=3)
def wait(cond):
    assert wait_until(cond, 10, comm=v.comm), 'timed out waiting for the frontend'
"""


@pytest.fixture(scope="module")
def viewer(peer):
    peer.run(SETUP)
    peer.pump(lambda: {"vol", "spots", "rois", "empty"} <= {l.desc["name"] for l in peer.layers.values()}
              and peer.dims is not None)
    return peer


def test_points_arrive_as_float64_coordinates_with_metadata(viewer):
    spots = viewer.by_name("spots")
    assert spots.data.dtype == np.float64 and spots.data.tolist() == [[1, 5, 6], [2, 7.25, 8]]
    d = spots.desc
    assert d["n_points"] == 2 and d["ndim"] == 3 and d["size"] == [3.0, 4.0]
    assert d["face_color"] == ["#ff0000ff", "#0080ffff"]
    assert d["properties"] == [{"name": "score", "dtype": "float64", "values": [0.5, None]},
                               {"name": "cls", "dtype": "str", "values": ["a", "b"]}]


def test_shapes_arrive_normalised(viewer):
    rois = viewer.by_name("rois")
    d = rois.desc
    assert d["shape_type"] == ["rectangle", "ellipse", "line", "path", "polygon"]
    assert d["vertex_counts"] == [4, 4, 2, 3, 4] and d["edge_width"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert d["edge_color"] == "#ff0000ff" and d["face_color"] == "#00000000"
    rect, ellipse = rois.data[:4], rois.data[4:8]
    assert rect.tolist() == [[0, 0], [10, 0], [10, 20], [0, 20]]
    assert ellipse.tolist() == [[3, 2], [7, 2], [7, 8], [3, 8]]  # centre (5, 5), radii (2, 3)


def test_empty_points_travel_as_zero_byte_transfer(viewer):
    empty = viewer.by_name("empty")
    assert empty.desc["n_points"] == 0 and empty.data.shape == (0, 3)
    out = viewer.run("e = empty.data\nprint('EMPTY', e.shape, e.dtype)")
    assert printed(out, "EMPTY") == "(0, 3) float64"


def test_points_edited_in_the_frontend_come_back(viewer):
    spots = viewer.by_name("spots")

    def add_point(layer):  # the frontend's rule: a new item repeats the last item's values
        layer.data = np.vstack([layer.data, [[3, 9.5, 1.125]]])
        d = layer.desc
        d["n_points"] = 3
        d["size"].append(d["size"][-1])
        d["face_color"].append(d["face_color"][-1])
        for column in d["properties"]:
            column["values"].append(column["values"][-1])
    viewer.run("events = []\npts.events.data.connect(lambda e: events.append((e.type, e.source.name)))")
    revision = viewer.edit(spots.desc["id"], add_point)
    out = viewer.run(f"""
wait(lambda: pts.revision >= {revision} and events)
print('STALE', pts.stale, events)
print('SIZE', pts.size.tolist())
print('DATA', pts.data.tolist(), pts.stale)
print('PROPS', pts.properties['cls'].tolist(), np.isnan(pts.properties['score']).tolist())
print('COLOR', pts.face_color.round(3).tolist())
""")
    assert printed(out, "STALE") == "True [('data', 'spots')]", out
    assert printed(out, "SIZE") == "[3.0, 4.0, 4.0]"  # the stale copy was refreshed first
    assert printed(out, "DATA") == "[[1.0, 5.0, 6.0], [2.0, 7.25, 8.0], [3.0, 9.5, 1.125]] False"
    assert printed(out, "PROPS") == "['a', 'b', 'b'] [False, True, True]"
    assert printed(out, "COLOR") == "[[1.0, 0.0, 0.0, 1.0], [0.0, 0.502, 1.0, 1.0], [0.0, 0.502, 1.0, 1.0]]"


def test_shapes_edited_in_the_frontend_come_back(viewer):
    rois = viewer.by_name("rois")

    def drop_line_and_move_vertex(layer):
        d = layer.desc
        layer.data = np.delete(layer.data, [8, 9], axis=0)  # the line's 2 vertices
        layer.data[-1] = [0.5, 5.5]  # the polygon's last vertex
        for key in ("shape_type", "vertex_counts", "edge_width"):
            del d[key][2]
        del d["properties"][0]["values"][2]
    viewer.edit(rois.desc["id"], drop_line_and_move_vertex)
    out = viewer.run("""
got = shp.data
print('TYPES', shp.shape_type, [a.shape for a in got], shp.nshapes)
print('LAST', got[-1].tolist(), shp.edge_width.tolist(), shp.properties['id'].tolist())
""")
    assert printed(out, "TYPES") == "['rectangle', 'ellipse', 'path', 'polygon'] [(4, 2), (4, 2), (3, 2), (4, 2)] 4"
    assert printed(out, "LAST") == "[[0.0, 0.0], [5.0, 0.0], [5.0, 5.0], [0.5, 5.5]] [1.0, 2.0, 4.0, 5.0] [1, 2, 4, 5]"


def test_setting_properties_sends_layer_props(viewer):
    viewer.inbox.clear()
    out = viewer.run("""
img.opacity = 0.25
img.colormap = 'magma'
img.contrast_limits = (0, 50)
pts.face_color = 'yellow'
shp.edge_color = ['blue'] * shp.nshapes
shp.name = 'vol'
print('NAME', shp.name)
""")
    assert printed(out, "NAME") == "vol [1]"  # napari keeps names unique
    viewer.pump(lambda: any(l.desc["name"] == "vol [1]" for l in viewer.layers.values()))
    vol, spots, rois = viewer.by_name("vol"), viewer.by_name("spots"), viewer.by_name("vol [1]")
    assert (vol.desc["opacity"], vol.desc["colormap"], vol.desc["contrast_limits"]) == (0.25, "magma", [0, 50])
    assert spots.desc["face_color"] == "#ffff00ff"
    assert rois.desc["edge_color"] == ["#0000ffff"] * 4
    props = [c for c, _ in viewer.inbox if c["type"] == "layer-props"]
    assert [list(p["props"]) for p in props] == [["opacity"], ["colormap"], ["contrast_limits"],
                                                 ["face_color"], ["edge_color"], ["name"]]
    assert viewer.kernel_errors == []


def test_display_changes_in_the_frontend_reach_python(viewer):
    vol = viewer.by_name("vol")
    viewer.run("seen = []\nimg.events.gamma.connect(lambda e: seen.append((e.type, e.value)))")
    revision = viewer.edit(vol.desc["id"], lambda layer: None, data_changed=False,
                           props={"visible": False, "gamma": 2.0, "name": "volume"})
    out = viewer.run(f"""
wait(lambda: img.revision >= {revision} and seen)  # callbacks run right after the update
print('PROPS', img.visible, img.gamma, img.stale, img.name, seen)
""")
    assert printed(out, "PROPS") == "False 2.0 False volume [('gamma', 2.0)]"
    viewer.edit(vol.desc["id"], lambda layer: None, data_changed=False, props={"name": "spots"})
    out = viewer.run("wait(lambda: img.name != 'volume')\nprint('RENAMED', img.name)")
    assert printed(out, "RENAMED") == "spots [1]"  # taken: the kernel renames and tells the frontend
    viewer.pump(lambda: vol.desc["name"] == "spots [1]")


def test_dims_both_directions(viewer):
    viewer.inbox.clear()
    out = viewer.run("""
print('DIMS', v.dims.ndim, v.dims.nsteps, v.dims.current_step)
v.dims.current_step = (3, 0, 0)
v.dims.axis_labels = ('z', 'y', 'x')
""")
    assert printed(out, "DIMS") == "3 (4, 30, 40) (1, 14, 19)"
    viewer.pump(lambda: viewer.dims["axis_labels"] == ["z", "y", "x"])
    assert viewer.dims["current_step"] == [3, 0, 0]
    viewer.move_sliders([1, 0, 0], ["plane", "row", "col"])
    out = viewer.run("wait(lambda: v.dims.current_step[0] == 1)\nprint('MOVED', v.dims.current_step, v.dims.axis_labels)")
    assert printed(out, "MOVED") == "(1, 0, 0) ('plane', 'row', 'col')"
    assert not [c for c, _ in viewer.inbox if c["type"] == "dims" and c["current_step"] == [1, 0, 0]]  # no echo


def test_screenshot_is_the_frontend_rendering(viewer):
    vol = next(l for l in viewer.layers.values() if l.desc["kind"] == "image")
    viewer.edit(vol.desc["id"], lambda layer: None, data_changed=False, props={"visible": True})
    out = viewer.run("""
wait(lambda: img.visible)
img.contrast_limits = (10, 80)
v.dims.current_step = (2, 0, 0)
shot = v.screenshot()
print('SHOT', shot.shape, shot.dtype, shot[..., 3].min(), np.array_equal(shot[..., 0], shot[..., 2]))
print('RED', json.dumps(shot[..., 0].tolist()))
""")
    assert printed(out, "SHOT") == "(30, 40, 4) uint8 255 True", out
    plane = (np.arange(4 * 30 * 40, dtype=np.float32).reshape(4, 30, 40) % 97)[2].astype(np.float64)
    expected = np.round(np.clip((plane - 10) / 70, 0, 1) ** 2.0 * 255)  # gamma 2.0 set in the frontend
    assert np.array_equal(np.array(json.loads(printed(out, "RED"))), expected)


def test_screenshot_error_from_the_frontend(viewer):
    viewer.refuse_requests = "canvas lost"
    try:
        out = viewer.run("try:\n    v.screenshot()\nexcept RuntimeError as e:\n    print('RT', e)")
    finally:
        viewer.refuse_requests = None
    assert printed(out, "RT") == "the frontend could not send a screenshot: canvas lost"


def test_screenshot_without_a_frontend(viewer):
    viewer.auto = False  # the next viewer is never displayed
    try:
        out = viewer.run("lonely = seglab.Viewer()\ntry:\n    lonely.screenshot()\n"
                         "except RuntimeError as e:\n    print('RT', e)")
    finally:
        viewer.auto = True
    assert "needs a frontend" in printed(out, "RT")
