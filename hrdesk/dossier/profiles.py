"""What a dossier shows, replaces or withholds, for whom — and the log saying so.

A profile turns a case (the JSON of ``get_case``) into the content of one
dossier. It decides per person whether they appear by name or by pseudonym,
which fields go, which free texts are rewritten, and records every decision in
the redaction log printed at the end of the dossier.

- ``internal``: everything, history and confidential notes included.
- ``legal``: full identities and the evidence list; no confidential notes.
- ``advocacy``: everyone pseudonymized ("Victim A"), no contact details, ages
  as ranges, places at region level, no notes, evidence only counted.
- ``un-submission``: what a UN special-procedures communication asks for:
  victims, date and place, alleged perpetrators, actions taken with domestic
  authorities, consent to share.

Consent is enforced in every external profile: a person without consent to
share dossiers in force on the day of export appears under a pseudonym, and the
log says so. Names of pseudonymized people are also replaced wherever they
occur in narrative text (summary, descriptions, notes, outcomes).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from hrdesk.core.workflow import ConsentRecord, consent_in_force
from hrdesk.i18n import N_

PROFILES = ("internal", "legal", "advocacy", "un-submission")
EXTERNAL = frozenset(PROFILES) - {"internal"}
SHARE_SCOPE = "share-dossiers"
# Services that count as "actions taken with domestic authorities" for the UN.
DOMESTIC_ACTION_SERVICES = frozenset({"legal-aid", "documentation", "advocacy"})

PROFILE_NAMES = {
    "internal": N_("Internal"),
    "legal": N_("Legal"),
    "advocacy": N_("Advocacy"),
    "un-submission": N_("UN submission"),
}


@dataclass(frozen=True)
class Redaction:
    """One line of the redaction log: what, what was done, why (English msgids,
    translated when the dossier is written; ``subject`` is already final text)."""

    subject: str
    action: str  # "withheld" | "pseudonymized" | "replaced" | "generalized"
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Content:
    profile: str
    case: dict[str, Any]
    people: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    services: list[dict[str, Any]]
    followups: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    evidence_count: int
    history: list[dict[str, Any]]
    log: list[Redaction]
    unconsented: list[str]  # display names of people shown by pseudonym for lack of consent


def _consents(person: dict[str, Any]) -> list[ConsentRecord]:
    return [
        ConsentRecord(
            scope=c["scope"],
            granted=bool(c.get("granted")),
            date=c.get("date") or "",
            withdrawn_on=c.get("withdrawn_on"),
        )
        for c in person.get("consents", [])
    ]


def may_share(person: dict[str, Any], on: dt.date) -> bool:
    return consent_in_force(_consents(person), SHARE_SCOPE, on.isoformat())


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def age_range(person: dict[str, Any], on: dt.date) -> str | None:
    """A ten-year band (30-39) from whatever is known: birth date, year, or a range."""
    year = None
    if person.get("birth_date"):
        year = int(person["birth_date"][:4])
    elif person.get("birth_year"):
        year = int(person["birth_year"])
    if year is not None:
        age = max(on.year - year, 0)
        low = age // 10 * 10
        return f"{low}-{low + 9}"
    return person.get("age_range")


class _Names:
    """Pseudonyms, consistent across the dossier, and the text rewriting they need."""

    def __init__(self) -> None:
        self.by_original: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def assign(self, person: dict[str, Any], role_label: str) -> str:
        keys = [k for k in (person.get("name"), person.get("alias")) if k]
        existing = next((self.by_original[k] for k in keys if k in self.by_original), None)
        if existing:
            return existing
        count = self._counters.get(role_label, 0)
        self._counters[role_label] = count + 1
        pseudonym = f"{role_label} {_letter(count)}"
        for key in keys:
            self.by_original[key] = pseudonym
        return pseudonym

    def rewrite(self, text: str | None) -> tuple[str | None, bool]:
        """Replace every known name (ignoring case and accents) by its pseudonym."""
        if not text or not self.by_original:
            return text, False
        changed = False
        for original in sorted(self.by_original, key=len, reverse=True):
            pattern = _name_pattern(original)
            text, count = pattern.subn(self.by_original[original], text)
            changed = changed or count > 0
        return text, changed


def _name_pattern(name: str) -> re.Pattern[str]:
    # Whole words only, so "Ali" does not rewrite "Alicante"; case-insensitive.
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def build_content(
    case: dict[str, Any],
    profile: str,
    role_label: Any,
    on: dt.date,
    history: list[dict[str, Any]] | None = None,
) -> Content:
    """``role_label(role_slug) -> str`` names the role in the dossier's language
    ("Victim"), used to build pseudonyms ("Victim A")."""
    if profile not in PROFILES:
        raise ValueError(profile)
    external = profile in EXTERNAL
    log: list[Redaction] = []
    names = _Names()
    people: list[dict[str, Any]] = []
    unconsented: list[str] = []
    for person in case.get("people", []):
        is_actor = "actor_type" in person
        shown = {k: v for k, v in person.items() if k != "consents"}
        shown["consent_to_share"] = None if is_actor else may_share(person, on)
        original = person.get("name") or person.get("alias") or ""
        pseudonymize = False
        reason = ""
        if external and not is_actor:
            if profile == "advocacy":
                pseudonymize, reason = True, N_("advocacy dossiers never name people")
            elif not shown["consent_to_share"]:
                pseudonymize = True
                reason = N_("no consent to share dossiers in force on the day of export")
        if pseudonymize:
            pseudonym = names.assign(person, role_label(person["role"]))
            if reason.startswith("no consent"):
                unconsented.append(pseudonym)
            shown = {
                "id": person["id"],
                "role": person["role"],
                "name": pseudonym,
                "pseudonym": True,
                "consent_to_share": shown["consent_to_share"],
            }
            if profile in ("advocacy", "un-submission"):
                band = age_range(person, on)
                if band:
                    shown["age_range"] = band
                if person.get("sex"):
                    shown["sex"] = person["sex"]
            log.append(Redaction(pseudonym, "pseudonymized", reason))
        elif not is_actor and profile == "un-submission":
            kept = ("id", "role", "name", "alias", "sex", "nationality", "consent_to_share")
            dropped = [k for k in shown if k not in kept]
            shown = {k: shown[k] for k in kept if k in shown}
            band = age_range(person, on)
            if band:
                shown["age_range"] = band
            if "contact" in dropped:
                log.append(
                    Redaction(
                        original,
                        "withheld",
                        N_("contact details are not part of a UN submission"),
                    )
                )
        people.append(shown)

    incidents = []
    for incident in case.get("incidents", []):
        shown = dict(incident)
        for key in ("victims", "perpetrators"):
            shown[key] = [names.by_original.get(n, n) for n in incident.get(key, [])]
        if profile == "advocacy" and shown.get("place"):
            shown["place"] = _region(case)
            log.append(
                Redaction(
                    shown.get("date") or "", "generalized", N_("places are shown at region level")
                )
            )
        incidents.append(shown)

    services = []
    for service in case.get("services", []):
        if profile == "un-submission" and service["type"] not in DOMESTIC_ACTION_SERVICES:
            continue
        shown = dict(service)
        shown["person"] = names.by_original.get(service.get("person"), service.get("person"))
        if profile == "advocacy":
            shown.pop("consent_override", None)
        services.append(shown)

    followups = list(case.get("followups", [])) if profile == "internal" else []
    if profile != "internal" and case.get("followups"):
        log.append(
            Redaction(
                "",
                "withheld",
                N_("follow-ups are internal planning"),
                {"count": len(case["followups"])},
            )
        )

    notes = []
    for note in case.get("notes", []):
        if profile == "internal" or (profile == "legal" and not note.get("confidential")):
            notes.append(dict(note))
    withheld_notes = len(case.get("notes", [])) - len(notes)
    if withheld_notes:
        reason = (
            N_("confidential notes are for internal dossiers only")
            if profile == "legal"
            else N_("notes are not part of this profile")
        )
        log.append(Redaction("", "withheld", reason, {"count": withheld_notes}))

    attachments = case.get("attachments", [])
    evidence = list(attachments) if profile in ("internal", "legal") else []
    if attachments and not evidence:
        log.append(
            Redaction(
                "",
                "withheld",
                N_("the evidence list (file names, sources) is for legal and internal dossiers"),
                {"count": len(attachments)},
            )
        )

    summary_case = {
        k: case.get(k)
        for k in ("ref", "title", "status", "priority", "sensitivity", "opened_on", "closed_on")
    }
    summary_case["summary"] = case.get("summary")
    location = dict(case.get("location", {}))
    if profile == "advocacy" and location.get("locality"):
        location.pop("locality")
        log.append(Redaction("", "generalized", N_("places are shown at region level")))
    summary_case["location"] = location

    if profile == "advocacy":
        # Places at region level in narrative text too: "…arrested in Omdurman" would
        # undo the generalization of the place fields.
        region = _region(case)
        for place in [case.get("location", {}).get("locality")] + [
            i.get("place") for i in case.get("incidents", [])
        ]:
            if place and region and place not in names.by_original:
                names.by_original[place] = region

    # Narrative text: names of pseudonymized people replaced wherever they occur.
    rewritten = False
    summary_case["title"], changed = names.rewrite(summary_case["title"])
    rewritten |= changed
    summary_case["summary"], changed = names.rewrite(summary_case["summary"])
    rewritten |= changed
    for incident in incidents:
        incident["description"], changed = names.rewrite(incident.get("description"))
        rewritten |= changed
    for note in notes:
        note["text"], changed = names.rewrite(note.get("text"))
        rewritten |= changed
    for service in services:
        service["outcome"], changed = names.rewrite(service.get("outcome"))
        rewritten |= changed
    if rewritten:
        log.append(
            Redaction(
                "", "replaced", N_("names of pseudonymized people replaced in narrative text")
            )
        )

    kept_history = list(history or []) if profile == "internal" else []
    return Content(
        profile=profile,
        case=summary_case,
        people=people,
        incidents=incidents,
        services=services,
        followups=followups,
        notes=notes,
        evidence=evidence,
        evidence_count=len(attachments),
        history=kept_history,
        log=_unique(log),
        unconsented=unconsented,
    )


def _region(case: dict[str, Any]) -> str:
    location = case.get("location", {})
    return ", ".join(p for p in (location.get("region"), location.get("country")) if p)


def _unique(log: list[Redaction]) -> list[Redaction]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for entry in log:
        key = (entry.subject, entry.action, entry.reason)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out
