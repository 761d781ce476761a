"""seglab.embeddings: embeddings computed in Python with onnxruntime on the exported seeded
MobileSAM (vit_t) equal upstream ``SamPredictor.set_image`` features (rel L2 <= 1e-4) on
nuclei2d, untiled and for a tile; the file round-trips; the content hash follows its definition.
The TypeScript side of the parity (same tensor, same hash, Node embeddings) is
src/compute/embeddings/__tests__/embeddingsParity.spec.ts.
"""

import os
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("mobile_sam")
pytest.importorskip("zarr")
tifffile = pytest.importorskip("tifffile")

from seglab.embeddings import (compute_embeddings, content_hash, load_embeddings,  # noqa: E402
                               save_embeddings, tile_grid, to_rgb8)
from seglab.models import cached_export  # noqa: E402

DATA = Path(os.environ.get("SEGLAB_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
pytestmark = pytest.mark.skipif(not (DATA / "nuclei2d" / "image.tif").is_file(), reason=f"no data in {DATA}")


def rel_l2(a, b):
    return float(np.linalg.norm(a.astype(np.float64) - b) / np.linalg.norm(b.astype(np.float64)))


@pytest.fixture(scope="module")
def folder():
    return cached_export("vit_t", seed=0)


@pytest.fixture(scope="module")
def predictor():
    from mobile_sam import SamPredictor

    from seglab.models._export import build_model

    return SamPredictor(build_model("vit_t", seed=0).eval())


def upstream_features(predictor, rgb8):
    with torch.no_grad():
        predictor.set_image(rgb8)
    return predictor.features.numpy()[0], tuple(predictor.input_size)


def test_untiled_equals_upstream_and_round_trips(folder, predictor, tmp_path):
    image = tifffile.imread(DATA / "nuclei2d" / "image.tif")
    emb = compute_embeddings(image, folder, progress=False)
    a = emb["attrs"]
    assert emb["features"].shape == (1, 256, 64, 64) and emb["features"].dtype == np.float32
    ref, input_size = upstream_features(predictor, to_rgb8(image, False))
    err = rel_l2(emb["features"][0], ref)
    print(f"nuclei2d vit_t: onnxruntime (Python) vs SamPredictor.set_image rel L2 {err:.2e}")
    assert err <= 1e-4
    assert a["input_size"] == list(input_size) == [1024, 1024]
    assert a["original_size"] == [512, 512] and a["tile_shape"] is None and a["n_tiles"] == 1
    assert a["model_id"] == "vit_t-random-seed0" and len(a["model_sha256"]) == 64
    assert a["image_hashes"] == [content_hash(image)]

    path = save_embeddings(tmp_path / "emb.zarr", emb)
    back = load_embeddings(path)
    assert np.array_equal(back["features"], emb["features"])
    assert back["attrs"] == a
    lazy = load_embeddings(path, lazy=True)
    assert lazy["features"].shape == (1, 256, 64, 64)
    import zarr

    zarr.open_group(str(tmp_path / "other.zarr"), mode="w", zarr_format=2)  # e.g. an interrupted write
    with pytest.raises(ValueError, match="not a complete"):
        load_embeddings(tmp_path / "other.zarr")


def test_tiled_and_stack(folder, predictor):
    image = tifffile.imread(DATA / "nuclei2d" / "image.tif")
    emb = compute_embeddings(image[:, :384], folder, tile_shape=(256, 256), halo=(32, 32), progress=False)
    a = emb["attrs"]
    tiles = tile_grid([512, 384], [256, 256], [32, 32])
    assert a["n_tiles"] == 4 and a["tile_boxes"] == [t["outer"] for t in tiles]
    assert a["tile_boxes"][3] == [224, 224, 512, 384]
    assert a["original_sizes"][3] == [288, 160] and a["input_sizes"][3] == [1024, 569]
    # Tile 3 from the plane's rgb8 (plane-wide min/max), as upstream would see that crop.
    y0, x0, y1, x1 = a["tile_boxes"][3]
    ref, _ = upstream_features(predictor, np.ascontiguousarray(to_rgb8(image[:, :384], False)[y0:y1, x0:x1]))
    err = rel_l2(emb["features"][3], ref)
    print(f"tile 3 (288 x 160): rel L2 {err:.2e}")
    assert err <= 1e-4

    stack = tifffile.imread(DATA / "nuclei3d" / "image.tif")[14:16]  # (2, 61, 57)
    moved = np.moveaxis(stack, 0, 2)
    emb3 = compute_embeddings(moved, folder, z_axis=2, progress=False)
    assert emb3["features"].shape == (2, 256, 64, 64) and emb3["attrs"]["n_slices"] == 2
    assert emb3["attrs"]["image_hashes"] == [content_hash(stack[0]), content_hash(stack[1])]
    assert emb3["attrs"]["input_size"] == [1024, 957]
    with pytest.raises(ValueError, match="too large to encode without tiling"):
        compute_embeddings(np.zeros((5000, 10), np.uint8), folder, progress=False)


def _hash_by_definition(b: bytes) -> str:
    """seglab-hash64 as written in contentHash.ts, one word at a time in plain Python."""
    M = 0xFFFFFFFF

    def fmix(h):
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & M
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & M
        return h ^ (h >> 16)

    a = c = 0
    n = -(-len(b) // 4)
    padded = b + bytes(4 * n - len(b))
    for i in range(n):
        w = int.from_bytes(padded[4 * i:4 * i + 4], "little")
        a = (a + fmix(((w + i * 0x9E3779B1) & M) ^ 0x243F6A88)) & M
        c = (c + fmix(((w ^ ((i * 0x85EBCA77) & M)) + 0xB7E15162) & M)) & M
    h1 = fmix(a ^ fmix((len(b) & M) ^ 0x3C6EF372))
    h2 = fmix(c ^ fmix(((len(b) >> 32) + h1) & M))
    return f"{h1:08x}{h2:08x}"


def test_content_hash_definition():
    rng = np.random.default_rng(1)
    for n in (0, 1, 3, 4, 5, 1000, 4099):
        b = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert content_hash(b) == _hash_by_definition(b)
    big_endian = np.arange(12, dtype=">u2")
    assert content_hash(big_endian) == content_hash(np.arange(12, dtype="<u2"))
    assert content_hash(np.arange(12, dtype=np.uint16)) != content_hash(np.arange(12, dtype=np.uint16)[::-1])
