"""Argon2id key derivation for passphrase key slots, calibrated per machine.

Like KeePassXC, the cost is benchmarked on the machine that creates a slot
(target ~0.5 s) instead of being a constant, and never drops below a floor
(RFC 9106's second recommended option: 64 MiB, 3 passes).

Parameters read back from a file (a key slot, a sealed export) are bounded here,
once: such a file is read before anything in it can be authenticated, and
Argon2id spends whatever memory and time it asks for.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw

KEY_BYTES = 32  # the output length: fixed here, never read from a file
SALT_BYTES = 16
FLOOR_TIME_COST = 3
FLOOR_MEMORY_KIB = 64 * 1024
MAX_TIME_COST = 64
MAX_LANES = 4  # calibration uses one lane per core, at most four
TARGET_SECONDS = 0.5
TIMING_RUNS = 3  # each calibration point is timed this often; the fastest run counts

# -- bounds on parameters read from a file --------------------------------------------
# Calibration chooses at most MAX_TIME_COST passes over FLOOR_MEMORY_KIB with at most
# MAX_LANES lanes and a SALT_BYTES salt. That maximum (64 passes over 64 MiB) is picked
# only where 64 passes take 0.5 s, and a slot made there must still open on a slow
# laptop (a restored backup), where it may take seconds. The bounds leave four times
# that work, sixteen times the memory and four times the passes and lanes, for faster
# machines and later versions. Past them a file is damaged or made to stall us, and is
# refused before any derivation. On the 2-core development VM (busy with other work)
# the most work allowed took 15 s (256 passes over 64 MiB) to 18 s (16 over 1 GiB); the
# review's file (4 GiB, 1,000 passes) would have run for over an hour.
MAX_READ_TIME_COST = 4 * MAX_TIME_COST
MAX_READ_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_READ_WORK = 4 * MAX_TIME_COST * FLOOR_MEMORY_KIB  # passes x KiB: 16 GiB in all
MAX_READ_LANES = 4 * MAX_LANES
MAX_READ_SALT_BYTES = 64
# The lower bounds are Argon2's own minimums (1 pass, 1 lane, 8 KiB per lane) and our
# salt size: below them a file is nonsense. Low parameters are not refused: a slot or a
# sealed file binds its parameters as associated data, so whoever lowers them gets
# another key and authentication fails (and whoever can write the slot file can replace
# slots anyway). Weak parameters are never *written*: calibration keeps to the floor.


class ParamsRefused(ValueError):
    """Parameters out of bounds: ``too_costly`` past an upper bound (a file made to stall
    hrdesk, or damaged), otherwise nonsense (below Argon2's minimums, a wrong salt size)."""

    def __init__(self, too_costly: bool) -> None:
        super().__init__("KDF parameters out of range")
        self.too_costly = too_costly


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes

    def __post_init__(self) -> None:
        # No KdfParams exists out of bounds, so derive() cannot be asked for one.
        if self.time_cost < 1 or self.parallelism < 1 or self.memory_kib < 8 * self.parallelism:
            raise ParamsRefused(too_costly=False)
        if not SALT_BYTES <= len(self.salt) <= MAX_READ_SALT_BYTES:
            raise ParamsRefused(too_costly=False)
        if (
            self.time_cost > MAX_READ_TIME_COST
            or self.memory_kib > MAX_READ_MEMORY_KIB
            or self.time_cost * self.memory_kib > MAX_READ_WORK
            or self.parallelism > MAX_READ_LANES
        ):
            raise ParamsRefused(too_costly=True)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["salt"] = self.salt.hex()
        data["name"] = "argon2id"
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KdfParams:
        """Raises ValueError (``ParamsRefused`` past the bounds) for anything but sound
        Argon2id parameters; the bounds are checked before any work."""
        if data.get("name") != "argon2id":
            raise ValueError("unsupported KDF")
        numbers = [data["time_cost"], data["memory_kib"], data["parallelism"]]
        # Whole numbers only: a float such as 1e400 would not convert, a bool is no count.
        if any(type(number) is not int for number in numbers):
            raise ValueError("KDF parameters are not whole numbers")
        salt = data["salt"]
        if not isinstance(salt, str) or len(salt) > 2 * MAX_READ_SALT_BYTES:
            raise ParamsRefused(too_costly=False)
        time_cost, memory_kib, parallelism = numbers
        return cls(time_cost, memory_kib, parallelism, bytes.fromhex(salt))  # type: ignore[arg-type]

    def below_floor(self) -> bool:
        return self.time_cost < FLOOR_TIME_COST or self.memory_kib < FLOOR_MEMORY_KIB

    @property
    def work(self) -> int:
        """Passes x KiB: what one derivation costs, whatever the lanes."""
        return self.time_cost * self.memory_kib

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.time_cost, self.memory_kib, self.parallelism, os.urandom(SALT_BYTES))


