"""``hrdesk demo``: fill a vault with realistic synthetic cases, through the
normal write path, in transactions of a few hundred cases."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from hrdesk.services.cases import add_cases
from hrdesk.services.demo_data import generate_cases
from hrdesk.services.users import current_user
from hrdesk.store.vault import Session

BATCH = 250


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
            done += len(add_cases(session, pending, today))
            pending = []
            if progress and progress(done, count) is False:
                return done
    if pending:
        done += len(add_cases(session, pending, today))
    if progress:
        progress(done, count)
    return done
