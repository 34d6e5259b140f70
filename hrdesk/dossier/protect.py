"""Password protection (AES-256) applied in memory, and the atomic write.

reportlab's own encryption writes files that pypdf and poppler reject, so the
finished PDF is encrypted with pypdf, from bytes to bytes: no unencrypted copy
of a protected dossier ever touches the disk.
"""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from hrdesk.store.atomic import write_atomic


def encrypt(pdf: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # Printing and copying stay allowed for whoever has the password: a lawyer files it.
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def save(pdf: bytes, path: Path, password: str | None = None) -> Path:
    data = encrypt(pdf, password) if password else pdf
    write_atomic(Path(path), data)
    return Path(path)
