"""``apply_pixel_classifier``: a classifier trained in the viewer, over numpy or Dask arrays.

With Dask, each chunk is read with the features' halo from its neighbours (``overlap`` with
``boundary='none'``), mirrored where the chunk meets the array's own border, filtered and
predicted, and cropped: a chunk's result equals the whole image's there, and the graph runs
unchanged on a ``dask.distributed`` cluster (the classifier travels inside the task)."""

from __future__ import annotations

from typing import Dict, Union

import numpy as np

from .classifier import PixelClassifier, load_pixel_classifier, segmentation
from .features import check_reach, feature_halo, features_of_padded


def _is_dask(x) -> bool:
    return type(x).__module__.startswith("dask.")


def apply_pixel_classifier(data, classifier: Union[str, Dict, PixelClassifier], *,
                           output: str = "probabilities", channel_axis: int = None, embeddings=None):
    """Apply ``classifier`` (a PixelClassifier, a JSON file/text or document written by the
    viewer) to ``data`` (2D/3D, numpy or Dask; ``channel_axis`` for multichannel data).

    ``output="probabilities"``: (n_classes, *spatial) float32; ``"segmentation"``: labels
    1..n_classes (uint8). Dask in, Dask out (lazy); numpy in, numpy out.

    ``embeddings``: for a classifier trained with model features, the image's embedding by
    the same model (``seglab.compute_embeddings(data, model_folder)``); each chunk samples
    its own part of it."""
    clf = load_pixel_classifier(classifier)
    if output not in ("probabilities", "segmentation"):
        raise ValueError(f"expected output 'probabilities' or 'segmentation', got {output!r}")
    clf.check_image(data.shape, channel_axis)
    if not _is_dask(data):
        p = clf.predict_proba(np.asarray(data), channel_axis, embeddings)
        return p if output == "probabilities" else segmentation(p)
    return _apply_dask(data, clf, output, channel_axis, embeddings)


def _apply_dask(data, clf: PixelClassifier, output: str, channel_axis, embeddings):
    import dask.array as da

    x = data if channel_axis is None else da.moveaxis(data, channel_axis, -1)
    nd = clf.ndim
    plane_shape = x.shape[:nd]
    emb = clf.check_embeddings(embeddings, plane_shape)
    halo = feature_halo(clf.features, nd, clf.spacing) if clf.features else [0] * nd
    if clf.features:
        check_reach(plane_shape, halo, clf.features)
    # Chunks at least as deep as the halo (overlap reads only direct neighbours); channels whole.
    chunks = [max(c) for c in x.chunks[:nd]]
    x = x.rechunk(tuple(max(c, h + 1) for c, h in zip(chunks, halo)) + (() if channel_axis is None else (-1,)))
    depth = {a: h for a, h in enumerate(halo)}
    if channel_axis is not None:
        depth[nd] = 0
    grown = da.overlap.overlap(x, depth=depth, boundary="none")
    nc = clf.n_classes

    def block(b, block_info=None):
        info = block_info[0]
        loc, count = info["chunk-location"], info["num-chunks"]
        # A side at the array's border came without halo: mirror the block there instead.
        pads = [(0 if loc[a] > 0 else halo[a], 0 if loc[a] < count[a] - 1 else halo[a]) for a in range(nd)]
        chans = [b] if channel_axis is None else [b[..., c] for c in range(b.shape[-1])]
        feats = []
        for c in chans if clf.features else []:
            padded = np.pad(c.astype(np.float32), pads, mode="reflect")
            if not np.all(np.isfinite(padded)):
                raise ValueError("the image has non-finite values (NaN or inf): filters need finite pixels")
            crop = tuple(slice(h, padded.shape[a] - h) for a, h in enumerate(halo))
            feats.extend(m[crop] for m in features_of_padded(padded, clf.features, clf.spacing))
        if emb is not None:
            # The chunk's own pixels in the plane: its grown block less the halo it came with.
            y0, x0 = (sum(out_chunks[a][:loc[a]]) for a in range(2))
            h, w = (out_chunks[a][loc[a]] for a in range(2))
            feats.extend(clf.embedding_features(emb, (y0, x0, y0 + h, x0 + w), plane_shape))
        spatial = feats[0].shape
        p = clf.predict_proba_features(np.stack(feats).reshape(len(feats), -1)).reshape((nc,) + spatial)
        return p if output == "probabilities" else segmentation(p)

    out_chunks = x.chunks[:nd]
    if output == "probabilities":
        return grown.map_blocks(block, dtype=np.float32, chunks=((nc,),) + out_chunks,
                                drop_axis=[nd] if channel_axis is not None else [],
                                new_axis=[0], meta=np.empty((0,) * (nd + 1), np.float32))
    dtype = np.uint8 if nc < 255 else np.uint16
    return grown.map_blocks(block, dtype=dtype, chunks=out_chunks,
                            drop_axis=[nd] if channel_axis is not None else [],
                            meta=np.empty((0,) * nd, dtype))
