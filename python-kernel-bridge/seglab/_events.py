"""napari-style events: ``layer.events.data.connect(callback)``.

Callbacks run on the thread that handles comm messages (the kernel's main
thread, or SegLab's subshell thread on ipykernel 7), so they must not block
waiting for the frontend (no ``layer.data`` inside a callback).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List

log = logging.getLogger("seglab")


@dataclass(frozen=True)
class Event:
    """What a callback receives: the event ``type``, its ``source`` object and the new ``value``."""

    type: str
    source: Any
    value: Any


class EventEmitter:
    """Callbacks for one kind of change."""

    def __init__(self, source: Any, type_: str) -> None:
        self._source = source
        self.type = type_
        self._callbacks: List[Callable[[Event], Any]] = []

    def connect(self, callback: Callable[[Event], Any]) -> Callable[[Event], Any]:
        """Call ``callback(event)`` on every change; returns it (usable as a decorator)."""
        if not callable(callback):
            raise TypeError(f"expected a callable, got {type(callback).__name__}")
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[Event], Any]) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        self._callbacks = [c for c in self._callbacks if c is not callback]

    def __call__(self, value: Any) -> None:
        event = Event(self.type, self._source, value)
        for callback in list(self._callbacks):
            try:
                callback(event)
            except Exception:  # a user's callback must not break the comm handler
                log.exception("seglab: %s callback failed", self.type)


class EventGroup:
    """One :class:`EventEmitter` per name, as attributes: ``events.opacity.connect(...)``."""

    def __init__(self, source: Any, names: Iterable[str]) -> None:
        self._emitters: Dict[str, EventEmitter] = {n: EventEmitter(source, n) for n in names}

    def __getattr__(self, name: str) -> EventEmitter:
        try:
            return self.__dict__["_emitters"][name]
        except KeyError:
            raise AttributeError(f"no event {name!r}; events are {sorted(self._emitters)}") from None

    def __dir__(self) -> List[str]:
        return sorted(self._emitters)
