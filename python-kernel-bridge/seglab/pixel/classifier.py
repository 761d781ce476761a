"""The portable pixel classifier (``src/core/forest/portable.ts`` writes it; its docstring is
the format): a random forest over named filter features, predicted here with numpy exactly as
the browser predicts it (float32 comparisons ``value <= threshold``, leaf class fractions
summed in float32 in tree order, then scaled by 1 / n_trees; ties go to the lower class)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Dict, List, Sequence, Union

import numpy as np

from .embedding import MAX_CHANNELS, embedding_features, plane_embedding
from .features import compute_features, feature_names, validate_specs

FORMAT = "seglab-pixel-classifier"
MAX_TREES = 10_000
MAX_NODES = 50_000_000


class ClassifierFormatError(ValueError):
    """A classifier document that is not what this version of seglab reads."""


def _array(text: str, dtype, what: str) -> np.ndarray:
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as e:
        raise ClassifierFormatError(f"{what}: expected base64 text ({e})") from None
    if len(raw) % np.dtype(dtype).itemsize:
        raise ClassifierFormatError(f"{what}: {len(raw)} bytes is not a whole number of {np.dtype(dtype).name}")
    return np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)


class PixelClassifier:
    """A trained pixel classifier: ``features`` (filter specs), ``classes`` (names, colours),
    the forest's trees, and what the browser measured (``oob_accuracy``, ``importances``)."""

    def __init__(self, doc: Dict):
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ClassifierFormatError(f"expected a {FORMAT!r} document, got format "
                                        f"{doc.get('format') if isinstance(doc, dict) else type(doc).__name__!r}")
        if doc.get("version") != 1:
            raise ClassifierFormatError(f"expected version 1, got {doc.get('version')!r}: "
                                        "a newer SegLab wrote it; upgrade seglab")
        self.features: List[Dict] = [dict(filter=f["filter"], sigma=float(f["sigma"])) for f in doc["features"]]
        self.embedding = _embedding_info(doc.get("embedding"))
        if self.features or not self.embedding:
            validate_specs(self.features)
        self.ndim = int(doc["ndim"])
        if self.embedding and self.ndim != 2:
            raise ClassifierFormatError(f"model-embedding features are 2D; the document says ndim {self.ndim}")
        self.channels = int(doc.get("channels", 1))
        self.spacing = [float(s) for s in doc.get("spacing", [1.0] * self.ndim)]
        self.classes = [dict(name=str(c["name"]), color=str(c["color"])) for c in doc["classes"]]
        self.feature_names = list(doc.get("feature_names", []))
        self.oob_accuracy = doc.get("oob_accuracy")
        self.importances = np.asarray(doc.get("importances", []), float)
        expected = len(feature_names(self.features, self.ndim)) * self.channels + \
            (len(self.embedding["channels"]) if self.embedding else 0)
        if self.feature_names and len(self.feature_names) != expected:
            raise ClassifierFormatError(f"the document names {len(self.feature_names)} forest inputs, "
                                        f"its feature set makes {expected}")
        self.n_features = expected
        trees = doc.get("trees") or []
        if not 0 < len(trees) <= MAX_TREES:
            raise ClassifierFormatError(f"expected 1..{MAX_TREES} trees, got {len(trees)}")
        nc = len(self.classes)
        if nc < 2:
            raise ClassifierFormatError(f"expected at least 2 classes, got {nc}")
        self.trees = []
        total = 0
        for k, t in enumerate(trees):
            arr = dict(feature=_array(t["feature"], np.int32, f"tree {k} feature"),
                       threshold=_array(t["threshold"], np.float32, f"tree {k} threshold"),
                       left=_array(t["left"], np.int32, f"tree {k} left"),
                       right=_array(t["right"], np.int32, f"tree {k} right"),
                       value=_array(t["value"], np.float32, f"tree {k} value"))
            n = len(arr["feature"])
            total += n
            if total > MAX_NODES:
                raise ClassifierFormatError(f"more than {MAX_NODES} nodes in all")
            if not all(len(arr[key]) == n for key in ("threshold", "left", "right")) or len(arr["value"]) != n * nc:
                raise ClassifierFormatError(f"tree {k}: its arrays disagree on the number of nodes ({n})")
            inner = arr["feature"] >= 0
            if np.any(arr["feature"] >= expected) or np.any(arr["left"][inner] >= n) or \
                    np.any(arr["right"][inner] >= n) or np.any(arr["left"][inner] <= np.nonzero(inner)[0]):
                raise ClassifierFormatError(f"tree {k}: a node points outside the tree or to a feature it lacks")
            arr["value"] = arr["value"].reshape(n, nc)
            self.trees.append(arr)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def predict_proba_features(self, x: np.ndarray) -> np.ndarray:
        """(n_features, N) float32 -> (n_classes, N) float32 probabilities."""
        x = np.asarray(x, np.float32)
        if x.ndim != 2 or x.shape[0] != self.n_features:
            raise ValueError(f"expected ({self.n_features}, N) features, got shape {x.shape}")
        n = x.shape[1]
        sums = np.zeros((n, self.n_classes), np.float32)
        cols = np.arange(n)
        for t in self.trees:
            node = np.zeros(n, np.int32)
            active = cols
            while active.size:
                f = t["feature"][node[active]]
                inner = f >= 0
                active, f = active[inner], f[inner]
                if not active.size:
                    break
                nd = node[active]
                left = x[f, active] <= t["threshold"][nd]
                node[active] = np.where(left, t["left"][nd], t["right"][nd])
            sums += t["value"][node]  # float32 adds in tree order, as the browser
        return (sums * (1.0 / len(self.trees))).astype(np.float32).T

    def check_image(self, shape: Sequence[int], channel_axis) -> None:
        spatial = len(shape) - (0 if channel_axis is None else 1)
        channels = 1 if channel_axis is None else shape[channel_axis]
        if spatial != self.ndim or channels != self.channels:
            raise ValueError(f"this classifier was trained on {self.ndim}D images with {self.channels} "
                             f"channel(s); got shape {tuple(shape)} (channel_axis={channel_axis})")

    def check_embeddings(self, embeddings, spatial_shape: Sequence[int]):
        """The (grid, input size) to use, or None for a classifier of filters only."""
        if not self.embedding:
            if embeddings is not None:
                raise ValueError("this classifier uses no model embedding: leave embeddings out")
            return None
        if embeddings is None:
            raise ValueError(f"this classifier uses the image embedding of {self.embedding['model_id']}: pass "
                             "embeddings=seglab.compute_embeddings(image, <that model's folder>)")
        return plane_embedding(embeddings, spatial_shape, self.embedding)

    def features_of(self, image: np.ndarray, channel_axis: int = None, embedding=None,
                    region=None, plane_shape=None) -> np.ndarray:
        """(n_features, *spatial) float32 forest inputs: the filters' features of ``image``,
        then the embedding's channels for ``region`` of the plane (``embedding`` as
        ``check_embeddings`` returns it)."""
        parts = []
        if self.features:
            parts.append(compute_features(image, self.features, self.spacing, channel_axis))
        if embedding is not None:
            parts.append(self.embedding_features(embedding, region, plane_shape))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def embedding_features(self, embedding, region, plane_shape) -> np.ndarray:
        """(n_channels, h, w): the classifier's embedding channels upsampled over ``region``."""
        grid, input_size = embedding
        return embedding_features(grid, input_size, plane_shape, self.embedding["channels"], region,
                                  int(self.embedding.get("frame", 1024)))

    def predict_proba(self, image: np.ndarray, channel_axis: int = None, embeddings=None) -> np.ndarray:
        """(n_classes, *spatial) probabilities of an in-memory image (``embeddings``: the
        model's, for a classifier with model features)."""
        image = np.asarray(image)
        self.check_image(image.shape, channel_axis)
        spatial = image.shape if channel_axis is None else tuple(n for a, n in enumerate(image.shape) if a != channel_axis % image.ndim)
        emb = self.check_embeddings(embeddings, spatial)
        feats = self.features_of(image, channel_axis, emb, None, spatial)
        return self.predict_proba_features(feats.reshape(len(feats), -1)).reshape((self.n_classes,) + spatial)

    def predict(self, image: np.ndarray, channel_axis: int = None, embeddings=None) -> np.ndarray:
        """Segmentation: class k (0-based) as label k + 1, uint8 (uint16 above 255 classes)."""
        return segmentation(self.predict_proba(image, channel_axis, embeddings))

    def __repr__(self) -> str:
        return (f"PixelClassifier({len(self.trees)} trees, classes={[c['name'] for c in self.classes]}, "
                f"{self.n_features} features{' with ' + self.embedding['model_id'] + ' embedding' if self.embedding else ''}, {self.ndim}D)")


