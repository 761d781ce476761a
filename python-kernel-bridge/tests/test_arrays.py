import numpy as np
import pytest

from seglab.arrays import DEFAULT_MAX_BYTES, as_bytes_view, as_labels, as_transferable, guess_rgb


class ArrayLike:
    def __init__(self, a):
        self._a = a

    def __array__(self, dtype=None, copy=None):
        return self._a


@pytest.mark.parametrize("bad, name", [
    ([[1, 2], [3, 4]], "list"), (((1, 2), (3, 4)), "tuple"), ("img", "str"),
    (None, "NoneType"), ({"a": 1}, "dict"), (b"xx", "bytes"), (3, "int"),
])
def test_non_arrays_are_type_errors(bad, name):
    with pytest.raises(TypeError, match=rf"expected a numpy array or array-like with __array__, got {name}$"):
        as_transferable(bad)


@pytest.mark.parametrize("dtype", ["complex64", "complex128", "object", "U3", "S3", "V4",
                                   "datetime64[s]", "timedelta64[s]", "float16"])
def test_unsupported_dtypes(dtype):
    with pytest.raises(TypeError, match=r"expected an array with dtype in bool, uint8.*got dtype"):
        as_transferable(np.zeros((2, 2), dtype=dtype))


@pytest.mark.parametrize("shape", [(), (5,)])
def test_too_few_dims(shape):
    with pytest.raises(ValueError, match=r"expected an image with 2 to 5 dimensions, got \d-D array"):
        as_transferable(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 5), (2, 2, 2, 3, 4), (1, 2, 3, 4, 5)])
def test_nd_images_up_to_5d(shape):
    out, info = as_transferable(np.zeros(shape, np.uint16))
    assert info.shape == shape and info.ndim == len(shape) and not info.rgb


def test_more_than_5_dims():
    with pytest.raises(ValueError, match=r"expected an image with 2 to 5 dimensions, got 6-D array"):
        as_transferable(np.zeros((1, 1, 1, 1, 2, 2), np.uint8))
    with pytest.raises(ValueError, match=r"2 to 5 dimensions plus the colour axis, got 7-D"):
        as_transferable(np.zeros((1, 1, 1, 1, 40, 40, 3), np.uint8))
    _, info = as_transferable(np.zeros((1, 1, 2, 40, 40, 3), np.uint8))  # 5 data dims + RGB
    assert info.rgb and info.ndim == 5


@pytest.mark.parametrize("shape, rgb", [((31, 31, 3), True), ((31, 31, 4), True), ((30, 31, 3), False),
                                         ((5, 64, 64, 3), True), ((64, 64, 5), False), ((64, 3), False)])
def test_rgb_guess_is_napari_s(shape, rgb):
    assert guess_rgb(shape) is rgb
    assert as_transferable(np.zeros(shape, np.uint8))[1].rgb is rgb


def test_rgb_false_on_rgb_shape_is_a_stack():
    _, info = as_transferable(np.zeros((40, 40, 3), np.uint8), rgb=False)
    assert not info.rgb and info.ndim == 3


def test_rgb_true_needs_channel_axis():
    with pytest.raises(ValueError, match=r"expected a last axis of length 3 or 4 for rgb=True"):
        as_transferable(np.zeros((4, 4), np.uint8), rgb=True)
    _, info = as_transferable(np.zeros((4, 5, 3), np.uint8), rgb=True)  # small, but asked for
    assert info.rgb and info.ndim == 2


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0, 3)])
def test_empty_axes(shape):
    with pytest.raises(ValueError, match=r"expected every axis to have length >= 1"):
        as_transferable(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("dtype", ["uint16", "int32", "bool", "float16"])
def test_rgb_dtype(dtype):
    with pytest.raises(TypeError, match=r"expected .*dtype in"):
        as_transferable(np.zeros((40, 40, 4), dtype), rgb=True)


def test_max_bytes():
    with pytest.raises(ValueError, match=r"expected an array of at most 100 bytes \(max_bytes=100\), got 200 bytes"):
        as_transferable(np.zeros((10, 10), np.uint16), max_bytes=100)
    big = np.lib.stride_tricks.as_strided(np.zeros(1, np.float64), (2**15, 2**14), (0, 0))
    with pytest.raises(ValueError, match=r"at most 2.00 GiB .* got 4.00 GiB"):
        as_transferable(big)
    assert DEFAULT_MAX_BYTES == 2 * 1024**3


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "uint16", "int16", "uint32", "int32",
                                   "float32", "float64", "uint64", "int64"])
