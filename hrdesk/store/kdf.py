"""Argon2id key derivation for passphrase key slots, calibrated per machine.

Like KeePassXC, the cost is benchmarked on the machine that creates a slot
(target ~0.5 s) instead of being a constant, and never drops below a floor
(RFC 9106's second recommended option: 64 MiB, 3 passes).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw

KEY_BYTES = 32
FLOOR_TIME_COST = 3
FLOOR_MEMORY_KIB = 64 * 1024
MAX_TIME_COST = 64
TARGET_SECONDS = 0.5


@dataclass(frozen=True)
class KdfParams:
    time_cost: int
    memory_kib: int
    parallelism: int
    salt: bytes

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["salt"] = self.salt.hex()
        data["name"] = "argon2id"
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KdfParams:
        if data.get("name") != "argon2id":
            raise ValueError("unsupported KDF")
        params = cls(
            time_cost=int(data["time_cost"]),  # type: ignore[arg-type]
            memory_kib=int(data["memory_kib"]),  # type: ignore[arg-type]
            parallelism=int(data["parallelism"]),  # type: ignore[arg-type]
            salt=bytes.fromhex(str(data["salt"])),
        )
        if not (1 <= params.time_cost <= 1000 and 8 <= params.memory_kib <= 4 * 1024 * 1024):
            raise ValueError("KDF parameters out of range")
        if not 1 <= params.parallelism <= 64 or len(params.salt) < 16:
            raise ValueError("KDF parameters out of range")
        return params

    def below_floor(self) -> bool:
        return self.time_cost < FLOOR_TIME_COST or self.memory_kib < FLOOR_MEMORY_KIB

    def with_new_salt(self) -> KdfParams:
        return KdfParams(self.time_cost, self.memory_kib, self.parallelism, os.urandom(16))


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


def calibrate(target_seconds: float = TARGET_SECONDS) -> KdfParams:
    """Parameters costing about ``target_seconds`` here, never below the floor.

    One run has a fixed cost (allocating and filling the memory) besides its
    passes, so one pass and four passes are both timed (best of two) and the
    per-pass cost is their difference: timing a single pass alone overestimates
    it two- or threefold and lands well short of the target.
    """
    parallelism = max(1, min(4, os.cpu_count() or 1))
    salt = os.urandom(16)

    def best_of_two(passes: int) -> float:
        params = KdfParams(passes, FLOOR_MEMORY_KIB, parallelism, salt)
        timings = []
        for _ in range(2):
            start = time.perf_counter()
            derive("calibration", params)
            timings.append(time.perf_counter() - start)
        return min(timings)

    derive("calibration", KdfParams(1, FLOOR_MEMORY_KIB, parallelism, salt))  # warm-up
    one, four = best_of_two(1), best_of_two(4)
    # A busy machine can slow the one-pass run and make the difference look tiny; a
    # pass is never cheaper than an eighth of the four-pass run, whatever the noise.
    per_pass = max((four - one) / 3, four / 8, 1e-3)
    fixed = max(one - per_pass, 0.0)
    time_cost = _bounded(int((target_seconds - fixed) / per_pass))
    # One run with the chosen cost corrects what noise is left: at most 20% above target.
    start = time.perf_counter()
    derive("calibration", KdfParams(time_cost, FLOOR_MEMORY_KIB, parallelism, salt))
    elapsed = time.perf_counter() - start
    if elapsed > 1.2 * target_seconds:
        time_cost = _bounded(int(time_cost * target_seconds / elapsed))
    return KdfParams(time_cost, FLOOR_MEMORY_KIB, parallelism, os.urandom(16))


def _bounded(time_cost: int) -> int:
    return max(FLOOR_TIME_COST, min(MAX_TIME_COST, time_cost))
