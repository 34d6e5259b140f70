"""Words for the History tab: what was changed, in the user's language.

The op-log names records and fields as the store does (``case.status``); people
read "Case · Status: Open → Active". Internal fields (links between records, an
evidence file's key) are left out: they mean nothing to a reader, and a key has
no business on a screen.
"""

from __future__ import annotations

import json
from typing import Any

from hrdesk.core import vocab
from hrdesk.i18n import N_, Translator, _
from hrdesk.i18n.formatting import format_date

HIDDEN = frozenset(
    {
        "case_id",
        "person_id",
        "actor_id",
        "involvement_id",
        "provider_id",
        "service_id",
        "assignee_id",
        "attachment_id",
        "blob_id",
        "blob_key",
    }
)

RECORDS = {
    "case": N_("Case"),
    "person": N_("Person"),
    "actor": N_("Group or institution"),
    "involvement": N_("Involvement"),
    "incident": N_("Incident"),
    "note": N_("Note"),
    "consent": N_("Consent"),
    "service": N_("Service"),
    "followup": N_("Follow-up"),
    "attachment": N_("Evidence"),
    "custody": N_("Custody"),
    "provider": N_("Provider"),
    "user": N_("User"),
}

FIELDS = {
    "ref": N_("Reference"),
    "title": N_("Title"),
    "summary": N_("Summary"),
    "status": N_("Status"),
    "priority": N_("Priority"),
    "sensitivity": N_("Sensitivity"),
    "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"),
    "country": N_("Country"),
    "region": N_("Region"),
    "locality": N_("Locality"),
    "tags": N_("Tags"),
    "assigned": N_("Assigned to"),
    "deleted": N_("Removed"),
    "name": N_("Name"),
    "alias": N_("Alias"),
    "role": N_("Role"),
    "sex": N_("Sex"),
    "gender": N_("Gender"),
    "birth_date": N_("Birth date"),
    "birth_year": N_("Birth year"),
    "age_range": N_("Age range"),
    "nationality": N_("Nationality"),
    "languages": N_("Languages"),
    "contact": N_("Contact"),
    "vulnerabilities": N_("Vulnerabilities"),
    "actor_type": N_("Kind of actor"),
    "date": N_("Date"),
    "date_precision": N_("Date precision"),
    "place": N_("Place"),
    "description": N_("Description"),
    "violations": N_("Violations"),
    "victims": N_("Victims"),
    "perpetrators": N_("Alleged perpetrators"),
    "text": N_("Text"),
    "confidential": N_("Confidential"),
    "scope": N_("Scope"),
    "granted": N_("Granted"),
    "withdrawn_on": N_("Withdrawn on"),
    "note": N_("Note"),
    "type": N_("Service"),
    "requested_on": N_("Requested on"),
    "started_on": N_("Started on"),
    "completed_on": N_("Completed on"),
    "outcome": N_("Outcome"),
    "consent_override": N_("Referred without consent because"),
    "due_on": N_("Due on"),
    "done_on": N_("Done on"),
    "filename": N_("File"),
    "size": N_("Size"),
    "sha256": N_("SHA-256"),
    "source": N_("Source"),
    "obtained_on": N_("Obtained on"),
    "action": N_("Action"),
    "result": N_("Result"),
}

# Fields whose values are slugs of a vocabulary, shown by their translated label.
VOCABULARY_OF = {
    ("case", "status"): "case-status",
    ("service", "status"): "service-status",
    ("case", "priority"): "priority",
    ("case", "sensitivity"): "sensitivity",
    ("involvement", "role"): "role",
    ("person", "sex"): "sex",
    ("actor", "actor_type"): "actor-type",
    ("person", "vulnerabilities"): "vulnerability",
    ("incident", "violations"): "violation",
    ("incident", "date_precision"): "date-precision",
    ("service", "type"): "service-type",
    ("consent", "scope"): "consent-scope",
}


def shown(entry: dict[str, Any]) -> bool:
    return entry["field"] not in HIDDEN


def record_label(entity: str, t: Translator | None = None) -> str:
    gettext = t._ if t else _
    return gettext(RECORDS[entity]) if entity in RECORDS else entity


def field_label(field: str, t: Translator | None = None) -> str:
    gettext = t._ if t else _
    return gettext(FIELDS[field]) if field in FIELDS else field


def value_text(
    entity: str, field: str, value: Any, t: Translator | None = None, locale: Any = None
) -> str:
    gettext = t._ if t else _
    if value is None:
        return ""
    vocabulary = VOCABULARY_OF.get((entity, field))

    def term(slug: str) -> str:
        if t is None:
            return vocab.label(vocabulary, slug)
        source = next((x.label_source for x in vocab.terms(vocabulary) if x.slug == slug), slug)
        return t.pgettext(vocabulary, source)

    if vocabulary and isinstance(value, str):
        return term(value)
    if vocabulary and isinstance(value, list):
        return ", ".join(term(item) for item in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return format_date(value, locale) if field.endswith(("_on", "date")) else value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False)
