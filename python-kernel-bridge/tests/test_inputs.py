"""napari-style arguments -> wire values: colours, properties, per-item fields,
coordinates, contrast limits (seglab.colors/properties/items/geometry/display)."""

import numpy as np
import pytest

from seglab import colors, items, properties
from seglab.descriptors import check_color, check_properties
from seglab.display import default_contrast_limits
from seglab.geometry import as_points, as_shapes, pack, unpack


@pytest.mark.parametrize("color, rgba", [
    ("red", [1, 0, 0, 1]), ("Green", [0, 128 / 255, 0, 1]), ("transparent", [0, 0, 0, 0]),
    ("#0f0", [0, 1, 0, 1]), ("#0f08", [0, 1, 0, 0x88 / 255]), ("#102030", [16 / 255, 32 / 255, 48 / 255, 1]),
    ("#10203040", [16 / 255, 32 / 255, 48 / 255, 64 / 255]), ((0, 0.5, 1), [0, 0.5, 1, 1]),
    (np.array([0.1, 0.2, 0.3, 0.4]), [0.1, 0.2, 0.3, 0.4]), ([[1, 1, 1]], [1, 1, 1, 1]),
])
def test_one_colour(color, rgba):
    assert np.allclose(colors.to_rgba(color, 5, "c"), rgba)


def test_colours_per_item_and_wire_round_trip():
    table = colors.to_rgba(["red", (0, 0, 1), "#00ff0080"], 3, "c")
    assert table.shape == (3, 4)
    wire = colors.to_wire(table)
    assert wire == ["#ff0000ff", "#0000ffff", "#00ff0080"] and all(check_color(w, "c") for w in wire)
    assert np.array_equal(colors.from_wire(wire), np.round(table * 255) / 255)
    assert colors.to_wire(np.array([0.2, 0.4, 0.6, 1.0])) == "#336699ff"


@pytest.mark.parametrize("color, error, message", [
    ("#12345", ValueError, "invalid hex colour"), ("#zzzzzz", ValueError, "invalid hex colour"),
    ("blurple", ValueError, "unknown colour 'blurple'"), ((1, 0), ValueError, r"an \(n, 3\|4\) array"),
    ((1.5, 0, 0), ValueError, r"values in \[0, 1\]"), ((np.nan, 0, 0), ValueError, r"values in \[0, 1\]"),
    ([["a", "b", "c"], ["d", "e", "f"]], TypeError, "expected colour names or RGB"),
    (["red", "blue"], ValueError, "expected one colour or 3"), (["red", (1, 0)], ValueError, "3 or 4 numbers"),
])
def test_bad_colours(color, error, message):
    with pytest.raises(error, match=message):
        colors.to_rgba(color, 3, "c")


def test_properties_round_trip_with_types_kept():
    table = properties.normalise({"f": np.array([1.0, np.nan, 3.0], np.float32), "i": np.array([1, -2, 2**53 - 1]),
                                  "b": [True, False, True], "s": np.array(["a", "bb", ""], dtype=object)}, 3)
    wire = properties.to_wire(table)
    check_properties(wire, "p", 3)
    assert [c["dtype"] for c in wire] == ["float64", "int64", "bool", "str"]
    assert wire[0]["values"] == [1.0, None, 3.0]  # NaN travels as null
    back = properties.from_wire(wire)
    assert back["f"].dtype == np.float64 and np.isnan(back["f"][1]) and back["i"].dtype == np.int64
    assert back["i"].tolist() == [1, -2, 2**53 - 1] and back["b"].tolist() == [True, False, True]
    assert back["s"].tolist() == ["a", "bb", ""]


def test_properties_resize_repeats_the_last_row():
    table = properties.normalise({"a": [1, 2], "s": ["x", "y"]}, 2)
    grown = properties.resize(table, 4)
    assert grown["a"].tolist() == [1, 2, 2, 2] and grown["s"].tolist() == ["x", "y", "y", "y"]
    empty = properties.normalise({"a": np.array([], int), "s": np.array([], str), "f": np.array([])}, 0)
    assert [v.tolist() for v in properties.resize(empty, 1).values()] == [[0], [""], [0.0]]


