"""``hrdesk demo``: fill a vault with realistic synthetic cases, through the
normal write path, in transactions of a few hundred cases."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable

from hrdesk.services import evidence
from hrdesk.services.cases import add_cases
from hrdesk.services.demo_data import generate_cases
from hrdesk.services.users import current_user
from hrdesk.store.vault import Session

BATCH = 250
EVIDENCE_EVERY = 50  # one demo case in 50 gets a (synthetic) statement attached


def _attach_statements(session: Session, case_ids: list[str], first: int, today: dt.date) -> None:
    for offset, case_id in enumerate(case_ids):
        number = first + offset
        if number % EVIDENCE_EVERY:
            continue
        text = (
            f"Synthetic demo document {number}. Written statement recorded on "
            f"{today.isoformat()}; no real person or event is described.\n"
        ) * 40
        evidence.attach_stream(
            session,
            case_id,
            io.BytesIO(text.encode("utf-8")),
            f"statement-{number}.txt",
            description="Written statement (demo)",
            source="Demo data",
            obtained_on=today.isoformat(),
        )


def fill(
    session: Session,
    count: int,
    seed: int = 0,
    progress: Callable[[int, int], bool | None] | None = None,
    today: dt.date | None = None,
) -> int:
    """Add ``count`` demo cases; ``progress(done, total)`` may return False to stop.

    Returns how many cases were added (all batches before a stop are kept).
    """
    me = current_user(session)["name"]
    rng = random.Random(seed)
    pending = []
    done = 0
    for case in generate_cases(count, seed=seed, today=today):
        if rng.random() < 0.5:
            case["assigned"] = [me]
        pending.append(case)
        if len(pending) == BATCH:
            ids = add_cases(session, pending, today)
            _attach_statements(session, ids, done, today or dt.date.today())
            done += len(ids)
            pending = []
            if progress and progress(done, count) is False:
                return done
    if pending:
        ids = add_cases(session, pending, today)
        _attach_statements(session, ids, done, today or dt.date.today())
        done += len(ids)
    if progress:
        progress(done, count)
    return done
