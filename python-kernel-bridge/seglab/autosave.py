"""Annotations that outlive the kernel: ``Viewer(autosave="annotations")``.

Every labels layer edit reaches the kernel's copy as its pixels (``layer-edit``); a points
or shapes edit makes the kernel fetch that layer from the frontend that made it. With
``autosave`` set, the viewer then writes its labels, points and shapes layers into that
folder, a second after the last edit (atomically: a file is replaced only once it is
complete). After a kernel restart, ``viewer.restore_annotations()`` (or
:func:`load_annotations`) brings them back. Files: ``seglab-annotations.json`` naming them;
per layer a ``<name>.npy`` (labels pixels; points as (N, D) coordinates) or, for shapes, a
``<name>.npz`` holding ``vertices`` (all shapes' vertices, one after the other), ``counts``
(vertices per shape) and ``types`` (napari shape types). A labels layer's entry also keeps
its ``label_classes`` (the class names and colours of pixel-classification scribbles).
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .viewer import Viewer

MANIFEST = "seglab-annotations.json"
#: Seconds after the last edit before the folder is written (edits in a burst: one write).
DELAY_S = 1.0
#: What is saved: the layers users annotate.
_KINDS = ("labels", "points", "shapes")


def _file_name(name: str, taken: set, suffix: str = ".npy") -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "layer"
    candidate, i = stem, 1
    while candidate.lower() in taken:
        i += 1
        candidate = f"{stem}_{i}"
    taken.add(candidate.lower())
    return candidate + suffix


def _writer(kind: str, data: Any, shape_types: Any) -> Any:
    """A function writing one layer's data to an open binary file."""
    if kind != "shapes":
        return lambda f: np.save(f, np.asarray(data), allow_pickle=False)
    counts = np.array([len(s) for s in data], np.int64)
    ndim = data[0].shape[1] if len(data) else 2
    vertices = np.concatenate(data) if len(data) else np.zeros((0, ndim))
    types = np.array(shape_types, dtype="U16")
    return lambda f: np.savez(f, vertices=vertices, counts=counts, types=types)


def _read(kind: str, path: Path) -> Dict[str, Any]:
    if kind != "shapes":
        return {"data": np.load(path, allow_pickle=False)}
    with np.load(path, allow_pickle=False) as z:
        vertices, counts, types = z["vertices"], z["counts"], [str(t) for t in z["types"]]
    if len(counts) != len(types) or counts.sum() != len(vertices):
        raise ValueError(f"{path}: expected one type and one vertex count per shape")
    return {"data": np.split(vertices, np.cumsum(counts)[:-1]) if len(counts) else [], "shape_type": types}


def _write_atomically(path: Path, write: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _in_a_store(layer: Any) -> bool:
    store = getattr(layer, "_store", None)
    return store is not None and not store.read_only


def save_annotations(viewer: "Viewer", folder: Union[str, os.PathLike]) -> Path:
    """Writes the viewer's labels, points and shapes layers (the kernel copies) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries: List[Dict[str, Any]] = []
    taken: set = set()
    with viewer._lock:
        # Labels kept in a writable zarr store are saved already: each edit is written there.
        layers = [(layer, layer.source_data, getattr(layer, "shape_type", None))
                  for layer in viewer.layers if layer.kind in _KINDS and not _in_a_store(layer)]
    for layer, data, shape_types in layers:
        file = _file_name(layer.name, taken, ".npz" if layer.kind == "shapes" else ".npy")
        _write_atomically(folder / file, _writer(layer.kind, data, shape_types))
        entry = {"name": layer.name, "kind": layer.kind, "file": file,
                 "scale": list(layer.scale), "translate": list(layer.translate)}
        if layer.kind == "labels":
            entry["label_classes"] = list(layer.label_classes)
        entries.append(entry)
    manifest = json.dumps({"version": 1, "layers": entries}, indent=1).encode()
    _write_atomically(folder / MANIFEST, lambda f: f.write(manifest))
    return folder


def load_annotations(folder: Union[str, os.PathLike]) -> List[Dict[str, Any]]:
    """The layers saved in ``folder``: dicts with ``name``, ``kind``, ``data`` (numpy; for
    shapes a list of vertex arrays and ``shape_type``), ``scale``, ``translate`` (labels:
    ``label_classes`` too, empty in folders saved before it was kept). Raises
    ``FileNotFoundError`` when nothing was saved there."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise FileNotFoundError(f"no saved annotations in {str(folder)!r} (expected {MANIFEST} there)")
    content = json.loads(manifest.read_text())
    if content.get("version") != 1:
        raise ValueError(f"{manifest}: expected version 1, got {content.get('version')!r}")
    out = []
    for entry in content["layers"]:
        if entry.get("kind") not in _KINDS or "/" in entry["file"] or "\\" in entry["file"]:
            raise ValueError(f"{manifest}: unexpected entry {entry!r}")
        if entry["kind"] == "labels":
            entry = {**entry, "label_classes": entry.get("label_classes", [])}
        out.append({**entry, **_read(entry["kind"], folder / entry["file"])})
    return out


class Autosave:
    """Writes a viewer's annotations into a folder a moment after each change (one timer)."""

    def __init__(self, viewer: "Viewer", folder: Optional[Union[str, os.PathLike]]) -> None:
        self._viewer = viewer
        self.folder = Path(folder) if folder is not None else None
        self._timer: Optional[threading.Timer] = None
        self._lock = threading.Lock()
        #: The exception of the last failed write (None when the last one succeeded).
        self.error: Optional[BaseException] = None

    def schedule(self) -> None:
        if self.folder is None:
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(DELAY_S, self.save_now)
            self._timer.daemon = True
            self._timer.start()

    def save_now(self) -> None:
        if self.folder is None:
            return
        try:
            save_annotations(self._viewer, self.folder)
            self.error = None
        except Exception as exc:  # a full disk must not break the comm thread
            self.error = exc
            self._viewer.log.warning("seglab: autosave to %s failed: %r", self.folder, exc)

    def flush(self) -> None:
        """Writes now if a write is pending (e.g. before the kernel shuts down)."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            self.save_now()
