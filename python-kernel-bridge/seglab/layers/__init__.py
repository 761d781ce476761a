"""Kernel-side layer proxies, one class per napari layer kind, and the layer list."""

from .base import Layer
from .layerlist import LayerList, unique_name
from .pixels import ImageLayer, LabelsLayer
from .points import PointsLayer
from .shapes import ShapesLayer

__all__ = ["Layer", "ImageLayer", "LabelsLayer", "PointsLayer", "ShapesLayer", "LayerList", "unique_name"]