def test_supported_dtypes_pass_through(dtype):
    a = (np.arange(12) % 2).astype(dtype).reshape(3, 4)
    out, info = as_transferable(a)
    assert out is a  # already suitable: no copy
    assert (info.dtype, info.shape, info.rgb, info.nbytes) == (dtype, (3, 4), False, a.nbytes)


@pytest.mark.parametrize("shape, dtype", [((40, 50, 3), "uint8"), ((40, 50, 4), "float32"), ((32, 32, 3), "float64")])
def test_rgb_autodetect(shape, dtype):
    _, info = as_transferable(np.zeros(shape, dtype))
    assert info.rgb is True and info.shape == shape


def test_array_like_is_accepted():
    out, info = as_transferable(ArrayLike(np.ones((3, 3), np.int16)))
    assert isinstance(out, np.ndarray) and info.dtype == "int16"


@pytest.mark.parametrize("dtype", [">u2", ">i4", ">f4", ">f8", ">u8"])
def test_big_endian_becomes_little_endian_value_exact(dtype):
    a = (np.arange(20) * 1001 - 3).astype(dtype).reshape(4, 5)
    out, info = as_transferable(a)
    assert out.dtype.str == "<" + dtype[1:] and np.array_equal(out, a) and info.dtype == out.dtype.name
    assert bytes(as_bytes_view(out)) == a.astype("<" + dtype[1:]).tobytes()


def test_non_contiguous_becomes_c_contiguous_copy():
    base = np.arange(60, dtype=np.int32).reshape(6, 10)
    for view in (base[::2, ::3], base.T, np.asfortranarray(base)):
        out, info = as_transferable(view)
        assert out.flags.c_contiguous and np.array_equal(out, view) and info.shape == view.shape
        assert not np.shares_memory(out, base)


def test_nan_and_inf_are_kept():
    a = np.array([[np.nan, np.inf], [-np.inf, 1.5]], np.float32)
    out, _ = as_transferable(a)
    assert np.array_equal(out, a, equal_nan=True)


def test_bool_bytes_are_zero_one():
    out, _ = as_transferable(np.array([[True, False], [False, True]]))
    assert bytes(as_bytes_view(out)) == b"\x01\x00\x00\x01"


@pytest.mark.parametrize("dtype", ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64"])
def test_labels_integer_dtypes_pass_through(dtype):
    a = np.arange(24, dtype=dtype).reshape(2, 3, 4)
    out, info = as_labels(a)
    assert out is a and info.dtype == dtype and info.ndim == 3 and not info.rgb


def test_labels_uint64_extremes_unchanged():
    a = np.array([[0, 2**64 - 1], [2**63, 1]], np.uint64).astype(">u8")
    out, _ = as_labels(a)
    assert out.dtype.str == "<u8" and out[0, 1] == 2**64 - 1 and out[1, 0] == 2**63


def test_labels_bool_becomes_uint8():
    out, info = as_labels(np.array([[True, False], [False, True]]))
    assert out.dtype == np.uint8 and info.dtype == "uint8" and out.tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_labels_refuse_floats_even_whole_numbers(dtype):
    with pytest.raises(TypeError, match=r"expected integer labels, got dtype .*e.g. data.astype\(np.int32\)"):
        as_labels(np.ones((3, 3), dtype))


@pytest.mark.parametrize("dtype", ["complex64", "object", "U3", "datetime64[s]"])
def test_labels_refuse_other_dtypes(dtype):
    with pytest.raises(TypeError, match=r"expected labels with dtype in bool, uint8"):
        as_labels(np.zeros((2, 2), dtype))


@pytest.mark.parametrize("shape, message", [((5,), "2 to 5 dimensions"), ((2,) * 6, "2 to 5 dimensions"),
                                            ((3, 0), "length >= 1")])
def test_labels_shapes(shape, message):
    with pytest.raises(ValueError, match=message):
        as_labels(np.zeros(shape, np.int32))
