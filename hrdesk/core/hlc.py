"""Hybrid logical clock: timestamps that order events across devices without a server.

A timestamp is (wall milliseconds, counter). It never goes backwards on a
device even if the system clock does, and it moves past any timestamp received
from another device. Encoded as a fixed-width string so that text order is
time order (``0001763971200000.00000``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

_WALL_DIGITS = 16
_COUNTER_DIGITS = 5


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}.{self.counter:0{_COUNTER_DIGITS}d}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        wall, _, counter = text.partition(".")
        if not wall.isdigit() or not counter.isdigit():
            raise ValueError("malformed HLC timestamp")
        return cls(int(wall), int(counter))


class HybridClock:
    def __init__(self, last: Timestamp | None = None, now_ms: Callable[[], int] | None = None):
        self._last = last or Timestamp(0, 0)
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)

    @property
    def last(self) -> Timestamp:
        return self._last

    def tick(self) -> Timestamp:
        """A new timestamp for a local event."""
        wall = self._now_ms()
        if wall > self._last.wall_ms:
            self._last = Timestamp(wall, 0)
        else:
            self._last = Timestamp(self._last.wall_ms, self._last.counter + 1)
        return self._last

    def observe(self, remote: Timestamp) -> None:
        """Move past a timestamp received from another device."""
        if remote > self._last:
            self._last = remote


def iso_time(hlc: str) -> str:
    """The wall-clock part of an encoded timestamp, as ISO 8601 UTC to the second."""
    wall_ms = Timestamp.decode(hlc).wall_ms
    return dt.datetime.fromtimestamp(wall_ms / 1000, dt.UTC).isoformat(timespec="seconds")
