"""A tqdm-style line for the long transfers a cell waits for (``layer.data`` of a big layer):
``\\rreceiving 'nuclei': 45% (58 / 128 MB)``, updated a few times a second, on the cell's own
output (carriage returns overwrite the line in Jupyter's output area)."""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

#: Transfers shorter than this are quick enough not to need a progress line.
MIN_BYTES = 16 * 1024 * 1024
#: Seconds between updates of the line.
INTERVAL_S = 0.25


class TransferProgress:
    """Call ``update(received, total)`` as chunks arrive and ``close()`` when done."""

    def __init__(self, what: str, stream: Optional[TextIO] = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self._stream = stream
        self._clock = clock
        self._start = clock()
        self._last = -1.0
        self._shown = False
        self._total = 0

    def update(self, received: int, total: int) -> None:
        self._total = total
        now = self._clock()
        if total < MIN_BYTES or now - self._last < INTERVAL_S:
            return
        self._last = now
        self._write(f"\r{self.what}: {100 * received // max(1, total):3d}% ({received / 2**20:.0f} / {total / 2**20:.0f} MB)")

    def close(self, ok: bool = True) -> None:
        if not self._shown:
            return
        total = self._total / 2**20
        end = f"100% ({total:.0f} / {total:.0f} MB) in {self._clock() - self._start:.1f} s" if ok else "stopped"
        self._write(f"\r{self.what}: {end}\n")

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stdout
        stream.write(text)
        stream.flush()
        self._shown = True
