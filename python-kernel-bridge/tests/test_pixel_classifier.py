"""seglab.apply_pixel_classifier / load_pixel_classifier on hand-built classifier documents
(the browser-trained case is src/core/forest/__tests__/portable.spec.ts): the features are
the definitions scipy gives, numpy and Dask agree chunk by chunk (2D, 3D anisotropic,
multichannel), and unusable documents or images are refused with what was expected."""

import base64
import json

import numpy as np
import pytest

from seglab import apply_pixel_classifier, load_pixel_classifier
from seglab.pixel import compute_features, feature_names
from seglab.pixel.classifier import ClassifierFormatError

ndi = pytest.importorskip("scipy.ndimage")
da = pytest.importorskip("dask.array")


def b64(a, dtype):
    return base64.b64encode(np.asarray(a, dtype).astype(np.dtype(dtype).newbyteorder("<")).tobytes()).decode()


def doc(features, ndim=2, channels=1, spacing=None, feature=0, threshold=100.0):
    """One tree: input `feature` <= threshold -> class 0, else class 1 (leaf fractions 0.9/0.1)."""
    n = len(feature_names(features, ndim)) * channels if all(f["filter"] != "sobel" for f in features) else 1
    return {"format": "seglab-pixel-classifier", "version": 1, "features": features,
            "ndim": ndim, "channels": channels, "spacing": spacing or [1.0] * ndim,
            "feature_names": [f"f{k}" for k in range(n)],
            "classes": [{"name": "bg", "color": "#000000"}, {"name": "fg", "color": "#ff0000"}],
            "trees": [{"feature": b64([feature, -1, -1], np.int32), "threshold": b64([threshold, 0, 0], np.float32),
                       "left": b64([1, -1, -1], np.int32), "right": b64([2, -1, -1], np.int32),
                       "value": b64([0.5, 0.5, 0.9, 0.1, 0.1, 0.9], np.float32)}],
            "oob_accuracy": None, "importances": [1.0] + [0.0] * (n - 1)}


def image2d(h=96, w=80, seed=0):
    rng = np.random.default_rng(seed)
    return ndi.gaussian_filter(rng.normal(100, 40, (h, w)), 2).astype(np.float32)


def test_one_split_predicts_the_gaussian_threshold():
    img = image2d()
    specs = [{"filter": "gaussian", "sigma": 1.0}, {"filter": "hessian", "sigma": 1.6}]
    t = float(np.median(ndi.gaussian_filter(img, 1.0, mode="mirror", truncate=3.5)))
    p = apply_pixel_classifier(img, doc(specs, threshold=t))
    g = ndi.gaussian_filter(img, 1.0, mode="mirror", truncate=3.5)
    np.testing.assert_array_equal(p[1] > 0.5, g > np.float32(t))
    seg = apply_pixel_classifier(img, json.dumps(doc(specs, threshold=t)), output="segmentation")
    np.testing.assert_array_equal(seg, np.where(g > np.float32(t), 2, 1))
    assert seg.dtype == np.uint8


