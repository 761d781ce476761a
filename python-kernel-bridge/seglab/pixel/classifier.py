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
        validate_specs(self.features)
        self.ndim = int(doc["ndim"])
        self.channels = int(doc.get("channels", 1))
        self.spacing = [float(s) for s in doc.get("spacing", [1.0] * self.ndim)]
        self.classes = [dict(name=str(c["name"]), color=str(c["color"])) for c in doc["classes"]]
        self.feature_names = list(doc.get("feature_names", []))
        self.oob_accuracy = doc.get("oob_accuracy")
        self.importances = np.asarray(doc.get("importances", []), float)
        expected = len(feature_names(self.features, self.ndim)) * self.channels
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

    def predict_proba(self, image: np.ndarray, channel_axis: int = None) -> np.ndarray:
        """(n_classes, *spatial) probabilities of an in-memory image."""
        image = np.asarray(image)
        self.check_image(image.shape, channel_axis)
        feats = compute_features(image, self.features, self.spacing, channel_axis)
        spatial = feats.shape[1:]
        return self.predict_proba_features(feats.reshape(len(feats), -1)).reshape((self.n_classes,) + spatial)

    def predict(self, image: np.ndarray, channel_axis: int = None) -> np.ndarray:
        """Segmentation: class k (0-based) as label k + 1, uint8 (uint16 above 255 classes)."""
        return segmentation(self.predict_proba(image, channel_axis))

    def __repr__(self) -> str:
        return (f"PixelClassifier({len(self.trees)} trees, classes={[c['name'] for c in self.classes]}, "
                f"{self.n_features} features, {self.ndim}D)")


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
