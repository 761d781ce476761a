"""Export once, reuse: ``<repo>/.cache/models/<arch>-seed<N>/`` (or ``$SEGLAB_MODEL_CACHE``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, Optional, Union

KEY_FILE = "cache-key.json"


def default_cache_dir() -> Path:
    """``$SEGLAB_MODEL_CACHE``; else ``.cache/models`` at the repository root when seglab runs
    from its source tree; else the user's cache folder (``~/.cache/seglab/models``)."""
    env = os.environ.get("SEGLAB_MODEL_CACHE")
    if env:
        return Path(env)
    bridge = Path(__file__).resolve().parents[2]  # .../python-kernel-bridge
    if bridge.name == "python-kernel-bridge" and (bridge.parent / "package.json").is_file():
        return bridge.parent / ".cache" / "models"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seglab" / "models"


def _export_code_hash() -> str:
    """Any change to the export code invalidates cached exports."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("_export.py", "_check.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def cache_key(arch: str, seed: int, checkpoint: Optional[Union[str, os.PathLike]]) -> Dict:
    from ._export import package_versions, sha256_file

    return {
        "arch": arch,
        "seed": None if checkpoint is not None else int(seed),
        "checkpoint_sha256": sha256_file(checkpoint) if checkpoint is not None else None,
        "versions": package_versions(),
        "export_code": _export_code_hash(),
    }


def _valid(folder: Path, key: Dict) -> bool:
    from ._export import MANIFEST, sha256_file

    try:
        if json.loads((folder / KEY_FILE).read_text()) != key:
            return False
        manifest = json.loads((folder / MANIFEST).read_text())
        for part in ("encoder", "decoder"):
            entries = [manifest[part]] + ([manifest[part]["external_data"]]
                                          if "external_data" in manifest[part] else [])
            for e in entries:
                f = folder / e["file"]
                if f.stat().st_size != e["bytes"] or sha256_file(f) != e["sha256"]:
                    return False
        return True
    except (OSError, ValueError, KeyError):
        return False


class _Lock:
    """An exclusive lock file, so two processes (tests, benchmarks) never export at once."""

    def __init__(self, path: Path):
        self.path = path
        self.fd = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(str(self.path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            import fcntl
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no cross-process lock
            pass
        return self

    def __exit__(self, *exc):
        os.close(self.fd)


def cached_export(arch: str, seed: int = 0, checkpoint: Optional[Union[str, os.PathLike]] = None,
                  cache_dir: Optional[Union[str, os.PathLike]] = None, *,
                  verbose: bool = True) -> Path:
    """The folder of an export of ``arch`` (seeded random weights, or ``checkpoint``), made once
    and reused while arch, seed, checkpoint hash, package versions and export code match."""
    from ._export import ARCHS, ExportError, export

    if arch not in ARCHS:
        raise ExportError(f"unknown arch {arch!r}: expected one of {', '.join(ARCHS)}")
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(arch, seed, checkpoint)
    name = (f"{arch}-seed{int(seed)}" if checkpoint is None
            else f"{arch}-ckpt-{key['checkpoint_sha256'][:12]}")
    folder = root / name
    with _Lock(root / f".{name}.lock"):
        if _valid(folder, key):
            return folder
        t0 = time.perf_counter()
        tmp = root / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        log = (lambda m: print(f"[seglab.models cache] {m}", file=sys.stderr, flush=True)) \
            if verbose else None
        export(arch, tmp, seed=seed, checkpoint=checkpoint, log=log)
        (tmp / KEY_FILE).write_text(json.dumps(key, indent=2) + "\n")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        if verbose:
            print(f"[seglab.models cache] {folder} written in {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    return folder