def test_features_match_scipy_definitions():
    img = image2d()
    f = compute_features(img, [{"filter": "laplacian", "sigma": 1.0}, {"filter": "differenceOfGaussians", "sigma": 3.5},
                               {"filter": "gradientMagnitude", "sigma": 0.7}])
    kw = dict(mode="mirror", truncate=3.5)
    np.testing.assert_allclose(f[0], ndi.gaussian_laplace(img, 1.0, **kw), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(f[1], ndi.gaussian_filter(img, 3.5, **kw) - ndi.gaussian_filter(img, 2.31, **kw), atol=1e-4)
    np.testing.assert_allclose(f[2], ndi.gaussian_gradient_magnitude(img, 0.7, **kw), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("case", ["2d", "3d-anisotropic", "multichannel"])
def test_dask_equals_numpy_chunk_by_chunk(case):
    rng = np.random.default_rng(1)
    specs = [{"filter": f, "sigma": s} for f in ("gaussian", "structureTensor", "hessian") for s in (0.7, 1.6)]
    if case == "2d":
        img, kw, d, chunks = image2d(130, 110), {}, doc(specs, feature=3), 40
    elif case == "3d-anisotropic":
        img = ndi.gaussian_filter(rng.normal(0, 1, (20, 50, 44)), 1.5).astype(np.float32)
        kw, d, chunks = {}, doc(specs, ndim=3, spacing=[2.0, 1.0, 1.0], feature=4, threshold=0.0), (10, 25, 22)
    else:
        img = np.stack([image2d(70, 60, 2), image2d(70, 60, 3)], axis=-1)
        kw, d, chunks = {"channel_axis": -1}, doc(specs, channels=2, feature=len(feature_names(specs, 2)) + 1), (30, 30, 2)
    # Split at the median of the input the tree tests, so that it separates pixels.
    k = d["trees"][0]["feature"]
    k = int(np.frombuffer(base64.b64decode(k), "<i4")[0])
    feats = compute_features(img, specs, d["spacing"], kw.get("channel_axis"))
    d["trees"][0]["threshold"] = b64([np.median(feats[k]), 0, 0], np.float32)
    whole = apply_pixel_classifier(img, d, **kw)
    lazy = apply_pixel_classifier(da.from_array(img, chunks=chunks), d, **kw)
    assert isinstance(lazy, da.Array)
    np.testing.assert_array_equal(lazy.compute(scheduler="sync"), whole)
    assert 0.05 < (whole[1] > 0.5).mean() < 0.95  # the split really separates pixels


def test_refuses_unusable_documents_and_images():
    specs = [{"filter": "gaussian", "sigma": 1.0}]
    img = image2d()
    with pytest.raises(ValueError, match=r"trained on 2D images with 1 channel\(s\); got shape \(4, 96, 80\)"):
        apply_pixel_classifier(np.stack([img] * 4), doc(specs))
    with pytest.raises(ValueError, match="trained on 2D images with 2 channel"):
        apply_pixel_classifier(img[..., None], doc(specs, channels=2), channel_axis=-1)
    with pytest.raises(ClassifierFormatError, match="expected a 'seglab-pixel-classifier' document"):
        load_pixel_classifier({"format": "ilastik"})
    with pytest.raises(ClassifierFormatError, match="expected version 1, got 2"):
        load_pixel_classifier({**doc(specs), "version": 2})
    bad = doc(specs)
    bad["trees"][0]["left"] = b64([7, -1, -1], np.int32)
    with pytest.raises(ClassifierFormatError, match="points outside the tree"):
        load_pixel_classifier(bad)
    bad = doc(specs)
    bad["trees"][0]["feature"] = "not base64!"
    with pytest.raises(ClassifierFormatError, match="expected base64"):
        load_pixel_classifier(bad)
    other = doc(specs)
    other["feature_names"] = ["a", "b", "c"]
    with pytest.raises(ClassifierFormatError, match="names 3 forest inputs, its feature set makes 1"):
        load_pixel_classifier(other)
    with pytest.raises(ValueError, match="unknown filter 'sobel'"):
        load_pixel_classifier(doc([{"filter": "sobel", "sigma": 1.0}]))
    with pytest.raises(ValueError, match=r"sigma=10 reaches 35 px along axis 0, but the image is 20 px"):
        apply_pixel_classifier(np.zeros((20, 50), np.float32), doc([{"filter": "gaussian", "sigma": 10.0}]))
    nan = img.copy()
    nan[3, 3] = np.nan
    with pytest.raises(ValueError, match="non-finite values"):
        apply_pixel_classifier(nan, doc(specs))
    with pytest.raises(ValueError, match="non-finite values"):
        apply_pixel_classifier(da.from_array(nan, chunks=48), doc(specs)).compute(scheduler="sync")
    with pytest.raises(ValueError, match="expected output 'probabilities' or 'segmentation'"):
        apply_pixel_classifier(img, doc(specs), output="labels")
    with pytest.raises(ClassifierFormatError, match="expected a JSON classifier document"):
        load_pixel_classifier("{not json")


def embedding_of(shape, channels=4, seed=1, sha="ab" * 32):
    """A hand-made embedding as seglab.compute_embeddings returns one (untiled 2D plane)."""
    rng = np.random.default_rng(seed)
    h, w = shape
    s = 1024 / max(h, w)
    attrs = {"model_id": "test-encoder", "model_sha256": sha, "n_slices": 1, "n_tiles": 1,
             "plane_shape": [h, w], "input_size": [int(h * s + 0.5), int(w * s + 0.5)],
             "encoder_input_size": 1024}
    return {"features": rng.normal(0, 1, (1, channels, 64, 64)).astype(np.float32), "attrs": attrs}


def embedding_doc(emb, filters=(), channel=1, threshold=0.0):
    """Forest inputs: the filters', then embedding channels 0 and `channel`; one tree splits
    on `channel` (input n_filters + 1)."""
    filters = list(filters)
    n_filters = len(feature_names(filters, 2))
    d = doc([{"filter": "gaussian", "sigma": 1.0}], feature=n_filters + 1, threshold=threshold)
    d["features"] = filters
    d["embedding"] = {"model_id": emb["attrs"]["model_id"], "model_sha256": emb["attrs"]["model_sha256"],
                      "channels": [0, channel], "grid": 64, "frame": 1024}
    d["feature_names"] = [f"f{k}" for k in range(n_filters + 2)]
    d["importances"] = [0.0] * (n_filters + 2)
    return d


def test_embedding_features_are_bilinear_and_chunked_alike():
    from seglab.pixel.embedding import embedding_features

    img = image2d(90, 70)
    emb = embedding_of(img.shape)
    grid, (th, tw) = emb["features"][0], emb["attrs"]["input_size"]
    f = embedding_features(grid, (th, tw), img.shape, [1])
    gy = np.clip((np.arange(90) + 0.5) * (th / 90) / 16 - 0.5, 0, 63)
    gx = np.clip((np.arange(70) + 0.5) * (tw / 70) / 16 - 0.5, 0, 63)
    yy, xx = np.meshgrid(gy, gx, indexing="ij")
    ref = ndi.map_coordinates(grid[1].astype(np.float64), [yy, xx], order=1, mode="nearest")
    np.testing.assert_allclose(f[0], ref, rtol=0, atol=1e-6)
    # one split on the channel: filters first (their halo) then the embedding, numpy == Dask
    d = embedding_doc(emb, filters=[{"filter": "gaussian", "sigma": 1.6}], channel=1, threshold=0.1)
    p = apply_pixel_classifier(img, d, embeddings=emb)
    np.testing.assert_array_equal(p[1] > 0.5, f[0] > np.float32(0.1))
    lazy = apply_pixel_classifier(da.from_array(img, chunks=(32, 24)), d, embeddings=emb)
    np.testing.assert_array_equal(lazy.compute(scheduler="sync"), p)
    alone = embedding_doc(emb, channel=1, threshold=0.1)
    seg = apply_pixel_classifier(da.from_array(img, chunks=40), alone, embeddings=emb, output="segmentation")
    np.testing.assert_array_equal(seg.compute(scheduler="sync"), np.where(f[0] > np.float32(0.1), 2, 1))


def test_embedding_classifiers_refuse_missing_or_foreign_embeddings():
    img = image2d(60, 50)
    emb = embedding_of(img.shape)
    d = embedding_doc(emb)
    with pytest.raises(ValueError, match="uses the image embedding of test-encoder: pass embeddings="):
        apply_pixel_classifier(img, d)
    with pytest.raises(ValueError, match="encoder sha256 abababababab"):
        apply_pixel_classifier(img, d, embeddings=embedding_of(img.shape, sha="cd" * 32))
    with pytest.raises(ValueError, match=r"embeddings are of a \[60, 51\] plane, the image is \[60, 50\]"):
        apply_pixel_classifier(img, d, embeddings=embedding_of((60, 51)))
    tiled = embedding_of(img.shape)
    tiled["attrs"]["n_tiles"] = 4
    with pytest.raises(ValueError, match="one untiled plane"):
        apply_pixel_classifier(img, d, embeddings=tiled)
    with pytest.raises(ValueError, match="not all among its 1 channels"):
        apply_pixel_classifier(img, d, embeddings=embedding_of(img.shape, channels=1))
    with pytest.raises(ValueError, match="uses no model embedding"):
        apply_pixel_classifier(img, doc([{"filter": "gaussian", "sigma": 1.0}]), embeddings=emb)
    with pytest.raises(ValueError, match="expected embeddings as seglab.compute_embeddings returns them"):
        apply_pixel_classifier(img, d, embeddings=emb["features"])
    bad = embedding_doc(emb)
    bad["embedding"]["channels"] = []
    with pytest.raises(ClassifierFormatError, match="channel indices"):
        load_pixel_classifier(bad)
    three = embedding_doc(emb)
    three["ndim"] = 3
    with pytest.raises(ClassifierFormatError, match="model-embedding features are 2D"):
        load_pixel_classifier(three)
