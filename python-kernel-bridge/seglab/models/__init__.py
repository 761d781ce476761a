"""SAM-family models for SegLab: export to ONNX, check ONNX files, cache exports.

``python -m seglab.models export --arch vit_b --out DIR`` writes ``encoder.onnx``,
``decoder.onnx`` and ``seglab-model.json``. Importing this package never imports torch:
only an export does (``pip install 'seglab[export]'``); :func:`check_model_files` needs only
``onnx``.
"""

from ._check import check_model_files, expected_interface
from ._export import ARCHS, MANIFEST  # the module imports torch only inside its functions

__all__ = ["ARCHS", "MANIFEST", "check_model_files", "expected_interface", "export",
           "cached_export", "default_cache_dir", "bundled_prompter"]


def export(arch, out, **kwargs):
    """See :func:`seglab.models._export.export` (imports torch)."""
    from ._export import export as _export

    return _export(arch, out, **kwargs)


def cached_export(arch, seed=0, checkpoint=None, cache_dir=None, **kwargs):
    """See :func:`seglab.models._cache.cached_export` (imports torch on a cache miss)."""
    from ._cache import cached_export as _cached

    return _cached(arch, seed=seed, checkpoint=checkpoint, cache_dir=cache_dir, **kwargs)


def default_cache_dir():
    from ._cache import default_cache_dir as _d

    return _d()


def bundled_prompter():
    """The folder of ``seglab-nucleus-prompter`` shipped in the package (``encoder.onnx``,
    ``decoder.onnx``, ``seglab-model.json``, ``README.md``): a small promptable CNN with SAM's
    ONNX interface that SegLab trained on nuclei (not SAM; see its README). No torch needed."""
    from pathlib import Path

    return Path(__file__).resolve().parent / "prompter"