@pytest.mark.parametrize("table, n, error, message", [
    ({"a": [2**53]}, 1, ValueError, r"within \+-\(2\*\*53 - 1\)"),
    ({"a": [np.inf]}, 1, ValueError, "infinite values cannot travel as JSON"),
    ({"a": [1, 2]}, 1, ValueError, r"expected 1 values \(one per item\)"),
    ({"": [1]}, 1, ValueError, "expected names of 1 to 256"),
    ({"a": ["x" * 257]}, 1, ValueError, "strings must be at most 256"),
    ({"a": [object()]}, 1, TypeError, "expected numbers, bools or strings"),
    ({f"c{i}": [1] for i in range(33)}, 1, ValueError, "at most 32 columns"),
    ([1, 2], 2, TypeError, "expected a dict of name -> values"),
])
def test_bad_properties(table, n, error, message):
    with pytest.raises(error, match=message):
        properties.to_wire(properties.normalise(table, n))


def test_per_item_numbers_and_resizing():
    assert items.numbers(3, 5, "size", positive=True) == 3.0
    assert items.numbers([7], 5, "size", positive=True) == 7.0
    per = items.numbers([1, 2, 3], 3, "size", positive=True)
    assert per.tolist() == [1, 2, 3] and items.numbers_to_wire(per) == [1.0, 2.0, 3.0]
    assert items.resize(per, 5, color=False).tolist() == [1, 2, 3, 3, 3]
    assert items.resize(per, 0, color=False) == 3.0  # an empty layer keeps the last value, uniform
    assert items.expand(2.0, 3, color=False).tolist() == [2, 2, 2]
    assert items.numbers(0, 2, "edge_width", positive=False) == 0.0
    with pytest.raises(ValueError, match="edge_width: expected finite numbers >= 0"):
        items.numbers([-1, 1], 2, "edge_width", positive=False)
    rgba = items.rgba(["red", "blue"], 2, "face_color")
    assert items.resize(rgba, 3, color=True).tolist() == [[1, 0, 0, 1], [0, 0, 1, 1], [0, 0, 1, 1]]
    assert items.resize(items.rgba("red", 2, "c"), 9, color=True).tolist() == [1, 0, 0, 1]


def test_coordinates():
    pts = as_points(np.array([[1, 2]], np.int64).astype(">i8"))
    assert pts.dtype.str == "<f8" and pts.flags.c_contiguous and pts.tolist() == [[1, 2]]
    shapes, types = as_shapes([[[0, 0], [1, 1], [2, 0]], [[5, 5], [6, 6]]], ["polygon", "line"])
    counts, coords = pack(shapes, 2)
    assert counts == [3, 2] and coords.shape == (5, 2) and types == ["polygon", "line"]
    assert [s.tolist() for s in unpack(counts, coords)] == [s.tolist() for s in shapes]
    assert pack([], 3)[1].shape == (0, 3)


@pytest.mark.parametrize("data, limits", [
    (np.array([[3, 9]], np.uint16), (3, 9)), (np.zeros((2, 2), np.uint8), (0, 255)),
    (np.full((2, 2), -4, np.int8), (-4, 1)), (np.array([[True, False]]), (0, 1)),
    (np.array([[np.nan, np.nan]]), (0, 1)),
])
def test_default_contrast_limits(data, limits):
    assert default_contrast_limits(data, False, data.ndim) == limits


def test_big_volumes_sample_first_middle_last_planes():
    vol = np.zeros((3, 2000, 2000), np.float32)
    vol[0, 0, 0], vol[1, 5, 5], vol[2, 9, 9] = -1, 7, 3
    assert default_contrast_limits(vol, False, 3) == (-1, 7)
    vol[1, 5, 5] = 0
    vol = np.concatenate([vol, np.full((1, 2000, 2000), 100, np.float32), vol[2:]])  # plane 3 is unseen
    assert vol.shape[0] == 5 and default_contrast_limits(vol, False, 3) == (-1, 3)