def derive(passphrase: str, params: KdfParams) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        params.salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def derive_timed(passphrase: str, params: KdfParams) -> tuple[bytes, float]:
    """The key, and about how long the derivation takes this machine when it is idle.

    Wall time counts whatever else the machine is doing; the CPU time this process
    spent does not (the lanes run on their own threads, each on its own core when
    the machine is idle). The estimate is the smaller of wall time and CPU time per
    lane: on an idle machine that is the CPU time (lanes are not perfectly parallel:
    measured here, 20 passes over 2 lanes took 0.62 s for 0.99 s of CPU, so the idle
    cost is underestimated by about a fifth, a slot a little costlier than the target);
    on a loaded one it stays about the same where the wall time doubles or triples.
    """
    lanes = min(params.parallelism, _cores())
    wall, cpu = time.perf_counter(), time.process_time()
    key = derive(passphrase, params)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return key, min(wall, cpu / lanes)


def _cores() -> int:
    """Cores this process may run on (a container or taskset may allow fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


Timer = Callable[[KdfParams], float]


def _time_one_run(params: KdfParams) -> float:
    return derive_timed("calibration", params)[1]


def calibrate(target_seconds: float = TARGET_SECONDS, timer: Timer | None = None) -> KdfParams:
    """Parameters costing about ``target_seconds`` here when idle, never below the floor.

    One run has a fixed cost (allocating and filling the memory) besides its
    passes, so one pass and four passes are both timed and the per-pass cost is
    their difference: timing a single pass alone overestimates it two- or threefold
    and lands well short of the target.

    A busy machine must not weaken a vault for good: each point is the fastest of
    several runs (a momentary load slows some of them, not all), and each run is
    timed by CPU time per lane (``derive_timed``), which a load that lasts the whole
    calibration does not inflate. ``timer`` (seconds one run of the given parameters
    costs) is for tests.
    """
    timer = timer or _time_one_run
    parallelism = max(1, min(MAX_LANES, os.cpu_count() or 1))
    salt = os.urandom(SALT_BYTES)

    def fastest(passes: int, runs: int = TIMING_RUNS) -> float:
        params = KdfParams(passes, FLOOR_MEMORY_KIB, parallelism, salt)
        return min(timer(params) for _ in range(runs))

    timer(KdfParams(1, FLOOR_MEMORY_KIB, parallelism, salt))  # warm-up
    one, four = fastest(1), fastest(4)
    # A noisy one-pass run can make the difference look tiny; a pass is never cheaper
    # than an eighth of the four-pass run, whatever the noise.
    per_pass = max((four - one) / 3, four / 8, 1e-3)
    fixed = max(one - per_pass, 0.0)
    time_cost = _bounded(int((target_seconds - fixed) / per_pass))
    # One run with the chosen cost corrects what noise is left: at most 20% above target.
    # Over that, a second run tells a moment's load from a real overshoot.
    elapsed = fastest(time_cost, runs=1)
    if elapsed > 1.2 * target_seconds:
        elapsed = min(elapsed, fastest(time_cost, runs=1))
    if elapsed > 1.2 * target_seconds:
        time_cost = _bounded(int(time_cost * target_seconds / elapsed))
    return KdfParams(time_cost, FLOOR_MEMORY_KIB, parallelism, os.urandom(SALT_BYTES))


def _bounded(time_cost: int) -> int:
    return max(FLOOR_TIME_COST, min(MAX_TIME_COST, time_cost))


# -- upgrading a slot at unlock ---------------------------------------------------------


def worth_recalibrating(params: KdfParams, seconds: float) -> bool:
    """Whether a slot that just opened in ``seconds`` (``derive_timed``'s estimate) may be
    weaker than what calibration would choose here now: always below the floor; else
    when it cost under half the target (made on a slower or busy machine) and a
    calibration could choose more. Costs nothing: the unlock timed its derivation."""
    if params.below_floor():
        return True
    return seconds < TARGET_SECONDS / 2 and params.work < MAX_TIME_COST * FLOOR_MEMORY_KIB


def stronger(new: KdfParams, old: KdfParams) -> bool:
    """Whether re-wrapping a slot made with ``old`` under ``new`` strengthens it."""
    return not new.below_floor() and new.work > old.work
