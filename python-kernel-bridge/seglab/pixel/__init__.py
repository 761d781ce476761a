"""Pixel classification in the kernel: the classifier trained in the viewer (ilastik's filter
features and a random forest, ``src/core/features`` and ``src/core/forest``), applied to numpy
or Dask arrays of any size with the same definitions, so the kernel predicts what the browser
predicted. ``apply_pixel_classifier`` and ``load_pixel_classifier`` are also ``seglab.*``."""

from .apply import apply_pixel_classifier
from .classifier import PixelClassifier, load_pixel_classifier
from .features import FILTERS, ILASTIK_SCALES, compute_features, feature_halo, feature_names

__all__ = ["apply_pixel_classifier", "load_pixel_classifier", "PixelClassifier", "FILTERS",
           "ILASTIK_SCALES", "compute_features", "feature_halo", "feature_names"]
