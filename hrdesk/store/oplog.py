"""Operations of the op-log and their per-device hash chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Op:
    op_id: str
    device_id: str
    seq: int
    hlc: str
    user_id: str
    entity: str
    entity_id: str
    field: str
    value: str  # canonical JSON
    seen: str  # canonical JSON list of op ids this op supersedes
    prev_hash: str

    def digest(self) -> str:
        body = [
            self.op_id,
            self.device_id,
            self.seq,
            self.hlc,
            self.user_id,
            self.entity,
            self.entity_id,
            self.field,
            self.value,
            self.seen,
            self.prev_hash,
        ]
        return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()

    def row(self) -> tuple[Any, ...]:
        return (
            self.op_id,
            self.device_id,
            self.seq,
            self.hlc,
            self.user_id,
            self.entity,
            self.entity_id,
            self.field,
            self.value,
            self.seen,
            self.prev_hash,
            self.digest(),
        )


COLUMNS = (
    "op_id, device_id, seq, hlc, user_id, entity, entity_id, field, value, seen, prev_hash, hash"
)


def from_row(row: tuple[Any, ...]) -> tuple[Op, str]:
    """An op and the hash stored beside it."""
    return Op(*row[:11]), row[11]
