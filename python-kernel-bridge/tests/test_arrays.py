import numpy as np
import pytest

from seglab.arrays import DEFAULT_MAX_BYTES, as_bytes_view, as_transferable


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
    with pytest.raises(ValueError, match=r"expected a 2-D image .* got \d-D array"):
        as_transferable(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 5), (2, 2, 2, 3)])
def test_nd_is_later_version(shape):
    with pytest.raises(ValueError, match="expected a 2-D image or 3-D RGB.*nD images come in a later version"):
        as_transferable(np.zeros(shape, np.uint8))


def test_rgb_false_on_rgb_shape():
    with pytest.raises(ValueError, match=r"rgb=False was given.*later version"):
        as_transferable(np.zeros((4, 4, 3), np.uint8), rgb=False)


def test_rgb_true_needs_channel_axis():
    with pytest.raises(ValueError, match=r"expected shape \(rows, cols, 3\|4\) for rgb=True"):
        as_transferable(np.zeros((4, 4), np.uint8), rgb=True)


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0, 3)])
def test_empty_axes(shape):
    with pytest.raises(ValueError, match=r"expected every axis to have length >= 1"):
        as_transferable(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("dtype", ["uint16", "int32", "bool", "float16"])
def test_rgb_dtype(dtype):
    with pytest.raises(TypeError, match=r"expected .*dtype in"):
        as_transferable(np.zeros((4, 4, 4), dtype))


def test_max_bytes():
    with pytest.raises(ValueError, match=r"expected an image of at most 100 bytes \(max_bytes=100\), got 200 bytes"):
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


@pytest.mark.parametrize("shape, dtype", [((4, 5, 3), "uint8"), ((4, 5, 4), "float32"), ((2, 2, 3), "float64")])
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
