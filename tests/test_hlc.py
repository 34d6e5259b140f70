"""The hybrid logical clock orders events across devices without a server."""

from __future__ import annotations

from hrdesk.core.hlc import HybridClock, Timestamp


def _clock(times: list[int]) -> HybridClock:
    feed = iter(times)
    return HybridClock(now_ms=lambda: next(feed))


def test_ticks_strictly_increase_even_when_the_wall_clock_goes_back() -> None:
    clock = _clock([1_000, 1_000, 900, 1_200])
    stamps = [clock.tick() for _ in range(4)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4
    assert stamps[2] == Timestamp(1_000, 2)  # the wall clock went back: counter moves on
    assert stamps[3] == Timestamp(1_200, 0)


def test_a_remote_time_ahead_of_ours_is_overtaken_by_the_next_tick() -> None:
    clock = _clock([1_000, 1_001])
    clock.tick()
    clock.observe(Timestamp(5_000, 7))
    assert clock.tick() > Timestamp(5_000, 7)


def test_encoding_sorts_as_text_in_time_order() -> None:
    stamps = [Timestamp(999, 12), Timestamp(1_000, 0), Timestamp(1_000, 3), Timestamp(10**13, 0)]
    encoded = [stamp.encode() for stamp in stamps]
    assert sorted(encoded) == encoded
    assert [Timestamp.decode(text) for text in encoded] == stamps