def _embedding_info(e) -> Union[Dict, None]:
    """The document's ``embedding`` entry, checked (None when absent)."""
    if e is None:
        return None
    try:
        channels = [int(c) for c in e["channels"]]
        info = dict(model_id=str(e["model_id"]), model_sha256=e.get("model_sha256"), channels=channels,
                    grid=int(e.get("grid", 64)), frame=int(e.get("frame", 1024)))
    except (KeyError, TypeError, ValueError) as err:
        raise ClassifierFormatError(f"embedding: expected model_id, channels, grid and frame ({err})") from None
    if not channels or len(channels) > MAX_CHANNELS or min(channels) < 0 or max(channels) >= MAX_CHANNELS:
        raise ClassifierFormatError(f"embedding: expected 1..{MAX_CHANNELS} channel indices, got {len(channels)}")
    return info


def segmentation(proba: np.ndarray) -> np.ndarray:
    dtype = np.uint8 if proba.shape[0] < 255 else np.uint16
    return (np.argmax(proba, axis=0) + 1).astype(dtype)


def load_pixel_classifier(source: Union[str, Path, Dict, PixelClassifier]) -> PixelClassifier:
    """A classifier from a JSON file, JSON text, a parsed document, or itself."""
    if isinstance(source, PixelClassifier):
        return source
    if isinstance(source, dict):
        return PixelClassifier(source)
    text = str(source)
    if not text.lstrip().startswith("{"):
        text = Path(text).read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ClassifierFormatError(f"expected a JSON classifier document: {e}") from None
    return PixelClassifier(doc)
