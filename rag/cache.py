"""A small thread-safe LRU for whole answers: a help desk hears the same questions all day."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class LRU(Generic[T]):
    """Keep the `size` most recently used values; `get` returns a copy the caller may change.

    `copy` makes those copies (default: a deep copy); a value type that knows which of its parts
    a caller may change copies only those, far faster.
    """

    def __init__(self, size: int, copy: Callable[[T], T] = copy.deepcopy) -> None:
        self.size = size
        self._copy = copy
        self._data: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                return None
            self._data.move_to_end(key)
        return self._copy(value)

    def put(self, key: Hashable, value: T) -> None:
        if self.size <= 0:
            return
        value = self._copy(value)
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
