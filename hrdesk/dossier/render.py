"""Writing a dossier: Platypus story from the profile's content, in the dossier's
language and direction, with a cover, contents, sections and the redaction log.

Labels and dates come from the dossier's own language (``Translator``), not the
interface's; every user text goes through ``text.paragraph`` (fonts per script,
shaping, bidi). Nothing here touches the disk: the PDF is built in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from hrdesk.core import history_labels as labels
from hrdesk.core import vocab
from hrdesk.dossier import text
from hrdesk.dossier.pages import numbered_canvas
from hrdesk.dossier.profiles import PROFILE_NAMES, Content
from hrdesk.i18n import Translator
from hrdesk.i18n.direction import is_right_to_left
from hrdesk.i18n.formatting import format_date, format_number, locale_for

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # of the text frame
BODY_FONT = "NotoSans"


@dataclass(frozen=True)
class Meta:
    org_name: str
    language: str
    generated_on: dt.date


def fingerprint(content: Content) -> str:
    """SHA-256 of exactly what the dossier shows (after redaction), canonical JSON."""
    data = {
        "profile": content.profile,
        "case": content.case,
        "people": content.people,
        "incidents": content.incidents,
        "services": content.services,
        "followups": content.followups,
        "notes": content.notes,
        "evidence": content.evidence,
        "evidence_count": content.evidence_count,
        "history": content.history,
        "redactions": [(r.subject, r.action, r.reason, r.detail) for r in content.log],
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Writer:
    """Builds the story; one instance per dossier."""

    def __init__(self, content: Content, meta: Meta, digest: str) -> None:
        self.c = content
        self.meta = meta
        self.digest = digest
        self.t = Translator(meta.language)
        self.locale = locale_for(self.t.language if self.t.language != "en_XA" else "en")
        self.rtl = is_right_to_left(self.t.language)
        align = TA_RIGHT if self.rtl else 0
        self.body = ParagraphStyle(
            "body", fontName=BODY_FONT, fontSize=10, leading=14, alignment=align
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.h1 = ParagraphStyle(
            "Heading1", parent=self.body, fontSize=15, leading=20, spaceBefore=10, spaceAfter=6
        )
        self.title = ParagraphStyle(
            "title", parent=self.body, fontSize=22, leading=28, alignment=TA_CENTER
        )
        self.banner = ParagraphStyle(
            "banner",
            parent=self.body,
            fontSize=11,
            leading=15,
            alignment=TA_CENTER,
            textColor=colors.white,
            backColor=colors.HexColor("#8b1a1a"),
            borderPadding=6,
        )

    # -- helpers -----------------------------------------------------------------------

    def p(self, value: Any, style: ParagraphStyle | None = None, bold: bool = False):
        return text.paragraph("" if value is None else str(value), style or self.body, bold)

    def date(self, iso: str | None) -> str:
        return format_date(iso, self.locale)

    def label(self, vocabulary: str, slug: str | None) -> str:
        if not slug:
            return ""
        for term in vocab.terms(vocabulary):
            if term.slug == slug:
                return self.t.pgettext(vocabulary, term.label_source)
        return slug

    def heading(self, title: str):
        flowable = self.p(title, self.h1, bold=True)
        flowable._toc_text = title  # picked up by the document for the contents
        return flowable

    def table(self, rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
        if self.rtl:  # the first column sits on the right in a right-to-left document
            rows = [list(reversed(row)) for row in rows]
            widths = list(reversed(widths))
        cells = [
            [cell if not isinstance(cell, str) else self.p(cell, self.small) for cell in row]
            for row in rows
        ]
        table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
        table.setStyle(TableStyle(style))
        return table

    def pairs(self, pairs: list[tuple[str, Any]]) -> Table:
        rows = [[self.p(k, self.small, bold=True), self.p(v, self.small)] for k, v in pairs if v]
        return self.table(rows, [WIDTH * 0.3, WIDTH * 0.7], header=False)

    # -- sections ----------------------------------------------------------------------

    def cover(self) -> list:
        t = self.t
        case = self.c.case
        story = [
            Spacer(1, 30 * mm),
            self.p(self.meta.org_name, self.title, bold=True),
            Spacer(1, 8 * mm),
            self.p(t._("Case dossier {ref}").format(ref=ltr(case["ref"])), self.title),
            Spacer(1, 12 * mm),
            self.p(
                t._("CONFIDENTIAL — for its addressee only. Do not copy or forward."), self.banner
            ),
            Spacer(1, 12 * mm),
            self.pairs(
                [
                    (t._("Profile"), t._(PROFILE_NAMES[self.c.profile])),
                    (t._("Generated on"), self.date(self.meta.generated_on.isoformat())),
                    (t._("Language"), self.t.language),
                    (t._("Fingerprint (SHA-256)"), ltr(self.digest)),
                ]
            ),
        ]
        if self.c.unconsented:
            story += [
                Spacer(1, 6 * mm),
                self.p(
                    t.ngettext(
                        "{count} person appears under a pseudonym: no consent to share "
                        "dossiers was in force on the day of export.",
                        "{count} people appear under a pseudonym: no consent to share "
                        "dossiers was in force on the day of export.",
                        len(self.c.unconsented),
                    ).format(count=format_number(len(self.c.unconsented), self.locale))
                ),
            ]
        return [*story, PageBreak()]

    def contents(self) -> list:
        toc = TableOfContents()
        toc.levelStyles = [ParagraphStyle("toc", parent=self.body, leftIndent=0)]
        return [self.p(self.t._("Contents"), self.h1, bold=True), toc, PageBreak()]

    def summary(self) -> list:
        t = self.t
        case = self.c.case
        location = case.get("location") or {}
        place = ", ".join(
            p
            for p in (location.get("locality"), location.get("region"), location.get("country"))
            if p
        )
        return [
            self.heading(t._("Summary")),
            self.pairs(
                [
                    (t._("Reference"), ltr(case["ref"])),
                    (t._("Title"), case.get("title")),
                    (t._("Status"), self.label("case-status", case.get("status"))),
                    (t._("Priority"), self.label("priority", case.get("priority"))),
                    (t._("Opened on"), self.date(case.get("opened_on"))),
                    (t._("Closed on"), self.date(case.get("closed_on"))),
                    (t._("Place"), place),
                ]
            ),
            Spacer(1, 4 * mm),
            self.p(case.get("summary")),
        ]

    def people(self) -> list:
        t = self.t
        rows: list[list[Any]] = [
            [t._("Name"), t._("Role"), t._("Details"), t._("Consent to share")]
        ]
        for person in self.c.people:
            details = []
            if person.get("actor_type"):
                details.append(self.label("actor-type", person["actor_type"]))
            if person.get("sex"):
                details.append(self.label("sex", person["sex"]))
            if person.get("age_range"):
                details.append(t._("age {range}").format(range=person["age_range"]))
            if person.get("nationality"):
                details.append(person["nationality"])
            if person.get("contact"):
                details.append(person["contact"])
            consent = person.get("consent_to_share")
            rows.append(
                [
                    person.get("name") or person.get("alias") or "",
                    self.label("role", person.get("role")),
                    " · ".join(details),
                    "" if consent is None else (t._("yes") if consent else t._("no")),
                ]
            )
        return [
            self.heading(t._("People and their roles")),
            self.table(rows, [WIDTH * 0.3, WIDTH * 0.18, WIDTH * 0.37, WIDTH * 0.15]),
        ]

    def incidents(self) -> list:
        t = self.t
        story = [self.heading(t._("Incidents and violations"))]
        for incident in self.c.incidents:
            violations = ", ".join(
                self.label("violation", v) for v in incident.get("violations", [])
            )
            story.append(
                KeepTogether(
                    [
                        self.pairs(
                            [
                                (t._("Date"), self.date(incident.get("date"))),
                                (t._("Place"), incident.get("place")),
                                (t._("Violations"), violations),
                                (t._("Victims"), ", ".join(incident.get("victims", []))),
                                (
                                    t._("Alleged perpetrators"),
                                    ", ".join(incident.get("perpetrators", [])),
                                ),
                                (t._("What happened"), incident.get("description")),
                            ]
                        ),
                        Spacer(1, 3 * mm),
                    ]
                )
            )
        return story

    def services(self) -> list:
        t = self.t
        title = (
            t._("Actions taken with domestic authorities")
            if self.c.profile == "un-submission"
            else t._("Services and referrals")
        )
        if not self.c.services:
            # A UN communication asks about domestic remedies: say there is none on record.
            if self.c.profile == "un-submission":
                return [self.heading(title), self.p(t._("None recorded."))]
            return []
        rows: list[list[Any]] = [
            [
                t._("Service"),
                t._("For"),
                t._("Provider"),
                t._("Status"),
                t._("Dates"),
                t._("Outcome"),
            ]
        ]
        for service in sorted(self.c.services, key=lambda s: s.get("requested_on") or ""):
            dates = " – ".join(
                self.date(service.get(k))
                for k in ("requested_on", "started_on", "completed_on")
                if service.get(k)
            )
            rows.append(
                [
                    self.label("service-type", service["type"]),
                    service.get("person") or "",
                    service.get("provider") or t._("Our organization"),
                    self.label("service-status", service["status"]),
                    dates,
                    service.get("outcome") or "",
                ]
            )
        shares = [0.16, 0.16, 0.17, 0.13, 0.2, 0.18]
        return [self.heading(title), self.table(rows, [WIDTH * s for s in shares])]

    def followups(self) -> list:
        t = self.t
        if not self.c.followups:
            return []
        rows: list[list[Any]] = [[t._("Due"), t._("What"), t._("Assigned to"), t._("Done")]]
        for followup in self.c.followups:
            rows.append(
                [
                    self.date(followup.get("due_on")),
                    followup.get("text") or "",
                    followup.get("assignee") or "",
                    self.date(followup.get("done_on")),
                ]
            )
        return [
            self.heading(t._("Follow-ups")),
            self.table(rows, [WIDTH * 0.18, WIDTH * 0.5, WIDTH * 0.17, WIDTH * 0.15]),
        ]

    def notes(self) -> list:
        t = self.t
        if not self.c.notes:
            return []
        story = [self.heading(t._("Notes"))]
        for note in self.c.notes:
            heading = t._("{date} — {author}").format(
                date=self.date(note.get("date")), author=note.get("author", "")
            )
            if note.get("confidential"):
                heading += " · " + t._("confidential")
            story += [self.p(heading, bold=True), self.p(note.get("text")), Spacer(1, 2 * mm)]
        return story

    def evidence(self) -> list:
        t = self.t
        if not self.c.evidence:
            return []
        story = [self.heading(t._("Evidence"))]
        for item in self.c.evidence:
            custody = "; ".join(
                t._("{action} {when} by {who}").format(
                    action=self._custody_action(entry.get("action", "")),
                    when=self.date((entry.get("at") or "")[:10]),
                    who=entry.get("by_user", ""),
                )
                for entry in item.get("custody", [])
            )
            story += [
                self.pairs(
                    [
                        (t._("File"), item.get("filename")),
                        (t._("Description"), item.get("description")),
                        (t._("Source"), item.get("source")),
                        (t._("Obtained on"), self.date(item.get("obtained_on"))),
                        (t._("SHA-256 at intake"), ltr(item.get("sha256") or "")),
                        (t._("Chain of custody"), custody),
                    ]
                ),
                Spacer(1, 3 * mm),
            ]
        return story

    def _custody_action(self, action: str) -> str:
        t = self.t
        return {
            "intake": t._("received"),
            "exported": t._("exported"),
            "verified": t._("verified"),
            "deleted": t._("deleted"),
        }.get(action, action)

    def history(self) -> list:
        t = self.t
        if not self.c.history:
            return []
        rows: list[list[Any]] = [
            [t._("Who"), t._("Record"), t._("Field"), t._("Before"), t._("After")]
        ]
        for entry in self.c.history:
            if not labels.shown(entry):
                continue  # links between records and evidence keys mean nothing on paper
            entity, name = entry.get("entity", ""), entry.get("field", "")
            before = labels.value_text(entity, name, entry.get("old"), t, self.locale)
            after = labels.value_text(entity, name, entry.get("new"), t, self.locale)
            rows.append(
                [
                    entry.get("user") or "",
                    labels.record_label(entity, t),
                    labels.field_label(name, t),
                    _short(before),
                    _short(after),
                ]
            )
        shares = [0.14, 0.14, 0.16, 0.28, 0.28]
        return [self.heading(t._("History")), self.table(rows, [WIDTH * s for s in shares])]

    def redaction_log(self) -> list:
        t = self.t
        story = [self.heading(t._("Redaction log"))]
        if not self.c.log:
            story.append(self.p(t._("Nothing was withheld or replaced in this dossier.")))
            return story
        actions = {
            "withheld": t._("withheld"),
            "pseudonymized": t._("shown under a pseudonym"),
            "replaced": t._("replaced"),
            "generalized": t._("generalized"),
        }
        rows: list[list[Any]] = [
            [
                t.pgettext("redaction log", "What"),
                t.pgettext("redaction log", "Action"),
                t.pgettext("redaction log", "Why"),
            ]
        ]
        for entry in self.c.log:
            subject = entry.subject
            if "count" in entry.detail:
                count = entry.detail["count"]
                subject = t.ngettext("{count} item", "{count} items", count).format(
                    count=format_number(count, self.locale)
                )
            rows.append([subject, actions.get(entry.action, entry.action), t._(entry.reason)])
        return [*story, self.table(rows, [WIDTH * 0.3, WIDTH * 0.2, WIDTH * 0.5])]

    def story(self) -> list:
        story = self.cover() + self.contents() + self.summary()
        for section in (
            self.people,
            self.incidents,
            self.services,
            self.followups,
            self.notes,
            self.evidence,
            self.history,
            self.redaction_log,
        ):
            story += section()
        return story

    def footer(self, canvas, number: int, total: int) -> None:
        t = self.t
        canvas.saveState()
        canvas.setFont(BODY_FONT, 7)
        page = t._("Page {number} of {total}").format(
            number=format_number(number, self.locale), total=format_number(total, self.locale)
        )
        mark = t._("{ref} · fingerprint {digest}").format(
            ref=ltr(self.c.case["ref"]), digest=ltr(self.digest[:16])
        )
        left, right = (page, mark) if self.rtl else (mark, page)
        width = (A4[0] - 2 * MARGIN) / 2
        for value, x, align in ((left, MARGIN, 0), (right, MARGIN + width, TA_RIGHT)):
            style = ParagraphStyle("footer", parent=self.small, fontSize=7, alignment=align)
            line = text.paragraph(value, style)
            line.wrap(width, 20 * mm)
            line.drawOn(canvas, x, 8 * mm)
        canvas.restoreState()


def ltr(value: str) -> str:
    """An identifier (case reference, hash) isolated as left-to-right: inside Arabic
    text the bidi algorithm would otherwise show 2026-CK4Z-0101 as CK4Z-0101-2026."""
    return f"\u2066{value}\u2069"


def _short(value: Any) -> str:
    if value is None:
        return ""
    rendered = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return rendered if len(rendered) <= 200 else rendered[:199] + "…"


class _Document(BaseDocTemplate):
    def afterFlowable(self, flowable) -> None:
        title = getattr(flowable, "_toc_text", None)
        if title is not None:
            self.notify("TOCEntry", (0, text.paragraph_markup(title), self.page))


def render(content: Content, meta: Meta) -> bytes:
    """The dossier as PDF bytes (not yet password-protected)."""
    text.register_fonts()
    digest = fingerprint(content)
    writer = _Writer(content, meta, digest)
    out = io.BytesIO()
    doc = _Document(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        # No case data in the PDF's metadata: it is shown by file managers and indexers.
        title=writer.t._("Case dossier {ref}").format(ref=content.case["ref"]),
        author="hrdesk",
        subject="",
        creator="hrdesk",
    )
    frame = Frame(MARGIN, MARGIN + 4 * mm, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN - 4 * mm)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.multiBuild(writer.story(), canvasmaker=numbered_canvas(writer.footer))
    return out.getvalue()
