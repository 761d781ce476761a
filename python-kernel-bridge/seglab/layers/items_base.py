"""What points and shapes layers share: per-item fields (one value per point or shape, or one
for all) and a table of per-item properties."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict

import numpy as np

from .. import colors, items, properties as props
from .base import Layer


class ItemsLayer(Layer):
    """A layer of countable items (points, shapes) with per-item fields and properties."""

    #: The per-item numeric field (points: ``size``; shapes: ``edge_width``); others are colours.
    _NUMBER_FIELD = ""
    _properties: Dict[str, np.ndarray]

    @abstractmethod
    def _item_count(self) -> int:
        """Number of items in the kernel copy."""

    @property
    def properties(self) -> Dict[str, np.ndarray]:
        """Per-item values by name (copies); set a dict of name -> one value per item."""
        self._fresh()
        return {k: v.copy() for k, v in self._properties.items()}

    @properties.setter
    def properties(self, value: Any) -> None:
        self._fresh()
        self._set_items("properties", props.normalise(value, self._item_count()))

    def _item_wire(self, field: str) -> Any:
        if field == self._NUMBER_FIELD:
            return items.numbers_to_wire(getattr(self, "_" + field))
        if field == "properties":
            return props.to_wire(self._properties)
        return colors.to_wire(getattr(self, "_" + field))
