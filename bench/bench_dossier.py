"""Dossier benchmark: a 50-page dossier, against the same content in bare reportlab,
and a batch of demo dossiers (dossiers per second, memory over the batch).

    python bench/bench_dossier.py [--batch 1000] [--pages 50] [--workdir DIR]

Prints one JSON object; progress goes to stderr. A measurement, never a test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from hrdesk.services import cases, demo, dossiers
from hrdesk.store import kdf, vault
from hrdesk.store.queries import CaseFilter

TARGET_RATIO = 2.0
TARGET_SECONDS = 1.0
_started = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cheap() -> kdf.KdfParams:
    return kdf.KdfParams(time_cost=1, memory_kib=1024, parallelism=1, salt=os.urandom(16))


NOTE_TEXTS = (
    "Met the family at the community centre; they confirm the arrest and the transfer to "
    "the central prison on 2026-03-04. The lawyer will file a habeas corpus petition.",
    "التقينا بالأسرة في المركز المجتمعي؛ أكدوا الاعتقال والنقل إلى السجن المركزي يوم 2026-03-04.",
    "Встреча с семьёй в общественном центре; они подтверждают арест и перевод в тюрьму.",
    "မိသားစုနှင့် အသိုင်းအဝိုင်းစင်တာတွင် တွေ့ဆုံခဲ့ပြီး ဖမ်းဆီးမှုကို အတည်ပြုခဲ့သည်။",
)


NOTES_PER_PAGE = 18  # measured: about eighteen notes (heading, text, space) fill an A4 page


def long_case(session, pages: int) -> str:
    """A case whose legal dossier runs to about ``pages`` pages (many notes)."""
    case = cases.add_case(session, {"title": "Long case for the benchmark", "summary": "x"})
    count = pages * NOTES_PER_PAGE
    notes = [{"text": NOTE_TEXTS[i % len(NOTE_TEXTS)], "date": "2026-03-05"} for i in range(count)]
    cases.update_case(session, case["ref"], {"notes": notes})
    return case["id"]


def _bare_font(text: str) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in text):
        return "Bare-NotoSansArabic"
    if any("\u1000" <= ch <= "\u109f" for ch in text):
        return "Bare-NotoSansMyanmar"
    return "Bare-NotoSans"


def bare_reportlab(notes: list[dict]) -> bytes:
    """The same notes as the dossier's Notes section (heading, text, space; same sizes),
    in plain reportlab: the right font per paragraph, but no shaping, no bidi, no
    redaction, no cover, contents or page furniture."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from hrdesk.resources import resource_path

    for family in ("NotoSans", "NotoSansArabic", "NotoSansMyanmar"):
        for weight in ("Regular", "Bold"):
            name = f"Bare-{family}" + ("-Bold" if weight == "Bold" else "")
            if name not in pdfmetrics.getRegisteredFontNames():
                path = resource_path(f"fonts/{family}-{weight}.ttf")
                pdfmetrics.registerFont(TTFont(name, str(path)))
    heading = ParagraphStyle("h", fontName="Bare-NotoSans-Bold", fontSize=10, leading=14)
    story = []
    for note in notes:
        body = ParagraphStyle("b", fontName=_bare_font(note["text"]), fontSize=10, leading=14)
        story += [
            Paragraph(f"{note['date']} — {note.get('author', '')}", heading),
            Paragraph(note["text"], body),
            Spacer(1, 2 * mm),
        ]
    out = io.BytesIO()
    margin = 18 * mm
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 4 * mm,
    )
    doc.build(story)
    return out.getvalue()


def timed(fn, rounds: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="hrdesk-bench-dossier-"))
    created = vault.create_vault(
        work / "vault", "bench passphrase 123", "Bench org", "bench", cheap()
    )
    session = created.session
    result: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "targets": {"ratio_max": TARGET_RATIO, "dossier_seconds_max": TARGET_SECONDS},
    }

    case_id = long_case(session, args.pages)
    dossiers.dossier_bytes(session, case_id, "legal", "en")  # warm fonts and caches
    times, output = timed(
        lambda: dossiers.dossier_bytes(session, case_id, "legal", "en"), args.rounds
    )
    pdf = output[1]
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    notes = cases.get_case(session, case_id)["notes"]
    bare_reportlab(notes)
    bare_times, bare_pdf = timed(lambda: bare_reportlab(notes), args.rounds)
    hrdesk_s, bare_s = statistics.median(times), statistics.median(bare_times)
    result["long_dossier"] = {
        "pages": pages,
        "bare_pages": len(PdfReader(io.BytesIO(bare_pdf)).pages),
        "hrdesk_s": round(hrdesk_s, 3),
        "bare_reportlab_s": round(bare_s, 3),
        "ratio": round(hrdesk_s / bare_s, 2),
        "met": hrdesk_s / bare_s <= TARGET_RATIO and hrdesk_s < TARGET_SECONDS,
    }
    log(f"long dossier: {result['long_dossier']}")

    log(f"filling {args.batch} demo cases")
    demo.fill(session, args.batch)
    ids = [c["id"] for c in cases.list_cases(session, CaseFilter(), args.batch + 10)]
    ids = [i for i in ids if i != case_id][: args.batch]
    samples: list[float] = []

    def progress(done: int, total: int) -> None:
        if done % 50 == 0:
            samples.append(round(rss_mb(), 1))
            log(f"{done}/{total}")

    before = rss_mb()
    start = time.perf_counter()
    dossiers.export_dossiers(session, work / "batch", ids, "legal", "en", progress=progress)
    elapsed = time.perf_counter() - start
    result["batch"] = {
        "dossiers": len(ids),
        "seconds": round(elapsed, 1),
        "dossiers_per_s": round(len(ids) / elapsed, 1),
        "rss_before_mb": round(before, 1),
        "rss_samples_mb": samples,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    session.lock()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
