"""Evidence files that no record owns, and the sweep that removes them.

An intake writes the encrypted blob first and records it (with its key) second;
a program killed in between leaves a blob nobody can ever open. A deletion
tombstones the record first and erases the file second, so a kill there leaves
the file of a deleted attachment. Both are swept at unlock and by
``hrdesk check --repair``, each removal written to the chain of custody, and only
when no intake is under way in any program (``blobs.intake``): a file without a
record may otherwise be an intake's blob whose record is being committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hrdesk.core.ids import new_id
from hrdesk.store import attachment_queries, blobs


@dataclass
class Strays:
    """Files in attachments/ without a live record (``busy``: an intake is under way,
    so none were looked for)."""

    ours: list[str] = field(default_factory=list)  # blobs and partial writes of hrdesk
    foreign: list[str] = field(default_factory=list)  # files hrdesk did not make
    busy: bool = False
    removed: int = 0  # swept by this call


def find(session, remove: bool = False) -> Strays:
    """The stray files of the vault; with ``remove``, hrdesk's own are swept (recorded
    in custody) and only what could not be removed is returned."""
    folder = session.attachments
    with blobs.no_intake(folder) as names:
        if names is None:
            return Strays(busy=True)
        # Read after the listing: every intake whose file is listed has been recorded or
        # has died (what it left is then ours to sweep).
        owners = attachment_queries.blob_owners(session.conn)
        strays = Strays()
        for name in sorted(names):
            owner = owners.get(name)
            if owner is not None and not owner[2]:
                continue  # a live attachment's blob
            if not blobs.is_ours(name):
                strays.foreign.append(name)
            elif remove and _sweep(session, folder, name, owner):
                strays.removed += 1
            else:
                strays.ours.append(name)
        return strays


def _sweep(session, folder: Path, name: str, owner: tuple[str, str, bool] | None) -> bool:
    # Recorded first: a kill before the file goes leaves it for the next sweep (which
    # records it again), never a removal the chain of custody does not show.
    attachment_id, case_id = (owner[0], owner[1]) if owner else (None, None)
    with session.writer.batch() as batch:
        batch.put(
            "custody",
            new_id(),
            {
                "attachment_id": attachment_id,
                "case_id": case_id,
                # The file of a deleted attachment, or an intake's that was never recorded.
                "action": "erased" if owner else "orphan-removed",
                "result": blobs.blob_id_of(name),
            },
            new=True,
        )
    try:
        blobs.remove_stray(folder, name)
    except blobs.BlobError:
        return False  # a failing disk: `check` keeps reporting the file
    return True
