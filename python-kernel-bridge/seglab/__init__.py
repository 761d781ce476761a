"""SegLab: a napari-style microscopy image viewer for JupyterLab.

``Viewer`` is an ipywidget; its frontend lives in the ``seglab`` labextension.
"""

from typing import Dict, List

from .autosave import load_annotations, save_annotations
from .camera import Camera
from .dims import Dims
from .embeddings import compute_embeddings
from .layers import ImageLayer, LabelsLayer, Layer, LayerList, PointsLayer, ShapesLayer
from .pixel import apply_pixel_classifier, load_pixel_classifier
from .scale_bar import ScaleBar
from .viewer import Viewer

__version__ = "0.1.0"
__all__ = ["Viewer", "Dims", "Camera", "ScaleBar", "Layer", "ImageLayer", "LabelsLayer", "PointsLayer",
           "ShapesLayer", "LayerList", "load_annotations", "save_annotations",
           "apply_pixel_classifier", "load_pixel_classifier", "compute_embeddings", "__version__"]


def _jupyter_labextension_paths() -> List[Dict[str, str]]:
    """Where JupyterLab finds the prebuilt frontend extension."""
    return [{"src": "labextension", "dest": "seglab"}]
